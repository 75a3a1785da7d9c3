r"""Overlap of segmentation masks: the Dice score and the intersection over union.

A segmentation assigns each pixel to a class; for one class it is a boolean mask. Two masks :math:`A` (predicted)
and :math:`B` (true) are compared by

.. math::

    \mathrm{Dice}(A, B) = \frac{2\,|A \cap B|}{|A| + |B|}, \qquad
    \mathrm{IoU}(A, B) = \frac{|A \cap B|}{|A \cup B|}, \qquad
    \mathrm{Dice} = \frac{2\,\mathrm{IoU}}{1 + \mathrm{IoU}},

both 1 for a perfect mask and 0 for disjoint ones. Dice (the F1 score of the pixels) is the usual figure in medical
image segmentation; IoU (the Jaccard index) in scene segmentation. Both ignore the true negatives, so a small object
on a large background is not scored as good merely because the background is right. When both masks are empty the
prediction is perfect and both scores are defined as 1.

Shapes:
    pred_mask and true_mask: any shape, the same for both (e.g. (H, W) or (B, H, W)), bool; scores: 0-dim float.
"""

from __future__ import annotations

import torch
from torch import Tensor


def _check_masks(pred_mask: Tensor, true_mask: Tensor) -> None:
    if pred_mask.dtype != torch.bool or true_mask.dtype != torch.bool:
        raise TypeError(f"masks must be bool tensors (compare class maps with == first), got {pred_mask.dtype} "
                        f"and {true_mask.dtype}")
    if pred_mask.shape != true_mask.shape:
        raise ValueError(f"masks must have the same shape, got {tuple(pred_mask.shape)} and "
                         f"{tuple(true_mask.shape)}")


def dice_score(pred_mask: Tensor, true_mask: Tensor) -> Tensor:
    r"""Dice score :math:`2|A \cap B| / (|A| + |B|)` of two bool masks (1 when both are empty)."""
    _check_masks(pred_mask, true_mask)
    intersection = (pred_mask & true_mask).sum()
    total = pred_mask.sum() + true_mask.sum()
    return torch.where(total > 0, 2 * intersection / total.clamp(min=1), 1.0).to(torch.get_default_dtype())


def mask_iou(pred_mask: Tensor, true_mask: Tensor) -> Tensor:
    r"""Intersection over union :math:`|A \cap B| / |A \cup B|` of two bool masks (1 when both are empty)."""
    _check_masks(pred_mask, true_mask)
    intersection = (pred_mask & true_mask).sum()
    union = (pred_mask | true_mask).sum()
    return torch.where(union > 0, intersection / union.clamp(min=1), 1.0).to(torch.get_default_dtype())
