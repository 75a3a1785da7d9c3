"""dlcourse.nn activations equal torch's built-ins in value and gradient (float64)."""

import pytest
import torch
import torch.nn.functional as F
from helpers import assert_same

import dlcourse.nn as dnn

ELEMENTWISE = [(dnn.relu, torch.relu), (dnn.sigmoid, torch.sigmoid), (dnn.tanh, torch.tanh),
               (dnn.softplus, F.softplus)]
IDS = ["relu", "sigmoid", "tanh", "softplus"]


@pytest.mark.parametrize(("ours", "builtin"), ELEMENTWISE, ids=IDS)
@pytest.mark.parametrize("shape", [(7,), (4, 5), (2, 3, 4)])
def test_elementwise_random(ours, builtin, shape, gen):
    x = 4 * torch.randn(shape, dtype=torch.float64, generator=gen)
    assert_same(ours, builtin, x)


@pytest.mark.parametrize(("ours", "builtin"), ELEMENTWISE, ids=IDS)
def test_elementwise_extreme_inputs(ours, builtin):
    x = torch.tensor([-1e4, -1000.0, -50.0, -1e-12, 0.0, 1e-12, 50.0, 1000.0, 1e4], dtype=torch.float64)
    assert_same(ours, builtin, x)


@pytest.mark.parametrize(("ours", "builtin"), ELEMENTWISE, ids=IDS)
def test_elementwise_float32_large(ours, builtin):
    x = torch.tensor([-200.0, -89.0, 0.0, 89.0, 200.0])  # exp(89) overflows float32
    assert_same(ours, builtin, x, atol=1e-6, rtol=1e-5)


def test_relu_gradient_at_zero_is_zero():
    x = torch.zeros(3, requires_grad=True)
    dnn.relu(x).sum().backward()
    assert torch.equal(x.grad, torch.zeros(3))


@pytest.mark.parametrize(("grad_fn", "fn"), [(dnn.relu_grad, torch.relu), (dnn.sigmoid_grad, torch.sigmoid),
                                             (dnn.tanh_grad, torch.tanh)], ids=["relu", "sigmoid", "tanh"])
def test_derivatives_match_autograd(grad_fn, fn, gen):
    x = (5 * torch.randn(100, dtype=torch.float64, generator=gen)).requires_grad_()
    (expected,) = torch.autograd.grad(fn(x).sum(), x)
    torch.testing.assert_close(grad_fn(x.detach()), expected)


def test_sigmoid_derivative_at_most_a_quarter(gen):
    x = torch.linspace(-10, 10, 1001, dtype=torch.float64)
    assert dnn.sigmoid_grad(x).max().item() == pytest.approx(0.25)


@pytest.mark.parametrize(("ours", "builtin"), [(dnn.softmax, torch.softmax), (dnn.log_softmax, torch.log_softmax)],
                         ids=["softmax", "log_softmax"])
@pytest.mark.parametrize(("shape", "dim"), [((5,), 0), ((4, 6), -1), ((4, 6), 0), ((2, 3, 5), 1), ((2, 3, 5), -3)])
@pytest.mark.parametrize("magnitude", [1.0, 1000.0])
def test_softmax_family(ours, builtin, shape, dim, magnitude, gen):
    x = magnitude * torch.randn(shape, dtype=torch.float64, generator=gen)
    assert_same(lambda t: ours(t, dim=dim), lambda t: builtin(t, dim=dim), x)


def test_softmax_gradcheck(gen):
    x = torch.randn(3, 4, dtype=torch.float64, generator=gen, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: dnn.log_softmax(t, dim=0), (x,))
    assert torch.autograd.gradcheck(lambda t: dnn.softmax(t, dim=1), (x,))


def test_softmax_with_minus_inf_entries():
    x = torch.tensor([[0.0, float("-inf"), 1.0]], dtype=torch.float64)
    torch.testing.assert_close(dnn.softmax(x), torch.softmax(x, -1))
    torch.testing.assert_close(dnn.log_softmax(x), torch.log_softmax(x, -1))


def test_softmax_float32_does_not_overflow():
    x = torch.tensor([[1000.0, 0.0, -1000.0]])
    assert torch.isfinite(dnn.softmax(x)).all()
    torch.testing.assert_close(dnn.log_softmax(x), torch.log_softmax(x, -1))


def test_softmax_bad_dim_and_scalar():
    with pytest.raises(IndexError, match="out of range"):
        dnn.softmax(torch.zeros(2, 3), dim=2)
    with pytest.raises(ValueError, match="0-d"):
        dnn.softmax(torch.tensor(1.0))
