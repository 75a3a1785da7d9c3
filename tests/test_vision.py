"""dlcourse.vision against the references of the field: pycocotools (IoU, COCO mAP) and torchmetrics (Dice, IoU)."""

import numpy as np
import pytest
import torch
from pycocotools import mask as coco_mask
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
from torchmetrics.functional.classification import binary_f1_score, binary_jaccard_index

from dlcourse.data import shape_scenes
from dlcourse.vision import (GridDetector, UNet, average_precision, box_iou, decode, detection_loss, dice_score,
                             encode_targets, mask_iou, nms)


def random_boxes(n: int, g: torch.Generator, size: float = 40.0) -> torch.Tensor:
    corner = torch.rand(n, 2, generator=g, dtype=torch.float64) * size
    sides = torch.rand(n, 2, generator=g, dtype=torch.float64) * size / 2 + 0.5
    return torch.cat([corner, corner + sides], 1)  # (n, 4) xyxy


def xywh(boxes: torch.Tensor) -> np.ndarray:
    return torch.cat([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], 1).numpy()


def test_box_iou_equals_pycocotools_and_the_formula():
    g = torch.Generator().manual_seed(0)
    a, b = random_boxes(30, g), random_boxes(20, g)
    ours = box_iou(a, b)
    theirs = coco_mask.iou(xywh(a), xywh(b), [0] * 20)
    assert ours.shape == (30, 20) and (ours > 0).sum() > 20  # enough overlapping pairs to mean something
    np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-12, atol=1e-15)
    # a hand case: 2x2 boxes shifted by one pixel share 1 of 7 pixels; disjoint and equal boxes
    square = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
    assert box_iou(square, torch.tensor([[1.0, 1.0, 3.0, 3.0], [5.0, 5.0, 6.0, 6.0], [0.0, 0.0, 2.0, 2.0]])).tolist() \
        == [[pytest.approx(1 / 7), 0.0, 1.0]]
    assert box_iou(torch.zeros(0, 4), b).shape == (0, 20)
    assert box_iou(torch.tensor([[1.0, 1.0, 1.0, 1.0]]), torch.tensor([[2.0, 2.0, 2.0, 2.0]])).item() == 0.0


def test_box_iou_is_scale_invariant_and_differentiable():
    g = torch.Generator().manual_seed(1)
    a, b = random_boxes(5, g).requires_grad_(), random_boxes(4, g)
    torch.testing.assert_close(box_iou(3 * a, 3 * b), box_iou(a, b))
    assert torch.autograd.gradcheck(lambda a: box_iou(a, b), (a,))


def test_bad_boxes_are_refused():
    with pytest.raises(ValueError, match=r"shape \(N, 4\)"):
        box_iou(torch.zeros(3, 5), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="not \\(x, y, w, h\\)"):
        box_iou(torch.tensor([[5.0, 5.0, 2.0, 8.0]]), torch.zeros(1, 4))
    with pytest.raises(TypeError, match="floating-point"):
        box_iou(torch.zeros(1, 4, dtype=torch.long), torch.zeros(1, 4))
    with pytest.raises(ValueError, match="scores must have shape"):
        nms(torch.zeros(3, 4), torch.zeros(2), 0.5)
    with pytest.raises(ValueError, match="iou_threshold"):
        nms(torch.zeros(3, 4), torch.zeros(3), 1.5)


def nms_loop(boxes: torch.Tensor, scores: torch.Tensor, threshold: float) -> list[int]:
    """The plain loop of the definition: take the best remaining box, drop what overlaps it by more than threshold."""
    remaining = sorted(range(len(scores)), key=lambda i: -float(scores[i]))
    keep = []
    while remaining:
        best = remaining.pop(0)
        keep.append(best)
        remaining = [i for i in remaining if box_iou(boxes[best:best + 1], boxes[i:i + 1]).item() <= threshold]
    return keep


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.7, 1.0])
def test_nms_equals_the_plain_loop(threshold):
    g = torch.Generator().manual_seed(2)
    boxes, scores = random_boxes(60, g, size=20.0), torch.rand(60, generator=g, dtype=torch.float64)
    kept = nms(boxes, scores, threshold)
    assert kept.tolist() == nms_loop(boxes, scores, threshold)
    iou = box_iou(boxes[kept], boxes[kept]) - torch.eye(len(kept), dtype=torch.float64)
    assert (iou <= threshold).all()  # no two survivors overlap by more than the threshold


def test_nms_keeps_a_box_at_exactly_the_threshold_and_ties_in_input_order():
    boxes = torch.tensor([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 1.0], [0.0, 0.0, 2.0, 2.0]])  # IoU(0, 1) = 0.5
    assert nms(boxes, torch.tensor([0.9, 0.8, 0.9]), 0.5).tolist() == [0, 1]
    assert nms(boxes, torch.tensor([0.9, 0.8, 0.9]), 0.49).tolist() == [0]
    assert nms(torch.zeros(0, 4), torch.zeros(0), 0.5).tolist() == []


