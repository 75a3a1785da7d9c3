r"""Generated road scenes seen by two sensors: a camera and a range sensor (a lidar's depth projected into the image).

Each scene is a small image of a straight road in perspective: sky above the horizon (row :math:`y_h \approx 0.3 H`),
grass on both sides, a grey road that widens towards the bottom, white edge lines and a dashed centre line. On it
stand 1 to ``max_objects`` objects of two classes, drawn as in ``dlcourse.data.shape_scenes``'s target format:

- class 0, **car**: a rectangle wider than tall, on the road, in a random colour (dark ones among them);
- class 1, **pedestrian**: a small tall shape (a head over a body), on the road or on the grass.

An object whose bottom edge is on ground row :math:`y` is at distance :math:`Z(y) \propto 1 / (y - y_h)` (a flat
ground seen by a pinhole camera), and its size on the image scales as :math:`1 / Z`: far objects are small.

The two sensors:

- ``camera`` (N, 3, H, W): the colours, plus Gaussian noise of standard deviation 0.03. At **night** every colour is
  multiplied by 0.15 and the noise is 0.05: a dark car on a dark road is then below the noise;
- ``depth`` (N, 1, H, W): the distance of what each pixel sees, :math:`\log(Z / Z_{\min}) / \log(Z_{\max} / Z_{\min})`
  in [0, 1] (the nearest ground row 0, the farthest 1, the sky 1: no return), plus Gaussian noise of standard
  deviation 0.01. As a lidar projected into the image gives it, it is sparse: its beams sweep every other row
  only, and 15 % of the pixels on those rows have no return (both set to 0). Light does not change it: an object is
  a patch of constant distance in front of a ground whose distance grows towards the horizon, day or night.

Shapes: camera (N, 3, H, W) and depth (N, 1, H, W) float32 in [0, 1]; targets a list of N dicts with boxes
(n_i, 4) float32 xyxy in pixels (x2, y2 exclusive) and labels (n_i,) long; night (N,) bool.
"""

from __future__ import annotations

import math

import torch

CLASSES = ("car", "pedestrian")
SKY = (0.60, 0.75, 0.95)
GRASS, ROAD, PAINT = (0.30, 0.55, 0.25), (0.40, 0.40, 0.42), (0.95, 0.95, 0.90)
CAR_COLOURS = ((0.85, 0.10, 0.10), (0.15, 0.25, 0.80), (0.95, 0.95, 0.95), (0.10, 0.10, 0.12), (0.90, 0.80, 0.15))
CLOTHES = ((0.20, 0.20, 0.60), (0.70, 0.20, 0.20), (0.10, 0.10, 0.10), (0.85, 0.85, 0.30))
SKIN = (0.85, 0.65, 0.50)


def _overlaps(box: tuple[int, int, int, int], boxes: list[tuple[int, int, int, int]]) -> bool:
    x1, y1, x2, y2 = box
    return any(x1 < b[2] + 1 and b[0] < x2 + 1 and y1 < b[3] + 1 and b[1] < y2 + 1 for b in boxes)


