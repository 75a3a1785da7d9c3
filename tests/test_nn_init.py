"""dlcourse.nn.init draws what torch.nn.init draws: the same fans, gains, bounds and standard deviations."""

import math

import pytest
import torch
from torch import nn

import dlcourse.nn as dnn
from dlcourse.nn import init

SHAPES = [(7, 5), (300, 200), (16, 3, 3, 3), (4, 6, 5)]   # linear (D_out, D_in), conv (C_out, C_in, k, k), conv1d


def _pair(seed=0):
    return torch.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("shape", SHAPES)
def test_fans_equal_torchs(shape):
    w = torch.empty(shape)
    assert init.fan_in_and_fan_out(w) == nn.init._calculate_fan_in_and_fan_out(w)


def test_gains_equal_torchs():
    for name in ("linear", "conv2d", "sigmoid", "tanh", "relu", "selu"):
        assert init.calculate_gain(name) == nn.init.calculate_gain(name), name
    for slope in (None, 0.0, 0.2, math.sqrt(5)):
        assert math.isclose(init.calculate_gain("leaky_relu", slope), nn.init.calculate_gain("leaky_relu", slope))


@pytest.mark.parametrize("shape", SHAPES)
def test_same_values_as_torch_from_the_same_generator(shape):
    """Same draws and same bound or std: with generators in the same state the tensors are equal."""
    cases = [
        (dnn.xavier_uniform_, nn.init.xavier_uniform_, dict(gain=1.0)),
        (dnn.xavier_uniform_, nn.init.xavier_uniform_, dict(gain=5 / 3)),
        (dnn.xavier_normal_, nn.init.xavier_normal_, dict(gain=1.0)),
        (dnn.xavier_normal_, nn.init.xavier_normal_, dict(gain=math.sqrt(2))),
        (dnn.kaiming_normal_, nn.init.kaiming_normal_, dict()),
        (dnn.kaiming_normal_, nn.init.kaiming_normal_, dict(mode="fan_out", nonlinearity="relu")),
        (dnn.kaiming_normal_, nn.init.kaiming_normal_, dict(a=0.1, mode="fan_in")),
        (dnn.kaiming_uniform_, nn.init.kaiming_uniform_, dict(a=math.sqrt(5))),
        (dnn.kaiming_uniform_, nn.init.kaiming_uniform_, dict(mode="fan_out", nonlinearity="relu")),
    ]
    for ours, ref, kwargs in cases:
        for dtype in (torch.float32, torch.float64):
            g1, g2 = _pair(3)
            a, b = torch.empty(shape, dtype=dtype), torch.empty(shape, dtype=dtype)
            out = ours(a, generator=g1, **kwargs)
            ref(b, generator=g2, **kwargs)
            assert out is a, f"{ours.__name__} fills in place and returns its tensor"
            assert torch.equal(a, b), f"{ours.__name__}{kwargs} on {shape} {dtype}"
            assert torch.equal(g1.get_state(), g2.get_state()), "as many draws as torch"


def test_sample_statistics_match_the_formulas():
    g = torch.Generator().manual_seed(0)
    w = torch.empty(400, 600, dtype=torch.float64)
    std = math.sqrt(2 / 600)
    assert math.isclose(dnn.kaiming_normal_(w, nonlinearity="relu", generator=g).std().item(), std, rel_tol=0.01)
    assert abs(w.mean().item()) < 0.01 * std
    assert math.isclose(dnn.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=g).std().item(),
                        math.sqrt(2 / 400), rel_tol=0.01)
    assert math.isclose(dnn.xavier_normal_(w, generator=g).std().item(), math.sqrt(2 / 1000), rel_tol=0.01)
    bound = math.sqrt(6 / 1000)
    dnn.xavier_uniform_(w, generator=g)
    assert w.abs().max().item() <= bound and w.abs().max().item() > 0.99 * bound
    assert math.isclose(w.std().item(), bound / math.sqrt(3), rel_tol=0.01)


def test_linear_default_is_kaiming_uniform_with_a_sqrt5():
    """dnn.Linear's U(-1/sqrt(D_in), 1/sqrt(D_in)) is kaiming_uniform_(a=sqrt(5)), torch's default for nn.Linear."""
    g = torch.Generator().manual_seed(0)
    w = dnn.kaiming_uniform_(torch.empty(64, 100), a=math.sqrt(5), generator=g)
    assert 0.98 / math.sqrt(100) < w.abs().max().item() <= 1 / math.sqrt(100)


def test_parameters_and_the_global_generator():
    layer = nn.Linear(20, 10)
    torch.manual_seed(5)
    out = dnn.kaiming_normal_(layer.weight, nonlinearity="relu")
    assert out is layer.weight and layer.weight.requires_grad and layer.weight.grad_fn is None
    torch.manual_seed(5)
    assert torch.equal(layer.weight, nn.init.kaiming_normal_(torch.empty(10, 20), nonlinearity="relu"))


def test_errors():
    with pytest.raises(ValueError, match=r"mode must be 'fan_in' or 'fan_out'"):
        dnn.kaiming_normal_(torch.empty(3, 4), mode="fan_avg")
    with pytest.raises(ValueError, match=r"shape \(D_out, D_in"):
        dnn.xavier_uniform_(torch.empty(5))
    with pytest.raises(ValueError, match="unknown nonlinearity 'gelu'"):
        init.calculate_gain("gelu")
