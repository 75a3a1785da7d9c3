"""Linear and MLP behave like torch.nn.Linear / nn.Sequential; penalties match their definitions and weight decay."""

import math

import pytest
import torch
from torch import nn

import dlcourse.nn as dnn


def test_linear_matches_torch_after_load_state_dict(gen):
    ref = nn.Linear(7, 3).double()
    ours = dnn.Linear(7, 3).double()
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(5, 2, 7, dtype=torch.float64, generator=gen)
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    y1, y2 = ours(x1), ref(x2)
    torch.testing.assert_close(y1, y2)
    w = torch.randn(y1.shape, dtype=torch.float64, generator=gen)
    (y1 * w).sum().backward()
    (y2 * w).sum().backward()
    torch.testing.assert_close(x1.grad, x2.grad)
    torch.testing.assert_close(ours.weight.grad, ref.weight.grad)
    torch.testing.assert_close(ours.bias.grad, ref.bias.grad)


def test_linear_state_dict_keys_and_init_range():
    torch.manual_seed(0)
    layer = dnn.Linear(100, 50)
    assert set(layer.state_dict()) == set(nn.Linear(100, 50).state_dict())
    bound = 1 / math.sqrt(100)
    assert layer.weight.abs().max() <= bound and layer.weight.abs().max() > 0.9 * bound
    assert dnn.Linear(4, 2, bias=False).bias is None


def test_linear_errors():
    with pytest.raises(ValueError, match=r"\(\.\.\., 4\)"):
        dnn.Linear(4, 2)(torch.zeros(3, 5))
    with pytest.raises(ValueError, match="positive"):
        dnn.Linear(0, 2)


def test_mlp_equals_sequential(gen):
    torch.manual_seed(0)
    ours = dnn.MLP(6, [8, 5], 3, activation=dnn.tanh).double()
    ref = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 5), nn.Tanh(), nn.Linear(5, 3)).double()
    # layers.0 -> 0, layers.1 -> 2, layers.2 -> 4 (activations have no parameters)
    ref.load_state_dict({f"{2 * int(k.split('.')[1])}.{k.split('.')[2]}": v for k, v in ours.state_dict().items()})
    x = torch.randn(9, 6, dtype=torch.float64, generator=gen)
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    torch.testing.assert_close(ours(x1), ref(x2))
    ours(x1).square().sum().backward()
    ref(x2).square().sum().backward()
    torch.testing.assert_close(x1.grad, x2.grad)
    ref_params = dict(ref.named_parameters())
    names = [name for name, _ in ours.named_parameters()]
    assert len(names) == len(ref_params) == 6                     # three weights and three biases
    for name, p in ours.named_parameters():
        _, layer, kind = name.split(".")
        torch.testing.assert_close(p.grad, ref_params[f"{2 * int(layer)}.{kind}"].grad, msg=f"gradient of {name}")


def test_mlp_dropout_only_in_training():
    torch.manual_seed(0)
    model = dnn.MLP(4, [64], 2, dropout=0.5)
    x = torch.randn(3, 4)
    model.eval()
    torch.testing.assert_close(model(x), model(x))
    model.train()
    assert not torch.allclose(model(x), model(x))
    with pytest.raises(ValueError, match="dropout"):
        dnn.MLP(4, [4], 2, dropout=1.0)


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)).double()


def test_penalties_sum_weights_only():
    model = _model()
    weights = [model[0].weight, model[2].weight]
    torch.testing.assert_close(dnn.l1_penalty(model), sum(w.abs().sum() for w in weights))
    torch.testing.assert_close(dnn.l2_penalty(model), sum((w**2).sum() for w in weights))
    everything = list(model.parameters())
    torch.testing.assert_close(dnn.l2_penalty(model, include_bias=True), sum((p**2).sum() for p in everything))


def test_penalty_gradients():
    model = _model()
    (dnn.l1_penalty(model) + 0.5 * dnn.l2_penalty(model)).backward()
    for layer in (model[0], model[2]):
        w = layer.weight
        torch.testing.assert_close(w.grad, torch.sign(w) + w)
        assert layer.bias.grad is None  # biases are not penalised


def test_l2_penalty_is_sgd_weight_decay():
    """One SGD step on loss + (λ/2)·Σw² equals torch's SGD(weight_decay=λ) on the weights."""
    lam, lr = 0.1, 0.5
    x = torch.randn(8, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    a, b = _model(), _model()
    opt_a = torch.optim.SGD(a.parameters(), lr=lr)
    opt_b = torch.optim.SGD([{"params": [b[0].weight, b[2].weight], "weight_decay": lam},
                             {"params": [b[0].bias, b[2].bias]}], lr=lr)
    (a(x).square().mean() + lam / 2 * dnn.l2_penalty(a)).backward()
    b(x).square().mean().backward()
    opt_a.step()
    opt_b.step()
    for pa, pb in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(pa, pb)


def test_penalty_of_module_without_weights():
    assert dnn.l1_penalty(nn.ReLU()).item() == 0.0
