"""dlcourse.explain: saliency against autograd's Jacobian and a linear model's closed form; integrated gradients
on a linear model, a quadratic one and batched targets against the unbatched call."""

import pytest
import torch
from torch import nn

from dlcourse.explain import integrated_gradients, saliency


def _mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 4)).double()


def test_saliency_of_a_linear_model_is_its_weight_row():
    torch.manual_seed(0)
    model = nn.Linear(5, 3).double()
    x = torch.randn(4, 5, dtype=torch.float64)
    target = torch.tensor([0, 2, 1, 2])
    torch.testing.assert_close(saliency(model, x, target), model.weight[target].detach())
    torch.testing.assert_close(saliency(model, x, 1), model.weight[1].detach().expand(4, 5))


def test_saliency_equals_the_jacobian_row_of_the_target():
    model = _mlp()
    x = torch.randn(3, 6, dtype=torch.float64)
    target = torch.tensor([3, 0, 2])
    for b in range(3):
        jac = torch.autograd.functional.jacobian(lambda v: model(v[None])[0], x[b])  # (K, D)
        torch.testing.assert_close(saliency(model, x, target)[b], jac[target[b]])
    assert not x.requires_grad, "the input is left as it was"


def test_saliency_keeps_images_shape_and_refuses_bad_outputs():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2 * 36, 5))
    x = torch.rand(2, 1, 8, 8)
    assert saliency(model, x, 4).shape == x.shape
    with pytest.raises(ValueError, match=r"\(B, K\)"):
        saliency(lambda v: v.sum(), x, 0)


def test_integrated_gradients_closed_forms_and_batched_targets():
    torch.manual_seed(0)
    linear = nn.Linear(5, 3).double()
    x, base = torch.randn(4, 5, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    target = torch.tensor([0, 2, 1, 2])
    torch.testing.assert_close(integrated_gradients(linear, x, base, target, 3),
                               (x - base) * linear.weight[target].detach())
    w = torch.randn(5, dtype=torch.float64)
    quadratic = lambda v: ((v @ w) ** 2)[:, None]  # noqa: E731  F(x) = (w.x)^2, IG_i = x_i w_i (w.x) from 0
    torch.testing.assert_close(integrated_gradients(quadratic, x, torch.zeros(5, dtype=torch.float64), 0, 4),
                               x * w * (x @ w)[:, None])  # the midpoint rule is exact for a linear integrand
    model = _mlp()
    x = torch.randn(3, 6, dtype=torch.float64)
    together = integrated_gradients(model, x, torch.zeros(6, dtype=torch.float64), torch.tensor([1, 3, 0]), 8)
    for b, t in enumerate([1, 3, 0]):
        torch.testing.assert_close(together[b], integrated_gradients(model, x[b:b + 1], torch.zeros(6).double(), t, 8)[0])
    with pytest.raises(ValueError, match="steps"):
        integrated_gradients(model, x, torch.zeros(6).double(), 0, 0)
