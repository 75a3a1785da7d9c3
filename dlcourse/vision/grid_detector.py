r"""A single-stage grid detector in the spirit of YOLO (Redmon et al., 2016), small enough to train on a CPU.

The image is divided into an :math:`S \times S` grid of cells of :math:`s = \text{image\_size} / S` pixels. The cell
that contains an object's centre is responsible for it and predicts, from a convolutional feature map of the same
grid,

.. math::

    p_{\text{obj}} = \sigma(t_o), \quad
    c_x = s\,(j + \sigma(t_x)), \quad c_y = s\,(i + \sigma(t_y)), \quad
    w = s\,e^{t_w}, \quad h = s\,e^{t_h}, \quad
    P(k \mid \text{obj}) = \mathrm{softmax}(t_{\text{cls}})_k,

for the cell in row :math:`i` and column :math:`j`; its score for class :math:`k` is
:math:`p_{\text{obj}}\,P(k \mid \text{obj})`. One pass of the network gives every box at once — hence "you only look
once" — and non-maximum suppression removes the duplicates. The training loss sums, per image,

.. math::

    \mathcal{L} = \sum_{\text{cells}} \mathrm{BCE}(t_o, \mathbb{1}_{\text{obj}})
    + \lambda_{\text{box}} \sum_{\text{obj cells}} \big(\lVert \sigma(t_{xy}) - \hat t_{xy} \rVert^2
    + \lVert t_{wh} - \log(wh / s) \rVert^2\big)
    + \sum_{\text{obj cells}} \mathrm{CE}(t_{\text{cls}}, k),

with :math:`\hat t_{xy}` the centre's offset inside its cell. As in YOLO v1, a cell holds at most one object: when
two centres fall in one cell, the larger object is kept in the targets. YOLO v2 and later add anchor boxes (several
predictions per cell with prior shapes), several grid scales and far larger backbones.

Shapes:
    B images of C channels and size H = W = image_size; S = grid_size; K classes.
    x (B, C, H, W); predictions and targets (B, S, S, 5 + K) = [t_o, t_x, t_y, t_w, t_h, K class logits]
    (targets: [1_obj, offset_x, offset_y, log(w/s), log(h/s), one-hot class]).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlcourse.vision.boxes import nms


class GridDetector(nn.Module):
    """Conv backbone down to an S x S grid, then a 1x1 convolution to 5 + K numbers per cell."""

    def __init__(self, in_channels: int = 3, num_classes: int = 3, image_size: int = 32, grid_size: int = 4,
                 width: int = 32) -> None:
        super().__init__()
        stride = image_size // grid_size
        if image_size % grid_size or stride & (stride - 1) or stride < 2:
            raise ValueError(f"image_size / grid_size must be a power of two >= 2, got {image_size} / {grid_size}")
        self.num_classes, self.image_size, self.grid_size = num_classes, image_size, grid_size
        layers, channels = [], in_channels
        for level in range(int(math.log2(stride))):  # each level halves H and W
            out = width * min(2 ** level, 4)
            layers += [nn.Conv2d(channels, out, 3, padding=1), nn.BatchNorm2d(out), nn.ReLU(), nn.MaxPool2d(2)]
            channels = out
        layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU()]  # context
        self.backbone = nn.Sequential(*layers)
        self.head = nn.Conv2d(channels, 5 + num_classes, 1)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[-1] != self.image_size or x.shape[-2] != self.image_size:
            raise ValueError(f"expected x of shape (B, C, {self.image_size}, {self.image_size}), got {tuple(x.shape)}")
        out = self.head(self.backbone(x))  # (B, 5 + K, S, S)
        return out.permute(0, 2, 3, 1)  # (B, S, S, 5 + K)


def encode_targets(targets: list[dict], grid_size: int, image_size: int, num_classes: int) -> Tensor:
    """The training targets (B, S, S, 5 + K) of a batch's boxes (see the module docstring), on the CPU."""
    cell = image_size / grid_size
    out = torch.zeros(len(targets), grid_size, grid_size, 5 + num_classes)
    for b, t in enumerate(targets):
        boxes, labels = t["boxes"].float().cpu(), t["labels"].cpu()
        sizes = boxes[:, 2:] - boxes[:, :2]  # (n, 2): w, h
        for n in torch.argsort(sizes.prod(1), stable=True).tolist():  # small first: a larger object overwrites
            if not 0 <= int(labels[n]) < num_classes:
                raise ValueError(f"label {int(labels[n])} of image {b} is outside 0..{num_classes - 1}")
            centre = (boxes[n, :2] + boxes[n, 2:]) / 2 / cell  # (2,) in cells: x, y
            j, i = centre.floor().long().clamp(0, grid_size - 1).tolist()
            out[b, i, j] = 0
            out[b, i, j, 0] = 1
            out[b, i, j, 1:3] = centre - torch.tensor([j, i])
            out[b, i, j, 3:5] = torch.log(sizes[n].clamp(min=1e-3) / cell)
            out[b, i, j, 5 + int(labels[n])] = 1
    return out


