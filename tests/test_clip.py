"""dlcourse.optim_clip against torch.nn.utils.clip_grad_norm_ / clip_grad_value_, and dlcourse.diagnostics."""

import math

import pytest
import torch
from torch import nn

from dlcourse import diagnostics
from dlcourse.optim_clip import clip_grad_norm_, clip_grad_value_, total_grad_norm


def _params(seed: int, scale: float = 1.0, dtype=torch.float64, none_at=(2,)):
    """Four parameters of different shapes with random gradients; those at ``none_at`` have grad None."""
    g = torch.Generator().manual_seed(seed)
    params = []
    for i, shape in enumerate([(5, 3), (3,), (2, 4, 2), ()]):
        p = torch.randn(shape, generator=g, dtype=dtype).requires_grad_()
        if i not in none_at:
            p.grad = torch.randn(shape, generator=g, dtype=dtype) * scale
        params.append(p)
    return params


def _twins(seed: int, **kwargs):
    ours = _params(seed, **kwargs)
    ref = [p.detach().clone().requires_grad_() for p in ours]
    for a, b in zip(ours, ref):
        b.grad = None if a.grad is None else a.grad.clone()
    return ours, ref


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])   # clipped, and left as it is (the factor is clamped at 1)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_clip_grad_norm_equals_torch(norm_type, max_norm, dtype):
    ours, ref = _twins(0, scale=3.0, dtype=dtype)
    grads_before = [p.grad for p in ours]
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    total_ref = torch.nn.utils.clip_grad_norm_(ref, max_norm, norm_type=norm_type)
    assert total.shape == () and total.dtype == total_ref.dtype
    assert torch.allclose(total, total_ref)
    for a, b, before in zip(ours, ref, grads_before):
        if b.grad is None:
            assert a.grad is None
            continue
        assert a.grad is before, "clipping works in place on the .grad tensors"
        assert torch.allclose(a.grad, b.grad)
    clipped = total_grad_norm([p.grad for p in ours if p.grad is not None], norm_type)
    assert clipped <= max_norm * (1 + 1e-5) and (max_norm < total or torch.allclose(clipped, total))


def test_clip_grad_norm_keeps_the_direction_and_value_clipping_does_not():
    ours, _ = _twins(1, scale=5.0, none_at=())
    flat = torch.cat([p.grad.flatten() for p in ours]).clone()
    clip_grad_norm_(ours, 1.0)
    after = torch.cat([p.grad.flatten() for p in ours])
    assert torch.allclose(torch.linalg.vector_norm(after), torch.tensor(1.0, dtype=after.dtype), atol=1e-5)
    assert torch.nn.functional.cosine_similarity(flat, after, dim=0) > 1 - 1e-12
    values, _ = _twins(1, scale=5.0, none_at=())
    clip_grad_value_(values, 1.0)
    clamped = torch.cat([p.grad.flatten() for p in values])
    assert torch.nn.functional.cosine_similarity(flat, clamped, dim=0) < 0.99


def test_single_tensor_generator_and_no_gradients():
    ours, ref = _twins(2)
    assert torch.allclose(clip_grad_norm_(ours[0], 0.1), torch.nn.utils.clip_grad_norm_(ref[0], 0.1))
    assert torch.allclose(ours[0].grad, ref[0].grad)
    ours, ref = _twins(3)
    total = clip_grad_norm_((p for p in ours), 0.1)           # a generator is read once
    assert torch.allclose(total, torch.nn.utils.clip_grad_norm_(ref, 0.1))
    assert all(a.grad is None or torch.allclose(a.grad, b.grad) for a, b in zip(ours, ref))
    empty = [torch.zeros(3, requires_grad=True)]
    assert clip_grad_norm_(empty, 1.0).item() == 0.0 == torch.nn.utils.clip_grad_norm_(empty, 1.0).item()
    assert empty[0].grad is None


@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_non_finite_gradients_match_torch_or_raise(bad):
    ours, ref = _twins(4)
    for params in (ours, ref):
        params[0].grad[1, 1] = bad
    total = clip_grad_norm_(ours, 1.0)
    total_ref = torch.nn.utils.clip_grad_norm_(ref, 1.0)
    assert torch.equal(total.isnan(), total_ref.isnan()) and (total.isnan() or total == total_ref)
    for a, b in zip(ours, ref):
        if b.grad is not None:
            assert torch.allclose(a.grad, b.grad, equal_nan=True)
    again, _ = _twins(4)
    again[0].grad[1, 1] = bad
    kept = again[0].grad.clone()
    with pytest.raises(RuntimeError, match="cannot be clipped"):
        clip_grad_norm_(again, 1.0, error_if_nonfinite=True)
    assert torch.equal(again[0].grad.isnan(), kept.isnan()), "an error leaves the gradients as they were"


@pytest.mark.parametrize("clip_value", [0.3, 1.0, 100.0])
def test_clip_grad_value_equals_torch(clip_value):
    ours, ref = _twins(5, scale=2.0)
    ours[0].grad[0, 0] = math.nan
    ref[0].grad[0, 0] = math.nan
    assert clip_grad_value_(ours, clip_value) is None
    torch.nn.utils.clip_grad_value_(ref, clip_value)
    for a, b in zip(ours, ref):
        assert (a.grad is None) == (b.grad is None)
        if b.grad is not None:
            assert torch.allclose(a.grad, b.grad, equal_nan=True)
            assert a.grad.nan_to_num().abs().max() <= clip_value


def test_grad_norms_and_update_ratios():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    model[2].bias.requires_grad_(False)                     # a parameter that gets no gradient is left out
    x, y = torch.randn(16, 4), torch.randint(0, 3, (16,))
    nn.functional.cross_entropy(model(x), y).backward()
    norms = diagnostics.grad_norms(model)
    assert list(norms) == ["0.weight", "0.bias", "2.weight"]
    for name, p in model.named_parameters():
        if p.grad is not None:
            assert norms[name] == pytest.approx(p.grad.norm().item())
    largest = model[0].weight.grad.abs().max().item()
    assert diagnostics.grad_norms(model, norm_type=math.inf)["0.weight"] == pytest.approx(largest)
    before = diagnostics.snapshot(model)
    lr = 0.1
    torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=lr).step()
    ratios = diagnostics.update_ratios(model, before)
    for name in norms:
        assert ratios[name] == pytest.approx(lr * norms[name] / before[name].norm().item(), rel=1e-5)
    assert ratios["2.bias"] == 0.0
    with pytest.raises(KeyError, match="not in the snapshot"):
        diagnostics.update_ratios(model, {})
