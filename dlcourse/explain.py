r"""Attributions: how much each input feature contributed to an output.

**Saliency** (Simonyan, Vedaldi and Zisserman, 2014) is the plain gradient of the score of class ``target``,
:math:`S_i(x) = \partial F(x) / \partial x_i`: how much the score would move if feature :math:`i` moved a little.
Its magnitude is drawn as a *saliency map*. It says how sensitive the model is at :math:`x`, not how much a feature
contributed: a feature held at zero can have a large gradient, and a saturated feature a zero one.

**Integrated gradients** (Sundararajan, Taly and Yan, 2017) answers the second question.

For a model :math:`F` (one output: the score of class ``target``), an input :math:`x` and a baseline :math:`x'`
(an input that means "nothing": black pixels, zeros), the attribution of feature :math:`i` is the gradient averaged
along the straight path from the baseline to the input, times the distance travelled:

.. math::

    \mathrm{IG}_i(x) = (x_i - x'_i) \int_0^1 \frac{\partial F\big(x' + \alpha (x - x')\big)}{\partial x_i}\, d\alpha
    \;\approx\; (x_i - x'_i)\, \frac{1}{m} \sum_{k=1}^{m}
    \frac{\partial F\big(x' + \tfrac{k - 1/2}{m} (x - x')\big)}{\partial x_i},

with the integral taken by the midpoint rule over ``steps`` = :math:`m` points. By the fundamental theorem of
calculus along the path, the attributions add up to the change of the output (*completeness*):
:math:`\sum_i \mathrm{IG}_i(x) = F(x) - F(x')`, exactly in the limit and up to the rule's error for finite
:math:`m`. A plain gradient has no such property: it is zero wherever the model saturates.

Shapes:
    x and baseline (B, ...) the model's input (baseline may also be one unbatched input, broadcast);
    model(x) (B, K); target an int or (B,) class indices; attributions (saliency and IG): x's shape.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor


def _target_gradient(model: Callable[[Tensor], Tensor], point: Tensor, target: Tensor) -> Tensor:
    """The gradient at ``point`` (B, ...) of each example's score of class ``target`` (B,): point's shape."""
    point = point.detach().requires_grad_(True)
    out = model(point)  # (B, K)
    if out.dim() != 2 or out.shape[0] != point.shape[0]:
        raise ValueError(f"the model must return scores of shape (B, K), got {tuple(out.shape)}")
    score = out.gather(1, target[:, None]).sum()  # each example's own target; examples are independent
    return torch.autograd.grad(score, point)[0]


def integrated_gradients(model: Callable[[Tensor], Tensor], x: Tensor, baseline: Tensor, target: int | Tensor,
                         steps: int = 64) -> Tensor:
    """Attributions of x's shape for output ``target`` (an int, or (B,) class indices); see the module docstring."""
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    baseline = baseline.expand_as(x).to(x.dtype)
    target = torch.as_tensor(target, device=x.device).expand(x.shape[0])  # (B,)
    total = torch.zeros_like(x)
    for k in range(steps):
        alpha = (k + 0.5) / steps  # the midpoint of the k-th of m equal intervals
        total += _target_gradient(model, baseline + alpha * (x - baseline), target)  # (B, ...)
    return (x - baseline) * total / steps


def saliency(model: Callable[[Tensor], Tensor], x: Tensor, target: int | Tensor) -> Tensor:
    """The gradient of each example's score of class ``target`` with respect to its input: x's shape, signed.

    A saliency map draws its absolute value. Examples must be independent in the model (no batch statistics).
    """
    return _target_gradient(model, x, torch.as_tensor(target, device=x.device).expand(x.shape[0]))
