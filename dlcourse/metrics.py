"""Evaluation metrics (scikit-learn's argument order: ``y_true`` first)."""

from __future__ import annotations

import torch
from torch import Tensor


def accuracy(y_true: Tensor, y_pred: Tensor) -> float:
    """Fraction of correct predictions.

    ``y_pred`` holds labels of ``y_true``'s shape, or scores/logits with one more dimension
    (classes on dim 1), in which case the arg-max is the prediction.

    >>> accuracy(torch.tensor([0, 1, 1]), torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 1.0]]))
    0.6666666666666666
    """
    y_true, y_pred = torch.as_tensor(y_true), torch.as_tensor(y_pred)
    if y_pred.dim() == y_true.dim() + 1:
        y_pred = y_pred.argmax(dim=1)
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_pred must have y_true's shape {tuple(y_true.shape)} (or one more class dimension), "
                         f"got {tuple(y_pred.shape)}")
    if y_true.numel() == 0:
        raise ValueError("accuracy of an empty set is undefined")
    return (y_pred == y_true).double().mean().item()
