"""Mini-batches of tensors already in memory, in a new random order on every pass.

``DataLoader`` collates a batch item by item and draws a seed from its generator on every pass; for tensors that
are already in memory (and on the device), indexing with a random permutation does the same in one step::

    for x, y in TensorBatches(images, targets, batch_size=32, generator=torch.Generator().manual_seed(0)):
        ...                                            # x (b, ...), y (b, ...), b = 32 but for the last batch

Each pass draws ``torch.randperm(N, generator=generator)`` (the global generator when ``generator`` is None) and
splits it into batches, so a training loop that iterates it once per epoch sees the same batches as the loop
``for idx in torch.randperm(N, generator=generator).split(batch_size)`` written out. ``shuffle=False`` keeps the order.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import Tensor


class TensorBatches:
    """An iterable of (x[idx], y[idx]) batches over tensors of the same length N, reshuffled on every pass."""

    def __init__(self, x: Tensor, y: Tensor, batch_size: int, shuffle: bool = True,
                 generator: torch.Generator | None = None):
        if len(x) != len(y):
            raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.x, self.y, self.batch_size, self.shuffle, self.generator = x, y, batch_size, shuffle, generator

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)   # batches per pass, the last one may be smaller

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        n = len(self.x)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for idx in order.split(self.batch_size):
            idx = idx.to(self.x.device)
            yield self.x[idx], self.y[idx.to(self.y.device)]
