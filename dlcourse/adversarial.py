r"""Adversarial examples with the fast gradient sign method (FGSM), Goodfellow, Shlens and Szegedy, 2015.

A small change of an input, chosen against the model, can change its prediction. FGSM takes one step of size
:math:`\epsilon` in the direction that increases the loss fastest under a bound on each input value (the
:math:`\ell_\infty` ball):

.. math::

    x' = x + \epsilon \, \operatorname{sign}\big(\nabla_x \mathcal{L}(f(x), y)\big), \qquad
    \lVert x' - x \rVert_\infty \le \epsilon,

optionally clipped back to the valid range of the input (pixels in [0, 1]). It is the maximiser of the loss's
first-order approximation :math:`\mathcal{L}(x) + \nabla_x \mathcal{L}^\top (x' - x)` over that ball. A feature
whose gradient is exactly 0 is left unchanged (``sign(0) = 0``).

For logistic regression :math:`p = \sigma(w^\top x + b)` with binary cross-entropy the gradient has a closed form,
:math:`\nabla_x \mathcal{L} = (p - y)\, w`, so :math:`x' = x + \epsilon\, \operatorname{sign}(p - y) \operatorname{sign}(w)`.

Shapes:
    x (B, ...) any input shape the model takes; y (B,) class indices (or whatever ``loss_fn`` takes); x' like x.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor


def fgsm(model: Callable[[Tensor], Tensor], x: Tensor, y: Tensor, eps: float,
         loss_fn: Callable[[Tensor, Tensor], Tensor] = F.cross_entropy,
         clamp: tuple[float, float] | None = None) -> Tensor:
    """The FGSM example x + eps * sign(grad_x loss_fn(model(x), y)), detached, clipped to ``clamp`` if given.

    Examples do not interact, so each row of the gradient is that example's own (a mean over the batch scales
    it by 1 / B, which the sign ignores). Raises ValueError if eps is negative.
    """
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    x0 = x.detach().clone().requires_grad_(True)
    loss = loss_fn(model(x0), y)
    grad, = torch.autograd.grad(loss, x0)  # (B, ...) like x
    x_adv = x.detach() + eps * grad.sign()
    if clamp is not None:
        x_adv = x_adv.clamp(*clamp)
    return x_adv
