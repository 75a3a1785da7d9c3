r"""Generated scenes of coloured shapes, with boxes and masks: a detection and segmentation data set in seconds.

Each image has a flat background of random grey level with Gaussian pixel noise and 1 to ``max_objects`` objects of
three classes — 0 square, 1 disc, 2 triangle (pointing up) — of random size, position and colour. Colour says nothing
about the class, so a model must learn the shapes. Objects do not overlap (a placement that would touch another
object's box is drawn again), so every object is fully visible and its box is the tight box of its pixels:
:math:`(x_1, y_1, x_2, y_2)` with :math:`x_2 - x_1` the width in pixels. The mask gives each pixel its class + 1, and
0 for the background; ``instances`` numbers the objects of an image 1, 2, ... in the order of its boxes.

These are the three outputs of the tasks of the source article's section on computer vision: a box and a class per
object (detection), a class per pixel (semantic segmentation) and an object per pixel (instance segmentation).

Shapes:
    N images, H = W = image_size. images (N, 3, H, W) float32 in [0, 1]; targets: N dicts of boxes (n_i, 4) float32
    xyxy in pixels and labels (n_i,) long; masks (N, H, W) long in 0..3; instances (N, H, W) long.
"""

from __future__ import annotations

import torch
from torch import Tensor

CLASSES = ("square", "disc", "triangle")


def _shape_mask(kind: int, size: int) -> Tensor:
    """Bool (size, size) mask of one shape filling its box."""
    coords = torch.arange(size, dtype=torch.float32) + 0.5  # pixel centres
    y, x = torch.meshgrid(coords, coords, indexing="ij")  # (size, size) each
    if kind == 0:
        return torch.ones(size, size, dtype=torch.bool)
    if kind == 1:
        r = size / 2
        return (x - r) ** 2 + (y - r) ** 2 <= r ** 2
    return (x - size / 2).abs() <= y / 2 + 0.25  # apex at the top centre, base the full bottom row


def shape_scenes(n: int, image_size: int = 32, max_objects: int = 3, min_size: int = 7, max_size: int = 14,
                 noise: float = 0.05, seed: int = 0) -> tuple[Tensor, list[dict], Tensor, Tensor]:
    """``n`` scenes of squares, discs and triangles: (images, targets, masks, instances); see the module docstring."""
    if n < 1 or max_objects < 1:
        raise ValueError(f"n and max_objects must be positive, got {n} and {max_objects}")
    if not 2 <= min_size <= max_size <= image_size // 2:
        raise ValueError(f"need 2 <= min_size <= max_size <= image_size / 2, got {min_size}, {max_size}, {image_size}")
    g = torch.Generator().manual_seed(seed)
    images = torch.empty(n, 3, image_size, image_size)
    masks = torch.zeros(n, image_size, image_size, dtype=torch.long)
    instances = torch.zeros(n, image_size, image_size, dtype=torch.long)
    targets = []
    for i in range(n):
        background = 0.2 + 0.6 * torch.rand(1, generator=g)
        images[i] = background
        boxes, labels = [], []
        for _ in range(int(torch.randint(1, max_objects + 1, (1,), generator=g))):
            for _attempt in range(20):
                size = int(torch.randint(min_size, max_size + 1, (1,), generator=g))
                x1, y1 = torch.randint(0, image_size - size + 1, (2,), generator=g).tolist()
                box = (x1, y1, x1 + size, y1 + size)
                if all(box[0] > b[2] or b[0] > box[2] or box[1] > b[3] or b[1] > box[3] for b in boxes):
                    break  # at least one pixel of background between this box and each earlier one
            else:
                continue  # no room left: the image has fewer objects
            kind = int(torch.randint(0, len(CLASSES), (1,), generator=g))
            colour = torch.rand(3, generator=g)
            while (colour - background).abs().max() < 0.3:  # visible against the background
                colour = torch.rand(3, generator=g)
            shape = _shape_mask(kind, size)  # (size, size)
            region = images[i, :, y1:y1 + size, x1:x1 + size]  # (3, size, size) view
            region[:, shape] = colour[:, None]
            masks[i, y1:y1 + size, x1:x1 + size][shape] = kind + 1
            instances[i, y1:y1 + size, x1:x1 + size][shape] = len(boxes) + 1
            ys, xs = torch.nonzero(shape, as_tuple=True)
            boxes.append((x1 + int(xs.min()), y1 + int(ys.min()), x1 + int(xs.max()) + 1, y1 + int(ys.max()) + 1))
            labels.append(kind)
        targets.append(dict(boxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
                            labels=torch.tensor(labels, dtype=torch.long)))
    images += noise * torch.randn(images.shape, generator=g)
    return images.clamp(0, 1), targets, masks, instances
