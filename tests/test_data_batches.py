"""dlcourse.data.TensorBatches: each pass a permutation split into batches, the loop written out."""

import pytest
import torch

from dlcourse.data import TensorBatches


def test_each_pass_is_the_permutation_of_the_loop_written_out():
    x, y = torch.arange(10).float()[:, None], torch.arange(10)
    batches = TensorBatches(x, y, batch_size=4, generator=torch.Generator().manual_seed(3))
    ref = torch.Generator().manual_seed(3)
    assert len(batches) == 3
    orders = []
    for _ in range(2):
        want = torch.randperm(10, generator=ref).split(4)
        got = list(batches)
        assert [len(b[1]) for b in got] == [4, 4, 2]
        for (xb, yb), idx in zip(got, want):
            assert torch.equal(yb, idx) and torch.equal(xb[:, 0], idx.float())
        orders.append(torch.cat([b[1] for b in got]))
    assert sorted(orders[0].tolist()) == list(range(10)) and not torch.equal(orders[0], orders[1])


def test_global_generator_no_shuffle_and_errors():
    x, y = torch.randn(7, 2), torch.arange(7)
    torch.manual_seed(5)
    got = torch.cat([b for _, b in TensorBatches(x, y, 3)])
    torch.manual_seed(5)
    assert torch.equal(got, torch.randperm(7))
    assert torch.equal(torch.cat([b for _, b in TensorBatches(x, y, 3, shuffle=False)]), y)
    with pytest.raises(ValueError, match="same length"):
        TensorBatches(x, y[:3], 2)
    with pytest.raises(ValueError, match="batch_size"):
        TensorBatches(x, y, 0)
