r"""2-D convolution and pooling, written as "gather the patches, then one matrix product" (im2col).

.. math::

    y_{b,o,i,j} = b_o + \sum_{c,u,v} w_{o,c,u,v}\, x_{b,c,\,s_H i+u-p_H,\; s_W j+v-p_W},

    \mathrm{maxpool}(x)_{b,c,i,j} = \max_{u,v} x_{b,c,\,s_H i+u,\; s_W j+v}, \qquad
    \mathrm{avgpool}(x)_{b,c,i,j} = \frac{1}{k_H k_W} \sum_{u,v} x_{b,c,\,s_H i+u,\; s_W j+v},

with :math:`u < k_H`, :math:`v < k_W`, and :math:`x = 0` outside the image (zero padding). Like every deep-learning
library this is a cross-correlation: the kernel is not flipped. Output size per axis:
:math:`H_{out} = \lfloor (H + 2 p_H - k_H) / s_H \rfloor + 1` (same for W).

Convolutional networks: LeCun et al., "Gradient-based learning applied to document recognition" (1998).
im2col: Chellapilla, Puri and Simard, "High performance convolutional neural networks for document processing" (2006).

Shapes:
    B batch size, C input channels, O output channels (filters), H, W input height and width,
    kH, kW kernel size, sH, sW stride, pH, pW padding, H_out, W_out output height and width,
    D = C·kH·kW values in one patch (its feature dimension), T = H_out·W_out patches per image (the image as a
    sequence of patches).
    x (B, C, H, W); weight (O, C, kH, kW); bias (O,); conv2d output (B, O, H_out, W_out);
    pooling output (B, C, H_out, W_out).

Sizes (``kernel_size``, ``stride``, ``padding``) are an int or an (H, W) pair. Values and gradients equal
``torch.nn.functional.conv2d`` / ``max_pool2d`` / ``avg_pool2d`` (``tests/test_nn_conv.py``); ``Conv2d``'s parameters
have ``torch.nn.Conv2d``'s names, shapes and initialisation, so state dicts load both ways.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

IntPair = int | tuple[int, int]


def _pair(value: IntPair, name: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints (H, W), got {value!r}")
    return pair


def conv2d_output_shape(h: int, w: int, kernel_size: IntPair, stride: IntPair = 1,
                        padding: IntPair = 0) -> tuple[int, int]:
    """Output (H_out, W_out) of a convolution or pooling: ``(H + 2·pH - kH) // sH + 1``, same for W.

    >>> conv2d_output_shape(32, 32, kernel_size=3, padding=1)
    (32, 32)
    >>> conv2d_output_shape(9, 7, kernel_size=(3, 2), stride=2)
    (4, 3)
    """
    (kH, kW), (sH, sW), (pH, pW) = _pair(kernel_size, "kernel_size"), _pair(stride, "stride"), _pair(padding, "padding")
    if kH <= 0 or kW <= 0:
        raise ValueError(f"kernel_size must be positive, got {kernel_size!r}")
    if sH <= 0 or sW <= 0:
        raise ValueError(f"stride must be positive, got {stride!r}; use stride=1 to visit every position")
    if pH < 0 or pW < 0:
        raise ValueError(f"padding must be non-negative, got {padding!r}")
    if kH > h + 2 * pH or kW > w + 2 * pW:
        raise ValueError(
            f"kernel (kH, kW)={(kH, kW)} is larger than the padded input (H + 2·pH, W + 2·pW)="
            f"{(h + 2 * pH, w + 2 * pW)}; use a smaller kernel_size, more padding or a larger input"
        )
    return (h + 2 * pH - kH) // sH + 1, (w + 2 * pW - kW) // sW + 1


def _check_images(x: Tensor, name: str) -> None:
    if x.dim() != 4:
        raise ValueError(f"{name} expected x of shape (B, C, H, W), got {tuple(x.shape)}; "
                         "add a batch dimension to a single image with x.unsqueeze(0)")


def im2col(x: Tensor, kernel_size: IntPair, stride: IntPair = 1, padding: IntPair = 0) -> Tensor:
    """Every (C, kH, kW) patch of the zero-padded images as a column: (B, D, T), equal to ``F.unfold``.

    ``Tensor.unfold`` slides a window along one axis and returns a strided *view*, so after the two calls below the
    windows exist without a copy; only the final ``reshape`` copies them into columns. Its backward sums each patch
    gradient back onto its pixels, in parallel (``F.unfold``'s backward, col2im, runs one image at a time).

    >>> im2col(torch.arange(9.0).view(1, 1, 3, 3), kernel_size=2)  # 4 patches of 2×2, one per column
    tensor([[[0., 1., 3., 4.],
             [1., 2., 4., 5.],
             [3., 4., 6., 7.],
             [4., 5., 7., 8.]]])
    """
    _check_images(x, "im2col")
    B, C, H, W = x.shape
    H_out, W_out = conv2d_output_shape(H, W, kernel_size, stride, padding)
    (kH, kW), (sH, sW), (pH, pW) = _pair(kernel_size, "kernel_size"), _pair(stride, "stride"), _pair(padding, "padding")
    if pH or pW:
        x = F.pad(x, (pW, pW, pH, pH))  # (B, C, H + 2pH, W + 2pW), zeros around the border
    patches = x.unfold(2, kH, sH).unfold(3, kW, sW)  # (B, C, H_out, W_out, kH, kW), a view
    # rows ordered (c, u, v) to match weight.reshape(O, D); columns (i, j) to match the output pixels
    return patches.permute(0, 1, 4, 5, 2, 3).reshape(B, C * kH * kW, H_out * W_out)  # (B, D, T)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: IntPair = 1,
           padding: IntPair = 0) -> Tensor:
    """Convolve (B, C, H, W) images with O filters of shape (C, kH, kW): im2col, then one matmul.

    :func:`im2col` copies every (C, kH, kW) patch into a column of length D = C·kH·kW (zero padding included), so the
    whole convolution is the product of the (O, D) filter matrix with the (D, T) patch matrix of each image.
    Autograd differentiates both steps.

    >>> x = torch.arange(16.0).view(1, 1, 4, 4)
    >>> conv2d(x, torch.ones(1, 1, 2, 2), stride=2)  # sums of the four 2×2 blocks
    tensor([[[[10., 18.],
              [42., 50.]]]])
    """
    _check_images(x, "conv2d")
    if weight.dim() != 4:
        raise ValueError(f"conv2d expected weight of shape (O, C, kH, kW), got {tuple(weight.shape)}")
    B, C, H, W = x.shape
    O, C_w, kH, kW = weight.shape
    if C != C_w:
        raise ValueError(f"x has C={C} channels but weight of shape {tuple(weight.shape)} expects C={C_w}; "
                         f"give weight the shape (O, {C}, kH, kW) or fix the input's channel dimension (dim 1)")
    if bias is not None and bias.shape != (O,):
        raise ValueError(f"conv2d expected bias of shape (O,)=({O},), got {tuple(bias.shape)}")
    H_out, W_out = conv2d_output_shape(H, W, (kH, kW), stride, padding)
    cols = im2col(x, (kH, kW), stride, padding)  # (B, D, T)
    y = weight.reshape(O, C * kH * kW) @ cols  # (O, D) @ (B, D, T) -> (B, O, T)
    if bias is not None:
        y = y + bias.view(O, 1)  # (O, 1) broadcasts over B and T
    return y.view(B, O, H_out, W_out)  # (B, O, T) -> (B, O, H_out, W_out)


def _windows(x: Tensor, kernel_size: IntPair, stride: IntPair | None, name: str) -> Tensor:
    """The pooling windows of ``x`` as a strided view (no copy): (B, C, H_out, W_out, kH, kW)."""
    _check_images(x, name)
    stride = kernel_size if stride is None else stride
    conv2d_output_shape(x.shape[2], x.shape[3], kernel_size, stride)  # validates the sizes
    (kH, kW), (sH, sW) = _pair(kernel_size, "kernel_size"), _pair(stride, "stride")
    return x.unfold(2, kH, sH).unfold(3, kW, sW)  # (B, C, H_out, W, kH) -> (B, C, H_out, W_out, kH, kW)


def max_pool2d(x: Tensor, kernel_size: IntPair, stride: IntPair | None = None) -> Tensor:
    """Maximum over each (kH, kW) window; ``stride`` defaults to ``kernel_size``; no padding, floor mode.

    Ties: the gradient of a window goes to ONE element, the first maximum in row-major order, exactly as in
    ``F.max_pool2d``. That is why this uses ``max(dim)`` (it routes the gradient to the index it returns, the first
    maximum) and not ``amax``, which would share the gradient equally among the tied elements.

    >>> max_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    windows = _windows(x, kernel_size, stride, "max_pool2d").flatten(-2)  # (B, C, H_out, W_out, kH·kW)
    return windows.max(dim=-1).values  # (B, C, H_out, W_out)


def avg_pool2d(x: Tensor, kernel_size: IntPair, stride: IntPair | None = None) -> Tensor:
    """Mean over each (kH, kW) window; ``stride`` defaults to ``kernel_size``; no padding, floor mode.

    >>> avg_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    return _windows(x, kernel_size, stride, "avg_pool2d").mean(dim=(-2, -1))  # (B, C, H_out, W_out)


class Conv2d(nn.Module):
    """:func:`conv2d` with learned ``weight`` (O, C, kH, kW) and ``bias`` (O,), initialised like ``nn.Conv2d``."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntPair, stride: IntPair = 1,
                 padding: IntPair = 0, bias: bool = True) -> None:
        super().__init__()
        if in_channels <= 0 or out_channels <= 0:
            raise ValueError(f"Conv2d needs positive channel counts, got in_channels={in_channels}, "
                             f"out_channels={out_channels}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = _pair(stride, "stride")
        self.padding = _pair(padding, "padding")
        if min(self.kernel_size) <= 0 or min(self.stride) <= 0 or min(self.padding) < 0:
            raise ValueError(f"Conv2d needs kernel_size > 0, stride > 0 and padding >= 0, got "
                             f"kernel_size={kernel_size!r}, stride={stride!r}, padding={padding!r}")
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        bound = 1.0 / math.sqrt(fan_in)
        # Same distribution as nn.Conv2d (kaiming_uniform with a=sqrt(5) reduces to this bound), drawn in the same
        # order (weight, then bias), so the same seed gives the same parameters.
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, *self.kernel_size).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound)) if bias else None  # (O,)

    def forward(self, x: Tensor) -> Tensor:
        return conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.padding)  # (B, O, H_out, W_out)

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, bias={self.bias is not None}")


class MaxPool2d(nn.Module):
    """:func:`max_pool2d` as a layer (no parameters)."""

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride

    def forward(self, x: Tensor) -> Tensor:
        return max_pool2d(x, self.kernel_size, self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class AvgPool2d(nn.Module):
    """:func:`avg_pool2d` as a layer (no parameters)."""

    def __init__(self, kernel_size: IntPair, stride: IntPair | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"
