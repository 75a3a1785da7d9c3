r"""Recurrent networks: the Elman RNN, the LSTM and the GRU, one step at a time and as stacked layers.

.. math::

    \text{RNN}: \; h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})

    \text{LSTM}: \; i_t, f_t, o_t = \sigma(\cdot),\; g_t = \tanh(\cdot),\;
    c_t = f_t \odot c_{t-1} + i_t \odot g_t,\; h_t = o_t \odot \tanh(c_t)

    \text{GRU}: \; r_t, z_t = \sigma(\cdot),\;
    n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})),\;
    h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}

where each :math:`(\cdot)` is :math:`W_{i\star} x_t + b_{i\star} + W_{h\star} h_{t-1} + b_{h\star}` for its own gate
:math:`\star` (full formulas in :func:`lstm_cell` and :func:`gru_cell`). Papers: Elman, "Finding Structure in Time"
(1990); Hochreiter & Schmidhuber, "Long Short-Term Memory" (1997), forget gate from Gers et al. (2000); Cho et al.,
"Learning Phrase Representations using RNN Encoder-Decoder for Statistical Machine Translation" (2014).

Shapes:
    T sequence length, B batch size, I input_size, H hidden_size, L num_layers,
    G gates stacked in one weight: 1 (RNN), 4 (LSTM, order i, f, g, o), 3 (GRU, order r, z, n).
    x (T, B, I), or (B, T, I) with ``batch_first=True``, or (T, I) unbatched;
    output (T, B, H) / (B, T, H) / (T, H); h_0, h_n, c_0, c_n (L, B, H), or (L, H) unbatched.
    Layer k: weight_ih_l{k} (G*H, I) if k = 0 else (G*H, H); weight_hh_l{k} (G*H, H); bias_ih_l{k}, bias_hh_l{k} (G*H,).

Parameter names, shapes, order and initialisation U(-1/sqrt(H), 1/sqrt(H)) equal ``torch.nn.RNN``/``LSTM``/``GRU``'s,
so ``ours.load_state_dict(torch_lstm.state_dict())`` works both ways and both compute the same.
The input half of every gate, :math:`W_{ih} x_t + b_{ih}`, does not depend on :math:`h_{t-1}`: a layer computes it
for all T steps in one matmul (``Wx``), and only the recurrent half runs in the loop over time. In the RNN and the
LSTM, :math:`b_{hh}` only ever adds to :math:`b_{ih}`, so it joins ``Wx`` too (the GRU's :math:`b_{hn}` is gated).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import torch
from torch import Tensor, nn

# The steps call torch.sigmoid / torch.tanh / torch.relu, not dlcourse.nn.activations: each is one fused kernel with
# one backward node, and the loop runs them T * L times. Ours equal them (tests/test_nn_activations.py).
_NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}
_State = Tensor | tuple[Tensor, Tensor]  # h, or (h, c) for the LSTM


def _rnn_step(Wx: Tensor, h_prev: Tensor, weight_hh: Tensor, nonlinearity: str) -> Tensor:
    """One RNN step from ``Wx`` = :math:`W_{ih} x_t + b_{ih} + b_{hh}` (B, H), already computed."""
    return _NONLINEARITIES[nonlinearity](Wx + h_prev @ weight_hh.T)  # (B, H) @ (H, H) -> (B, H)


def _lstm_step(Wx: Tensor, state: tuple[Tensor, Tensor], weight_hh: Tensor) -> tuple[Tensor, Tensor]:
    """One LSTM step from ``Wx`` = :math:`W_{ih} x_t + b_{ih} + b_{hh}` (B, 4H), already computed."""
    h_prev, c_prev = state
    gates = Wx + h_prev @ weight_hh.T  # (B, H) @ (H, 4H) -> (B, 4H)
    a_i, a_f, a_g, a_o = gates.chunk(4, dim=-1)  # each (B, H): the argument of one gate's sigma or tanh
    i_t = torch.sigmoid(a_i)  # input gate: how much of g_t to write
    f_t = torch.sigmoid(a_f)  # forget gate: how much of c_{t-1} to keep
    g_t = torch.tanh(a_g)  # candidate cell content
    o_t = torch.sigmoid(a_o)  # output gate: how much of the cell to expose
    c_t = f_t * c_prev + i_t * g_t
    h_t = o_t * torch.tanh(c_t)
    return h_t, c_t


def _gru_step(Wx: Tensor, h_prev: Tensor, weight_hh: Tensor, bias_hh: Tensor) -> Tensor:
    """One GRU step from ``Wx`` = :math:`W_{ih} x_t + b_{ih}` (B, 3H), already computed."""
    Wh = h_prev @ weight_hh.T + bias_hh  # (B, H) @ (H, 3H) -> (B, 3H)
    Wx_r, Wx_z, Wx_n = Wx.chunk(3, dim=-1)  # each (B, H)
    Wh_r, Wh_z, Wh_n = Wh.chunk(3, dim=-1)  # each (B, H); kept apart because r_t gates only Wh_n
    r_t = torch.sigmoid(Wx_r + Wh_r)  # reset gate: how much of h_{t-1} the candidate sees
    z_t = torch.sigmoid(Wx_z + Wh_z)  # update gate: how much of h_{t-1} to keep
    n_t = torch.tanh(Wx_n + r_t * Wh_n)  # candidate; r_t multiplies b_hn too, as in torch
    return (1 - z_t) * n_t + z_t * h_prev


def rnn_cell(x: Tensor, h: Tensor, weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor, bias_hh: Tensor,
             nonlinearity: str = "tanh") -> Tensor:
    r"""One Elman RNN step, :math:`h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})` (or ReLU).

    x (B, I), h (B, H), weight_ih (H, I), weight_hh (H, H), biases (H,); returns h_t (B, H).

    >>> rnn_cell(torch.ones(1, 3), torch.zeros(1, 2), torch.zeros(2, 3), torch.zeros(2, 2), torch.ones(2),
    ...          torch.zeros(2), nonlinearity="relu")
    tensor([[1., 1.]])
    """
    _check_nonlinearity(nonlinearity)
    return _rnn_step(x @ weight_ih.T + bias_ih + bias_hh, h, weight_hh, nonlinearity)  # (B, I) @ (I, H) -> (B, H)


def lstm_cell(x: Tensor, state: tuple[Tensor, Tensor], weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor,
              bias_hh: Tensor) -> tuple[Tensor, Tensor]:
    r"""One LSTM step: ``state`` is :math:`(h_{t-1}, c_{t-1})`, the result :math:`(h_t, c_t)`.

    .. math::

        i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}),\quad
        f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}),

        g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}),\quad
        o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}),

        c_t = f_t \odot c_{t-1} + i_t \odot g_t,\quad h_t = o_t \odot \tanh(c_t).

    x (B, I); h, c (B, H); weight_ih (4H, I) stacks :math:`W_{ii}, W_{if}, W_{ig}, W_{io}`; weight_hh (4H, H);
    biases (4H,).

    >>> h, c = lstm_cell(torch.randn(2, 3), (torch.zeros(2, 5), torch.zeros(2, 5)),
    ...                  torch.randn(20, 3), torch.randn(20, 5), torch.zeros(20), torch.zeros(20))
    >>> h.shape, c.shape
    (torch.Size([2, 5]), torch.Size([2, 5]))
    """
    return _lstm_step(x @ weight_ih.T + bias_ih + bias_hh, state, weight_hh)  # (B, I) @ (I, 4H) -> (B, 4H)


def gru_cell(x: Tensor, h: Tensor, weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor, bias_hh: Tensor) -> Tensor:
    r"""One GRU step, in torch's form (the reset gate multiplies :math:`W_{hn} h_{t-1} + b_{hn}`, bias included).

    .. math::

        r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}),\quad
        z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}),

        n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})),\quad
        h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}.

    x (B, I), h (B, H), weight_ih (3H, I) stacks :math:`W_{ir}, W_{iz}, W_{in}`; weight_hh (3H, H); biases (3H,).

    >>> gru_cell(torch.randn(2, 3), torch.zeros(2, 5), torch.randn(15, 3), torch.randn(15, 5),
    ...          torch.zeros(15), torch.zeros(15)).shape
    torch.Size([2, 5])
    """
    return _gru_step(x @ weight_ih.T + bias_ih, h, weight_hh, bias_hh)  # (B, I) @ (I, 3H) -> (B, 3H)


def _check_nonlinearity(nonlinearity: str) -> None:
    if nonlinearity not in _NONLINEARITIES:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")


def _setup(module: nn.Module, gates: int, input_size: int, hidden_size: int, num_layers: int,
           batch_first: bool) -> None:
    """Stores the sizes and registers weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} in torch's order."""
    if min(input_size, hidden_size, num_layers) <= 0:
        raise ValueError(f"{type(module).__name__} needs positive sizes, got input_size={input_size}, "
                         f"hidden_size={hidden_size}, num_layers={num_layers}")
    module.input_size, module.hidden_size, module.num_layers = input_size, hidden_size, num_layers
    module.batch_first = batch_first
    bound = 1.0 / math.sqrt(hidden_size)  # torch's bound, for every weight and bias alike
    for k in range(num_layers):
        layer_input = input_size if k == 0 else hidden_size  # layer k > 0 reads the h_t of layer k - 1
        for name, shape in [("weight_ih", (gates * hidden_size, layer_input)),
                            ("weight_hh", (gates * hidden_size, hidden_size)),
                            ("bias_ih", (gates * hidden_size,)), ("bias_hh", (gates * hidden_size,))]:
            module.register_parameter(f"{name}_l{k}", nn.Parameter(torch.empty(shape).uniform_(-bound, bound)))


