r"""Generated grid worlds for path planning: terrain maps, their cost maps and a noisy image of each.

Each (H, W) map holds four kinds of terrain, with the cost of entering a cell (see ``dlcourse.planning``):

====== ===== ==================================================================
class  cost  drawn as
====== ===== ==================================================================
0 road 1     one horizontal and one vertical straight road across the map
1 grass 2    everywhere else
2 mud  6     blobs where a smooth random field (a 4 x 4 grid, upsampled) is high
3 rock inf   a few rectangles of 1-4 x 1-4 cells, also across roads; blocked
====== ===== ==================================================================

The top-left and bottom-right cells are always grass, the start and goal of the lesson's trips. The image is
what a camera or a satellite would show: each class's colour, times a brightness drawn per map in [0.7, 1.3], plus
Gaussian noise of standard deviation ``noise`` per pixel and channel, clipped to [0, 1]. With the default noise a
single pixel's colour often does not tell mud from road or rock from grass; its neighbours do.

Shapes: terrain (N, H, W) long in 0..3; cost (N, H, W) float32 with ``inf`` on rock; image (N, 3, H, W) float32.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

TERRAIN = ("road", "grass", "mud", "rock")
COSTS = (1.0, 2.0, 6.0, math.inf)
COLOURS = ((0.55, 0.55, 0.55), (0.25, 0.60, 0.20), (0.55, 0.40, 0.20), (0.15, 0.15, 0.18))  # RGB per class


@dataclass(frozen=True)
class TerrainMaps:
    terrain: torch.Tensor  # (N, H, W) long, class per cell
    cost: torch.Tensor     # (N, H, W) float32, COSTS[terrain]
    image: torch.Tensor    # (N, 3, H, W) float32 in [0, 1]


def terrain_maps(n: int, size: int = 16, noise: float = 0.25, seed: int = 0) -> TerrainMaps:
    """``n`` random terrain maps of ``size`` x ``size`` cells with their cost maps and noisy images (see module)."""
    if n < 1 or size < 4:
        raise ValueError(f"need n >= 1 maps of size >= 4, got n={n}, size={size}")
    if noise < 0:
        raise ValueError(f"noise is a standard deviation, got {noise}")
    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(n, 1, 4, 4, generator=g)  # (N, 1, 4, 4)
    field = F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=True)[:, 0]  # (N, H, W)
    terrain = torch.where(field > 0.6, 2, 1)  # mud where the smooth field is high, grass elsewhere
    rows = torch.randint(2, size - 2, (n,), generator=g)
    cols = torch.randint(2, size - 2, (n,), generator=g)
    for i in range(n):
        terrain[i, rows[i], :] = 0
        terrain[i, :, cols[i]] = 0
        for _ in range(int(torch.randint(3, 6, (1,), generator=g))):
            h, w = (int(v) for v in torch.randint(1, 5, (2,), generator=g))
            r, c = int(torch.randint(0, size - h + 1, (1,), generator=g)), int(torch.randint(0, size - w + 1, (1,), generator=g))
            terrain[i, r:r + h, c:c + w] = 3
        terrain[i, 0, 0] = terrain[i, -1, -1] = 1
    cost = torch.tensor(COSTS, dtype=torch.float32)[terrain]  # (N, H, W)
    colours = torch.tensor(COLOURS)[terrain].permute(0, 3, 1, 2)  # (N, H, W, 3) -> (N, 3, H, W)
    brightness = 0.7 + 0.6 * torch.rand(n, 1, 1, 1, generator=g)  # (N, 1, 1, 1)
    image = (colours * brightness + noise * torch.randn(colours.shape, generator=g)).clamp(0, 1)
    return TerrainMaps(terrain=terrain, cost=cost, image=image)
