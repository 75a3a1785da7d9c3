"""Plausible wrong answers for Chapter 5's exercises (see ``tests/wrong_answers/__init__.py``)."""

WRONG: dict[str, list[tuple[str, str]]] = {
    # ---------------------------------------------------------------- 01-vision
    'vision-box-iou': [
        ("the overlaps are not clamped at 0: two negative overlaps make a positive area for disjoint boxes", '''
def box_iou(boxes1, boxes2):
    top_left = torch.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    bottom_right = torch.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    sides = bottom_right - top_left
    inter = sides[..., 0] * sides[..., 1]
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    union = area1[:, None] + area2[None, :] - inter
    return torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
'''),
        ("the union is the sum of the areas: the intersection is counted twice", '''
def box_iou(boxes1, boxes2):
    top_left = torch.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    bottom_right = torch.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    sides = (bottom_right - top_left).clamp(min=0)
    inter = sides[..., 0] * sides[..., 1]
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    union = area1[:, None] + area2[None, :]
    return torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
'''),
        ("the boxes read as (x, y, w, h)", '''
def box_iou(boxes1, boxes2):
    b1 = torch.cat([boxes1[:, :2], boxes1[:, :2] + boxes1[:, 2:]], 1)
    b2 = torch.cat([boxes2[:, :2], boxes2[:, :2] + boxes2[:, 2:]], 1)
    top_left = torch.maximum(b1[:, None, :2], b2[None, :, :2])
    bottom_right = torch.minimum(b1[:, None, 2:], b2[None, :, 2:])
    sides = (bottom_right - top_left).clamp(min=0)
    inter = sides[..., 0] * sides[..., 1]
    union = (boxes1[:, 2] * boxes1[:, 3])[:, None] + (boxes2[:, 2] * boxes2[:, 3])[None, :] - inter
    return torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(union))
'''),
    ],
    'vision-nms': [
        ("no sort: boxes are taken in input order, so a low-scoring box can remove a better one", '''
def nms(boxes, scores, iou_threshold):
    from dlcourse.vision import box_iou
    iou = box_iou(boxes, boxes)
    removed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for i in range(len(boxes)):
        if removed[i]:
            continue
        keep.append(i)
        removed |= iou[i] > iou_threshold
    return torch.tensor(keep, dtype=torch.long)
'''),
        ("removed boxes still remove others: every box is compared with every higher-scoring box", '''
def nms(boxes, scores, iou_threshold):
    from dlcourse.vision import box_iou
    order = torch.sort(scores, descending=True, stable=True).indices
    iou = box_iou(boxes[order], boxes[order])
    keep = [i for i in range(len(order)) if not (iou[i, :i] > iou_threshold).any()]
    return order[torch.tensor(keep, dtype=torch.long)]
'''),
        ("positions in the sorted order returned instead of indices into boxes", '''
def nms(boxes, scores, iou_threshold):
    from dlcourse.vision import box_iou
    order = torch.sort(scores, descending=True, stable=True).indices
    iou = box_iou(boxes[order], boxes[order])
    removed = torch.zeros(len(order), dtype=torch.bool)
    keep = []
    for i in range(len(order)):
        if removed[i]:
            continue
        keep.append(i)
        removed |= iou[i] > iou_threshold
    return torch.tensor(keep, dtype=torch.long)
'''),
    ],
}
