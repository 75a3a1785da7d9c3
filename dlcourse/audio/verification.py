r"""Speaker verification: false-accept and false-reject rates of a score threshold, and the equal error rate.

A verifier scores a pair of utterances (a cosine similarity of two embeddings, say) and accepts the pair as the same
speaker when the score $s \ge \theta$. Over *target* pairs (same speaker, label 1) and *impostor* pairs (different
speakers, label 0):

$$\mathrm{FAR}(\theta) = \frac{\#\{\text{impostor pairs with } s \ge \theta\}}{\#\text{impostor pairs}}, \qquad
\mathrm{FRR}(\theta) = \frac{\#\{\text{target pairs with } s < \theta\}}{\#\text{target pairs}} .$$

Raising $\theta$ trades false accepts for false rejects. The **equal error rate** (EER) is the rate where the two
are equal. On a finite set of scores both are step functions and may never be exactly equal, so, as is usual, the
EER is read where the *linearly interpolated* curve crosses the diagonal: take the thresholds that matter,
$+\infty$ (accept nothing: FAR = 0, FRR = 1) and then every distinct score in decreasing order (the last accepts
everything: FAR = 1, FRR = 0); the difference $d = \mathrm{FRR} - \mathrm{FAR}$ goes from $1$ to $-1$. At the first
threshold $i$ with $d_i \le 0$, the segment from point $i-1$ to point $i$ crosses $d = 0$ at the fraction
$a = d_{i-1} / (d_{i-1} - d_i)$ of its length, and

$$\mathrm{EER} = \mathrm{FAR}_{i-1} + a\, (\mathrm{FAR}_i - \mathrm{FAR}_{i-1}) .$$

In ROC terms FAR is the false positive rate and FRR = 1 - the true positive rate: this is the root of
$1 - x = \mathrm{TPR}(x)$ on the interpolated ROC curve of ``sklearn.metrics.roc_curve``, the test's reference. A
verifier that gives every pair the same score has an EER of 0.5; one that ranks every target above every impostor, 0.

Shapes:
    scores (N,) float, labels (N,) of 0/1 (or bool) -> thresholds, FAR, FRR each (N_thresholds,); EER a float.
"""

from __future__ import annotations

import torch
from torch import Tensor


def _check(scores: Tensor, labels: Tensor) -> tuple[Tensor, Tensor]:
    if scores.dim() != 1 or labels.shape != scores.shape:
        raise ValueError(f"expected scores and labels of the same shape (N,), got {tuple(scores.shape)} and "
                         f"{tuple(labels.shape)}")
    target = labels.to(torch.bool)
    if not (labels == target.to(labels.dtype)).all():
        raise ValueError("labels must be 0 (different speakers) or 1 (same speaker)")
    if target.all() or not target.any():
        raise ValueError("need at least one target pair (label 1) and one impostor pair (label 0)")
    return scores.to(torch.float64), target


def far_frr(scores: Tensor, labels: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(thresholds, FAR, FRR): +inf, then every distinct score in decreasing order; the two rates at each."""
    s, target = _check(scores, labels)
    thresholds = torch.cat([s.new_tensor([float("inf")]), torch.unique(s).flip(0)])  # (N_thresholds,)
    impostor = torch.sort(s[~target]).values
    genuine = torch.sort(s[target]).values
    # searchsorted(v, theta, side="left") counts the entries of the sorted v below theta
    below_impostor = torch.searchsorted(impostor, thresholds, side="left").to(torch.float64)
    below_genuine = torch.searchsorted(genuine, thresholds, side="left").to(torch.float64)
    far = 1.0 - below_impostor / len(impostor)   # the share of impostor pairs with s >= theta
    frr = below_genuine / len(genuine)           # the share of target pairs with s < theta
    return thresholds, far, frr


def equal_error_rate(scores: Tensor, labels: Tensor) -> float:
    """The EER in [0, 1]: where the interpolated FAR and FRR curves cross (module docstring)."""
    _, far, frr = far_frr(scores, labels)
    d = frr - far                                    # 1 at +inf, -1 at the lowest score
    i = int(torch.nonzero(d <= 0)[0])                # the first threshold past the crossing (i >= 1)
    a = d[i - 1] / (d[i - 1] - d[i])                 # where on the segment d reaches 0
    return (far[i - 1] + a * (far[i] - far[i - 1])).item()
