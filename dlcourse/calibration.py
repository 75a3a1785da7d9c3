r"""Calibration of a binary classifier: reliability curve, expected calibration error, temperature scaling.

A classifier is **calibrated** when, among the cases it gives probability :math:`p`, a fraction :math:`p` is
positive. The reliability curve groups the predicted probabilities :math:`\hat p_n` into :math:`M` equal-width bins
:math:`I_m = ((m-1)/M, m/M]` (:math:`\hat p = 0` joins the first) and compares, per non-empty bin :math:`B_m`, the
fraction of positives with the mean prediction. The expected calibration error is their weighted gap
(Naeini et al. 2015; Guo et al. 2017, "On calibration of modern neural networks"):

.. math:: \mathrm{ECE} = \sum_m \frac{|B_m|}{N}\,\Big|\frac{1}{|B_m|}\sum_{n \in B_m} y_n
          - \frac{1}{|B_m|}\sum_{n \in B_m} \hat p_n\Big| .

Binning conventions: the bins are closed on the right, as in Guo et al. and ``sklearn.calibration.calibration_curve``
(``strategy="uniform"``), whose values ``calibration_curve`` returns. ``torchmetrics``' ``BinaryCalibrationError``
(1.9.0) computes the same sum over the probability of the positive class, but with bins closed on the left,
:math:`[(m-1)/M, m/M)`, and :math:`\hat p = 1` in a bin of its own: the two agree unless a probability lies exactly
on a bin edge. Guo et al.'s multi-class ECE bins the top-class confidence instead; for two classes this module
bins the probability of class 1, as the reliability diagrams of scikit-learn do.

Temperature scaling (Guo et al. 2017) divides every logit by one scalar :math:`T > 0` fitted on validation data by
minimising the binary cross-entropy; it changes no ranking, so no ROC curve and no accuracy at threshold 0.5.

Shapes: ``y_true`` (N,) of 0/1, ``probs`` and ``logits`` (N,).
"""

from __future__ import annotations

import torch
from torch import Tensor


def _inputs(y_true, probs) -> tuple[Tensor, Tensor]:
    y = torch.as_tensor(y_true)
    p = probs if isinstance(probs, Tensor) else torch.as_tensor(probs, dtype=torch.float64)
    if not p.is_floating_point():
        p = p.double()
    if y.dim() != 1 or p.shape != y.shape:
        raise ValueError(f"expected y_true and probs of one shape (N,), got {tuple(y.shape)} and {tuple(p.shape)}")
    if y.numel() == 0:
        raise ValueError("calibration of an empty set is undefined")
    if not bool(((y == 0) | (y == 1)).all()):
        raise ValueError("y_true must hold binary labels 0 and 1")
    if torch.isnan(p).any() or bool((p < 0).any()) or bool((p > 1).any()):
        raise ValueError("probs must be probabilities in [0, 1]; apply torch.sigmoid to logits first")
    return y.to(device=p.device, dtype=p.dtype), p


def _bins(p: Tensor, n_bins: int) -> Tensor:
    """Bin of each probability, 0..M-1, for the right-closed bins ((m-1)/M, m/M] (0 in the first)."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}")
    inner = torch.linspace(0, 1, n_bins + 1, dtype=torch.float64, device=p.device)[1:-1]  # (M-1,) edges
    return torch.searchsorted(inner, p.detach().double())   # side="left": a value on an edge joins the bin below


def calibration_curve(y_true, probs, n_bins: int = 10) -> tuple[Tensor, Tensor, Tensor]:
    """Per non-empty bin: the fraction of positives, the mean predicted probability and the number of cases.

    The first two equal ``sklearn.calibration.calibration_curve(y_true, probs, n_bins=n_bins)``.

    >>> calibration_curve([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.7], n_bins=2)
    (tensor([0.0000, 0.6667], dtype=torch.float64), tensor([0.1000, 0.8000], dtype=torch.float64), tensor([1, 3]))
    """
    y, p = _inputs(y_true, probs)
    b = _bins(p, n_bins)                                               # (N,)
    counts = torch.bincount(b, minlength=n_bins)                      # (M,)
    positives = torch.zeros(n_bins, dtype=p.dtype, device=p.device).index_add(0, b, y)
    predicted = torch.zeros(n_bins, dtype=p.dtype, device=p.device).index_add(0, b, p)
    full = counts > 0
    n = counts[full].to(p.dtype)
    return positives[full] / n, predicted[full] / n, counts[full]


def expected_calibration_error(y_true, probs, n_bins: int = 10) -> Tensor:
    """ECE: the gap between the fraction of positives and the mean prediction per bin, weighted by the bin's share.

    A 0-dim tensor, differentiable in ``probs`` (the bins are fixed by their values).

    >>> expected_calibration_error([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.7], n_bins=2)
    tensor(0.1250, dtype=torch.float64)
    """
    y, p = _inputs(y_true, probs)
    fraction, mean_p, counts = calibration_curve(y, p, n_bins)
    return (counts.to(p.dtype) / len(p) * (fraction - mean_p).abs()).sum()


def fit_temperature(logits, y_true, steps: int = 100) -> float:
    """The temperature :math:`T` minimising the mean binary cross-entropy of ``sigmoid(logits / T)`` (Guo et al.
    2017), found by L-BFGS on :math:`\\log T` (so that :math:`T > 0`) in float64.

    A model that is too confident gets :math:`T > 1` (its logits shrink towards 0), a timid one :math:`T < 1`.
    """
    z = torch.as_tensor(logits).detach().double().cpu()
    y, _ = _inputs(y_true, torch.sigmoid(z))
    y = y.cpu()
    if z.dim() != 1:
        raise ValueError(f"expected logits of shape (N,), got {tuple(z.shape)}")
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=1.0, max_iter=steps, tolerance_grad=1e-10, tolerance_change=1e-14,
                                  line_search_fn="strong_wolfe")

    def closure() -> Tensor:
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z / log_t.exp(), y)
        loss.backward()
        return loss

    optimizer.step(closure)
    return log_t.exp().item()
