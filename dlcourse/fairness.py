r"""Group fairness of a binary classifier: demographic parity and equalised odds.

A classifier predicts :math:`\hat Y \in \{0, 1\}` for people who belong to groups :math:`A = a` of a sensitive
attribute (sex, ethnicity, age band). Two criteria of group fairness compare the groups' rates:

- **demographic parity** (Calders and Verwer, 2010; Dwork et al., 2012) asks for the same rate of positive
  predictions in every group, :math:`P(\hat Y = 1 \mid A = a)` equal for all :math:`a`. Its difference is

  .. math:: \Delta_{DP} = \max_a P(\hat Y = 1 \mid A = a) - \min_a P(\hat Y = 1 \mid A = a);

- **equalised odds** (Hardt, Price and Srebro, 2016) asks for the same true-positive rate
  :math:`\mathrm{TPR}_a = P(\hat Y = 1 \mid Y = 1, A = a)` and the same false-positive rate
  :math:`\mathrm{FPR}_a = P(\hat Y = 1 \mid Y = 0, A = a)` in every group. Its difference is the larger gap,

  .. math:: \Delta_{EO} = \max\big(\max_a \mathrm{TPR}_a - \min_a \mathrm{TPR}_a,\;
            \max_a \mathrm{FPR}_a - \min_a \mathrm{FPR}_a\big)

  (the definition of fairlearn's ``equalized_odds_difference``).

Both are 0 for a fair classifier by their criterion and at most 1. When the groups' base rates
:math:`P(Y = 1 \mid A = a)` differ, a classifier that is always right (:math:`\hat Y = Y`) has :math:`\Delta_{EO} = 0`
but :math:`\Delta_{DP}` equal to the gap of the base rates: the criteria cannot both be met.

Shapes:
    y_true, y_pred, group (N,): labels 0 or 1, predictions 0 or 1, and any integer group codes.
"""

from __future__ import annotations

import torch
from torch import Tensor


def _vector(x, name: str) -> Tensor:
    t = torch.as_tensor(x)
    if t.dim() != 1 or t.numel() == 0:
        raise ValueError(f"expected {name} of shape (N,) with N >= 1, got {tuple(t.shape)}")
    return t.detach().cpu()


def _binary(x, name: str) -> Tensor:
    t = _vector(x, name)
    if not bool(((t == 0) | (t == 1)).all()):
        raise ValueError(f"{name} must hold only 0 and 1")
    return t.long()


def _same_length(*pairs: tuple[str, Tensor]) -> None:
    if len({len(t) for _, t in pairs}) != 1:
        shapes = ", ".join(f"{name} {tuple(t.shape)}" for name, t in pairs)
        raise ValueError(f"expected inputs of one shape (N,), got {shapes}")


def selection_rates(y_pred, group) -> dict[int, float]:
    """:math:`P(\\hat Y = 1 \\mid A = a)` for each group code a (sorted), as Python floats."""
    y_pred, group = _binary(y_pred, "y_pred"), _vector(group, "group")
    _same_length(("y_pred", y_pred), ("group", group))
    return {int(a): y_pred[group == a].double().mean().item() for a in torch.unique(group)}


def demographic_parity_difference(y_pred, group) -> float:
    r""":math:`\max_a P(\hat Y = 1 \mid A = a) - \min_a P(\hat Y = 1 \mid A = a)`, a Python float in [0, 1].

    >>> demographic_parity_difference([1, 1, 1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1])   # 3/4 against 1/4
    0.5
    """
    rates = list(selection_rates(y_pred, group).values())
    return max(rates) - min(rates)


def group_error_rates(y_true, y_pred, group) -> dict[int, tuple[float, float]]:
    """(TPR, FPR) of each group code a (sorted). Raises ValueError if a group lacks positives or negatives in
    ``y_true`` (its TPR or FPR would be 0 / 0)."""
    y_true, y_pred, group = _binary(y_true, "y_true"), _binary(y_pred, "y_pred"), _vector(group, "group")
    _same_length(("y_true", y_true), ("y_pred", y_pred), ("group", group))
    rates = {}
    for a in torch.unique(group):
        t, p = y_true[group == a], y_pred[group == a]
        positives, negatives = int((t == 1).sum()), int((t == 0).sum())
        if positives == 0 or negatives == 0:
            raise ValueError(f"group {int(a)} has {positives} positives and {negatives} negatives in y_true; "
                             "equalised odds needs both in every group")
        rates[int(a)] = (int((p[t == 1] == 1).sum()) / positives, int((p[t == 0] == 1).sum()) / negatives)
    return rates


def equalized_odds_difference(y_true, y_pred, group) -> float:
    r"""The larger of the groups' TPR gap and FPR gap, a Python float in [0, 1].

    >>> equalized_odds_difference([1, 0, 1, 0], [1, 0, 0, 0], [0, 0, 1, 1])   # TPR 1 and 0, FPR 0 and 0
    1.0
    """
    tpr, fpr = zip(*group_error_rates(y_true, y_pred, group).values())
    return max(max(tpr) - min(tpr), max(fpr) - min(fpr))
