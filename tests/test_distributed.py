"""DDP on 2 CPU processes (gloo) trains the same GPT as one process on the whole global batch (float64)."""

import pytest
import torch

from dlcourse import distributed
from dlcourse.nn.gpt import GPT, GPTConfig


def test_ddp_on_two_processes_equals_one_process_on_the_global_batch():
    reason = distributed.gloo_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    config = GPTConfig(vocab_size=11, block_size=8, d_model=16, nhead=2, num_layers=1)
    torch.manual_seed(0)
    state = GPT(config).double().state_dict()
    batches = torch.randint(0, 11, (3, 6, 9), generator=torch.Generator().manual_seed(1))  # (S, B, T + 1)
    single, single_losses = distributed.train_single(config, state, batches, lr=0.5)
    ddp, rank_losses = distributed.train_ddp(config, state, batches, lr=0.5, world_size=2)
    assert set(ddp) == set(single)
    moved = max((single[k] - state[k]).abs().max().item() for k in single)
    assert moved > 1e-3, "training must change the weights, or the comparison proves nothing"
    for name in single:
        torch.testing.assert_close(ddp[name], single[name], rtol=1e-12, atol=1e-13,
                                   msg=lambda m, name=name: f"{name} after DDP: {m}")
    # each rank saw its half: the mean of the two halves' losses is the global batch's loss
    assert len(rank_losses) == 2 and rank_losses[0] != rank_losses[1]
    for step, loss in enumerate(single_losses):
        assert abs((rank_losses[0][step] + rank_losses[1][step]) / 2 - loss) < 1e-12


def test_ddp_refuses_a_batch_that_does_not_split():
    config = GPTConfig(vocab_size=5, block_size=4, d_model=8, nhead=2, num_layers=1)
    with pytest.raises(ValueError, match="multiple of world_size"):
        distributed.train_ddp(config, GPT(config).state_dict(), torch.zeros(2, 3, 5, dtype=torch.long), lr=0.1)
