r"""Reinforcement learning: returns, a batched grid world, the REINFORCE loss and a replay buffer.

An agent collects rewards :math:`r_0, r_1, \dots, r_{T-1}`. The return from step :math:`t` weighs each later reward
by a discount :math:`\gamma \in [0, 1]` per step, and restarts where an episode ends (``done_t`` true: the step
:math:`t` was the last of its episode),

.. math::

    G_t = \sum_{k=0}^{T-1-t} \gamma^k\, r_{t+k} = r_t + \gamma\, (1 - \mathrm{done}_t)\, G_{t+1}, \qquad G_T = 0,

computed backwards in one pass by the recursion (Sutton and Barto, 2018). :math:`\gamma` near 1 values the far
future; :math:`\gamma = 0` only the next reward.

REINFORCE (Williams, 1992) climbs the gradient of the expected return,
:math:`\nabla J = \mathbb{E}\big[\sum_t \nabla \log \pi(a_t \mid s_t)\,(G_t - b(s_t))\big]`, by descending the loss
:math:`-\sum_t \log \pi(a_t \mid s_t)\,(G_t - b_t)` with the baseline :math:`b` held constant (detached).
DQN (Mnih et al., 2015) learns from transitions drawn at random from a replay buffer.

Shapes:
    T steps, B episodes (or environments), A actions, N cells of the grid.
    rewards, dones, returns (T,) or (B, T); log_probs (..., T); cells and actions (B,).
"""

from __future__ import annotations

import torch
from torch import Tensor


def discounted_returns(rewards: Tensor, gamma: float, dones: Tensor | None = None) -> Tensor:
    """G_t = r_t + gamma * (1 - done_t) * G_{t+1} for one stream of rewards (T,); returns (T,) in its dtype.

    ``dones`` (T,) bool (``None``: no episode ends inside the window) marks the last step of each episode, where
    the return restarts. For a batch of streams (B, T) use :func:`returns_to_go`.
    """
    if rewards.dim() != 1:
        raise ValueError(f"expected rewards of shape (T,), got {tuple(rewards.shape)}; for (B, T) use returns_to_go")
    return returns_to_go(rewards, gamma, dones)


def returns_to_go(rewards: Tensor, gamma: float, dones: Tensor | None = None) -> Tensor:
    """G_t = r_t + gamma * (1 - done_t) * G_{t+1} along the last dimension of rewards (T,) or (B, T).

    ``dones`` (same shape, bool; ``None``: no episode ends inside the window) marks the last step of each episode,
    where the return restarts. Returns a tensor of the rewards' shape and dtype.
    """
    if rewards.dim() not in (1, 2):
        raise ValueError(f"expected rewards of shape (T,) or (B, T), got {tuple(rewards.shape)}")
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must lie in [0, 1], got {gamma}")
    if dones is None:
        dones = torch.zeros(rewards.shape, dtype=torch.bool, device=rewards.device)
    if dones.shape != rewards.shape:
        raise ValueError(f"dones {tuple(dones.shape)} must have the rewards' shape {tuple(rewards.shape)}")
    keep = gamma * (~dones.bool()).to(rewards.dtype)  # (..., T): gamma, or 0 where the episode ends
    returns = torch.empty_like(rewards)
    running = torch.zeros(rewards.shape[:-1], dtype=rewards.dtype, device=rewards.device)  # (B,) or ()
    for t in range(rewards.shape[-1] - 1, -1, -1):  # backwards: G_t needs G_{t+1}
        running = rewards[..., t] + keep[..., t] * running
        returns[..., t] = running
    return returns


def reinforce_loss(log_probs: Tensor, returns: Tensor, baseline: Tensor | None = None,
                   mask: Tensor | None = None) -> Tensor:
    r"""The REINFORCE loss :math:`-\frac{1}{B}\sum_{b}\sum_t m_{b,t}\,(G_{b,t} - b_{b,t})\,\log\pi(a_{b,t} \mid s_{b,t})`.

    log_probs (..., T) are :math:`\log \pi(a_t \mid s_t)` of the actions taken; returns, baseline and mask (1 for the
    steps inside an episode, 0 for padding) have the same shape. The weights :math:`G - b` are detached: the
    gradient flows into the policy only, never into a learned baseline. Sums over the last dimension (the steps)
    and averages over the others (the episodes); its gradient is minus the REINFORCE estimate of :math:`\nabla J`.
    """
    if returns.shape != log_probs.shape:
        raise ValueError(f"returns {tuple(returns.shape)} must have the shape of log_probs {tuple(log_probs.shape)}")
    weight = returns if baseline is None else returns - baseline
    weight = weight.detach()  # G - b is a number per step, not a function of the parameters
    if mask is not None:
        weight = weight * mask.to(weight.dtype)
    per_episode = -(weight * log_probs).sum(-1)  # (...,)
    return per_episode.mean() if per_episode.dim() else per_episode


