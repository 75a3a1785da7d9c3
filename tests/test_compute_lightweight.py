"""dlcourse.compute.sparsity against a direct count, before and after torch's pruning."""

import pytest
import torch
from torch import nn
from torch.nn.utils import prune

from dlcourse import compute


def _model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 10))


def test_dense_model_has_no_zeros():
    assert compute.sparsity(_model()) == 0.0


def test_direct_count_with_and_without_biases():
    model = _model()
    with torch.no_grad():
        model[0].weight[:2] = 0  # 2 of 4 filters: 18 zeros
        model[3].bias[:5] = 0
    weights = 4 * 9 + 144 * 10
    assert compute.sparsity(model) == pytest.approx(18 / weights)
    assert compute.sparsity(model, weights_only=False) == pytest.approx((18 + 5) / (weights + 4 + 10))


@pytest.mark.parametrize("amount", [0.0, 0.3, 0.9])
def test_global_unstructured_pruning(amount):
    model = _model()
    targets = [(model[0], "weight"), (model[3], "weight")]
    prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=amount)
    total = sum(m.weight.numel() for m, _ in targets)
    assert compute.sparsity(model) == pytest.approx(round(amount * total) / total)
    for m, name in targets:  # the same count once the masks are folded into the weights
        prune.remove(m, name)
    assert compute.sparsity(model) == pytest.approx(round(amount * total) / total)


def test_no_weights_raises():
    with pytest.raises(ValueError, match="no parameters"):
        compute.sparsity(nn.ReLU())
