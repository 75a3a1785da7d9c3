r"""Batch normalisation and layer normalisation: standardise features, then scale and shift them.

Both compute :math:`\hat x = (x - \mu) / \sqrt{\sigma^2 + \varepsilon}` and :math:`y = \gamma \hat x + \beta`;
they differ in *which* numbers share a mean :math:`\mu` and a variance :math:`\sigma^2` (the biased one,
dividing by the count):

- **batch normalisation** (Ioffe and Szegedy, 2015): one feature across the batch. For x of shape (B, D),
  :math:`\mu_j = \frac1B \sum_b x_{bj}` per feature j; for (B, C, L), per channel over the batch and the length.
  In training mode the batch's statistics are used and running estimates are updated,
  :math:`\hat\mu \leftarrow (1 - m)\,\hat\mu + m\,\mu` and :math:`\hat\sigma^2 \leftarrow (1 - m)\,\hat\sigma^2
  + m\,\frac{n}{n - 1}\sigma^2` (momentum m, n values per feature: the running variance is the unbiased one);
  in evaluation mode :math:`\hat\mu, \hat\sigma^2` replace :math:`\mu, \sigma^2`, so an example's output no
  longer depends on its batch;
- **layer normalisation** (Ba et al., 2016): one example across its features. For x of shape (..., D),
  :math:`\mu_b = \frac1D \sum_j x_{bj}` per example, the same in training and evaluation, with no running state.

The backward pass of batch normalisation, derived by hand, is an exercise of ``03-training/03-backprop``; here
autograd differentiates the formulas.

Shapes:
    batch_norm: x (B, D) or (B, C, L); weight, bias, running_mean, running_var (D,) or (C,).
    BatchNorm2d: x (B, C, H, W), one mean and variance per channel over B, H and W: it is BatchNorm1d on the
    images viewed as (B, C, H·W).
    layer_norm: x (..., *normalized_shape), e.g. (B, D) or (B, T, D) with normalized_shape (D,); weight and
    bias of shape normalized_shape.

Parameter and buffer names (``weight``, ``bias``, ``running_mean``, ``running_var``, ``num_batches_tracked``)
equal torch's, so ``load_state_dict`` works both ways; values, gradients and running statistics agree with
``torch.nn.BatchNorm1d`` / ``torch.nn.BatchNorm2d`` / ``torch.nn.LayerNorm`` (``tests/test_nn_normalization.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn


def batch_norm(
    x: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation of x (B, D) or (B, C, L) per feature, as ``torch.nn.functional.batch_norm``.

    ``training=True`` normalises with the batch's statistics and, when running statistics are given, updates
    them in place with ``momentum``; ``training=False`` normalises with the running statistics.
    """
    if x.dim() not in (2, 3):
        raise ValueError(f"expected x of shape (B, D) or (B, C, L), got {tuple(x.shape)}")
    dims = (0,) if x.dim() == 2 else (0, 2)
    shape = (1, -1) if x.dim() == 2 else (1, -1, 1)  # broadcast per-feature vectors against x
    if training:
        n = x.numel() // x.shape[1]  # values per feature
        if n <= 1:
            raise ValueError(f"expected more than 1 value per feature when training, got x of shape {tuple(x.shape)}")
        mean = x.mean(dim=dims)                                               # (D,)
        var = ((x - mean.view(shape)) ** 2).mean(dim=dims)                    # (D,) biased: divides by n
        if running_mean is not None and running_var is not None:
            with torch.no_grad():  # running statistics are state, not part of the graph
                running_mean.mul_(1 - momentum).add_(momentum * mean)
                running_var.mul_(1 - momentum).add_(momentum * var * n / (n - 1))  # unbiased estimate
    else:
        if running_mean is None or running_var is None:
            raise ValueError("evaluation mode (training=False) needs running_mean and running_var")
        mean, var = running_mean, running_var
    x_hat = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps)      # (B, D) or (B, C, L)
    if weight is not None:
        x_hat = x_hat * weight.view(shape)
    if bias is not None:
        x_hat = x_hat + bias.view(shape)
    return x_hat


class BatchNorm1d(nn.Module):
    """Batch normalisation with learnable ``weight`` (γ, ones) and ``bias`` (β, zeros) and running statistics.

    ``momentum=None`` averages all batches seen so far equally (factor 1 / num_batches_tracked), as torch does.
    ``track_running_stats=False`` keeps no running statistics and uses the batch's in both modes.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True) -> None:
        super().__init__()
        if num_features <= 0:
            raise ValueError(f"BatchNorm1d needs num_features > 0, got {num_features}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features)) if affine else None   # (D,) γ
        self.bias = nn.Parameter(torch.zeros(num_features)) if affine else None    # (D,) β
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))        # (D,)
            self.register_buffer("running_var", torch.ones(num_features))          # (D,)
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() not in (2, 3) or x.shape[1] != self.num_features:
            raise ValueError(f"expected x of shape (B, {self.num_features}) or (B, {self.num_features}, L), "
                             f"got {tuple(x.shape)}")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked)
        use_batch = self.training or self.running_mean is None  # untracked: the batch's statistics in eval too
        return batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, use_batch, momentum,
                          self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.weight is not None}"


class BatchNorm2d(BatchNorm1d):
    """Batch normalisation of images (B, C, H, W) per channel: :class:`BatchNorm1d` on the (B, C, H·W) view.

    A channel's statistics pool its B·H·W values, as ``torch.nn.BatchNorm2d``; same parameters, buffers and
    options as :class:`BatchNorm1d`.

    >>> bn = BatchNorm2d(3)
    >>> y = bn(torch.randn(4, 3, 5, 5) * 2 + 1)
    >>> torch.allclose(y.mean(dim=(0, 2, 3)), torch.zeros(3), atol=1e-6)
    True
    """

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != self.num_features:
            raise ValueError(f"expected x of shape (B, {self.num_features}, H, W), got {tuple(x.shape)}")
        B, C, H, W = x.shape
        return super().forward(x.reshape(B, C, H * W)).view(B, C, H, W)  # (B, C, H·W) -> (B, C, H, W)


def layer_norm(x: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Layer normalisation over the last ``len(normalized_shape)`` dimensions, as ``torch.nn.functional.layer_norm``."""
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0 or tuple(x.shape[x.dim() - k:]) != normalized_shape:
        raise ValueError(f"expected x of shape (..., {', '.join(map(str, normalized_shape))}), got {tuple(x.shape)}")
    dims = tuple(range(-k, 0))
    mean = x.mean(dim=dims, keepdim=True)                                     # (..., 1): one per example
    var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)                      # (..., 1) biased
    x_hat = (x - mean) / torch.sqrt(var + eps)                                # (..., D)
    if weight is not None:
        x_hat = x_hat * weight
    if bias is not None:
        x_hat = x_hat + bias
    return x_hat


class LayerNorm(nn.Module):
    """Layer normalisation with learnable ``weight`` (ones) and ``bias`` (zeros) of shape ``normalized_shape``."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True) -> None:
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None
        self.bias = nn.Parameter(torch.zeros(self.normalized_shape)) if elementwise_affine and bias else None

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None}"
