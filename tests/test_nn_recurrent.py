"""RNN, LSTM, GRU and their cells equal torch.nn.RNN/LSTM/GRU and torch's cells in value and gradient (float64)."""

import math
from functools import partial

import pytest
import torch
from torch import nn

from dlcourse.nn.recurrent import GRU, LSTM, RNN, gru_cell, lstm_cell, rnn_cell

I, H = 4, 6  # input_size D, hidden_size Dh
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
@pytest.mark.parametrize("num_layers", [1, 2, 3])
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
    x = torch.randn(5, I, dtype=torch.float64, generator=gen)  # (T, D)
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


def _torch_cell(kind):
    """torch's public cell module for ``kind``, float64, with its own random weights."""
    return {"rnn_tanh": lambda: nn.RNNCell(I, H), "rnn_relu": lambda: nn.RNNCell(I, H, nonlinearity="relu"),
            "lstm": lambda: nn.LSTMCell(I, H), "gru": lambda: nn.GRUCell(I, H)}[kind]().double()


def _our_cell(kind):
    """Our cell for ``kind`` with the module cells' calling convention: (x, state, *parameters)."""
    return {"rnn_tanh": partial(rnn_cell, nonlinearity="tanh"), "rnn_relu": partial(rnn_cell, nonlinearity="relu"),
            "lstm": lstm_cell, "gru": gru_cell}[kind]


@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize("kind", KINDS)
def test_cell_matches_torch(kind, batch, gen):
    """Our cell on a torch cell's weights: same h_t (and c_t), same gradients for x, h, c and every parameter."""
    ref = _torch_cell(kind)
    x = torch.randn(batch, I, dtype=torch.float64, generator=gen)
    state = _h0(kind, (batch, H), gen)
    leaves = [x, *(state if isinstance(state, tuple) else (state,))]
    params = [p.detach().clone().requires_grad_() for p in ref.parameters()]  # weight_ih, weight_hh, bias_ih, bias_hh
    outs = []
    for cell, weights in [(partial(_our_cell(kind), weight_ih=params[0], weight_hh=params[1], bias_ih=params[2],
                                   bias_hh=params[3]), params), (ref, list(ref.parameters()))]:
        inputs = [t.detach().clone().requires_grad_() for t in leaves]
        s = tuple(inputs[1:]) if kind == "lstm" else inputs[1]
        out = cell(inputs[0], s)
        outs.append((inputs, weights, list(out) if isinstance(out, tuple) else [out]))
    (in_a, w_a, out_a), (in_b, w_b, out_b) = outs
    loss_weights = [torch.randn(b.shape, dtype=b.dtype, generator=gen) for b in out_b]
    for a, b in zip(out_a, out_b, strict=True):
        torch.testing.assert_close(a, b, atol=1e-10, rtol=1e-8)
    grads_a = torch.autograd.grad(sum((a * w).sum() for a, w in zip(out_a, loss_weights)), in_a + w_a)
    grads_b = torch.autograd.grad(sum((b * w).sum() for b, w in zip(out_b, loss_weights)), in_b + w_b)
    names = ["x", "h", *(["c"] if kind == "lstm" else []), "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    for name, a, b in zip(names, grads_a, grads_b, strict=True):
        torch.testing.assert_close(a, b, atol=1e-10, rtol=1e-8, msg=lambda m: f"grad of {name}: {m}")


@pytest.mark.parametrize("kind", KINDS)
def test_cells_match_one_step_of_the_layer(kind, gen):
    """A one-step sequence through a one-layer module is one call of the module's cell."""
    ours, _ = _pair(kind)
    x = torch.randn(1, 2, I, dtype=torch.float64, generator=gen)  # (T, B, D) with T = 1
    h0 = _h0(kind, (1, 2, H), gen)
    output, state = ours(x, h0)
    weights = [ours.weight_ih_l0, ours.weight_hh_l0, ours.bias_ih_l0, ours.bias_hh_l0]
    if kind == "lstm":
        h1, c1 = lstm_cell(x[0], (h0[0][0], h0[1][0]), *weights)
        torch.testing.assert_close(state[1][0], c1)
        state = state[0]
    else:
        h1 = _our_cell(kind)(x[0], h0[0], *weights)
    torch.testing.assert_close(output[0], h1)
    torch.testing.assert_close(state[0], h1)


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
    cell = nn.RNNCell(I, H)
    with pytest.raises(ValueError, match="nonlinearity must be"):
        rnn_cell(torch.zeros(2, I), torch.zeros(2, H), *cell.parameters(), nonlinearity="Tanh")
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
