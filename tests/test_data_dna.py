"""dlcourse.data.dna: one-hot sequences with a planted, mutated motif."""

import pytest
import torch

from dlcourse.data import planted_motif_dna
from dlcourse.data.dna import BASES, motif_matrix, one_hot


def _decode(x):   # (4, T) one-hot -> string
    return "".join(BASES[i] for i in x.argmax(0).tolist())


def test_shapes_one_hot_and_labels():
    x, y, start = planted_motif_dna(200, 50, motif="TGACGTCA", positive_fraction=0.3, seed=1)
    assert x.shape == (200, 4, 50) and x.dtype == torch.float32
    assert y.shape == start.shape == (200,) and y.dtype == start.dtype == torch.long
    assert torch.equal(x.sum(1), torch.ones(200, 50))             # exactly one base per position
    assert bool(((x == 0) | (x == 1)).all())
    assert int(y.sum()) == 60                                      # round(200 * 0.3)
    assert bool((start[y == 0] == -1).all())
    assert bool((start[y == 1] >= 0).all()) and bool((start[y == 1] <= 50 - 8).all())
    assert 10 < int(y[:100].sum()) < 50                            # the positives are scattered, not the first 60


def test_planted_copies_carry_the_motif_with_the_mutation_rate():
    motif, rate = "TGACGTCA", 0.2
    x, y, start = planted_motif_dna(2000, 40, motif=motif, mutation_rate=rate, seed=2)
    copies = [_decode(x[n, :, s:s + 8]) for n, s in zip(y.nonzero().squeeze(1).tolist(), start[y == 1].tolist())]
    mismatches = sum(a != b for c in copies for a, b in zip(c, motif)) / (8 * len(copies))
    assert mismatches == pytest.approx(rate, abs=0.015)
    exact = [_decode(x[n, :, s:s + 8]) == motif for n, s in zip(range(2000), start.tolist()) if s >= 0]
    assert sum(exact) / len(exact) == pytest.approx(0.8 ** 8, abs=0.04)
    # the positions of the copies are uniform, the backgrounds have each base about a quarter of the time
    background = x[y == 0].mean(dim=(0, 2))
    torch.testing.assert_close(background, torch.full((4,), 0.25), atol=0.01, rtol=0)
    counts = motif_matrix(motif, rate) * len(copies)                                        # (4, 8) expected
    observed = torch.stack([one_hot(c) for c in copies]).sum(0).double()
    assert float(((observed - counts) ** 2 / counts).sum()) < 60   # chi-square, 24 degrees of freedom


def test_no_mutation_plants_the_exact_motif_and_same_seed_same_data():
    x, y, start = planted_motif_dna(50, 30, motif="ACGT", mutation_rate=0.0, seed=3)
    for n in y.nonzero().squeeze(1).tolist():
        assert _decode(x[n, :, start[n]:start[n] + 4]) == "ACGT"
    again = planted_motif_dna(50, 30, motif="ACGT", mutation_rate=0.0, seed=3)
    assert all(torch.equal(a, b) for a, b in zip((x, y, start), again))
    assert not torch.equal(x, planted_motif_dna(50, 30, motif="ACGT", mutation_rate=0.0, seed=4)[0])


def test_every_start_occurs_the_last_one_included():
    _, y, start = planted_motif_dna(300, 10, motif="TGACGTCA", seed=5)
    assert set(start[y == 1].tolist()) == {0, 1, 2}      # T - K + 1 = 3 possible starts


def test_motif_matrix_and_errors():
    m = motif_matrix("AC", 0.3)
    torch.testing.assert_close(m, torch.tensor([[0.7, 0.1], [0.1, 0.7], [0.1, 0.1], [0.1, 0.1]], dtype=torch.float64))
    assert _decode(one_hot("gatc")) == "GATC"
    with pytest.raises(ValueError, match="unknown base"):
        planted_motif_dna(10, 20, motif="TGAN")
    with pytest.raises(ValueError, match="length"):
        planted_motif_dna(10, 5, motif="TGACGTCA")
    with pytest.raises(ValueError, match="mutation_rate"):
        planted_motif_dna(10, 20, mutation_rate=1.5)
    with pytest.raises(ValueError, match="n must be"):
        planted_motif_dna(0, 20)
