r"""L1 and L2 weight penalties.

.. math::

    \mathcal{L}_{L1} = \mathcal{L} + \lambda \sum_i |w_i|, \qquad
    \mathcal{L}_{L2} = \mathcal{L} + \lambda \sum_i w_i^2.

The L1 penalty's gradient :math:`\lambda\,\mathrm{sign}(w)` pushes every weight towards 0 by
the same amount, so small weights reach exactly 0 (sparsity). The L2 penalty's gradient
:math:`2\lambda w` is proportional to the weight, so weights shrink but rarely vanish.

Only weights are penalised, not biases: a bias shifts a unit's output and does not make the
function more wiggly. Parameters whose name ends in ``bias`` (or that are 1-dimensional,
like normalisation scales) are skipped unless ``include_bias=True``.

Relation to the built-in: one SGD step on :math:`\mathcal{L} + \tfrac{\lambda}{2}\,\mathrm{l2\_penalty}`
equals one step of ``torch.optim.SGD(weight_decay=λ)`` on :math:`\mathcal{L}`
(``tests/test_nn_regularization.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import Tensor, nn


def penalized_parameters(module: nn.Module, include_bias: bool = False) -> Iterator[Tensor]:
    """Yield the parameters a penalty applies to: weights (ndim >= 2), plus biases if asked."""
    for name, p in module.named_parameters():
        if include_bias or (p.dim() >= 2 and not name.endswith("bias")):
            yield p


def _total(terms: list[Tensor], module: nn.Module) -> Tensor:
    if not terms:  # a module with no weights has no penalty, on its own device
        p = next(module.parameters(), None)
        return torch.zeros((), device=None if p is None else p.device)
    return torch.stack(terms).sum()


def l1_penalty(module: nn.Module, include_bias: bool = False) -> Tensor:
    """:math:`\\sum_i |w_i|` over the module's weights (a 0-d tensor that autograd can follow)."""
    return _total([p.abs().sum() for p in penalized_parameters(module, include_bias)], module)


def l2_penalty(module: nn.Module, include_bias: bool = False) -> Tensor:
    """:math:`\\sum_i w_i^2` over the module's weights (no 1/2 factor, as in the lesson)."""
    return _total([(p**2).sum() for p in penalized_parameters(module, include_bias)], module)
