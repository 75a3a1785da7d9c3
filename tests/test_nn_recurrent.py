"""RNN, LSTM, GRU and their cells equal torch.nn.RNN/LSTM/GRU and torch's cells in value and gradient (float64)."""

import math

import pytest
import torch
from helpers import assert_same
from torch import nn

from dlcourse.nn.recurrent import GRU, LSTM, RNN, gru_cell, lstm_cell, rnn_cell

I, H = 4, 6  # input_size, hidden_size
KINDS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]


def _pair(kind, num_layers=1, batch_first=False, device="cpu"):
    """(ours, torch's) with torch's random weights loaded into ours, float64."""
    ref = {"rnn_tanh": lambda: nn.RNN(I, H, num_layers, batch_first=batch_first),
           "rnn_relu": lambda: nn.RNN(I, H, num_layers, nonlinearity="relu", batch_first=batch_first),
           "lstm": lambda: nn.LSTM(I, H, num_layers, batch_first=batch_first),
           "gru": lambda: nn.GRU(I, H, num_layers, batch_first=batch_first)}[kind]()
    ours = {"rnn_tanh": lambda: RNN(I, H, num_layers, batch_first),
            "rnn_relu": lambda: RNN(I, H, num_layers, batch_first, nonlinearity="relu"),
            "lstm": lambda: LSTM(I, H, num_layers, batch_first),
            "gru": lambda: GRU(I, H, num_layers, batch_first)}[kind]()
    ref = ref.double().to(device)
    ours = ours.double().to(device)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def _flat(result):
    """(output, h_n) or (output, (h_n, c_n)) -> [output, h_n(, c_n)]."""
    output, state = result
    return [output, *state] if isinstance(state, tuple) else [output, state]


def _check(ours, ref, x, h0=None, atol=1e-10, rtol=1e-8):
    """Same outputs and same gradients w.r.t. x, h0 (and c0) and every parameter."""
    leaves = [x] if h0 is None else [x, *(h0 if isinstance(h0, tuple) else (h0,))]
    runs = []
    for module in (ours, ref):
        module.zero_grad(set_to_none=True)
        inputs = [t.detach().clone().requires_grad_() for t in leaves]
        state = None if h0 is None else (tuple(inputs[1:]) if isinstance(h0, tuple) else inputs[1])
        runs.append((inputs, _flat(module(inputs[0], state))))
    (in_a, out_a), (in_b, out_b) = runs
    gen = torch.Generator().manual_seed(0)
    loss_weights = [torch.randn(b.shape, dtype=b.dtype, generator=gen).to(b.device) for b in out_b]
    for a, b in zip(out_a, out_b):
        assert a.shape == b.shape, f"shape {tuple(a.shape)} != torch's {tuple(b.shape)}"
        torch.testing.assert_close(a, b, atol=atol, rtol=rtol)
    sum((a * w).sum() for a, w in zip(out_a, loss_weights)).backward()
    sum((b * w).sum() for b, w in zip(out_b, loss_weights)).backward()
    for i, (a, b) in enumerate(zip(in_a, in_b)):
        torch.testing.assert_close(a.grad, b.grad, atol=atol, rtol=rtol, msg=lambda m: f"grad of input {i}: {m}")
    ref_params = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        torch.testing.assert_close(p.grad, ref_params[name].grad, atol=atol, rtol=rtol,
                                   msg=lambda m: f"grad of {name}: {m}")


def _h0(kind, shape, gen):
    h = torch.randn(shape, dtype=torch.float64, generator=gen)
    return (h, torch.randn(shape, dtype=torch.float64, generator=gen)) if kind == "lstm" else h


