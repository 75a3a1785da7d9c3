"""dlcourse.nn.dropout against torch.nn.functional.dropout and torch.nn.Dropout.

The two draw their masks from different random streams, so the masks are not compared entry by entry:
the tests compare what must agree, the distribution of the mask, the exact relation
output = mask * x / (1 - p), the identity in evaluation, the edge cases p = 0 and p = 1, and the gradients.
"""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import dlcourse.nn as dnn
from dlcourse.nn.dropout import Dropout, dropout


def _x(shape=(64, 50), dtype=torch.float64, seed=0):
    """Inputs with no zeros, so a zero in the output always means a dropped unit."""
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=g, dtype=dtype) + 0.5) * torch.where(
        torch.rand(shape, generator=g) < 0.5, -1.0, 1.0).to(dtype)


def test_exported():
    assert dnn.dropout is dropout and dnn.Dropout is Dropout


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
@pytest.mark.parametrize("fn", [dropout, F.dropout], ids=["ours", "torch"])
def test_output_is_mask_times_x_over_keep_probability(fn, p):
    x = _x()
    y = fn(x, p, training=True)
    mask = (y != 0).to(x.dtype)
    assert torch.equal(y, x * (mask / (1 - p))), "every kept unit is x / (1 - p), every dropped one 0"
    assert 0 < mask.sum() < mask.numel(), "some units kept, some dropped"


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_mask_statistics_match_torch(p):
    torch.manual_seed(0)
    x = torch.ones(400, 500)   # 200,000 independent draws
    n = x.numel()
    sd = math.sqrt(p * (1 - p) / n)   # standard deviation of the dropped fraction
    ours, ref = dropout(x, p), F.dropout(x, p)
    for y in (ours, ref):
        assert abs((y == 0).float().mean().item() - p) < 5 * sd, "each unit is dropped with probability p"
        assert abs(y.mean().item() - 1.0) < 5 * sd / (1 - p), "inverted dropout keeps the expected value"
    # independent across the batch and across units: rows differ, columns differ
    assert not torch.equal(ours[0], ours[1]) and not torch.equal(ours[:, 0], ours[:, 1])
    # per-row dropped fractions spread like a binomial(500, p) / 500, as torch's do
    spread = [(y == 0).float().mean(1).std().item() for y in (ours, ref)]
    expected = math.sqrt(p * (1 - p) / 500)
    assert all(abs(s - expected) < 0.25 * expected for s in spread), (spread, expected)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_dtype_shape_and_device_kept(dtype):
    x = _x((3, 4, 5), dtype=dtype)
    for training in (True, False):
        y = dropout(x, 0.3, training)
        assert y.dtype == dtype and y.shape == x.shape and y.device == x.device


def test_evaluation_and_p_zero_are_the_identity():
    x = _x()
    for y, ref in ((dropout(x, 0.5, training=False), F.dropout(x, 0.5, training=False)),
                   (dropout(x, 0.0), F.dropout(x, 0.0))):
        assert torch.equal(y, x) and torch.equal(ref, x)


def test_p_one_drops_everything_like_torch():
    x = _x().requires_grad_()
    y = dropout(x, 1.0)
    assert torch.equal(y, F.dropout(x, 1.0)) and torch.all(y == 0)
    y.sum().backward()
    assert torch.equal(x.grad, torch.zeros_like(x))


def test_bad_probability():
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
            dropout(torch.ones(3), p)
        with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
            Dropout(p)


def test_generator_reproduces_the_mask():
    x = _x()
    a = dropout(x, 0.5, generator=torch.Generator().manual_seed(3))
    b = dropout(x, 0.5, generator=torch.Generator().manual_seed(3))
    c = dropout(x, 0.5, generator=torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.equal(a, c)
    state = torch.get_rng_state()
    dropout(x, 0.5, generator=torch.Generator().manual_seed(3))
    assert torch.equal(state, torch.get_rng_state()), "a given generator leaves the global one alone"
    torch.manual_seed(5)
    d = dropout(x, 0.5)
    torch.manual_seed(5)
    assert torch.equal(d, dropout(x, 0.5)), "without a generator, the global seed fixes the mask"


@pytest.mark.parametrize("p", [0.25, 0.6])
def test_gradient_is_mask_times_scale_like_torch(p):
    g_out = _x(seed=1)
    for fn in (dropout, F.dropout):
        x = _x().requires_grad_()
        y = fn(x, p, training=True)
        y.backward(g_out)
        mask = (y != 0).to(x.dtype)
        assert torch.equal(x.grad, g_out * (mask / (1 - p))), f"{fn.__name__}: dL/dx = g * mask / (1 - p)"
    x = _x((5, 6)).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: dropout(t, p, generator=torch.Generator().manual_seed(0)), (x,))


def test_module_matches_nn_dropout():
    torch.manual_seed(0)
    ours, ref = Dropout(0.3), nn.Dropout(0.3)
    assert repr(ours) == "Dropout(p=0.3)" and "p=0.3" in repr(ref)
    x = torch.ones(300, 300)
    for m in (ours, ref):
        y = m(x)
        assert abs((y == 0).float().mean().item() - 0.3) < 0.01
        assert torch.equal(y, x * ((y != 0).float() / 0.7))
        m.eval()
        assert torch.equal(m(x), x), "eval mode is the identity"
        m.train()
    model = nn.Sequential(dnn.Linear(4, 8), Dropout(0.5), dnn.Linear(8, 2))
    model.eval()
    x = torch.randn(3, 4)
    assert torch.equal(model(x), model(x)), "a model in eval mode is deterministic"
    model.train()
    torch.manual_seed(1)
    assert not torch.equal(model(torch.ones(64, 4)), model(torch.ones(64, 4)))
    assert list(Dropout(0.5).parameters()) == []
