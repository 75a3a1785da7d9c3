r"""Residual networks: each block adds its input back to what its layers compute.

From "Deep Residual Learning for Image Recognition" (He, Zhang, Ren and Sun, 2016,
https://arxiv.org/abs/1512.03385). A residual block with the "basic" two-layer branch

.. math::

    \mathcal F(x) = \mathrm{BN}_2\big(W_2 * \mathrm{relu}(\mathrm{BN}_1(W_1 * x))\big), \qquad
    y = \mathrm{relu}\big(s(x) + \mathcal F(x)\big),

where :math:`*` is a 3×3 convolution with padding 1 (the first one with the block's stride), and the
shortcut :math:`s` is the identity when the input and output shapes agree, otherwise a **projection**
:math:`s(x) = \mathrm{BN}_s(W_s * x)` with a 1×1 convolution of the block's stride. Before the final
relu, :math:`\partial y / \partial x = I + \partial \mathcal F / \partial x`: the identity term carries
the gradient through every block, however small :math:`\partial \mathcal F / \partial x` is.

``residual=False`` drops the shortcut, :math:`y = \mathrm{relu}(\mathcal F(x))`: the "plain" network of
the paper, the same layers and the same parameters without the skip connection, for comparisons.

:class:`ResNet` is a small network for small images (the 8×8 digits): a 3×3 stem convolution with
batch normalisation and relu, one block per entry of ``channels`` (stride 2 wherever the channel count
grows, so each doubling of the width halves H and W), global average pooling over H and W, and a linear
layer to K class scores.

Shapes:
    B batch size, C channels, H, W height and width, K classes.
    ResidualBlock: x (B, C_in, H, W) -> (B, C_out, H_out, W_out), H_out = (H - 1) // stride + 1, same for W.
    ResNet: x (B, C_in, H, W) -> logits (B, K).

The convolutions are dlcourse's :class:`~dlcourse.nn.conv.Conv2d` (without bias: batch normalisation
follows each one and would cancel it), the normalisations dlcourse's
:class:`~dlcourse.nn.normalization.BatchNorm2d`. Values and gradients, in training and evaluation mode,
equal the same block built from ``torch.nn.Conv2d`` and ``torch.nn.BatchNorm2d`` with copied weights
(``tests/test_nn_resnet.py``); the parameter names are torch's, so state dicts load both ways.
``conv=torch.nn.Conv2d, norm=torch.nn.BatchNorm2d`` builds the same block from torch's layers: the same
parameters and the same function (tested), faster to train on a CPU (``benchmarks/bench_reference.py`` measures
the ratio), because dlcourse's im2col convolution is written for reading, not for speed.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from dlcourse.nn.conv import Conv2d
from dlcourse.nn.linear import Linear
from dlcourse.nn.normalization import BatchNorm2d


class ResidualBlock(nn.Module):
    """Two 3×3 conv-BN layers with a shortcut: ``relu(shortcut(x) + bn2(conv2(relu(bn1(conv1(x))))))``.

    The shortcut is the identity when ``in_channels == out_channels`` and ``stride == 1``, otherwise a
    1×1 convolution with the block's stride followed by batch normalisation (a projection shortcut).

    >>> block = ResidualBlock(16, 32, stride=2)
    >>> tuple(block(torch.randn(4, 16, 8, 8)).shape)  # (B, C_out, H / 2, W / 2)
    (4, 32, 4, 4)
    >>> sum(p.numel() for p in block.parameters())  # conv1 4608 + conv2 9216 + projection 512 + 3 BNs 3 * 64
    14528
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, residual: bool = True,
                 conv: type[nn.Module] = Conv2d, norm: type[nn.Module] = BatchNorm2d) -> None:
        super().__init__()
        if in_channels <= 0 or out_channels <= 0:
            raise ValueError(f"ResidualBlock needs positive channel counts, got in_channels={in_channels}, "
                             f"out_channels={out_channels}")
        if stride not in (1, 2):
            raise ValueError(f"ResidualBlock supports stride 1 (keep H, W) or 2 (halve them), got {stride}")
        self.in_channels, self.out_channels, self.stride, self.residual = in_channels, out_channels, stride, residual
        self.conv1 = conv(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)  # W_1
        self.bn1 = norm(out_channels)
        self.conv2 = conv(out_channels, out_channels, 3, padding=1, bias=False)  # W_2
        self.bn2 = norm(out_channels)
        if residual and (stride != 1 or in_channels != out_channels):
            # projection: the 1×1 convolution W_s matches the channels, its stride the size
            self.shortcut: nn.Module = nn.Sequential(conv(in_channels, out_channels, 1, stride=stride, bias=False),
                                                     norm(out_channels))
        else:
            self.shortcut = nn.Identity()

    def branch(self, x: Tensor) -> Tensor:
        """The residual branch F(x) = bn2(conv2(relu(bn1(conv1(x))))): (B, C_in, H, W) -> (B, C_out, H_out, W_out)."""
        return self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"expected x of shape (B, {self.in_channels}, H, W), got {tuple(x.shape)}")
        out = self.branch(x)  # (B, C_out, H_out, W_out)
        if self.residual:
            out = out + self.shortcut(x)  # the skip connection: identity or projection, same shape as out
        return torch.relu(out)

    def extra_repr(self) -> str:
        return f"{self.in_channels}, {self.out_channels}, stride={self.stride}, residual={self.residual}"


class ResNet(nn.Module):
    """A small residual network: stem conv-BN-relu, one block per entry of ``channels``, global average
    pooling, a linear layer to ``num_classes`` logits.

    Block i maps ``channels[i - 1]`` (the stem's ``channels[0]`` for the first) to ``channels[i]`` channels,
    with stride 2 where the count grows. It has ``2 * len(channels) + 1`` convolutions on its main path.

    >>> net = ResNet(channels=(8, 8, 16), num_classes=10)
    >>> tuple(net(torch.randn(5, 1, 8, 8)).shape)  # (B, K)
    (5, 10)
    """

    def __init__(self, channels: Sequence[int] = (16, 16, 32, 32), num_classes: int = 10, in_channels: int = 1,
                 residual: bool = True, conv: type[nn.Module] = Conv2d, norm: type[nn.Module] = BatchNorm2d) -> None:
        super().__init__()
        channels = tuple(channels)
        if not channels or min(channels) <= 0:
            raise ValueError(f"channels must be a non-empty sequence of positive ints, got {channels!r}")
        if any(b < a for a, b in zip(channels, channels[1:])):
            raise ValueError(f"channels must not shrink from one block to the next, got {channels!r}")
        self.stem = nn.Sequential(conv(in_channels, channels[0], 3, padding=1, bias=False),
                                  norm(channels[0]), nn.ReLU())
        blocks, c_in = [], channels[0]
        for c_out in channels:
            blocks.append(ResidualBlock(c_in, c_out, stride=2 if c_out > c_in else 1, residual=residual, conv=conv,
                                        norm=norm))
            c_in = c_out
        self.blocks = nn.Sequential(*blocks)
        self.fc = Linear(channels[-1], num_classes)

    def forward(self, x: Tensor) -> Tensor:
        h = self.blocks(self.stem(x))  # (B, C_last, H', W')
        h = h.mean(dim=(2, 3))  # global average pooling: (B, C_last)
        return self.fc(h)  # (B, K)