def detection_loss(pred: Tensor, target: Tensor, box_weight: float = 5.0) -> Tensor:
    """The loss of the module docstring, summed over cells and averaged over the B images."""
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape (B, S, S, 5 + K), got {tuple(pred.shape)} and "
                         f"{tuple(target.shape)}")
    obj = target[..., 0] > 0.5  # (B, S, S)
    loss = F.binary_cross_entropy_with_logits(pred[..., 0], target[..., 0], reduction="sum")
    if obj.any():
        p, t = pred[obj], target[obj]  # (n_obj, 5 + K)
        loss = loss + box_weight * ((torch.sigmoid(p[:, 1:3]) - t[:, 1:3]) ** 2).sum()
        loss = loss + box_weight * ((p[:, 3:5] - t[:, 3:5]) ** 2).sum()
        loss = loss + F.cross_entropy(p[:, 5:], t[:, 5:].argmax(1), reduction="sum")
    return loss / pred.shape[0]


def decode(pred: Tensor, image_size: int, score_threshold: float = 0.05, iou_threshold: float = 0.5) -> list[dict]:
    """Boxes, scores and labels per image from predictions (B, S, S, 5 + K), after NMS within each class."""
    batch, grid, _, _ = pred.shape
    cell = image_size / grid
    pred = pred.detach().float()
    rows, cols = torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing="ij")  # (S, S) each
    offsets = torch.stack([cols, rows], -1).to(pred.device)  # (S, S, 2): x, y of each cell
    centres = (offsets + torch.sigmoid(pred[..., 1:3])) * cell  # (B, S, S, 2)
    sizes = torch.exp(pred[..., 3:5].clamp(max=10)) * cell  # (B, S, S, 2)
    boxes = torch.cat([centres - sizes / 2, centres + sizes / 2], -1).clamp(0, image_size)  # (B, S, S, 4)
    class_prob, labels = torch.softmax(pred[..., 5:], -1).max(-1)  # (B, S, S) each
    scores = torch.sigmoid(pred[..., 0]) * class_prob  # (B, S, S)
    results = []
    for b in range(batch):
        keep = scores[b] > score_threshold  # (S, S)
        bx, sc, lb = boxes[b][keep], scores[b][keep], labels[b][keep]  # (n, 4), (n,), (n,)
        kept = [idx[nms(bx[idx], sc[idx], iou_threshold)] for c in lb.unique()
                for idx in [torch.nonzero(lb == c).flatten()]]
        idx = torch.cat(kept) if kept else torch.zeros(0, dtype=torch.long, device=pred.device)
        idx = idx[torch.sort(sc[idx], descending=True, stable=True).indices]
        results.append(dict(boxes=bx[idx], scores=sc[idx], labels=lb[idx]))
    return results
