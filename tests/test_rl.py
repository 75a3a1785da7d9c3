"""dlcourse.rl: returns against the direct sum, the REINFORCE loss's gradient against the closed form for a linear
softmax policy, the grid world against hand-worked steps, and the replay buffer's ring."""

import pytest
import torch

from dlcourse import rl


def _direct(rewards, gamma, dones):
    # G_t = sum_k gamma^k r_{t+k} up to and including the end of t's episode
    T = len(rewards)
    out = torch.zeros(T, dtype=torch.float64)
    for t in range(T):
        for k in range(t, T):
            out[t] += gamma ** (k - t) * float(rewards[k])
            if dones is not None and bool(dones[k]):
                break
    return out


@pytest.mark.parametrize("gamma", [0.0, 0.5, 0.9, 1.0])
def test_returns_equal_the_direct_sum(gamma):
    g = torch.Generator().manual_seed(0)
    for T in [1, 2, 7, 30]:
        r = torch.randn(T, generator=g, dtype=torch.float64)
        d = torch.rand(T, generator=g) < 0.3
        assert torch.allclose(rl.discounted_returns(r, gamma), _direct(r, gamma, None))
        assert torch.allclose(rl.discounted_returns(r, gamma, d), _direct(r, gamma, d))
        batch = torch.randn(4, T, generator=g, dtype=torch.float64)
        dones = torch.rand(4, T, generator=g) < 0.3
        got = rl.returns_to_go(batch, gamma, dones)
        for b in range(4):
            assert torch.allclose(got[b], _direct(batch[b], gamma, dones[b]))


def test_returns_keep_dtype_and_check_inputs():
    assert rl.discounted_returns(torch.ones(3), 0.5).dtype == torch.float32
    assert torch.allclose(rl.discounted_returns(torch.tensor([1.0, 1.0, 1.0, 1.0]), 0.5,
                                                torch.tensor([False, True, False, False])),
                          torch.tensor([1.5, 1.0, 1.75, 1.5]) - torch.tensor([0.0, 0.0, 0.25, 0.5]))
    with pytest.raises(ValueError):
        rl.returns_to_go(torch.ones(2, 2, 2), 0.5)
    with pytest.raises(ValueError):
        rl.discounted_returns(torch.ones(2, 3), 0.5)
    assert torch.equal(rl.returns_to_go(torch.ones(3), 0.5), rl.discounted_returns(torch.ones(3), 0.5))
    with pytest.raises(ValueError):
        rl.discounted_returns(torch.ones(3), 1.5)
    with pytest.raises(ValueError):
        rl.discounted_returns(torch.ones(3), 0.5, torch.zeros(4, dtype=torch.bool))


def test_reinforce_loss_gradient_is_the_closed_form_for_a_linear_softmax_policy():
    g = torch.Generator().manual_seed(1)
    A, D, N = 3, 5, 11
    W = torch.randn(A, D, generator=g, dtype=torch.float64, requires_grad=True)
    s = torch.randn(N, D, generator=g, dtype=torch.float64)
    a = torch.randint(A, (N,), generator=g)
    G = torch.randn(N, generator=g, dtype=torch.float64)
    b = torch.randn(N, generator=g, dtype=torch.float64, requires_grad=True)
    logp = torch.log_softmax(s @ W.T, -1).gather(1, a[:, None]).squeeze(1)  # (N,)
    loss = rl.reinforce_loss(logp, G, b)
    loss.backward()
    pi = torch.softmax(s @ W.T, -1).detach()
    closed = ((G - b.detach())[:, None] * (torch.nn.functional.one_hot(a, A) - pi)).T @ s  # (A, D)
    assert torch.allclose(W.grad, -closed)
    assert b.grad is None or torch.all(b.grad == 0)  # the baseline is detached


def test_reinforce_loss_masks_and_averages_over_episodes():
    logp = torch.tensor([[-1.0, -2.0, -3.0], [-0.5, -0.5, -0.5]])
    G = torch.tensor([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
    mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]])
    assert torch.isclose(rl.reinforce_loss(logp, G, mask=mask), torch.tensor((3.0 + 3.0) / 2))
    with pytest.raises(ValueError):
        rl.reinforce_loss(logp, G[:, :2])


def test_grid_world_steps_by_hand():
    env = rl.GridWorld()
    cells = env.reset(4)
    nxt, r, d = env.step(cells, torch.tensor([0, 1, 2, 3]))  # up and left bump into the wall
    assert nxt.tolist() == [0, 1, 5, 0]
    assert torch.allclose(r, torch.full((4,), -0.05)) and not d.any()
    nxt, r, d = env.step(torch.tensor([3, 19, 23]), torch.tensor([2, 2, 1]))  # into pit (1, 3), goal, goal
    assert nxt.tolist() == [8, 24, 24] and r.tolist() == [-1.0, 1.0, 1.0] and d.all()
    assert env.one_hot(torch.tensor([0, 24])).shape == (2, 25)


def test_replay_buffer_is_a_ring():
    buf = rl.ReplayBuffer(capacity=5, state_dim=2)
    with pytest.raises(ValueError):
        buf.sample(1)
    for step in range(3):
        s = torch.full((2, 2), float(step))
        buf.push(s, torch.tensor([step, step]), torch.tensor([1.0, 1.0]), s + 1, torch.tensor([False, True]))
    assert len(buf) == 5 and buf.position == 1
    assert buf.actions.tolist() == [2, 0, 1, 1, 2]  # the oldest transition was overwritten
    states, actions, rewards, next_states, dones = buf.sample(64, torch.Generator().manual_seed(0))
    assert states.shape == (64, 2) and torch.all(next_states == states + 1)
    assert torch.all(states[:, 0] == actions.float())
