r"""Depthwise-separable convolution, the building block of MobileNet (Howard et al., 2017).

A standard convolution mixes space and channels at once: each of its :math:`O` filters has :math:`C k^2` weights.
A depthwise-separable convolution splits the two. A **depthwise** convolution filters each input channel with its
own :math:`k \times k` kernel (``groups = C`` in PyTorch), and a **pointwise** :math:`1 \times 1` convolution then
mixes the channels:

.. math::

    z_{b,c,i,j} = \sum_{u,v} w^{dw}_{c,u,v}\, x_{b,c,\,s i+u-p,\; s j+v-p}, \qquad
    y_{b,o,i,j} = b_o + \sum_{c} w^{pw}_{o,c}\, z_{b,c,i,j}.

Weights: :math:`C k^2 + O C` instead of :math:`O C k^2`, a ratio of :math:`1/O + 1/k^2`, about 8 to 9 times fewer
for :math:`k = 3` and :math:`O \ge 64`; the multiply-adds per output position shrink by the same ratio. The
depthwise part has no bias, as in MobileNet, where batch normalization follows it. The parameters have the shapes
of the two ``torch.nn.Conv2d`` layers it equals: ``weight_dw`` (C, 1, k, k) of ``Conv2d(C, C, k, groups=C,
bias=False)``, and ``weight_pw`` (O, C, 1, 1) and ``bias`` (O,) of ``Conv2d(C, O, 1)``.

Shapes:
    x (B, C, H, W); depthwise output z (B, C, H_out, W_out); output y (B, O, H_out, W_out).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from dlcourse.nn.conv import IntPair, _pair, im2col


def depthwise_conv2d(x: Tensor, weight: Tensor, stride: IntPair = 1, padding: IntPair = 0) -> Tensor:
    """Each channel of ``x`` (B, C, H, W) filtered by its own kernel, ``weight`` (C, 1, kH, kW): (B, C, H_out, W_out)."""
    if x.dim() != 4 or weight.dim() != 4 or weight.shape[1] != 1 or weight.shape[0] != x.shape[1]:
        raise ValueError(f"expected x (B, C, H, W) and weight (C, 1, kH, kW) with the same C, got {tuple(x.shape)} "
                         f"and {tuple(weight.shape)}")
    (sh, sw), (ph, pw) = _pair(stride, "stride"), _pair(padding, "padding")
    b, c, h, w = x.shape
    kh, kw = weight.shape[-2:]
    h_out, w_out = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    cols = im2col(x, (kh, kw), (sh, sw), (ph, pw))  # (B, C·kH·kW, T)
    cols = cols.reshape(b, c, kh * kw, h_out * w_out)  # (B, C, kH·kW, T): each channel's own patch
    z = torch.einsum("bckt,ck->bct", cols, weight.reshape(c, kh * kw))  # (B, C, T): no sum over channels
    return z.reshape(b, c, h_out, w_out)  # (B, C, H_out, W_out)


class DepthwiseSeparableConv2d(nn.Module):
    """A depthwise k x k convolution (no bias) followed by a pointwise 1 x 1 convolution (see the module docstring)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntPair, stride: IntPair = 1,
                 padding: IntPair = 0) -> None:
        super().__init__()
        kh, kw = _pair(kernel_size, "kernel_size")
        self.stride, self.padding = _pair(stride, "stride"), _pair(padding, "padding")
        self.weight_dw = nn.Parameter(torch.empty(in_channels, 1, kh, kw))
        self.weight_pw = nn.Parameter(torch.empty(out_channels, in_channels, 1, 1))
        self.bias = nn.Parameter(torch.empty(out_channels))
        # torch.nn.Conv2d's initialisation: kaiming_uniform_(a=sqrt(5)) and a bias bound of 1/sqrt(fan_in)
        nn.init.kaiming_uniform_(self.weight_dw, a=math.sqrt(5))
        nn.init.kaiming_uniform_(self.weight_pw, a=math.sqrt(5))
        bound = 1 / math.sqrt(in_channels)  # the pointwise layer's fan-in: C inputs of 1 x 1
        nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        z = depthwise_conv2d(x, self.weight_dw, self.stride, self.padding)  # (B, C, H_out, W_out)
        w = self.weight_pw.flatten(1)  # (O, C, 1, 1) -> (O, C)
        return torch.einsum("oc,bchw->bohw", w, z) + self.bias[:, None, None]  # (B, O, H_out, W_out)
