"""Numerical gradient checks: is a backward pass written by hand right?

Nudge one input entry at a time and watch the loss (central differences):

.. math::
    \\frac{\\partial L}{\\partial \\theta_j} \\approx \\frac{L(\\theta + h e_j) - L(\\theta - h e_j)}{2h},

whose error is :math:`O(h^2)` plus rounding of order :math:`\\epsilon_{\\text{mach}} |L| / h`. In float64
with :math:`h = 10^{-6}` both are near :math:`10^{-10}` for a smooth loss, so a hand-written gradient that
agrees to a relative error below about :math:`10^{-6}` is right, and one off by a factor, a transpose or a
missing term shows errors of order 1. (In float32 the rounding term is :math:`10^{-7} / h`: check in float64.)
The check costs two evaluations of the loss per entry, so it runs on small inputs; backpropagation costs a
small multiple of one. This is the habit of Stanford's CS231n: write the backward pass, then check it.

    numeric = numerical_gradient(lambda W: loss(W, b), W)   # same shape as W
    relative_error(my_dW, numeric)                          # about 1e-9 when my_dW is right

``tests/test_gradcheck.py`` checks both against ``torch.autograd`` and ``torch.autograd.gradcheck``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor


def numerical_gradient(f: Callable[[Tensor], Tensor | float], x: Tensor, h: float = 1e-6) -> Tensor:
    """Central-difference gradient of the scalar ``f`` at ``x``: a tensor of ``x``'s shape.

    ``x`` is not modified (each entry is nudged on a copy). ``f`` returns a scalar (a 0-d tensor or a float).
    Use float64: in float32 the differences drown in rounding.
    """
    if not isinstance(x, Tensor) or not x.is_floating_point():
        raise TypeError(f"numerical_gradient needs a floating-point tensor, got {type(x).__name__}"
                        + (f" of {x.dtype}" if isinstance(x, Tensor) else ""))
    if h <= 0:
        raise ValueError(f"the step h must be positive, got {h}")
    base = x.detach().clone()
    flat = base.view(-1)                       # (n,) a view: nudging it nudges base
    grad = torch.zeros_like(flat)
    with torch.no_grad():
        for j in range(flat.numel()):
            old = flat[j].item()
            flat[j] = old + h
            up = float(f(base))
            flat[j] = old - h
            down = float(f(base))
            flat[j] = old
            grad[j] = (up - down) / (2 * h)
    return grad.view_as(x)                     # (*x.shape)


def relative_error(a: Tensor, b: Tensor) -> float:
    """max |a - b| / max(|a| + |b|), elementwise over entries; 0.0 when both are zero.

    Scale-free: 1e-9 means agreement to nine digits whatever the size of the gradient. Shapes must match.
    """
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {tuple(a.shape)} and {tuple(b.shape)}")
    a, b = a.detach().double(), b.detach().double()
    scale = (a.abs() + b.abs()).clamp_min(torch.finfo(torch.float64).tiny)
    return float(((a - b).abs() / scale).max()) if a.numel() else 0.0
