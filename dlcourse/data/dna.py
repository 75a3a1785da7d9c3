r"""Generated DNA with a planted motif: one-hot sequences for a motif-finding classifier.

A **motif** is a short pattern that a DNA-binding protein recognises, such as ``TGACGTCA``, the binding site of the
CREB transcription factor. ``planted_motif_dna`` draws N random sequences of T bases (each of A, C, G, T with
probability 1/4, independently), and writes one copy of the motif at a random position into the positives. Each
base of a copy is mutated with probability ``mutation_rate`` into one of the other three bases, so the positives
share a motif only on average, as real binding sites do. A negative holds no planted copy (a random sequence
contains a given 8-base word by chance with probability below T / 4^8 per strand).

The one-hot encoding puts base b of position t in channel b: ``x[n, b, t] = 1`` for ``b = "ACGT".index(base)``,
the layout a 1-D convolution reads (channels first), as in DeepBind (Alipanahi et al. 2015) and Basset (Kelley et
al. 2016). ``motif_matrix`` gives the probability of each base at each motif position under this model.

Shapes:
    N sequences of T bases, K = len(motif).
    x (N, 4, T) float32 one-hot; y (N,) long, 1 = motif planted; start (N,) long, the first position of the copy
    in a positive, -1 in a negative.
"""

from __future__ import annotations

import torch
from torch import Tensor

BASES = "ACGT"


def one_hot(sequence: str) -> Tensor:
    """A string of bases as a one-hot (4, T) float32 tensor, channels in the order ACGT."""
    index = torch.tensor([_index(b) for b in sequence.upper()], dtype=torch.long)   # (T,)
    return torch.nn.functional.one_hot(index, 4).T.float()                          # (T, 4) -> (4, T)


def _index(base: str) -> int:
    if base not in BASES:
        raise ValueError(f"unknown base {base!r}: a sequence holds only the letters {BASES}")
    return BASES.index(base)


def motif_matrix(motif: str, mutation_rate: float) -> Tensor:
    """The probability of each base at each position of a planted copy, (4, K) float64: 1 - mutation_rate for the
    motif's base, mutation_rate / 3 for each of the other three."""
    m = one_hot(motif).double()                        # (4, K)
    return m * (1 - mutation_rate) + (1 - m) * mutation_rate / 3


def planted_motif_dna(n: int, length: int, motif: str = "TGACGTCA", mutation_rate: float = 0.1,
                      positive_fraction: float = 0.5, seed: int = 0) -> tuple[Tensor, Tensor, Tensor]:
    """N one-hot random sequences of T = ``length`` bases; ``round(n * positive_fraction)`` of them, at random
    indices, carry one mutated copy of ``motif`` at a random start (see the module docstring).

    Returns ``x`` (N, 4, T) float32, ``y`` (N,) long and ``start`` (N,) long (-1 for a negative).
    """
    k = len(motif)
    motif_index = torch.tensor([_index(b) for b in motif.upper()], dtype=torch.long)   # (K,)
    if k < 1 or length < k:
        raise ValueError(f"need 1 <= len(motif) <= length, got a motif of {k} bases and length={length}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if not 0.0 <= mutation_rate <= 1.0 or not 0.0 <= positive_fraction <= 1.0:
        raise ValueError(f"mutation_rate and positive_fraction must be in [0, 1], got {mutation_rate}, "
                         f"{positive_fraction}")
    g = torch.Generator().manual_seed(seed)
    bases = torch.randint(0, 4, (n, length), generator=g)                       # (N, T) background
    y = torch.zeros(n, dtype=torch.long)
    y[torch.randperm(n, generator=g)[:round(n * positive_fraction)]] = 1
    start = torch.full((n,), -1, dtype=torch.long)
    pos = y.nonzero().squeeze(1)                                                  # (P,) the positives
    start[pos] = torch.randint(0, length - k + 1, (len(pos),), generator=g)
    copies = motif_index.expand(len(pos), k).clone()                              # (P, K)
    mutated = torch.rand(len(pos), k, generator=g) < mutation_rate
    shift = torch.randint(1, 4, (len(pos), k), generator=g)                       # 1..3: always another base
    copies = torch.where(mutated, (copies + shift) % 4, copies)
    columns = start[pos, None] + torch.arange(k)                                  # (P, K) positions of the copy
    bases[pos[:, None], columns] = copies
    x = torch.nn.functional.one_hot(bases, 4).permute(0, 2, 1).float()          # (N, T, 4) -> (N, 4, T)
    return x.contiguous(), y, start
