r"""Weight initialisation that keeps the variance of signals constant from layer to layer.

A linear unit :math:`y = \sum_{i=1}^{D_{in}} w_i x_i` with independent, zero-mean weights and inputs has

.. math::

    \mathrm{Var}(y) = D_{in}\,\mathrm{Var}(w)\,\mathrm{Var}(x),

and backward, :math:`\mathrm{Var}(\partial \mathcal L / \partial x) = D_{out}\,\mathrm{Var}(w)\,
\mathrm{Var}(\partial \mathcal L / \partial y)`. Keeping both ratios at 1 (scaled by the activation's gain):

- Xavier / Glorot (Glorot and Bengio, 2010), for tanh and sigmoid: :math:`\mathrm{Var}(w) = g^2 \cdot
  2 / (D_{in} + D_{out})`, a compromise between the forward and the backward condition;
- He / Kaiming (He et al., 2015), for ReLU, which zeroes half its inputs: :math:`\mathrm{Var}(w) = g^2 / D_{fan}`
  with :math:`g^2 = 2`, :math:`D_{fan} = D_{in}` (``mode="fan_in"``, the forward pass) or
  :math:`D_{out}` (``"fan_out"``, the backward pass).

A uniform :math:`U(-a, a)` has variance :math:`a^2 / 3`, so the uniform variants use :math:`a = \sqrt3\,s`
for the standard deviation :math:`s` above.

Shapes:
    A linear weight (D_out, D_in): fan_in = D_in, fan_out = D_out. A convolution's weight (C_out, C_in, k, k)
    (or any (D_out, D_in, *kernel)): each output sees C_in * k * k inputs, fan_in = C_in k k, fan_out = C_out k k.

Every function fills ``tensor`` in place (under ``torch.no_grad()``, so a parameter can be given), draws from
``generator`` when one is given, and returns ``tensor``. The formulas, the fans and the random draws are those of
``torch.nn.init`` (``tests/test_nn_init.py``): with generators in the same state both fill the same values.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

GAINS = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 3.0 / 4.0}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain g of an activation: the factor by which the variance formulas' standard deviation is scaled.

    ``leaky_relu`` with negative slope a (``param``, default 0.01) has :math:`g = \\sqrt{2 / (1 + a^2)}`.

    >>> round(calculate_gain("relu") ** 2, 6)
    2.0
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"):
        return 1.0
    if nonlinearity not in GAINS:
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}; expected one of "
                         f"{sorted([*GAINS, 'leaky_relu', 'conv2d'])}")
    return GAINS[nonlinearity]


def fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (D_out, D_in, *kernel): D_in and D_out times the kernel's size."""
    if tensor.dim() < 2:
        raise ValueError(f"fans need a weight of shape (D_out, D_in, ...), got shape {tuple(tensor.shape)}")
    receptive = math.prod(tensor.shape[2:])  # 1 for a linear layer, k * k for a 2-D convolution
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: torch.Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` from :math:`U(-a, a)`, :math:`a = g \sqrt{6 / (D_{in} + D_{out})}`."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(2.0 / float(fan_in + fan_out)) * math.sqrt(3.0)  # std * sqrt(3)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: torch.Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` from :math:`\mathcal N(0, s^2)`, :math:`s = g \sqrt{2 / (D_{in} + D_{out})}`."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    with torch.no_grad():
        return tensor.normal_(0.0, std, generator=generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: torch.Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` from :math:`\mathcal N(0, s^2)`, :math:`s = g / \sqrt{D_{fan}}` (ReLU: :math:`\sqrt{2 / D_{fan}}`).

    ``a`` is the negative slope of a leaky ReLU (``nonlinearity="leaky_relu"``, torch's default; ``a = 0`` is
    ReLU), ``mode`` picks :math:`D_{fan}`: ``"fan_in"`` keeps the forward variance, ``"fan_out"`` the backward.
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    with torch.no_grad():
        return tensor.normal_(0.0, std, generator=generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: torch.Generator | None = None) -> Tensor:
    r"""Fill ``tensor`` from :math:`U(-b, b)`, :math:`b = g \sqrt{3 / D_{fan}}`.

    ``nn.Linear``'s default is this with ``a = sqrt(5)``: :math:`g^2 = 2 / 6`, so :math:`b = 1 / \sqrt{D_{in}}`.
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)
