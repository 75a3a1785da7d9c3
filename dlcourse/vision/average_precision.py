r"""Average precision of a detector, by COCO's rule at one IoU threshold (mAP@0.5 by default).

A detection is a box, a class and a score. For one class, sort all detections of a data set by score, highest first.
A detection is a **true positive** when it overlaps a not yet matched true box of its class, in its image, with
IoU of at least the threshold (it takes the best such box); otherwise it is a **false positive**. After the first
:math:`i` detections,

.. math::

    \mathrm{precision}_i = \frac{TP_i}{i}, \qquad \mathrm{recall}_i = \frac{TP_i}{G},

with :math:`G` the number of true boxes of the class. Lowering the score threshold walks along this
precision–recall curve. Its saw-tooth is replaced by its upper envelope
:math:`\tilde p(r) = \max_{r' \ge r} p(r')`, read at the 101 recall levels :math:`r \in \{0, 0.01, \dots, 1\}`
(0 past the highest recall reached), and averaged:

.. math::

    \mathrm{AP} = \frac{1}{101} \sum_{r} \tilde p(r), \qquad \mathrm{mAP} = \frac{1}{K'} \sum_{c} \mathrm{AP}_c,

the mean over the :math:`K'` classes that have at least one true box. This is the COCO benchmark's
``AP@[IoU=0.50]`` (Lin et al., 2014), and the tests check it against ``pycocotools``; PASCAL VOC's older rule used 11
recall levels. Like COCO, at most ``max_detections`` of the highest-scoring detections per image and class count.

Shapes:
    per image: detections dict(boxes (n, 4) xyxy, scores (n,), labels (n,) long) and targets dict(boxes (g, 4),
    labels (g,) long). Result: ap (K,) (nan for a class without true boxes), precision (K, 101).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from dlcourse.vision.boxes import box_iou

RECALL_LEVELS = torch.linspace(0, 1, 101, dtype=torch.float64)  # COCO's 101 recall thresholds


@dataclass(frozen=True)
class APResult:
    """What :func:`average_precision` measured.

    ``map``: mean AP over the classes that have true boxes; ``ap`` (K,): AP per class, nan without true boxes;
    ``precision`` (K, 101): the interpolated precision at each recall level (what AP averages);
    ``curves``: per class, the raw (recall, precision) after each detection in score order, for plotting.
    """

    map: float
    ap: Tensor
    precision: Tensor
    curves: list[tuple[Tensor, Tensor]]


def _check_image(d: dict, keys: tuple[str, ...], what: str, i: int) -> None:
    missing = [k for k in keys if k not in d]
    if missing:
        raise ValueError(f"{what}[{i}] lacks {missing}: each is a dict with {list(keys)}")
    n = d["boxes"].shape[0]
    if d["boxes"].dim() != 2 or d["boxes"].shape[1] != 4 or any(d[k].shape != (n,) for k in keys[1:]):
        raise ValueError(f"{what}[{i}]: boxes must be (n, 4) and {list(keys[1:])} (n,), got "
                         + ", ".join(f"{k} {tuple(d[k].shape)}" for k in keys))


def match_detections(boxes: Tensor, scores: Tensor, true_boxes: Tensor, iou_threshold: float) -> Tensor:
    """Bool (n,): which detections of ONE image and ONE class are true positives, by COCO's greedy matching.

    Detections are taken by decreasing score; each takes the unmatched true box of highest IoU, if that IoU is at
    least ``iou_threshold``.
    """
    boxes, scores, true_boxes = boxes.cpu(), scores.cpu(), true_boxes.cpu()
    order = torch.sort(scores, descending=True, stable=True).indices  # (n,)
    iou = box_iou(boxes[order].double(), true_boxes.double())  # (n, g)
    matched = torch.zeros(true_boxes.shape[0], dtype=torch.bool)
    is_tp = torch.zeros(len(order), dtype=torch.bool)
    for i in range(len(order)):
        candidates = torch.where(matched, -1.0, iou[i])  # (g,): a true box matches at most one detection
        if candidates.numel() and candidates.max() >= iou_threshold:
            matched[candidates.argmax()] = True
            is_tp[i] = True
    result = torch.empty_like(is_tp)
    result[order] = is_tp  # back to the input order
    return result


def average_precision(detections: list[dict], targets: list[dict], num_classes: int,
                      iou_threshold: float = 0.5, max_detections: int = 100) -> APResult:
    """Per-class AP and their mean over a data set (see the module docstring for the rule)."""
    if len(detections) != len(targets):
        raise ValueError(f"one detections dict per image: got {len(detections)} for {len(targets)} images")
    if not 0.0 < iou_threshold <= 1.0:
        raise ValueError(f"iou_threshold must lie in (0, 1], got {iou_threshold}")
    for i, (d, t) in enumerate(zip(detections, targets)):
        _check_image(d, ("boxes", "scores", "labels"), "detections", i)
        _check_image(t, ("boxes", "labels"), "targets", i)
    # a metric of a few thousand boxes: counted on the CPU, whatever device the model ran on
    detections = [{k: d[k].detach().cpu() for k in ("boxes", "scores", "labels")} for d in detections]
    targets = [{k: t[k].detach().cpu() for k in ("boxes", "labels")} for t in targets]
    ap = torch.full((num_classes,), float("nan"), dtype=torch.float64)
    precision = torch.zeros(num_classes, len(RECALL_LEVELS), dtype=torch.float64)
    curves = []
    for c in range(num_classes):
        scores, hits, n_true = [], [], 0
        for d, t in zip(detections, targets):
            true_boxes = t["boxes"][t["labels"] == c]
            mine = d["labels"] == c
            boxes, s = d["boxes"][mine], d["scores"][mine].double()
            top = torch.sort(s, descending=True, stable=True).indices[:max_detections]  # COCO's maxDets per image
            scores.append(s[top])
            hits.append(match_detections(boxes[top], s[top], true_boxes, iou_threshold))
            n_true += true_boxes.shape[0]
        order = torch.sort(torch.cat(scores), descending=True, stable=True).indices  # images in order, then scores
        tp = torch.cat(hits)[order].double().cumsum(0)  # (n,)
        ranks = torch.arange(1, len(tp) + 1, dtype=torch.float64)  # detections taken so far
        recall = tp / max(n_true, 1)
        raw = tp / ranks
        curves.append((recall, raw))
        if n_true == 0:
            continue  # AP undefined: no true box of this class
        envelope = raw.flip(0).cummax(0).values.flip(0)  # (n,): max precision at this recall or beyond
        at = torch.searchsorted(recall, RECALL_LEVELS, side="left")  # (101,): first detection reaching each level
        reached = at < len(recall)
        precision[c, reached] = envelope[at[reached]]
        ap[c] = precision[c].mean()
    present = ~ap.isnan()
    mean = float(ap[present].mean()) if present.any() else float("nan")
    return APResult(map=mean, ap=ap, precision=precision, curves=curves)
