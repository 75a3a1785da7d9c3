"""Comparison helpers: run ours and the built-in on the same inputs, compare values and gradients."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor


def assert_same(ours: Callable[..., Tensor], builtin: Callable[..., Tensor], *inputs: Tensor,
                grad_inputs: Sequence[int] = (0,), atol: float = 1e-10, rtol: float = 1e-8) -> None:
    """Values equal, and gradients of ``sum(out * w)`` (random weights w) equal, for each input in ``grad_inputs``."""
    a_in = [x.detach().clone().requires_grad_(i in grad_inputs and x.is_floating_point()) for i, x in enumerate(inputs)]
    b_in = [x.detach().clone().requires_grad_(i in grad_inputs and x.is_floating_point()) for i, x in enumerate(inputs)]
    a, b = ours(*a_in), builtin(*b_in)
    assert a.shape == b.shape, f"shape {tuple(a.shape)} != built-in {tuple(b.shape)}"
    assert a.dtype == b.dtype, f"dtype {a.dtype} != built-in {b.dtype}"
    torch.testing.assert_close(a, b, atol=atol, rtol=rtol, equal_nan=True)
    if not any(x.requires_grad for x in a_in):
        return
    w = torch.randn(a.shape, dtype=a.dtype, generator=torch.Generator().manual_seed(0))
    (a * w).sum().backward()
    (b * w).sum().backward()
    for i in grad_inputs:
        if a_in[i].requires_grad:
            assert a_in[i].grad is not None, f"no gradient reached input {i}"
            assert torch.isfinite(a_in[i].grad).all(), f"non-finite gradient for input {i}"
            torch.testing.assert_close(a_in[i].grad, b_in[i].grad, atol=atol, rtol=rtol,
                                       msg=lambda m: f"gradient of input {i} differs: {m}")
