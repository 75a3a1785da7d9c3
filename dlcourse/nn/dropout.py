r"""Dropout (Srivastava et al., 2014), in its *inverted* form: scaled at training time, the identity at test time.

.. math::

    r_i \sim \mathrm{Bernoulli}(1 - p), \qquad
    \tilde h_i = \frac{r_i\, h_i}{1 - p} \quad \text{(training)}, \qquad
    \tilde h_i = h_i \quad \text{(evaluation)}.

Each unit is dropped (set to 0) with probability :math:`p`, independently of every other unit and of
every other example of the batch. The kept units are scaled by :math:`1/(1-p)`, so that
:math:`\mathbb{E}[\tilde h_i] = (1-p) \cdot h_i / (1-p) = h_i`: the next layer sees the same expected
input in training and in evaluation, and evaluation needs no change at all. The gradient is the same
mask and scale, :math:`\partial \tilde h_i / \partial h_i = r_i / (1-p)`.

Edge cases as ``torch.nn.functional.dropout``: ``p = 0`` (or ``training=False``) returns ``x`` itself;
``p = 1`` drops every unit and returns zeros.

Shapes:
    any shape; the mask has the shape of ``x``: one independent draw per entry.

Relation to the built-in: ``torch.nn.functional.dropout`` and ``torch.nn.Dropout`` compute the same
function with another random stream, so the masks differ but their distribution, the scaling
``output = mask * x / (1 - p)``, the identity in evaluation and the gradients agree
(``tests/test_nn_dropout.py``).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability p must be in [0, 1], got {p}")


def dropout(x: Tensor, p: float = 0.5, training: bool = True, generator: torch.Generator | None = None) -> Tensor:
    """Zero each entry of ``x`` with probability ``p`` and scale the rest by ``1 / (1 - p)`` (training only).

    Args:
        x: a floating-point tensor of any shape.
        p: the probability of dropping a unit, in [0, 1].
        training: if False, return ``x`` unchanged (evaluation mode).
        generator: the random generator of the mask (on ``x``'s device); None uses PyTorch's global one.

    Returns:
        a tensor of ``x``'s shape, dtype and device.

    >>> x = torch.ones(2, 4)
    >>> y = dropout(x, 0.5, generator=torch.Generator().manual_seed(0))
    >>> sorted(set(y.flatten().tolist()))  # dropped units are 0, kept ones are 1 / (1 - 0.5)
    [0.0, 2.0]
    >>> torch.equal(dropout(x, 0.5, training=False), x)
    True
    """
    _check_p(p)
    if not training or p == 0.0:
        return x
    if p == 1.0:  # every unit dropped: 1 / (1 - p) would divide by 0
        return x * torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator, device=x.device) < 1.0 - p  # r_i ~ Bernoulli(1 - p)
    return x * (keep.to(x.dtype) / (1.0 - p))  # r_i h_i / (1 - p): the expected value stays h_i


class Dropout(nn.Module):
    """:func:`dropout` as a layer: random in ``model.train()`` mode, the identity after ``model.eval()``."""

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        _check_p(p)
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
