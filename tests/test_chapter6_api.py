"""Chapter 6's reference API: DepthwiseSeparableConv2d (torch's two Conv2d), integrated gradients (completeness and
closed forms), discounted returns (the direct sum)."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.explain import integrated_gradients
from dlcourse.nn.separable import DepthwiseSeparableConv2d, depthwise_conv2d
from dlcourse.rl import discounted_returns


@pytest.mark.parametrize("kernel_size,stride,padding", [(3, 1, 1), (3, 2, 0), ((3, 5), (2, 1), (1, 2)), (1, 1, 0)])
def test_separable_conv_equals_torchs_two_convolutions(kernel_size, stride, padding):
    torch.manual_seed(0)
    ours = DepthwiseSeparableConv2d(6, 10, kernel_size, stride, padding).double()
    dw = nn.Conv2d(6, 6, kernel_size, stride, padding, groups=6, bias=False).double()
    pw = nn.Conv2d(6, 10, 1).double()
    with torch.no_grad():
        dw.weight.copy_(ours.weight_dw)
        pw.weight.copy_(ours.weight_pw)
        pw.bias.copy_(ours.bias)
    x = torch.randn(3, 6, 11, 9, dtype=torch.float64, requires_grad=True)
    mine, want = ours(x), pw(dw(x))
    torch.testing.assert_close(mine, want)
    up = torch.randn_like(want)
    got = torch.autograd.grad((mine * up).sum(), [x, ours.weight_dw, ours.weight_pw, ours.bias])
    ref = torch.autograd.grad((want * up).sum(), [x, dw.weight, pw.weight, pw.bias])
    for a, b in zip(got, ref):
        torch.testing.assert_close(a, b)


def test_separable_conv_parameters_and_initialisation():
    layer = DepthwiseSeparableConv2d(64, 128, 3, padding=1)
    standard = nn.Conv2d(64, 128, 3, padding=1)
    n_ours = sum(p.numel() for p in layer.parameters())
    assert n_ours == 64 * 9 + 128 * 64 + 128
    assert sum(p.numel() for p in standard.parameters()) / n_ours > 8  # the MobileNet saving
    bound = 1 / 3  # kaiming_uniform_(a=sqrt(5)) on a fan-in of 9 (one channel, 3 x 3): 1 / sqrt(fan_in)
    assert layer.weight_dw.abs().max() <= bound and layer.weight_dw.abs().max() > 0.8 * bound


def test_depthwise_conv_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match=r"weight \(C, 1, kH, kW\)"):
        depthwise_conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 1, 3, 3))
    torch.testing.assert_close(depthwise_conv2d(torch.ones(1, 2, 3, 3), torch.ones(2, 1, 3, 3)),
                               torch.full((1, 2, 1, 1), 9.0))


def test_integrated_gradients_completeness_and_closed_forms():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 3)).double()
    x = torch.randn(4, 5, dtype=torch.float64)
    baseline = torch.zeros(5, dtype=torch.float64)
    target = torch.tensor([0, 2, 1, 2])
    gap = (model(x) - model(baseline.expand_as(x))).gather(1, target[:, None]).squeeze(1)  # F(x) - F(x')
    errors = [(integrated_gradients(model, x, baseline, target, steps).sum(1) - gap).abs().max().item()
              for steps in (2, 16, 128)]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-4  # completeness, approached as steps grow
    # a quadratic model: the gradient is linear along the path, so the midpoint rule is exact with any steps
    a = torch.randn(5, dtype=torch.float64)

    def quadratic(z):
        return torch.stack([(a * z ** 2).sum(1), z.sum(1)], 1)  # (B, 2)

    b = torch.randn(4, 5, dtype=torch.float64)
    attr = integrated_gradients(quadratic, x, b, 0, steps=3)
    torch.testing.assert_close(attr, a * (x ** 2 - b ** 2))
    with pytest.raises(ValueError, match="steps"):
        integrated_gradients(model, x, baseline, 0, steps=0)


def test_discounted_returns_equal_the_direct_sum():
    g = torch.Generator().manual_seed(2)
    rewards = torch.randn(30, generator=g, dtype=torch.float64)
    for gamma in (0.0, 0.5, 0.99, 1.0):
        direct = torch.stack([sum(gamma ** k * rewards[t + k] for k in range(30 - t)) for t in range(30)])
        torch.testing.assert_close(discounted_returns(rewards, gamma), direct)
    assert discounted_returns(torch.tensor([1.0, 1.0, 1.0]), 0.5).tolist() == [1.75, 1.5, 1.0]
    with pytest.raises(ValueError, match="gamma"):
        discounted_returns(rewards, 1.5)
    with pytest.raises(ValueError, match=r"shape \(T,\)"):
        discounted_returns(rewards[None], 0.9)
