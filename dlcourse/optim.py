"""Optimizers written out: SGD (with momentum and Nesterov), AdaGrad, RMSProp, Adam and AdamW.

Every optimizer applies the update rule of gradient descent, :math:`\\theta \\leftarrow \\theta - \\alpha\\, u`,
where :math:`u` is the gradient :math:`\\nabla J(\\theta)` itself (plain SGD), a running summary of past
gradients (momentum, Adam), or the gradient divided by the root of a summary of its squares (AdaGrad, RMSProp). They subclass ``torch.optim.Optimizer``, so they have its interface
(``zero_grad``, ``step(closure)``, ``param_groups``, ``state_dict``) and work with
``torch.optim.lr_scheduler``. Their trajectories equal ``torch.optim.SGD``, ``Adagrad``, ``RMSprop``, ``Adam`` and ``AdamW``
(``tests/test_optim.py`` checks 100 steps in float64).

The state lives in ``self.state[p]``, one entry per parameter, with torch's names
(``momentum_buffer``, ``step``, ``sum``, ``square_avg``, ``grad_avg``, ``exp_avg``, ``exp_avg_sq``), so state
dicts load both ways.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch
from torch import Tensor

Params = Iterable[Tensor] | Iterable[dict]


def _check(lr: float, weight_decay: float) -> None:
    if not lr >= 0.0:
        raise ValueError(f"learning rate must be >= 0, got {lr}")
    if not weight_decay >= 0.0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")


def _evaluate(closure: Callable[[], Tensor] | None) -> Tensor | None:
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


class SGD(torch.optim.Optimizer):
    """Stochastic gradient descent, optionally with momentum, Nesterov momentum and L2 weight decay.

    With gradient :math:`g_t = \\nabla J(\\theta_t) + \\lambda \\theta_t` (``weight_decay`` :math:`\\lambda`):

    - plain:     :math:`\\theta_{t+1} = \\theta_t - \\alpha g_t`
    - momentum:  :math:`b_t = \\mu b_{t-1} + (1 - d) g_t` (:math:`b_1 = g_1`, ``dampening`` :math:`d`, default 0),
      :math:`\\theta_{t+1} = \\theta_t - \\alpha b_t`
    - Nesterov:  :math:`\\theta_{t+1} = \\theta_t - \\alpha (g_t + \\mu b_t)`

    >>> w = torch.tensor([1.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1)
    >>> (w ** 2).sum().backward(); opt.step(); w.detach()
    tensor([0.8000])
    """

    def __init__(self, params: Params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False, dampening: float = 0.0):
        _check(lr, weight_decay)
        if not 0.0 <= momentum:
            raise ValueError(f"momentum must be >= 0, got {momentum}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening 0")
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay, nesterov=nesterov,
                                      dampening=dampening))

    @torch.no_grad()
    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor | None:
        """One update of every parameter that has a gradient; returns the closure's loss, if given."""
        loss = _evaluate(closure)
        for group in self.param_groups:
            lr, mu, wd, damp = group["lr"], group["momentum"], group["weight_decay"], group["dampening"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if wd != 0:
                    g = g.add(p, alpha=wd)                    # L2 penalty's gradient: wd * theta
                if mu != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = g.clone()     # b_1 = g_1
                    else:
                        buf.mul_(mu).add_(g, alpha=1 - damp)            # b_t = mu b_{t-1} + (1-d) g_t
                    g = g.add(buf, alpha=mu) if group["nesterov"] else buf
                p.add_(g, alpha=-lr)                                     # theta -= lr * update
        return loss


def _check_eps(eps: float) -> None:
    if not eps >= 0.0:
        raise ValueError(f"eps must be >= 0, got {eps}")


class Adagrad(torch.optim.Optimizer):
    """AdaGrad (Duchi, Hazan & Singer, 2011): each coordinate's step divided by the root of its summed squared gradients.

    With :math:`g_t = \\nabla J(\\theta_{t-1}) + \\lambda \\theta_{t-1}` (L2 ``weight_decay``) and
    :math:`s_0` = ``initial_accumulator_value``:

    .. math::
        s_t = s_{t-1} + g_t^2, \\qquad
        \\theta_t = \\theta_{t-1} - \\frac{\\alpha}{1 + (t-1)\\,\\delta}\\, \\frac{g_t}{\\sqrt{s_t} + \\epsilon}

    (``lr_decay`` :math:`\\delta`, default 0). :math:`s_t` only grows, so the steps shrink like
    :math:`1/\\sqrt t` under a gradient of constant size. Note :math:`\\epsilon` outside the root, as torch.

    >>> w = torch.tensor([1.0], requires_grad=True)
    >>> opt = Adagrad([w], lr=0.1)
    >>> (w ** 2).sum().backward(); opt.step(); w.detach()   # first step: g / sqrt(g^2) = sign(g)
    tensor([0.9000])
    """

    def __init__(self, params: Params, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10):
        _check(lr, weight_decay)
        _check_eps(eps)
        if not (lr_decay >= 0.0 and initial_accumulator_value >= 0.0):
            raise ValueError(f"lr_decay and initial_accumulator_value must be >= 0, got {lr_decay} and "
                             f"{initial_accumulator_value}")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    @torch.no_grad()
    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor | None:
        """One update of every parameter that has a gradient; returns the closure's loss, if given."""
        loss = _evaluate(closure)
        for group in self.param_groups:
            lr, decay, wd, eps = group["lr"], group["lr_decay"], group["weight_decay"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["sum"] = torch.full_like(p, group["initial_accumulator_value"],
                                                   memory_format=torch.preserve_format)
                state["step"] += 1
                t = state["step"].item()
                if wd != 0:
                    g = g.add(p, alpha=wd)                           # L2 penalty inside the gradient
                s = state["sum"]
                s.addcmul_(g, g)                                     # s = s + g^2, never forgets
                p.addcdiv_(g, s.sqrt().add_(eps), value=-lr / (1 + (t - 1) * decay))
        return loss


class RMSprop(torch.optim.Optimizer):
    """RMSProp (Tieleman & Hinton, 2012): AdaGrad's sum of squares replaced by an exponential moving average.

    With :math:`g_t = \\nabla J(\\theta_{t-1}) + \\lambda \\theta_{t-1}` (L2 ``weight_decay``) and smoothing
    constant :math:`\\rho` (``alpha``, torch's name):

    .. math::
        v_t = \\rho\\, v_{t-1} + (1-\\rho)\\, g_t^2, \\quad v_0 = 0, \\qquad
        \\theta_t = \\theta_{t-1} - \\alpha\\, \\frac{g_t}{\\sqrt{v_t} + \\epsilon}.

    ``centered=True`` divides by the root of the variance estimate :math:`v_t - \\bar g_t^2` instead
    (:math:`\\bar g_t` the moving average of :math:`g`); ``momentum`` :math:`\\mu > 0` keeps a buffer
    :math:`b_t = \\mu b_{t-1} + g_t / (\\sqrt{v_t} + \\epsilon)` and steps along it. No bias correction:
    with :math:`\\rho = 0.99` the first step is :math:`\\alpha / \\sqrt{0.01} = 10\\,\\alpha` per coordinate.
    """

    def __init__(self, params: Params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False):
        _check(lr, weight_decay)
        _check_eps(eps)
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f"alpha (the smoothing constant) must be in [0, 1), got {alpha}")
        if not momentum >= 0.0:
            raise ValueError(f"momentum must be >= 0, got {momentum}")
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))

    @torch.no_grad()
    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor | None:
        """One update of every parameter that has a gradient; returns the closure's loss, if given."""
        loss = _evaluate(closure)
        for group in self.param_groups:
            lr, rho, eps, wd, mu = group["lr"], group["alpha"], group["eps"], group["weight_decay"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["square_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    if mu > 0:
                        state["momentum_buffer"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    if group["centered"]:
                        state["grad_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                if wd != 0:
                    g = g.add(p, alpha=wd)                               # L2 penalty inside the gradient
                v = state["square_avg"]
                v.mul_(rho).addcmul_(g, g, value=1 - rho)                # v = rho v + (1 - rho) g^2
                if group["centered"]:
                    g_bar = state["grad_avg"]
                    g_bar.lerp_(g, 1 - rho)                              # g_bar = rho g_bar + (1 - rho) g
                    denom = v.addcmul(g_bar, g_bar, value=-1).sqrt_().add_(eps)   # sqrt(v - g_bar^2) + eps
                else:
                    denom = v.sqrt().add_(eps)                           # sqrt(v) + eps: eps outside the root
                if mu > 0:
                    buf = state["momentum_buffer"]
                    buf.mul_(mu).addcdiv_(g, denom)                      # b = mu b + g / denom
                    p.add_(buf, alpha=-lr)
                else:
                    p.addcdiv_(g, denom, value=-lr)
        return loss


class Adam(torch.optim.Optimizer):
    """Adam: momentum on the gradient and a per-coordinate step size from its running second moment.

    With :math:`g_t = \\nabla J(\\theta_{t-1}) + \\lambda \\theta_{t-1}` (L2 ``weight_decay``):

    .. math::
        m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t, \\qquad v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2,

        \\hat m_t = m_t / (1-\\beta_1^t), \\qquad \\hat v_t = v_t / (1-\\beta_2^t), \\qquad
        \\theta_t = \\theta_{t-1} - \\alpha\\, \\hat m_t / (\\sqrt{\\hat v_t} + \\epsilon).

    The bias corrections undo the zero initialisation of :math:`m` and :math:`v`.
    """

    decoupled = False  # AdamW sets True: weight decay shrinks theta directly instead of entering g

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        _check(lr, weight_decay)
        if not (0.0 <= betas[0] < 1.0 and 0.0 <= betas[1] < 1.0):
            raise ValueError(f"betas must be in [0, 1), got {betas}")
        _check_eps(eps)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor | None:
        """One update of every parameter that has a gradient; returns the closure's loss, if given."""
        loss = _evaluate(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                state = self.state[p]
                if not state:
                    # torch keeps the step count as a float tensor; so do we, for state-dict compatibility
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                t = state["step"].item()
                if wd != 0:
                    if self.decoupled:
                        p.mul_(1 - lr * wd)                   # AdamW: theta <- theta (1 - lr wd)
                    else:
                        g = g.add(p, alpha=wd)                # Adam: L2 penalty inside the gradient
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.lerp_(g, 1 - beta1)                          # m = beta1 m + (1 - beta1) g
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)  # v = beta2 v + (1 - beta2) g^2
                step_size = lr / (1 - beta1**t)                # lr / bias correction of m
                denom = (v.sqrt() / math.sqrt(1 - beta2**t)).add_(eps)   # sqrt(v_hat) + eps
                p.addcdiv_(m, denom, value=-step_size)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): :math:`\\theta \\leftarrow \\theta(1 - \\alpha\\lambda)`
    before the Adam step, instead of adding :math:`\\lambda\\theta` to the gradient.

    With L2 inside Adam, the decay of a weight is divided by :math:`\\sqrt{\\hat v}` like its gradient, so
    weights with large gradients are barely regularised; decoupling makes the decay the same for every weight.
    """

    decoupled = True

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