def road_scenes(n: int, image_size: int = 32, max_objects: int = 3, night_fraction: float = 0.5,
                seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, list[dict[str, torch.Tensor]], torch.Tensor]:
    """``n`` road scenes: camera images, depth images, targets (boxes and labels) and which scenes are at night.

    Args:
        n: number of scenes N.
        image_size: H = W, at least 24.
        max_objects: each scene holds 1 to max_objects objects (fewer when they do not fit without overlap).
        night_fraction: the share of scenes at night (each scene drawn independently).
        seed: the random generator's seed; the same seed gives the same scenes.

    Returns:
        camera (N, 3, H, W), depth (N, 1, H, W), targets [dict(boxes (n_i, 4), labels (n_i,))], night (N,) bool.
    """
    if n < 1 or image_size < 24 or max_objects < 1:
        raise ValueError(f"need n >= 1, image_size >= 24 and max_objects >= 1, got {n}, {image_size}, {max_objects}")
    if not 0.0 <= night_fraction <= 1.0:
        raise ValueError(f"night_fraction is a share in [0, 1], got {night_fraction}")
    g = torch.Generator().manual_seed(seed)
    S = image_size
    horizon = round(0.3 * S)
    rows = torch.arange(S, dtype=torch.float32)
    # distance of the ground seen on each row, Z(y) = Z_min (H - y_h) / (y - y_h), on a log scale from Z_min (0, the
    # bottom row) to Z_max = (H - y_h) Z_min (1, the first row below the horizon); 1 (no return) above the horizon
    ground = torch.where(rows > horizon, 1 - torch.log((rows - horizon).clamp(min=1)) / math.log(S - horizon),
                         torch.ones(S))  # (H,)
    half_width = 1 + 0.45 * S * (rows - horizon).clamp(min=0) / (S - horizon)  # (H,) the road's half width
    cols = torch.arange(S, dtype=torch.float32) + 0.5
    centre = S / 2
    on_road = ((cols[None, :] - centre).abs() <= half_width[:, None]) & (rows[:, None] > horizon)  # (H, W)
    edge = on_road & ((cols[None, :] - centre).abs() > half_width[:, None] - 1)
    dash = on_road & ((cols[None, :] - centre).abs() < 0.6) & ((rows[:, None] // 2) % 2 == 0)
    camera = torch.empty(n, 3, S, S)
    depth = ground[None, None, :, None].expand(n, 1, S, S).clone()  # (N, 1, H, W)
    night = torch.rand(n, generator=g) < night_fraction
    targets = []
    for i in range(n):
        img = torch.tensor(GRASS)[:, None, None].expand(3, S, S).clone()  # (3, H, W)
        img[:, : horizon + 1] = torch.tensor(SKY)[:, None, None]
        img[:, on_road] = torch.tensor(ROAD)[:, None]
        img[:, edge | dash] = torch.tensor(PAINT)[:, None]
        boxes, labels = [], []
        for _ in range(int(torch.randint(1, max_objects + 1, (1,), generator=g))):
            for _attempt in range(20):
                label = int(torch.randint(0, 2, (1,), generator=g))
                bottom = int(torch.randint(horizon + 6, S, (1,), generator=g))  # last row of the object
                scale = (bottom - horizon) / (S - horizon)  # 1 / Z: near objects are large
                if label == 0:
                    w = max(6, round((0.3 + 0.15 * float(torch.rand(1, generator=g))) * S * scale + 3))
                    h = max(4, round(0.6 * w))
                    span = max(1, int(half_width[bottom]) * 2 - w)
                    x1 = int(centre - half_width[bottom]) + int(torch.randint(0, span, (1,), generator=g))
                else:
                    h = max(6, round(0.3 * S * scale + 4))
                    w = max(3, round(0.35 * h))
                    x1 = int(torch.randint(0, S - w + 1, (1,), generator=g))
                x1 = min(max(x1, 0), S - w)
                y1 = bottom + 1 - h
                if y1 > horizon - 2 and not _overlaps((x1, y1, x1 + w, bottom + 1), boxes):
                    break
            else:
                continue  # no room left for another object
            if label == 0:
                colour = CAR_COLOURS[int(torch.randint(0, len(CAR_COLOURS), (1,), generator=g))]
                img[:, y1:bottom + 1, x1:x1 + w] = torch.tensor(colour)[:, None, None]
            else:
                colour = CLOTHES[int(torch.randint(0, len(CLOTHES), (1,), generator=g))]
                head = max(1, h // 4)
                img[:, y1 + head:bottom + 1, x1:x1 + w] = torch.tensor(colour)[:, None, None]
                img[:, y1:y1 + head, x1:x1 + w] = torch.tensor(SKIN)[:, None, None]
            depth[i, 0, y1:bottom + 1, x1:x1 + w] = ground[bottom]  # the whole object at the distance of its base
            boxes.append((x1, y1, x1 + w, bottom + 1))
            labels.append(label)
        if night[i]:
            img = 0.15 * img + 0.05 * torch.randn(img.shape, generator=g)
        else:
            img = img + 0.03 * torch.randn(img.shape, generator=g)
        camera[i] = img.clamp(0, 1)
        targets.append({"boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
                        "labels": torch.tensor(labels, dtype=torch.long)})
    depth = (depth + 0.01 * torch.randn(depth.shape, generator=g)).clamp(0, 1)
    depth[torch.rand(depth.shape, generator=g) < 0.15] = 0.0  # no return on 15 % of the pixels
    depth[:, :, 1::2] = 0.0  # the lidar's beams sweep every other row only
    return camera, depth, targets, night