@pytest.mark.parametrize("given_h0", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_matches_torch(kind, num_layers, batch_first, given_h0, gen):
    T, B = 5, 3
    ours, ref = _pair(kind, num_layers, batch_first)
    x = torch.randn((B, T, I) if batch_first else (T, B, I), dtype=torch.float64, generator=gen)
    _check(ours, ref, x, _h0(kind, (num_layers, B, H), gen) if given_h0 else None)


@pytest.mark.parametrize("given_h0", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_unbatched(kind, given_h0, gen):
    ours, ref = _pair(kind, num_layers=2, batch_first=True)  # batch_first is ignored for (T, I) input
    x = torch.randn(5, I, dtype=torch.float64, generator=gen)
    _check(ours, ref, x, _h0(kind, (2, H), gen) if given_h0 else None)


@pytest.mark.parametrize("kind", KINDS)
def test_single_time_step(kind, gen):
    ours, ref = _pair(kind, num_layers=2)
    _check(ours, ref, torch.randn(1, 3, I, dtype=torch.float64, generator=gen), _h0(kind, (2, 3, H), gen))


def test_long_sequence_large_inputs(gen):
    """Saturated gates over 30 steps still agree."""
    ours, ref = _pair("lstm", num_layers=2)
    _check(ours, ref, 5 * torch.randn(30, 2, I, dtype=torch.float64, generator=gen))


@pytest.mark.parametrize("kind", KINDS)
def test_state_dict_both_ways(kind, gen):
    ours, ref = _pair(kind, num_layers=2)
    assert list(ours.state_dict()) == list(ref.state_dict())
    assert all(ours.state_dict()[k].shape == v.shape for k, v in ref.state_dict().items())
    fresh_ref = _pair(kind, num_layers=2)[1]
    fresh_ref.load_state_dict(ours.state_dict())  # ours -> torch
    x = torch.randn(6, 2, I, dtype=torch.float64, generator=gen)
    for a, b in zip(_flat(ours(x)), _flat(fresh_ref(x))):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize(("ours_cls", "ref_cls"), [(RNN, nn.RNN), (LSTM, nn.LSTM), (GRU, nn.GRU)])
def test_initialisation_equals_torch(ours_cls, ref_cls):
    torch.manual_seed(0)
    ours = ours_cls(10, 100, num_layers=2)
    torch.manual_seed(0)
    ref = ref_cls(10, 100, num_layers=2)
    for (name, p), (ref_name, q) in zip(ours.named_parameters(), ref.named_parameters(), strict=True):
        assert name == ref_name and p.dtype == q.dtype
        torch.testing.assert_close(p, q, atol=0, rtol=0)  # same draws in the same order
    bound = 1 / math.sqrt(100)
    assert all(0.95 * bound < p.abs().max() <= bound for p in ours.parameters())


def _cell_inputs(gates, gen, batch=3):
    x = torch.randn(batch, I, dtype=torch.float64, generator=gen)
    h = torch.randn(batch, H, dtype=torch.float64, generator=gen)
    c = torch.randn(batch, H, dtype=torch.float64, generator=gen)
    params = [torch.randn(shape, dtype=torch.float64, generator=gen) / math.sqrt(H)
              for shape in [(gates * H, I), (gates * H, H), (gates * H,), (gates * H,)]]
    return x, h, c, params


@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell(nonlinearity, batch, gen):
    x, h, _, params = _cell_inputs(1, gen, batch)
    builtin = torch.rnn_tanh_cell if nonlinearity == "tanh" else torch.rnn_relu_cell
    assert_same(lambda *a: rnn_cell(*a, nonlinearity=nonlinearity), builtin, x, h, *params, grad_inputs=range(6))


@pytest.mark.parametrize("batch", [1, 4])
def test_lstm_cell(batch, gen):
    x, h, c, params = _cell_inputs(4, gen, batch)
    assert_same(lambda x, h, c, *p: torch.cat(lstm_cell(x, (h, c), *p), dim=-1),
                lambda x, h, c, *p: torch.cat(torch.lstm_cell(x, (h, c), *p), dim=-1),
                x, h, c, *params, grad_inputs=range(7))


@pytest.mark.parametrize("batch", [1, 4])
def test_gru_cell(batch, gen):
    x, h, _, params = _cell_inputs(3, gen, batch)
    assert_same(gru_cell, torch.gru_cell, x, h, *params, grad_inputs=range(6))


def test_cell_matches_one_step_of_the_layer(gen):
    ours, _ = _pair("gru")
    x = torch.randn(1, 2, I, dtype=torch.float64, generator=gen)
    h0 = torch.randn(1, 2, H, dtype=torch.float64, generator=gen)
    h1 = gru_cell(x[0], h0[0], ours.weight_ih_l0, ours.weight_hh_l0, ours.bias_ih_l0, ours.bias_hh_l0)
    torch.testing.assert_close(ours(x, h0)[1][0], h1)


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_input_size(kind):
    ours, _ = _pair(kind)
    with pytest.raises(ValueError, match=r"expected x of shape \(T, B, 4\).*got \(5, 3, 7\)"):
        ours(torch.zeros(5, 3, 7, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"\(T, 4\).*got \(4,\)"):
        ours(torch.zeros(4, dtype=torch.float64))
    with pytest.raises(ValueError, match="at least one step"):
        ours(torch.zeros(0, 3, I, dtype=torch.float64))
    batch_first = _pair(kind, batch_first=True)[0]
    with pytest.raises(ValueError, match=r"\(B, T, 4\).*got \(3, 5, 2\)"):
        batch_first(torch.zeros(3, 5, 2, dtype=torch.float64))


@pytest.mark.parametrize("kind", ["rnn_tanh", "gru"])
def test_wrong_h0_shape(kind):
    ours, _ = _pair(kind, num_layers=2)
    x = torch.zeros(5, 3, I, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"h0 of shape .* = \(2, 3, 6\), got \(1, 3, 6\)"):
        ours(x, torch.zeros(1, 3, H, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"\(2, 3, 6\), got \(2, 3, 5\)"):
        ours(x, torch.zeros(2, 3, 5, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"\(2, 6\), got \(2, 1, 6\)"):  # unbatched x needs unbatched h0
        ours(x[:, 0], torch.zeros(2, 1, H, dtype=torch.float64))


def test_lstm_state_errors():
    ours, _ = _pair("lstm")
    x = torch.zeros(5, 3, I, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"tuple \(h_0, c_0\)"):
        ours(x, torch.zeros(1, 3, H, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"c_0 of shape .* = \(1, 3, 6\), got \(1, 2, 6\)"):
        ours(x, (torch.zeros(1, 3, H, dtype=torch.float64), torch.zeros(1, 2, H, dtype=torch.float64)))


def test_constructor_errors():
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"):
        RNN(I, H, nonlinearity="sigmoid")
    x, h, _, params = _cell_inputs(1, torch.Generator())
    with pytest.raises(ValueError, match="nonlinearity must be"):
        rnn_cell(x, h, *params, nonlinearity="Tanh")
    with pytest.raises(ValueError, match="positive sizes"):
        LSTM(I, 0)
    with pytest.raises(ValueError, match="positive sizes"):
        GRU(I, H, num_layers=0)


@pytest.mark.gpu
@pytest.mark.parametrize("kind", KINDS)
def test_on_cuda(kind, gen):
    ours, ref = _pair(kind, num_layers=2, batch_first=True, device="cuda")
    x = torch.randn(3, 5, I, dtype=torch.float64, generator=gen).cuda()
    h0 = _h0(kind, (2, 3, H), gen)
    h0 = tuple(t.cuda() for t in h0) if isinstance(h0, tuple) else h0.cuda()
    _check(ours, ref, x, h0, atol=1e-9, rtol=1e-7)
    assert ours(x)[0].device == x.device
