r"""Loss functions: mean squared error, cross-entropy and binary cross-entropy.

.. math::

    \mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat y_i)^2, \qquad
    \mathrm{CE} = -\sum_{c=1}^{C} y_c \log \hat y_c, \quad \hat y = \mathrm{softmax}(z),

    \mathrm{BCE}(z, y) = -\,[\,y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))\,]
                       = (1 - y)\,z + \mathrm{softplus}(-z).

Shapes (as in ``torch.nn.functional``):
    N batch size, C number of classes, d1... optional extra dimensions (e.g. pixels).
    ``mse_loss``: input and target of the same shape.
    ``cross_entropy``: logits (N, C, d1...) or (C,); target either class indices
    (N, d1...) / () of dtype long, or class probabilities of the logits' shape.
    ``binary_cross_entropy_with_logits``: logits and target of the same shape.

Every loss takes logits, not probabilities: ``log_softmax`` and ``softplus`` compute the
log-probabilities without ever forming ``log(0)``.

``reduction``: ``"mean"`` (over every element that has a loss), ``"sum"`` or ``"none"``.
"""

from __future__ import annotations

from torch import Tensor

from dlcourse.nn.activations import log_softmax, softplus

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error. Unlike PyTorch (which broadcasts with a warning), shapes must match.

    >>> import torch
    >>> mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
    tensor(2.)
    """
    if input.shape != target.shape:
        raise ValueError(
            f"mse_loss needs input and target of the same shape, got {tuple(input.shape)} and "
            f"{tuple(target.shape)}; reshape one (e.g. target.view_as(input)) to avoid silent broadcasting"
        )
    return _reduce((input - target) ** 2, reduction)


def cross_entropy(logits: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Cross-entropy between ``softmax(logits)`` and ``target`` (indices or probabilities).

    The class dimension is 1, or 0 for an unbatched (C,) input, as in ``F.cross_entropy``.

    >>> import torch
    >>> cross_entropy(torch.tensor([[0.0, 0.0]]), torch.tensor([1]))  # log 2
    tensor(0.6931)
    """
    if logits.dim() == 0:
        raise ValueError("cross_entropy needs logits of shape (C,) or (N, C, ...), got a 0-d tensor")
    class_dim = 0 if logits.dim() == 1 else 1
    log_p = log_softmax(logits, dim=class_dim)  # (N, C, d1...)
    if target.is_floating_point():  # probabilities, same shape as the logits
        if target.shape != logits.shape:
            raise ValueError(
                f"probability targets must have the logits' shape {tuple(logits.shape)}, got {tuple(target.shape)}"
            )
        loss = -(target * log_p).sum(dim=class_dim)  # (N, d1...)
        return _reduce(loss, reduction)
    expected = logits.shape[:class_dim] + logits.shape[class_dim + 1 :]
    if target.shape != expected:
        raise ValueError(
            f"class-index targets for logits of shape {tuple(logits.shape)} must have shape "
            f"{tuple(expected)}, got {tuple(target.shape)}"
        )
    num_classes = logits.shape[class_dim]
    if target.numel() and (target.min() < 0 or target.max() >= num_classes):
        raise IndexError(f"class indices must lie in [0, {num_classes - 1}], got values in "
                         f"[{int(target.min())}, {int(target.max())}]")
    # pick log p[target] along the class dimension
    loss = -log_p.gather(class_dim, target.unsqueeze(class_dim)).squeeze(class_dim)  # (N, d1...)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(logits: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of ``sigmoid(logits)`` against ``target`` in [0, 1].

    Uses :math:`-\\log\\sigma(z) = \\mathrm{softplus}(-z)` and
    :math:`-\\log(1-\\sigma(z)) = z + \\mathrm{softplus}(-z)`, so the loss is
    :math:`(1 - y) z + \\mathrm{softplus}(-z)` and its gradient is exactly :math:`\\sigma(z) - y`.

    >>> import torch
    >>> binary_cross_entropy_with_logits(torch.tensor([0.0]), torch.tensor([1.0]))  # log 2
    tensor(0.6931)
    """
    if logits.shape != target.shape:
        raise ValueError(
            f"binary_cross_entropy_with_logits needs logits and target of the same shape, got "
            f"{tuple(logits.shape)} and {tuple(target.shape)}"
        )
    loss = (1.0 - target) * logits + softplus(-logits)
    return _reduce(loss, reduction)