def _time_major(module: nn.Module, x: Tensor) -> tuple[Tensor, bool]:
    """Checks x and returns it as (T, B, I), and whether it came unbatched."""
    I, name = module.input_size, type(module).__name__
    if x.dim() not in (2, 3) or x.shape[-1] != I:
        layout = f"(B, T, {I}) (batch_first=True)" if module.batch_first else f"(T, B, {I})"
        raise ValueError(f"{name} expected x of shape {layout} or unbatched (T, {I}), as input_size={I}, "
                         f"got {tuple(x.shape)}")
    unbatched = x.dim() == 2
    if unbatched:
        x = x.unsqueeze(1)  # (T, I) -> (T, 1, I); torch ignores batch_first for unbatched input
    elif module.batch_first:
        x = x.transpose(0, 1)  # (B, T, I) -> (T, B, I)
    if x.shape[0] == 0:
        raise ValueError(f"{name} needs a sequence of at least one step, got x of shape {tuple(x.shape)}")
    return x, unbatched


def _initial_state(module: nn.Module, state: Tensor | None, x: Tensor, unbatched: bool, name: str) -> Tensor:
    """Returns h_0 (or c_0) as (L, B, H): zeros on x's device and dtype if None, else checked."""
    L, B, H = module.num_layers, x.shape[1], module.hidden_size
    if state is None:
        return x.new_zeros(L, B, H)  # (L, B, H)
    expected = (L, H) if unbatched else (L, B, H)
    if tuple(state.shape) != expected:
        raise ValueError(f"expected {name} of shape (num_layers, {'' if unbatched else 'B, '}hidden_size) = "
                         f"{expected}, got {tuple(state.shape)}; or omit it to start from zeros")
    return state.unsqueeze(1) if unbatched else state  # (L, H) -> (L, 1, H)