def test_dice_and_iou_equal_torchmetrics():
    g = torch.Generator().manual_seed(3)
    for p in (0.05, 0.3, 0.7):
        pred = torch.rand(4, 16, 16, generator=g) < p
        true = torch.rand(4, 16, 16, generator=g) < 0.3
        dice, iou = dice_score(pred, true), mask_iou(pred, true)
        torch.testing.assert_close(dice, binary_f1_score(pred.long().flatten(), true.long().flatten()))
        torch.testing.assert_close(iou, binary_jaccard_index(pred.long().flatten(), true.long().flatten()))
        torch.testing.assert_close(dice, 2 * iou / (1 + iou))
    empty = torch.zeros(5, 5, dtype=torch.bool)
    assert dice_score(empty, empty).item() == 1.0 and mask_iou(empty, empty).item() == 1.0
    assert dice_score(~empty, empty).item() == 0.0
    with pytest.raises(TypeError, match="bool"):
        dice_score(torch.zeros(3, 3), torch.zeros(3, 3))
    with pytest.raises(ValueError, match="same shape"):
        mask_iou(torch.zeros(3, 3, dtype=torch.bool), torch.zeros(3, 4, dtype=torch.bool))


def random_detections(n_images: int, num_classes: int, g: torch.Generator) -> tuple[list[dict], list[dict]]:
    """True boxes, and detections near some of them plus false alarms: a detector of middling quality."""
    detections, targets = [], []
    for _ in range(n_images):
        n_true = int(torch.randint(0, 5, (1,), generator=g))
        true = random_boxes(n_true, g)
        true_labels = torch.randint(0, num_classes - 1, (n_true,), generator=g)  # the last class never appears
        near = true + torch.randn(n_true, 4, generator=g, dtype=torch.float64) * 2
        near = torch.cat([near[:, :2].minimum(near[:, 2:]), near[:, :2].maximum(near[:, 2:])], 1)
        found = torch.rand(n_true, generator=g) < 0.8
        wrong_label = torch.rand(n_true, generator=g) < 0.1
        alarms = random_boxes(int(torch.randint(0, 4, (1,), generator=g)), g)
        boxes = torch.cat([near[found], alarms])
        labels = torch.cat([torch.where(wrong_label, (true_labels + 1) % num_classes, true_labels)[found],
                            torch.randint(0, num_classes, (len(alarms),), generator=g)])
        scores = torch.rand(len(boxes), generator=g, dtype=torch.float64)
        detections.append(dict(boxes=boxes, scores=scores, labels=labels))
        targets.append(dict(boxes=true, labels=true_labels))
    return detections, targets


def coco_eval(detections: list[dict], targets: list[dict], num_classes: int) -> COCOeval:
    images = [dict(id=i) for i in range(len(targets))]
    annotations, results = [], []
    for i, (d, t) in enumerate(zip(detections, targets)):
        for box, label in zip(xywh(t["boxes"]), t["labels"].tolist()):
            annotations.append(dict(id=len(annotations) + 1, image_id=i, category_id=label, bbox=box.tolist(),
                                    area=float(box[2] * box[3]), iscrowd=0))
        for box, label, score in zip(xywh(d["boxes"]), d["labels"].tolist(), d["scores"].tolist()):
            results.append(dict(image_id=i, category_id=label, bbox=box.tolist(), score=score))
    truth = COCO()
    truth.dataset = dict(images=images, annotations=annotations,
                         categories=[dict(id=c) for c in range(num_classes)])
    truth.createIndex()
    evaluation = COCOeval(truth, truth.loadRes(results), "bbox")
    evaluation.evaluate()
    evaluation.accumulate()
    return evaluation


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_average_precision_equals_pycocotools(seed, capsys):
    g = torch.Generator().manual_seed(seed)
    detections, targets = random_detections(25, 4, g)
    ours = average_precision(detections, targets, num_classes=4)
    coco = coco_eval(detections, targets, 4)
    capsys.readouterr()  # pycocotools prints its progress
    precision = coco.eval["precision"][0, :, :, 0, 2].T  # (K, 101) at IoU 0.5, all areas, 100 detections
    present = precision[:, 0] > -1
    assert present.tolist() == [True, True, True, False]  # the class without true boxes is left out, as COCO does
    np.testing.assert_allclose(ours.precision[:3].numpy(), precision[:3], atol=1e-12)
    assert ours.ap[3].isnan() and ours.map == pytest.approx(precision[present].mean(), abs=1e-12)
    assert 0.05 < ours.map < 0.95  # a poor detector, but neither trivially 0 nor 1


def test_average_precision_of_perfect_and_useless_detectors():
    g = torch.Generator().manual_seed(4)
    _, targets = random_detections(10, 3, g)
    perfect = [dict(boxes=t["boxes"], scores=torch.rand(len(t["labels"]), generator=g), labels=t["labels"])
               for t in targets]
    assert average_precision(perfect, targets, 3).map == 1.0
    shifted = [dict(d, boxes=d["boxes"] + 100) for d in perfect]
    assert average_precision(shifted, targets, 3).map == 0.0
    half = [dict(boxes=torch.tensor([[0.0, 0.0, 2.0, 1.0]]), scores=torch.tensor([0.5]), labels=torch.tensor([0]))]
    truth = [dict(boxes=torch.tensor([[0.0, 0.0, 2.0, 2.0]]), labels=torch.tensor([0]))]
    assert average_precision(half, truth, 1).map == 1.0  # IoU exactly 0.5 is a match (COCO: at least the threshold)
    assert average_precision(half, truth, 1, iou_threshold=0.51).map == 0.0
    with pytest.raises(ValueError, match="one detections dict per image"):
        average_precision(perfect[:-1], targets, 3)
    with pytest.raises(ValueError, match="lacks"):
        average_precision([dict(boxes=d["boxes"]) for d in perfect], targets, 3)


