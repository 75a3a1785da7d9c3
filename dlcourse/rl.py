r"""Reinforcement learning: the discounted return of an episode.

An agent collects rewards :math:`r_0, r_1, \dots, r_{T-1}`. The return from step :math:`t` weighs each later reward
by a discount :math:`\gamma \in [0, 1]` per step,

.. math::

    G_t = \sum_{k=0}^{T-1-t} \gamma^k\, r_{t+k} = r_t + \gamma\, G_{t+1}, \qquad G_T = 0,

computed backwards in one pass by the recursion. :math:`\gamma` near 1 values the far future; :math:`\gamma = 0`
only the next reward. REINFORCE weighs each action's log-probability by :math:`G_t` (Williams, 1992).

Shapes:
    rewards (T,); returns (T,).
"""

from __future__ import annotations

import torch
from torch import Tensor


def discounted_returns(rewards: Tensor, gamma: float) -> Tensor:
    """G_t = r_t + gamma * G_{t+1} for a 1-D tensor of rewards (T,); returns (T,) in its dtype."""
    if rewards.dim() != 1:
        raise ValueError(f"expected rewards of shape (T,), got {tuple(rewards.shape)}")
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must lie in [0, 1], got {gamma}")
    returns = torch.empty_like(rewards)
    running = torch.zeros((), dtype=rewards.dtype, device=rewards.device)
    for t in range(len(rewards) - 1, -1, -1):  # backwards: G_t needs G_{t+1}
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns
