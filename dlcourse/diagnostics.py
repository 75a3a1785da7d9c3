"""Numbers to watch while a network trains: per-parameter gradient norms and update-to-weight ratios.

After ``loss.backward()``, :func:`grad_norms` gives :math:`\\|\\nabla_W \\mathcal L\\|_2` for each parameter
:math:`W` of a model, by name: a gradient that vanishes in the first layers or explodes anywhere shows up there
first. Around ``optimizer.step()``, :func:`update_ratios` gives the relative size of the step each parameter
took,

.. math::
    r_W = \\frac{\\|W_{t} - W_{t-1}\\|_2}{\\|W_{t-1}\\|_2},

which for plain SGD is :math:`\\eta \\|\\nabla_W \\mathcal L\\|_2 / \\|W\\|_2`. The CS231n notes (*Neural Networks
Part 3*) give "somewhere around 1e-3" as a rough rule of thumb: much lower suggests a learning rate that is too
small, much higher one that is too large.

Shapes:
    every value is a Python float, one per named parameter (``model.named_parameters()`` order).

Usage::

    before = snapshot(model)
    loss.backward()
    norms = grad_norms(model)            # {"0.weight": 0.31, "0.bias": 0.05, ...}
    optimizer.step()
    ratios = update_ratios(model, before)
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def grad_norms(model: nn.Module, norm_type: float = 2.0) -> dict[str, float]:
    """The p-norm of each parameter's gradient, by parameter name; parameters without a gradient are left out.

    >>> layer = nn.Linear(2, 1); layer(torch.ones(1, 2)).sum().backward()
    >>> grad_norms(layer)["bias"]
    1.0
    """
    return {name: torch.linalg.vector_norm(p.grad.detach(), float(norm_type)).item()
            for name, p in model.named_parameters() if p.grad is not None}


def snapshot(model: nn.Module) -> dict[str, Tensor]:
    """A copy of every parameter, by name, to compare with after a step (see :func:`update_ratios`)."""
    return {name: p.detach().clone() for name, p in model.named_parameters()}


def update_ratios(model: nn.Module, before: dict[str, Tensor]) -> dict[str, float]:
    """:math:`\\|W_t - W_{t-1}\\|_2 / \\|W_{t-1}\\|_2` per parameter, ``before`` from :func:`snapshot`.

    A parameter whose old value is all zeros (a bias at its initial value) gets ``inf`` if it moved, 0 if not.

    >>> layer = nn.Linear(3, 1); before = snapshot(layer)
    >>> with torch.no_grad(): _ = layer.weight.mul_(1.001)
    >>> round(update_ratios(layer, before)["weight"], 6)
    0.001
    """
    ratios = {}
    for name, p in model.named_parameters():
        if name not in before:
            raise KeyError(f"parameter {name!r} is not in the snapshot: take it with snapshot(model) before the step")
        old = before[name]
        step = torch.linalg.vector_norm(p.detach() - old).item()
        size = torch.linalg.vector_norm(old).item()
        ratios[name] = step / size if size > 0 else (float("inf") if step > 0 else 0.0)
    return ratios
