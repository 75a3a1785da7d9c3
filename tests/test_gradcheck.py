"""dlcourse.gradcheck against torch.autograd: central differences agree with backpropagation."""

import pytest
import torch

from dlcourse.gradcheck import numerical_gradient, relative_error


def _loss(W, x, y):
    return ((torch.tanh(x @ W.T) - y) ** 2).mean()


def test_numerical_gradient_matches_autograd(gen):
    x = torch.randn(5, 4, generator=gen, dtype=torch.float64)
    y = torch.randn(5, 3, generator=gen, dtype=torch.float64)
    W = torch.randn(3, 4, generator=gen, dtype=torch.float64)
    before = W.clone()
    numeric = numerical_gradient(lambda w: _loss(w, x, y), W)
    leaf = W.clone().requires_grad_(True)
    _loss(leaf, x, y).backward()
    assert numeric.shape == W.shape and torch.equal(W, before)
    assert relative_error(numeric, leaf.grad) < 1e-7
    # the same verdict as torch's own checker
    assert torch.autograd.gradcheck(lambda w: _loss(w, x, y), (W.clone().requires_grad_(True),))


def test_relative_error_sees_a_wrong_gradient(gen):
    g = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    assert relative_error(g, g) == 0.0
    assert relative_error(g, 2 * g) == pytest.approx(1 / 3)
    assert relative_error(g, g.T.contiguous().view(4, 3)) > 0.1
    assert relative_error(torch.zeros(3), torch.zeros(3)) == 0.0


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="floating-point"):
        numerical_gradient(lambda w: w.sum(), torch.arange(3))
    with pytest.raises(ValueError, match="positive"):
        numerical_gradient(lambda w: w.sum(), torch.zeros(3), h=0)
    with pytest.raises(ValueError, match="shapes differ"):
        relative_error(torch.zeros(2), torch.zeros(3))
