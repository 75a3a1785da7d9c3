"""dlcourse's batch and layer normalisation equal torch's: values, gradients, running statistics, eval mode."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import dlcourse.nn as dnn


def _leaves(*tensors):
    return [t.detach().clone().requires_grad_(True) for t in tensors]


def _grads_equal(ours_out, ref_out, ours_in, ref_in, gen):
    torch.testing.assert_close(ours_out, ref_out)
    g = torch.randn(ours_out.shape, dtype=ours_out.dtype, generator=gen)
    for a, b in zip(torch.autograd.grad(ours_out, ours_in, g), torch.autograd.grad(ref_out, ref_in, g)):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("shape", [(8, 5), (2, 3), (6, 4, 7)])
def test_batch_norm_training_matches_torch(shape, gen):
    D = shape[1]
    x = torch.randn(shape, dtype=torch.float64, generator=gen) * 3 + 2
    w = torch.rand(D, dtype=torch.float64, generator=gen) + 0.5
    b = torch.randn(D, dtype=torch.float64, generator=gen)
    stats = [torch.randn(D, dtype=torch.float64, generator=gen), torch.rand(D, dtype=torch.float64, generator=gen) + 1]
    ref_stats = [s.clone() for s in stats]
    ours_in, ref_in = _leaves(x, w, b), _leaves(x, w, b)
    y = dnn.batch_norm(ours_in[0], *stats, ours_in[1], ours_in[2], training=True, momentum=0.3, eps=1e-3)
    y_ref = F.batch_norm(ref_in[0], *ref_stats, ref_in[1], ref_in[2], training=True, momentum=0.3, eps=1e-3)
    _grads_equal(y, y_ref, ours_in, ref_in, gen)
    for s, r in zip(stats, ref_stats):
        torch.testing.assert_close(s, r)   # the unbiased running variance included


def test_batch_norm_eval_and_no_affine_match_torch(gen):
    x = torch.randn(5, 4, dtype=torch.float64, generator=gen)
    mean, var = torch.randn(4, dtype=torch.float64, generator=gen), torch.rand(4, dtype=torch.float64, generator=gen) + 0.1
    ours_in, ref_in = _leaves(x), _leaves(x)
    _grads_equal(dnn.batch_norm(ours_in[0], mean, var), F.batch_norm(ref_in[0], mean, var), ours_in, ref_in, gen)
    torch.testing.assert_close(dnn.batch_norm(x, None, None, training=True), F.batch_norm(x, None, None, training=True))


def _batch_norm_twins(name: str, channels: int, momentum, gen):
    """dlcourse's and torch's batch norm ``name`` in float64, with the same random (not 1 and 0) affine weights."""
    ref = getattr(nn, name)(channels, momentum=momentum).double()
    ours = getattr(dnn, name)(channels, momentum=momentum).double()
    assert set(ours.state_dict()) == set(ref.state_dict())
    with torch.no_grad():
        ref.weight.uniform_(0.5, 2.0, generator=gen)
        ref.bias.normal_(generator=gen)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm1d_running_statistics_and_eval_match_torch(momentum, gen):
    ours, ref = _batch_norm_twins("BatchNorm1d", 6, momentum, gen)
    opt_ours, opt_ref = torch.optim.SGD(ours.parameters(), lr=0.1), torch.optim.SGD(ref.parameters(), lr=0.1)
    for step in range(5):   # several training steps: running statistics and the parameters move together
        x = torch.randn(16, 6, dtype=torch.float64, generator=gen) * (step + 1) + step
        target = torch.randn(16, 6, dtype=torch.float64, generator=gen)
        for model, opt in ((ours, opt_ours), (ref, opt_ref)):
            opt.zero_grad()
            ((model(x) - target) ** 2).mean().backward()
            opt.step()
        for name, value in ref.state_dict().items():
            torch.testing.assert_close(ours.state_dict()[name], value, msg=f"{name} after step {step}")
    ours.eval(), ref.eval()
    x = torch.randn(3, 6, dtype=torch.float64, generator=gen)
    ours_in, ref_in = _leaves(x), _leaves(x)
    y, y_ref = ours(ours_in[0]), ref(ref_in[0])
    _grads_equal(y, y_ref, ours_in + list(ours.parameters()), ref_in + list(ref.parameters()), gen)
    torch.testing.assert_close(ours(x[:1]), ref(x[:1]))   # a batch of one is fine in evaluation mode


def test_batchnorm1d_without_running_statistics_and_3d_input(gen):
    ref, ours = nn.BatchNorm1d(3, track_running_stats=False, affine=False), dnn.BatchNorm1d(3, track_running_stats=False, affine=False)
    x = torch.randn(4, 3, 5, generator=gen)
    for mode in (True, False):
        ref.train(mode), ours.train(mode)
        torch.testing.assert_close(ours(x), ref(x))   # the batch's statistics in both modes
    assert ours.state_dict() == {}


def test_batch_norm_errors():
    with pytest.raises(ValueError, match="more than 1 value per feature"):
        dnn.BatchNorm1d(4)(torch.randn(1, 4))
    with pytest.raises(ValueError, match=r"\(B, 4\)"):
        dnn.BatchNorm1d(4)(torch.randn(2, 5))
    with pytest.raises(ValueError, match="needs running_mean"):
        dnn.batch_norm(torch.randn(3, 4), None, None, training=False)


@pytest.mark.parametrize("shape,normalized", [((6, 5), (5,)), ((3, 4, 8), (8,)), ((2, 3, 4, 5), (4, 5)), ((1, 7), (7,))])
def test_layer_norm_matches_torch(shape, normalized, gen):
    x = torch.randn(shape, dtype=torch.float64, generator=gen) * 4 - 1
    w = torch.rand(normalized, dtype=torch.float64, generator=gen) + 0.5
    b = torch.randn(normalized, dtype=torch.float64, generator=gen)
    for eps in (1e-5, 0.5):
        ours_in, ref_in = _leaves(x, w, b), _leaves(x, w, b)
        _grads_equal(dnn.layer_norm(ours_in[0], normalized, ours_in[1], ours_in[2], eps),
                     F.layer_norm(ref_in[0], normalized, ref_in[1], ref_in[2], eps), ours_in, ref_in, gen)
    torch.testing.assert_close(dnn.layer_norm(x, normalized), F.layer_norm(x, normalized))


def test_layernorm_module_matches_torch(gen):
    for kwargs in (dict(), dict(bias=False), dict(elementwise_affine=False)):
        ref, ours = nn.LayerNorm(8, **kwargs), dnn.LayerNorm(8, **kwargs)
        assert set(ours.state_dict()) == set(ref.state_dict())
        if ref.weight is not None:
            with torch.no_grad():
                ref.weight.uniform_(0.5, 2.0, generator=gen)
            ours.load_state_dict(ref.state_dict())
        x = torch.randn(2, 3, 8, generator=gen)
        torch.testing.assert_close(ours(x), ref(x))
        torch.testing.assert_close(ours(x[:1, :1]), ours(x)[:1, :1])   # no dependence on the rest of the batch


def test_layer_norm_errors():
    with pytest.raises(ValueError, match=r"\(\.\.\., 5\)"):
        dnn.layer_norm(torch.randn(3, 4), (5,))


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm2d_matches_torch_in_training_and_eval(momentum, gen):
    ours, ref = _batch_norm_twins("BatchNorm2d", 4, momentum, gen)
    for step in range(3):   # statistics per channel over B, H and W, running estimates updated alike
        x = torch.randn(5, 4, 3, 6, dtype=torch.float64, generator=gen) * (step + 2) + step
        ours_in, ref_in = _leaves(x), _leaves(x)
        _grads_equal(ours(ours_in[0]), ref(ref_in[0]), ours_in + list(ours.parameters()),
                     ref_in + list(ref.parameters()), gen)
        for name, value in ref.state_dict().items():
            torch.testing.assert_close(ours.state_dict()[name], value, msg=f"{name} after step {step}")
    ours.eval(), ref.eval()
    x = torch.randn(2, 4, 5, 5, dtype=torch.float64, generator=gen).permute(0, 1, 3, 2)   # not contiguous
    ours_in, ref_in = _leaves(x), _leaves(x)
    _grads_equal(ours(ours_in[0]), ref(ref_in[0]), ours_in + list(ours.parameters()), ref_in + list(ref.parameters()),
                 gen)


def test_batchnorm2d_errors():
    with pytest.raises(ValueError, match=r"\(B, 3, H, W\)"):
        dnn.BatchNorm2d(3)(torch.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"\(B, 3, H, W\)"):
        dnn.BatchNorm2d(3)(torch.randn(2, 4, 5, 5))
    with pytest.raises(ValueError, match="more than 1 value per feature"):
        dnn.BatchNorm2d(3)(torch.randn(1, 3, 1, 1))