def perfect_predictions(target: torch.Tensor) -> torch.Tensor:
    """The logits that decode exactly to the encoded targets."""
    pred = torch.zeros_like(target)
    pred[..., 0] = torch.where(target[..., 0] > 0, 30.0, -30.0)
    pred[..., 1:3] = torch.logit(target[..., 1:3].clamp(1e-6, 1 - 1e-6))
    pred[..., 3:5] = target[..., 3:5]
    pred[..., 5:] = 30 * target[..., 5:]
    return pred


def test_targets_encode_and_decode_back_to_the_boxes():
    images, targets, masks, _ = shape_scenes(40, seed=5)
    encoded = encode_targets(targets, grid_size=4, image_size=32, num_classes=3)
    assert encoded.shape == (40, 4, 4, 8)
    decoded = decode(perfect_predictions(encoded), image_size=32)
    kept = sum(len(t["labels"]) for t in targets)
    assert int(encoded[..., 0].sum()) <= kept and int(encoded[..., 0].sum()) >= kept - 3  # rare shared cells
    result = average_precision(decoded, targets, 3)
    assert result.map > 0.97
    for d, t in zip(decoded, targets):
        if len(d["boxes"]) == len(t["boxes"]):
            torch.testing.assert_close(box_iou(d["boxes"], t["boxes"]).max(1).values, torch.ones(len(t["boxes"])),
                                       atol=1e-4, rtol=0)
    loss = detection_loss(perfect_predictions(encoded), encoded)
    assert loss.item() < 1e-6
    with pytest.raises(ValueError, match="same shape"):
        detection_loss(encoded[:, :2], encoded)


def test_detector_shapes_loss_gradient_and_errors():
    model = GridDetector(in_channels=4, num_classes=3, image_size=32, grid_size=4, width=8)
    x = torch.rand(2, 4, 32, 32)
    pred = model(x)
    assert pred.shape == (2, 4, 4, 8)
    _, targets, _, _ = shape_scenes(2, seed=6)
    loss = detection_loss(pred, encode_targets(targets, 4, 32, 3))
    loss.backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())
    with pytest.raises(ValueError, match="power of two"):
        GridDetector(image_size=32, grid_size=3)
    with pytest.raises(ValueError, match=r"expected x of shape"):
        model(torch.rand(2, 4, 30, 30))
    with pytest.raises(ValueError, match="outside 0..2"):
        encode_targets([dict(boxes=torch.tensor([[0.0, 0.0, 4.0, 4.0]]), labels=torch.tensor([3]))], 4, 32, 3)


def test_scenes_boxes_labels_and_masks_agree():
    images, targets, masks, instances = shape_scenes(50, seed=7)
    again = shape_scenes(50, seed=7)
    assert torch.equal(images, again[0]) and images.shape == (50, 3, 32, 32) and 0 <= images.min() <= images.max() <= 1
    counts = torch.zeros(3)
    for t, mask, inst in zip(targets, masks, instances):
        assert 1 <= len(t["labels"]) <= 3
        for k, (box, label) in enumerate(zip(t["boxes"], t["labels"])):
            ys, xs = torch.nonzero(inst == k + 1, as_tuple=True)
            assert box.tolist() == [xs.min().item(), ys.min().item(), xs.max().item() + 1, ys.max().item() + 1]
            assert (mask[inst == k + 1] == label + 1).all()
            counts[label] += 1
        assert torch.equal(mask > 0, inst > 0)
        iou = box_iou(t["boxes"], t["boxes"]) - torch.eye(len(t["boxes"]))
        assert (iou == 0).all()  # objects never overlap
    assert counts.min() > 15  # all three classes are common
    with pytest.raises(ValueError, match="min_size"):
        shape_scenes(3, min_size=20)


def test_unet_keeps_the_size_and_uses_its_skip_connections():
    model = UNet(in_channels=3, num_classes=4, width=8, levels=3).eval()
    x = torch.rand(2, 3, 32, 32, requires_grad=True)
    logits = model(x)
    assert logits.shape == (2, 4, 32, 32)
    # the output at one pixel depends on the input pixel itself (the full-resolution skip), not only on a blur
    logits[0, :, 5, 5].sum().backward()
    grad = x.grad[0].abs().sum(0)  # (H, W)
    assert grad[5, 5] > 0 and grad[31, 31] == 0  # local: far pixels are outside the receptive field
    with pytest.raises(ValueError, match="divisible by 4"):
        model(torch.rand(1, 3, 30, 30))
