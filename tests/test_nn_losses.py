"""dlcourse.nn losses equal torch.nn.functional's in value and gradient (float64), every reduction."""

import pytest
import torch
import torch.nn.functional as F
from helpers import assert_same

import dlcourse.nn as dnn

REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(10,), (4, 3), (2, 3, 4)])
def test_mse(reduction, shape, gen):
    a = torch.randn(shape, dtype=torch.float64, generator=gen)
    b = torch.randn(shape, dtype=torch.float64, generator=gen)
    assert_same(lambda x, y: dnn.mse_loss(x, y, reduction), lambda x, y: F.mse_loss(x, y, reduction=reduction),
                a, b, grad_inputs=(0, 1))


def test_mse_refuses_broadcasting():
    with pytest.raises(ValueError, match="same shape"):
        dnn.mse_loss(torch.zeros(4, 1), torch.zeros(4))


def test_unknown_reduction():
    with pytest.raises(ValueError, match="reduction"):
        dnn.mse_loss(torch.zeros(2), torch.zeros(2), reduction="avg")


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("logit_shape", "magnitude"), [((8, 5), 1.0), ((8, 5), 1000.0), ((3, 4, 2, 2), 3.0)])
def test_cross_entropy_class_indices(reduction, logit_shape, magnitude, gen):
    logits = magnitude * torch.randn(logit_shape, dtype=torch.float64, generator=gen)
    target_shape = (logit_shape[0], *logit_shape[2:])
    target = torch.randint(0, logit_shape[1], target_shape, generator=gen)
    assert_same(lambda z, t: dnn.cross_entropy(z, t, reduction), lambda z, t: F.cross_entropy(z, t, reduction=reduction),
                logits, target)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("logit_shape", [(6, 4), (2, 3, 5)])
def test_cross_entropy_class_probabilities(reduction, logit_shape, gen):
    logits = 5 * torch.randn(logit_shape, dtype=torch.float64, generator=gen)
    probs = torch.softmax(torch.randn(logit_shape, dtype=torch.float64, generator=gen), dim=1)
    assert_same(lambda z, p: dnn.cross_entropy(z, p, reduction), lambda z, p: F.cross_entropy(z, p, reduction=reduction),
                logits, probs, grad_inputs=(0, 1))


def test_cross_entropy_unbatched(gen):
    logits = torch.randn(7, dtype=torch.float64, generator=gen)
    assert_same(dnn.cross_entropy, F.cross_entropy, logits, torch.tensor(3))


def test_cross_entropy_extreme_logits_are_finite():
    logits = torch.tensor([[1e4, 0.0, -1e4], [0.0, 0.0, 0.0]], dtype=torch.float32)
    target = torch.tensor([2, 1])
    assert_same(dnn.cross_entropy, F.cross_entropy, logits, target, atol=1e-3, rtol=1e-6)


def test_cross_entropy_errors():
    with pytest.raises(ValueError, match="must have shape"):
        dnn.cross_entropy(torch.zeros(4, 3), torch.zeros(4, 1, dtype=torch.long))
    with pytest.raises(IndexError, match=r"\[0, 2\]"):
        dnn.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 3]))
    with pytest.raises(ValueError, match="logits' shape"):
        dnn.cross_entropy(torch.zeros(2, 3), torch.zeros(2, 4))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("magnitude", [1.0, 100.0, 1e4])
def test_bce_with_logits(reduction, magnitude, gen):
    z = magnitude * torch.randn(5, 3, dtype=torch.float64, generator=gen)
    y = torch.rand(5, 3, dtype=torch.float64, generator=gen)  # soft targets
    y[0] = (y[0] > 0.5).double()  # and hard ones
    assert_same(lambda a, b: dnn.binary_cross_entropy_with_logits(a, b, reduction),
                lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), z, y, grad_inputs=(0, 1))


def test_bce_at_zero_logit():
    z = torch.zeros(4, dtype=torch.float64)
    y = torch.tensor([0.0, 1.0, 0.5, 0.25], dtype=torch.float64)
    assert_same(dnn.binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits, z, y)


def test_bce_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        dnn.binary_cross_entropy_with_logits(torch.zeros(3, 1), torch.zeros(3))
