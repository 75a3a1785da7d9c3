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

Numerics: ``exp`` overflows float32 above 88. Each function only ever exponentiates
:math:`-|x|` (or a shifted :math:`x - \max x`), so no intermediate is ``inf`` and no gradient
is ``nan``: :func:`torch.where` computes and differentiates *both* branches, so the branch
that is not taken must be finite too.

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
    return torch.where(x > 0, x, 0.0)


def relu_grad(x: Tensor) -> Tensor:
    """Derivative of ReLU: 1 where ``x > 0``, else 0."""
    return (x > 0).to(x.dtype)


def _neg_abs(x: Tensor) -> Tensor:
    """:math:`-|x|`, differentiated like the ``x >= 0`` branch at 0 (``abs`` would give gradient 0 there)."""
    return torch.where(x >= 0, -x, x)


def sigmoid(x: Tensor) -> Tensor:
    r"""Logistic sigmoid, :math:`1 / (1 + e^{-x})`, stable for any ``x``.

    With :math:`e = e^{-|x|} \in (0, 1]`: :math:`\sigma(x) = 1 / (1 + e)` for ``x >= 0`` and the
    equal form :math:`e / (1 + e)` for ``x < 0``. Only one exponential, and it never overflows.

    >>> sigmoid(torch.tensor([0.0, -1000.0, 1000.0]))
    tensor([0.5000, 0.0000, 1.0000])
    """
    e = torch.exp(_neg_abs(x))  # in (0, 1]
    return torch.where(x >= 0, 1.0, e) / (1.0 + e)


def sigmoid_grad(x: Tensor) -> Tensor:
    """Derivative of the sigmoid, :math:`\\sigma(x)(1 - \\sigma(x))`; at most 1/4."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x: Tensor) -> Tensor:
    r"""Hyperbolic tangent, :math:`(e^{x} - e^{-x}) / (e^{x} + e^{-x})`, stable for any ``x``.

    Dividing numerator and denominator by :math:`e^{|x|}` gives, with
    :math:`m = \mathrm{expm1}(-2|x|) = e^{-2|x|} - 1 \in (-1, 0]`,
    :math:`\tanh(x) = -m / (2 + m)` for ``x >= 0`` and :math:`m / (2 + m)` for ``x < 0``
    (``expm1`` keeps full precision near 0, where :math:`e^{-2|x|}` is close to 1).

    >>> tanh(torch.tensor([0.0, 1000.0]))
    tensor([0., 1.])
    """
    m = torch.expm1(2.0 * _neg_abs(x))  # in (-1, 0]
    return torch.where(x >= 0, -m, m) / (2.0 + m)


def tanh_grad(x: Tensor) -> Tensor:
    """Derivative of tanh, :math:`1 - \\tanh^2(x)`; at most 1."""
    return 1.0 - tanh(x) ** 2


def softplus(x: Tensor) -> Tensor:
    r"""Softplus, :math:`\log(1 + e^{x}) = \max(x, 0) + \log(1 + e^{-|x|})`, stable for any ``x``.

    Its derivative is exactly ``sigmoid(x)``, which is what makes the logistic losses stable.
    """
    # max(x, 0) must take the same branch at 0 as _neg_abs (relu's gradient at 0 is 0, this one's is 1)
    return torch.where(x >= 0, x, 0.0) + torch.log1p(torch.exp(_neg_abs(x)))


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
