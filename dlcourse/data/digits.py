"""scikit-learn's bundled handwritten digits (1,797 images, 8×8, 10 classes) as tensors.

The data ships inside scikit-learn (UCI ML hand-written digits, CC BY 4.0), so nothing is
downloaded. Pixels are scaled from 0..16 to [0, 1].

Shapes:
    N samples; features (N, 64) when ``flatten=True``, images (N, 1, 8, 8) otherwise;
    labels (N,) of dtype long.

The split is stratified and deterministic for a given ``seed``: the same images land in
the same part on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from sklearn.datasets import load_digits as _sk_load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


@dataclass(frozen=True)
class Split:
    """Train, validation and test parts of a dataset, as ``TensorDataset`` of (x, y)."""

    train: TensorDataset
    val: TensorDataset
    test: TensorDataset

    def loaders(
        self, batch_size: int = 64, seed: int = 0
    ) -> tuple[DataLoader, DataLoader, DataLoader]:
        """Return (train, val, test) loaders; only the training loader shuffles, with its own seeded generator."""
        gen = torch.Generator().manual_seed(seed)
        return (
            DataLoader(self.train, batch_size=batch_size, shuffle=True, generator=gen),
            DataLoader(self.val, batch_size=1024),
            DataLoader(self.test, batch_size=1024),
        )


def load_digits(
    val_fraction: float = 0.15,
    test_fraction: float = 0.2,
    seed: int = 0,
    flatten: bool = True,
    device: torch.device | str | None = None,
) -> Split:
    """Load the digits and split them into train/val/test, stratified by class.

    >>> split = load_digits()
    >>> x, y = split.train.tensors
    >>> tuple(x.shape[1:]), y.dtype, len(split.train) + len(split.val) + len(split.test)
    ((64,), torch.int64, 1797)
    """
    if not (0 < val_fraction < 1 and 0 < test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(f"fractions must be in (0, 1) and sum below 1, got val={val_fraction}, test={test_fraction}")
    bunch = _sk_load_digits()
    x = torch.tensor(bunch.data, dtype=torch.float32) / 16.0  # (N, 64) in [0, 1]
    y = torch.tensor(bunch.target, dtype=torch.long)  # (N,)
    idx = torch.arange(len(y)).numpy()
    rest, test = train_test_split(idx, test_size=test_fraction, stratify=y.numpy(), random_state=seed)
    train, val = train_test_split(
        rest, test_size=val_fraction / (1 - test_fraction), stratify=y.numpy()[rest], random_state=seed
    )
    if not flatten:
        x = x.view(-1, 1, 8, 8)  # (N, 1, 8, 8): one grey channel
    x, y = x.to(device), y.to(device)

    def part(i):
        i = torch.as_tensor(i, device=x.device)
        return TensorDataset(x[i], y[i])

    return Split(part(train), part(val), part(test))
