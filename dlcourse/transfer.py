"""Transfer learning: reuse a pre-trained backbone, frozen or fine-tuned with a learning rate of its own.

A network pre-trained on a source task splits into a *backbone* :math:`f_\\theta` (the feature layers) and a
*head* :math:`g_\\phi` (the classifier); on the target task the head is replaced by a new one for the target's
:math:`K` classes, and :math:`\\hat y = g_\\phi(f_\\theta(x))` is trained in one of three ways
(Yosinski et al., *How transferable are features in deep neural networks?*, NeurIPS 2014):

- **feature extraction**: :math:`\\theta` frozen (``requires_grad`` False, so autograd leaves its ``.grad`` None
  and no optimizer moves it), only :math:`\\phi` trained: ``freeze(backbone)``;
- **full fine-tuning**: :math:`\\theta` and :math:`\\phi` trained with one learning rate :math:`\\eta`;
- **discriminative learning rates** (Howard and Ruder, ULMFiT, ACL 2018): the backbone moves with a smaller
  :math:`\\eta_b < \\eta`, one optimizer *parameter group* per part,

  .. math::
      \\theta \\leftarrow \\theta - \\eta_b\\, u_\\theta, \\qquad \\phi \\leftarrow \\phi - \\eta\\, u_\\phi,

  where :math:`u` is the optimizer's update direction (the gradient for plain SGD):
  ``torch.optim.Adam(param_groups(backbone, head, lr=eta, backbone_lr=eta_b))``. With ``backbone_lr=0`` the
  backbone is frozen and left out of the groups: feature extraction again.

Shapes:
    none: these functions act on modules and return lists of their parameters (``module.parameters()`` order).
"""

from __future__ import annotations

from torch import nn


def freeze(module: nn.Module, frozen: bool = True) -> nn.Module:
    """Set ``requires_grad = not frozen`` on every parameter of ``module``; return ``module``.

    A frozen parameter gets no ``.grad`` from ``backward()``, so no optimizer step changes it.

    >>> layer = freeze(nn.Linear(3, 2))
    >>> [p.requires_grad for p in layer.parameters()]
    [False, False]
    >>> trainable_parameters(freeze(layer, frozen=False))
    8
    """
    return module.requires_grad_(not frozen)  # nn.Module's own: every parameter's flag, the module returned


def trainable_parameters(module: nn.Module) -> int:
    """The number of scalar parameters of ``module`` that training would change (``requires_grad`` True)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def param_groups(backbone: nn.Module, head: nn.Module, lr: float, backbone_lr: float) -> list[dict]:
    """Optimizer parameter groups: the backbone at ``backbone_lr``, the head at ``lr``.

    Args:
        backbone: the pre-trained feature layers, parameters theta.
        head: the new classifier, parameters phi; no parameter may belong to both.
        lr: eta, the head's learning rate (> 0).
        backbone_lr: eta_b, the backbone's learning rate (>= 0); 0 freezes the backbone.

    Returns:
        ``[{"params": [backbone's parameters], "lr": backbone_lr}, {"params": [head's parameters], "lr": lr}]``,
        or only the head's group when ``backbone_lr == 0``. Sets ``requires_grad`` on every parameter: False on a
        frozen backbone, True everywhere else. Pass the list to any ``torch.optim`` optimizer.

    Raises:
        ValueError: ``lr <= 0``, ``backbone_lr < 0``, or a parameter shared by backbone and head.

    >>> net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    >>> groups = param_groups(net[:2], net[2], lr=1e-2, backbone_lr=1e-3)
    >>> [(len(g["params"]), g["lr"]) for g in groups]
    [(2, 0.001), (2, 0.01)]
    """
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    if not backbone_lr >= 0:
        raise ValueError(f"backbone_lr must be >= 0 (0 freezes the backbone), got {backbone_lr}")
    theta, phi = list(backbone.parameters()), list(head.parameters())
    if {id(p) for p in theta} & {id(p) for p in phi}:
        raise ValueError("a parameter belongs to both backbone and head; an optimizer takes each parameter once")
    freeze(head, frozen=False)
    freeze(backbone, frozen=backbone_lr == 0)
    head_group = {"params": phi, "lr": lr}
    return [head_group] if backbone_lr == 0 else [{"params": theta, "lr": backbone_lr}, head_group]
