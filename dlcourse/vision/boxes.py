r"""Boxes: intersection over union and non-maximum suppression, the two primitives of every object detector.

A box is stored as :math:`(x_1, y_1, x_2, y_2)` ("xyxy"): its top-left and bottom-right corners in pixels, with
:math:`x_1 \le x_2` and :math:`y_1 \le y_2`. The overlap of two boxes is measured by their **intersection over union**

.. math::

    \mathrm{IoU}(A, B) = \frac{|A \cap B|}{|A \cup B|} = \frac{|A \cap B|}{|A| + |B| - |A \cap B|},

where :math:`A \cap B` is the box :math:`(\max(x_1, x_1'), \max(y_1, y_1'), \min(x_2, x_2'), \min(y_2, y_2'))`
when it is not empty. IoU is 1 for equal boxes, 0 for disjoint ones, and does not change when both boxes are
scaled together, which is why detectors are judged by it rather than by corner distances.

A detector proposes many overlapping boxes for one object. **Non-maximum suppression** (NMS) keeps the
highest-scoring box, drops every remaining box whose IoU with it *exceeds* the threshold, and repeats on what is
left; torchvision's ``nms`` follows the same rule.

Shapes:
    N and M boxes. boxes1 (N, 4), boxes2 (M, 4), IoU matrix (N, M); scores (N,); kept indices (K,) long.
"""

from __future__ import annotations

import torch
from torch import Tensor


def _check_boxes(boxes: Tensor, name: str) -> None:
    if boxes.dim() != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{name} must have shape (N, 4) in (x1, y1, x2, y2) order, got {tuple(boxes.shape)}")
    if not boxes.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {boxes.dtype}")
    if boxes.numel() and ((boxes[:, 2] < boxes[:, 0]) | (boxes[:, 3] < boxes[:, 1])).any():
        raise ValueError(f"{name} has a box with x2 < x1 or y2 < y1: boxes are (x1, y1, x2, y2), not (x, y, w, h)")


def box_area(boxes: Tensor) -> Tensor:
    """Areas (N,) of boxes (N, 4) in xyxy form."""
    _check_boxes(boxes, "boxes")
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    r"""IoU of every box of ``boxes1`` (N, 4) with every box of ``boxes2`` (M, 4): a matrix (N, M).

    Two boxes of zero area that do not overlap have IoU 0 (the union is empty; 0/0 is defined as 0).
    """
    _check_boxes(boxes1, "boxes1")
    _check_boxes(boxes2, "boxes2")
    top_left = torch.maximum(boxes1[:, None, :2], boxes2[None, :, :2])  # (N, M, 2)
    bottom_right = torch.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])  # (N, M, 2)
    sides = (bottom_right - top_left).clamp(min=0)  # (N, M, 2): zero where the boxes do not overlap
    intersection = sides[..., 0] * sides[..., 1]  # (N, M)
    union = box_area(boxes1)[:, None] + box_area(boxes2)[None, :] - intersection  # (N, M)
    return torch.where(union > 0, intersection / union.clamp(min=torch.finfo(union.dtype).tiny), 0.0)


def nms(boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    """Indices (K,) of the boxes that survive non-maximum suppression, highest score first.

    A box is suppressed when its IoU with a box kept before it exceeds ``iou_threshold``. Equal scores keep their
    input order (a stable sort), so the result does not depend on the sorting algorithm.
    """
    _check_boxes(boxes, "boxes")
    if scores.shape != (boxes.shape[0],):
        raise ValueError(f"scores must have shape (N,) = ({boxes.shape[0]},), got {tuple(scores.shape)}")
    if not 0.0 <= iou_threshold <= 1.0:
        raise ValueError(f"iou_threshold must lie in [0, 1], got {iou_threshold}")
    order = torch.sort(scores, descending=True, stable=True).indices  # (N,)
    iou = box_iou(boxes[order], boxes[order])  # (N, N) in score order
    suppressed = torch.zeros(len(order), dtype=torch.bool, device=boxes.device)
    keep = []
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= iou[i] > iou_threshold  # box i suppresses the later boxes it overlaps (and marks itself)
    return order[torch.tensor(keep, dtype=torch.long, device=boxes.device)]