def _layer(module: nn.Module, k: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """weight_ih, weight_hh, bias_ih, bias_hh of layer k."""
    return tuple(getattr(module, f"{name}_l{k}") for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))


def _scan(Wx: Tensor, state: _State, step: Callable[[Tensor, _State], _State]) -> tuple[Tensor, _State]:
    """Runs ``state = step(Wx_t, state)`` for t = 1..T over Wx (T, B, G*H).

    Returns every h_t, (T, B, H), and the last state.
    """
    hs = []
    for Wx_t in Wx.unbind(0):  # (B, G*H); only the recurrence runs step by step
        state = step(Wx_t, state)
        hs.append(state[0] if isinstance(state, tuple) else state)
    return torch.stack(hs), state  # (T, B, H)


def _restore_layout(module: nn.Module, output: Tensor, unbatched: bool, *states: Tensor) -> tuple[Tensor, ...]:
    """Undoes _time_major: output back to (B, T, H) or (T, H), states to (L, H) if unbatched."""
    if unbatched:
        return output.squeeze(1), *(s.squeeze(1) for s in states)  # (T, 1, H) -> (T, H), (L, 1, H) -> (L, H)
    return (output.transpose(0, 1) if module.batch_first else output), *states  # (T, B, H) -> (B, T, H)


def _extra_repr(module: nn.Module) -> str:
    nonlinearity = f", nonlinearity={module.nonlinearity!r}" if isinstance(module, RNN) else ""
    return (f"{module.input_size}, {module.hidden_size}, num_layers={module.num_layers}, "
            f"batch_first={module.batch_first}{nonlinearity}")


