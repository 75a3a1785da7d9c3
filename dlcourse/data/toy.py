"""Small generated 2-D classification datasets for decision-boundary plots.

Every function returns ``(X, y)``: X of shape (N, 2), float32; y of shape (N,), long.
The same ``seed`` gives the same points on every machine (a private generator is used,
the global random state is left alone).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def two_moons(n: int = 400, noise: float = 0.15, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Two interleaved half circles (classes 0 and 1)."""
    g = _generator(seed)
    n0 = n // 2
    t = torch.rand(n, generator=g) * math.pi  # angle along each half circle
    upper = torch.stack([torch.cos(t[:n0]), torch.sin(t[:n0])], dim=1)  # (n0, 2)
    lower = torch.stack([1 - torch.cos(t[n0:]), 0.5 - torch.sin(t[n0:])], dim=1)  # (n - n0, 2)
    X = torch.cat([upper, lower]) + noise * torch.randn(n, 2, generator=g)
    y = torch.cat([torch.zeros(n0), torch.ones(n - n0)]).long()
    return X, y


def circles(n: int = 400, noise: float = 0.1, factor: float = 0.5, seed: int = 0) -> tuple[Tensor, Tensor]:
    """An outer circle (class 0) around an inner circle of radius ``factor`` (class 1)."""
    g = _generator(seed)
    n0 = n // 2
    t = torch.rand(n, generator=g) * 2 * math.pi
    radius = torch.cat([torch.ones(n0), torch.full((n - n0,), factor)])
    X = torch.stack([radius * torch.cos(t), radius * torch.sin(t)], dim=1) + noise * torch.randn(n, 2, generator=g)
    y = torch.cat([torch.zeros(n0), torch.ones(n - n0)]).long()
    return X, y


def spirals(n: int = 600, classes: int = 3, noise: float = 0.2, seed: int = 0) -> tuple[Tensor, Tensor]:
    """``classes`` interleaved spiral arms, a classic that a linear model cannot separate."""
    g = _generator(seed)
    y = torch.arange(n) % classes
    r = torch.rand(n, generator=g)  # distance from the centre in [0, 1)
    theta = 4.0 * r + 2 * math.pi * y / classes + noise * torch.randn(n, generator=g)
    X = torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1)
    return X, y.long()


def xor(n: int = 400, noise: float = 0.1, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Points in four quadrants; the label is 1 where x1 and x2 have different signs."""
    g = _generator(seed)
    X = torch.rand(n, 2, generator=g) * 2 - 1
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).long()
    return X + noise * torch.randn(n, 2, generator=g), y