class GridWorld:
    """A ``size`` x ``size`` grid, batched: the agent starts in the top-left cell and walks to the goal.

    Cells are numbered ``row * size + col``. Actions 0, 1, 2, 3 move up, right, down, left; a move off the grid
    leaves the agent where it is. Entering the goal (bottom-right) pays ``goal_reward`` and entering a pit pays
    ``pit_reward``; both end the episode. Any other move pays ``step_reward``.
    """

    MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left as (d_row, d_col)

    def __init__(self, size: int = 5, pits: tuple[tuple[int, int], ...] = ((1, 3), (3, 1)),
                 step_reward: float = -0.05, goal_reward: float = 1.0, pit_reward: float = -1.0) -> None:
        self.size = size
        self.n_cells = size * size
        self.n_actions = 4
        self.start = 0
        self.goal = self.n_cells - 1
        self.pits = tuple(r * size + c for r, c in pits)
        reward = torch.full((self.n_cells,), step_reward)  # (N,) the reward for entering each cell
        reward[list(self.pits)] = pit_reward
        reward[self.goal] = goal_reward
        self.reward = reward
        terminal = torch.zeros(self.n_cells, dtype=torch.bool)
        terminal[list(self.pits) + [self.goal]] = True
        self.terminal = terminal
        nxt = torch.empty(self.n_cells, 4, dtype=torch.long)  # (N, A) the cell each action leads to
        for cell in range(self.n_cells):
            r, c = divmod(cell, size)
            for a, (dr, dc) in enumerate(self.MOVES):
                rr, cc = min(max(r + dr, 0), size - 1), min(max(c + dc, 0), size - 1)
                nxt[cell, a] = rr * size + cc
        self.next_cell = nxt

    def reset(self, batch: int) -> Tensor:
        """(B,) start cells."""
        return torch.full((batch,), self.start, dtype=torch.long)

    def step(self, cells: Tensor, actions: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """One step of every environment: cells (B,), actions (B,) -> next cells (B,), rewards (B,), dones (B,)."""
        nxt = self.next_cell[cells, actions]
        return nxt, self.reward[nxt], self.terminal[nxt]

    def one_hot(self, cells: Tensor) -> Tensor:
        """(...,) cells -> (..., N) float one-hot states."""
        return torch.nn.functional.one_hot(cells, self.n_cells).float()


class ReplayBuffer:
    """A fixed-size ring of transitions (s, a, r, s', done); ``sample`` draws a minibatch uniformly at random.

    ``push`` adds a batch of transitions, one per environment: states (B, D), actions (B,), rewards (B,),
    next_states (B, D), dones (B,). When full, the oldest transitions are overwritten.
    """

    def __init__(self, capacity: int, state_dim: int) -> None:
        self.capacity = capacity
        self.states = torch.zeros(capacity, state_dim)
        self.actions = torch.zeros(capacity, dtype=torch.long)
        self.rewards = torch.zeros(capacity)
        self.next_states = torch.zeros(capacity, state_dim)
        self.dones = torch.zeros(capacity, dtype=torch.bool)
        self.size = 0
        self.position = 0

    def __len__(self) -> int:
        return self.size

    def push(self, states: Tensor, actions: Tensor, rewards: Tensor, next_states: Tensor, dones: Tensor) -> None:
        """Store B transitions (B <= capacity) at the next positions of the ring."""
        index = (self.position + torch.arange(len(actions))) % self.capacity  # (B,)
        self.states[index], self.actions[index], self.rewards[index] = states, actions, rewards
        self.next_states[index], self.dones[index] = next_states, dones
        self.position = (self.position + len(actions)) % self.capacity
        self.size = min(self.size + len(actions), self.capacity)

    def sample(self, batch: int, generator: torch.Generator | None = None) -> tuple[Tensor, ...]:
        """(states (M, D), actions (M,), rewards (M,), next_states (M, D), dones (M,)), drawn with replacement."""
        if self.size == 0:
            raise ValueError("the buffer is empty: push transitions before sampling")
        index = torch.randint(self.size, (batch,), generator=generator)
        return self.states[index], self.actions[index], self.rewards[index], self.next_states[index], self.dones[index]
