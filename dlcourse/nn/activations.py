r"""Activation functions and their derivatives, written from their formulas.

An activation adds the non-linearity without which a stack of linear layers would
collapse into a single linear map.

.. math::

    \mathrm{ReLU}(x) = \max(0, x), \qquad
    \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad
    \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}},

    \mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}, \qquad
    \log\mathrm{softmax}(x)_i = x_i - \log \sum_j e^{x_j}.

Derivatives: :math:`\mathrm{ReLU}'(x) = [x > 0]`, :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))`,
:math:`\tanh'(x) = 1 - \tanh^2(x)`.

Shapes: every function is elementwise (any shape) except ``softmax``/``log_softmax``,
which normalise along ``dim`` and keep the input's shape.

Numerics: ``exp`` overflows float32 above 88. Each function only ever exponentiates a
non-positive number, so no intermediate is ``inf`` and no gradient is ``nan``. Branches are
selected with :func:`torch.where` on *safe* inputs: the branch that is not taken is still
computed (and differentiated), so it must be finite too.

All results equal ``torch.relu``, ``torch.sigmoid``, ``torch.tanh``, ``torch.softmax`` and
``torch.log_softmax`` in value and gradient (``tests/test_nn_activations.py``).
"""

from __future__ import annotations

import torch
from torch import Tensor


def relu(x: Tensor) -> Tensor:
    """ReLU, :math:`\\max(0, x)`; its gradient at 0 is 0, as in PyTorch.

    >>> relu(torch.tensor([-2.0, 0.0, 3.0]))
    tensor([0., 0., 3.])
    """
    return torch.where(x > 0, x, torch.zeros_like(x))


def relu_grad(x: Tensor) -> Tensor:
    """Derivative of ReLU: 1 where ``x > 0``, else 0."""
    return (x > 0).to(x.dtype)


def _split(x: Tensor) -> tuple[Tensor, Tensor]:
    """Return ``(x where x >= 0 else 0, x where x < 0 else 0)``: safe inputs for each branch."""
    zero = torch.zeros_like(x)
    return torch.where(x >= 0, x, zero), torch.where(x < 0, x, zero)


def sigmoid(x: Tensor) -> Tensor:
    """Logistic sigmoid, :math:`1 / (1 + e^{-x})`, stable for any ``x``.

    For ``x >= 0`` use ``1 / (1 + e^{-x})``; for ``x < 0`` the equal form ``e^{x} / (1 + e^{x})``.

    >>> sigmoid(torch.tensor([0.0, -1000.0, 1000.0]))
    tensor([0.5000, 0.0000, 1.0000])
    """
    pos, neg = _split(x)
    e_pos = torch.exp(-pos)  # in (0, 1]
    e_neg = torch.exp(neg)  # in (0, 1]
    return torch.where(x >= 0, 1.0 / (1.0 + e_pos), e_neg / (1.0 + e_neg))


def sigmoid_grad(x: Tensor) -> Tensor:
    """Derivative of the sigmoid, :math:`\\sigma(x)(1 - \\sigma(x))`; at most 1/4."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent, :math:`(e^{x} - e^{-x}) / (e^{x} + e^{-x})`, stable for any ``x``.

    Dividing numerator and denominator by :math:`e^{|x|}` gives, for ``x >= 0``,
    :math:`-\\mathrm{expm1}(-2x) / (2 + \\mathrm{expm1}(-2x))` (``expm1`` keeps precision near 0),
    and the mirror image for ``x < 0``.

    >>> tanh(torch.tensor([0.0, 1000.0]))
    tensor([0., 1.])
    """
    pos, neg = _split(x)
    m_pos = torch.expm1(-2.0 * pos)  # in (-1, 0]
    m_neg = torch.expm1(2.0 * neg)  # in (-1, 0]
    return torch.where(x >= 0, -m_pos / (2.0 + m_pos), m_neg / (2.0 + m_neg))


def tanh_grad(x: Tensor) -> Tensor:
    """Derivative of tanh, :math:`1 - \\tanh^2(x)`; at most 1."""
    return 1.0 - tanh(x) ** 2


def softplus(x: Tensor) -> Tensor:
    """Softplus, :math:`\\log(1 + e^{x})`, stable: :math:`x + \\log(1 + e^{-x})` for ``x > 0``.

    Its derivative is exactly ``sigmoid(x)``, which is what makes the logistic losses stable.
    """
    pos, neg = _split(x)
    return torch.where(x >= 0, pos + torch.log1p(torch.exp(-pos)), torch.log1p(torch.exp(neg)))


def _check_dim(x: Tensor, dim: int) -> None:
    if x.dim() == 0:
        raise ValueError("softmax needs at least one dimension; got a 0-d tensor")
    if not -x.dim() <= dim < x.dim():
        raise IndexError(f"dim={dim} is out of range for a tensor of shape {tuple(x.shape)}")


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """Softmax along ``dim``: non-negative, sums to 1 along ``dim``, same shape as ``x``.

    The maximum is subtracted first (softmax is shift-invariant), so the largest exponent is
    :math:`e^0 = 1` and nothing overflows. The shift is a constant for autograd (``detach``):
    its gradient would cancel exactly anyway.

    >>> softmax(torch.tensor([1000.0, 1000.0]))
    tensor([0.5000, 0.5000])
    """
    _check_dim(x, dim)
    z = x - x.amax(dim=dim, keepdim=True).detach()
    e = torch.exp(z)
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """Log of the softmax along ``dim``, without ever taking the log of a tiny number.

    :math:`\\log\\mathrm{softmax}(x)_i = (x_i - m) - \\log\\sum_j e^{x_j - m}` with :math:`m = \\max_j x_j`.
    """
    _check_dim(x, dim)
    z = x - x.amax(dim=dim, keepdim=True).detach()
    return z - torch.log(torch.exp(z).sum(dim=dim, keepdim=True))