class RNN(nn.Module):
    r"""Stacked Elman RNN, :math:`h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})` (:func:`rnn_cell`).

    Like ``torch.nn.RNN``: ``forward(x, h0=None)`` returns ``(output, h_n)``, the last layer's h_t for every t and
    every layer's last h_t. ``nonlinearity`` is ``"tanh"`` or ``"relu"``.

    >>> output, h_n = RNN(input_size=3, hidden_size=5, num_layers=2)(torch.randn(7, 4, 3))
    >>> output.shape, h_n.shape
    (torch.Size([7, 4, 5]), torch.Size([2, 4, 5]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, batch_first: bool = False,
                 nonlinearity: str = "tanh") -> None:
        super().__init__()
        _check_nonlinearity(nonlinearity)
        self.nonlinearity = nonlinearity
        _setup(self, 1, input_size, hidden_size, num_layers, batch_first)

    def forward(self, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
        x, unbatched = _time_major(self, x)  # (T, B, I)
        h_0 = _initial_state(self, h0, x, unbatched, "h0")  # (L, B, H)
        h_n = []
        for k in range(self.num_layers):  # layer k > 0 reads the h_t of layer k - 1
            weight_ih, weight_hh, bias_ih, bias_hh = _layer(self, k)
            Wx = x @ weight_ih.T + (bias_ih + bias_hh)  # (T, B, I) @ (I, H) -> (T, B, H): all steps in one matmul
            x, h = _scan(Wx, h_0[k], partial(_rnn_step, weight_hh=weight_hh, nonlinearity=self.nonlinearity))
            h_n.append(h)
        return _restore_layout(self, x, unbatched, torch.stack(h_n))  # h_n (L, B, H)

    extra_repr = _extra_repr


class LSTM(nn.Module):
    """Stacked LSTM (:func:`lstm_cell` in every layer).

    Like ``torch.nn.LSTM``: ``forward(x, h0=None)`` takes ``h0 = (h_0, c_0)`` and returns ``(output, (h_n, c_n))``.

    >>> lstm = LSTM(input_size=3, hidden_size=5, num_layers=2, batch_first=True)
    >>> output, (h_n, c_n) = lstm(torch.randn(4, 7, 3))
    >>> output.shape, h_n.shape, c_n.shape
    (torch.Size([4, 7, 5]), torch.Size([2, 4, 5]), torch.Size([2, 4, 5]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, batch_first: bool = False) -> None:
        super().__init__()
        _setup(self, 4, input_size, hidden_size, num_layers, batch_first)

    def forward(self, x: Tensor, h0: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        x, unbatched = _time_major(self, x)  # (T, B, I)
        if h0 is not None and not (isinstance(h0, (tuple, list)) and len(h0) == 2):
            raise ValueError(f"LSTM expects h0 as a tuple (h_0, c_0) of two tensors, got {type(h0).__name__}; "
                             "or omit it to start from zeros")
        h_0, c_0 = (None, None) if h0 is None else h0
        h_0 = _initial_state(self, h_0, x, unbatched, "h_0")  # (L, B, H)
        c_0 = _initial_state(self, c_0, x, unbatched, "c_0")  # (L, B, H)
        h_n, c_n = [], []
        for k in range(self.num_layers):
            weight_ih, weight_hh, bias_ih, bias_hh = _layer(self, k)
            Wx = x @ weight_ih.T + (bias_ih + bias_hh)  # (T, B, I) @ (I, 4H) -> (T, B, 4H): all steps in one matmul
            x, (h, c) = _scan(Wx, (h_0[k], c_0[k]), partial(_lstm_step, weight_hh=weight_hh))
            h_n.append(h)
            c_n.append(c)
        output, h_n, c_n = _restore_layout(self, x, unbatched, torch.stack(h_n), torch.stack(c_n))  # (L, B, H)
        return output, (h_n, c_n)

    extra_repr = _extra_repr


class GRU(nn.Module):
    """Stacked GRU (:func:`gru_cell` in every layer).

    Like ``torch.nn.GRU``: ``forward(x, h0=None)`` returns ``(output, h_n)``.

    >>> output, h_n = GRU(input_size=3, hidden_size=5)(torch.randn(7, 3))  # unbatched (T, I)
    >>> output.shape, h_n.shape
    (torch.Size([7, 5]), torch.Size([1, 5]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, batch_first: bool = False) -> None:
        super().__init__()
        _setup(self, 3, input_size, hidden_size, num_layers, batch_first)

    def forward(self, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
        x, unbatched = _time_major(self, x)  # (T, B, I)
        h_0 = _initial_state(self, h0, x, unbatched, "h0")  # (L, B, H)
        h_n = []
        for k in range(self.num_layers):
            weight_ih, weight_hh, bias_ih, bias_hh = _layer(self, k)
            Wx = x @ weight_ih.T + bias_ih  # (T, B, I) @ (I, 3H) -> (T, B, 3H): all steps in one matmul
            x, h = _scan(Wx, h_0[k], partial(_gru_step, weight_hh=weight_hh, bias_hh=bias_hh))
            h_n.append(h)
        return _restore_layout(self, x, unbatched, torch.stack(h_n))  # h_n (L, B, H)

    extra_repr = _extra_repr
