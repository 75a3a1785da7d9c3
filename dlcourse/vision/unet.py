r"""A small U-Net (Ronneberger, Fischer and Brox, 2015) for semantic segmentation: one class score per pixel.

An encoder halves the resolution and doubles the channels at each level; a decoder upsamples back (transposed
convolution) and, at each level, concatenates the encoder's feature map of the same size (the *skip connection*)
before its convolutions:

.. math::

    e_1 = f_1(x), \quad e_{\ell+1} = f_{\ell+1}(\mathrm{pool}(e_\ell)), \qquad
    d_\ell = g_\ell\big([\,\mathrm{up}(d_{\ell+1});\ e_\ell\,]\big), \qquad \text{logits} = W d_1,

where each :math:`f, g` is two 3x3 convolutions with batch normalization and ReLU. The deep levels see a wide context
(what the object is); the skips bring back the fine detail that pooling lost (where its edge is). The original has
four levels, 64 to 1024 channels and no padding; this one pads so the output has the input's size.

Shapes:
    x (B, C, H, W) with H and W divisible by 2 ** (levels - 1); logits (B, K, H, W) for K classes (background included).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def _double_conv(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(),
                         nn.Conv2d(c_out, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU())


class UNet(nn.Module):
    """Encoder, decoder and skip connections over ``levels`` resolutions, ``width`` channels at the first."""

    def __init__(self, in_channels: int = 3, num_classes: int = 4, width: int = 16, levels: int = 3) -> None:
        super().__init__()
        if levels < 1:
            raise ValueError(f"levels must be at least 1, got {levels}")
        widths = [width * 2 ** level for level in range(levels)]
        self.levels = levels
        self.down = nn.ModuleList([_double_conv(c_in, c_out) for c_in, c_out in zip([in_channels] + widths, widths)])
        self.up = nn.ModuleList([nn.ConvTranspose2d(c, c // 2, 2, stride=2) for c in widths[:0:-1]])
        self.merge = nn.ModuleList([_double_conv(c, c // 2) for c in widths[:0:-1]])
        self.head = nn.Conv2d(width, num_classes, 1)

    def forward(self, x: Tensor) -> Tensor:
        factor = 2 ** (self.levels - 1)
        if x.dim() != 4 or x.shape[-1] % factor or x.shape[-2] % factor:
            raise ValueError(f"expected x of shape (B, C, H, W) with H and W divisible by {factor}, "
                             f"got {tuple(x.shape)}")
        skips = []
        for level, block in enumerate(self.down):
            x = block(x if level == 0 else nn.functional.max_pool2d(x, 2))  # (B, width * 2**level, H/2**level, ...)
            skips.append(x)
        for up, merge, skip in zip(self.up, self.merge, reversed(skips[:-1])):
            x = merge(torch.cat([up(x), skip], dim=1))  # (B, 2c, h, w) -> (B, c, h, w)
        return self.head(x)  # (B, K, H, W)
