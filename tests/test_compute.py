"""dlcourse.compute: the FLOP formulas against torch's FlopCounterMode, parameters, bytes and latency."""

import pytest
import torch
from torch import nn

from dlcourse.compute import (conv2d_flops, count_flops, count_parameters, linear_flops, measure_latency,
                              size_in_bytes)
from dlcourse.nn.separable import DepthwiseSeparableConv2d


@pytest.mark.parametrize("c_in,c_out,k,stride,padding,groups", [(3, 8, 3, 1, 1, 1), (6, 12, (3, 5), 2, 0, 3),
                                                                  (8, 8, 3, 1, 1, 8), (4, 16, 1, 1, 0, 1)])
def test_conv2d_formula_equals_flop_counter(c_in, c_out, k, stride, padding, groups):
    conv = nn.Conv2d(c_in, c_out, k, stride, padding, groups=groups, bias=False)
    x = torch.randn(2, c_in, 13, 11)
    out = conv(x)
    assert count_flops(conv, x) == conv2d_flops(c_in, c_out, k, tuple(out.shape[2:]), groups, batch=2)


def test_linear_and_separable_flops():
    lin = nn.Linear(20, 7)
    assert count_flops(lin, torch.randn(5, 20)) == linear_flops(20, 7, batch=5)
    sep = DepthwiseSeparableConv2d(6, 10, 3, padding=1)
    x = torch.randn(1, 6, 9, 9)
    want = conv2d_flops(6, 6, 3, (9, 9), groups=6) + conv2d_flops(6, 10, 1, (9, 9))
    assert count_flops(sep, x) == want
    # the separable layer's cost relative to a full 3x3 convolution: 1/C_out + 1/k^2
    full = conv2d_flops(6, 10, 3, (9, 9))
    assert want / full == pytest.approx(1 / 10 + 1 / 9)
    with pytest.raises(ValueError, match="groups"):
        conv2d_flops(6, 10, 3, (9, 9), groups=4)


def test_count_parameters_and_size():
    model = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 2))
    assert count_parameters(model) == 10 * 5 + 5 + 5 * 2 + 2
    model[0].weight.requires_grad_(False)
    assert count_parameters(model, trainable_only=True) == 5 + 5 * 2 + 2
    small, big = nn.Linear(10, 10), nn.Linear(100, 100)
    assert size_in_bytes(big) > size_in_bytes(small) + 4 * (100 * 100 + 100 - 110) * 0.99
    assert size_in_bytes(big.half()) < size_in_bytes(nn.Linear(100, 100))


def test_measure_latency_is_positive_and_checks_arguments():
    model = nn.Linear(10, 10)
    t = measure_latency(model, torch.randn(4, 10), repeats=3, warmup=1)
    assert 0 < t < 1
    with pytest.raises(ValueError):
        measure_latency(model, torch.randn(4, 10), repeats=0)


def test_training_step_flops_of_linear_layers_by_hand():
    import torch.nn.functional as F

    from dlcourse.compute import training_step_flops

    mlp = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    x, y = torch.randn(32, 64), torch.randint(0, 10, (32,))
    forward = linear_flops(64, 128, 32) + linear_flops(128, 10, 32)
    # backward: weights' gradients of both layers, the input's gradient of the second only
    backward = linear_flops(64, 128, 32) + 2 * linear_flops(128, 10, 32)
    assert training_step_flops(mlp, F.cross_entropy, x, y) == forward + backward
    assert mlp[0].weight.grad is not None
    # with an input that needs its gradient, every layer costs 3 forward passes: the rule 6 N B for the weights
    x.requires_grad_()
    mlp.zero_grad()
    weights = 64 * 128 + 128 * 10
    assert training_step_flops(mlp, F.cross_entropy, x, y) == 6 * weights * 32


def test_energy_from_flops():
    from dlcourse.compute import energy_from_flops

    # 1e15 FLOPs at half of a 1e14 FLOP/s peak take 20 s; at 400 W that is 8000 J
    assert energy_from_flops(1e15, 1e14, 400, 0.5) == pytest.approx(8000)
    for bad in [(-1, 1e14, 400, 0.5), (1e15, 0, 400, 0.5), (1e15, 1e14, 400, 0), (1e15, 1e14, 400, 1.5)]:
        with pytest.raises(ValueError):
            energy_from_flops(*bad)
