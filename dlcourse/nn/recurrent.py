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
    B batch size, T sequence length, D input_size, Dh hidden_size, L num_layers,
    G gates stacked in one weight: 1 (RNN), 4 (LSTM, order i, f, g, o), 3 (GRU, order r, z, n).
    x (T, B, D) as PyTorch's default, or (B, T, D) with ``batch_first=True``, or (T, D) unbatched;
    output (T, B, Dh) / (B, T, Dh) / (T, Dh); h_0, h_n, c_0, c_n (L, B, Dh) whatever batch_first, or (L, Dh) unbatched.
    Layer k: weight_ih_l{k} (G*Dh, D) if k = 0, else (G*Dh, Dh) since it reads the h_t of layer k - 1;
    weight_hh_l{k} (G*Dh, Dh); bias_ih_l{k}, bias_hh_l{k} (G*Dh,).

Parameter names, shapes, order and initialisation U(-1/sqrt(Dh), 1/sqrt(Dh)) equal ``torch.nn.RNN``/``LSTM``/``GRU``'s,
so ``ours.load_state_dict(torch_lstm.state_dict())`` works both ways and both compute the same.

Each cell is two halves. The input half, :math:`W_{ih} x_t + b_{ih}`, does not depend on :math:`h_{t-1}`; the
recurrent half (``_rnn_step``, ``_lstm_step``, ``_gru_step``) does. A cell computes both for one step; the stacked
layers run one loop, :func:`_stacked`, that computes the input half of a layer for all T steps in one matmul (``Wx``)
and only the recurrent half step by step.
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
Step = Callable[[Tensor, _State, Tensor, Tensor], _State]  # (Wx_t, state, weight_hh, bias_hh) -> next state
_Weights = tuple[Tensor, Tensor, Tensor, Tensor]  # weight_ih, weight_hh, bias_ih, bias_hh of one layer


def _rnn_step(Wx: Tensor, h_prev: Tensor, weight_hh: Tensor, bias_hh: Tensor, nonlinearity: str = "tanh") -> Tensor:
    """The recurrent half of an RNN step; ``Wx`` = :math:`W_{ih} x_t + b_{ih}` (B, Dh) is already computed."""
    return _NONLINEARITIES[nonlinearity](Wx + h_prev @ weight_hh.T + bias_hh)  # (B, Dh) @ (Dh, Dh) -> (B, Dh)


def _lstm_step(Wx: Tensor, state: tuple[Tensor, Tensor], weight_hh: Tensor,
               bias_hh: Tensor) -> tuple[Tensor, Tensor]:
    """The recurrent half of an LSTM step; ``Wx`` = :math:`W_{ih} x_t + b_{ih}` (B, 4Dh) is already computed."""
    h_prev, c_prev = state
    a_i, a_f, a_g, a_o = (Wx + h_prev @ weight_hh.T + bias_hh).chunk(4, dim=-1)  # (B, Dh) @ (Dh, 4Dh) -> 4 x (B, Dh)
    i_t = torch.sigmoid(a_i)  # input gate: how much new content to write
    f_t = torch.sigmoid(a_f)  # forget gate: how much of c_{t-1} to keep
    g_t = torch.tanh(a_g)  # candidate content
    o_t = torch.sigmoid(a_o)  # output gate: how much of the cell to show
    c_t = f_t * c_prev + i_t * g_t
    h_t = o_t * torch.tanh(c_t)
    return h_t, c_t


def _gru_step(Wx: Tensor, h_prev: Tensor, weight_hh: Tensor, bias_hh: Tensor) -> Tensor:
    """The recurrent half of a GRU step; ``Wx`` = :math:`W_{ih} x_t + b_{ih}` (B, 3Dh) is already computed."""
    Wx_r, Wx_z, Wx_n = Wx.chunk(3, dim=-1)  # 3 x (B, Dh)
    # Kept apart from Wx because r_t multiplies Wh_n, bias b_hn included, as in torch.
    Wh_r, Wh_z, Wh_n = (h_prev @ weight_hh.T + bias_hh).chunk(3, dim=-1)  # (B, Dh) @ (Dh, 3Dh) -> 3 x (B, Dh)
    r_t = torch.sigmoid(Wx_r + Wh_r)  # reset gate: how much of h_{t-1} the candidate sees
    z_t = torch.sigmoid(Wx_z + Wh_z)  # update gate: how much of h_{t-1} to keep
    n_t = torch.tanh(Wx_n + r_t * Wh_n)  # candidate
    return (1 - z_t) * n_t + z_t * h_prev


def rnn_cell(x: Tensor, h: Tensor, weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor, bias_hh: Tensor,
             nonlinearity: str = "tanh") -> Tensor:
    r"""One Elman RNN step, :math:`h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})` (or ReLU).

    x (B, D), h (B, Dh), weight_ih (Dh, D), weight_hh (Dh, Dh), biases (Dh,); returns h_t (B, Dh).

    >>> rnn_cell(torch.ones(1, 3), torch.zeros(1, 2), torch.zeros(2, 3), torch.zeros(2, 2), torch.ones(2),
    ...          torch.zeros(2), nonlinearity="relu")
    tensor([[1., 1.]])
    """
    _check_nonlinearity(nonlinearity)
    return _rnn_step(x @ weight_ih.T + bias_ih, h, weight_hh, bias_hh, nonlinearity)  # (B, D) @ (D, Dh) -> (B, Dh)


def lstm_cell(x: Tensor, state: tuple[Tensor, Tensor], weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor,
              bias_hh: Tensor) -> tuple[Tensor, Tensor]:
    r"""One LSTM step: ``state`` is :math:`(h_{t-1}, c_{t-1})`, the result :math:`(h_t, c_t)`.

    .. math::

        i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}),\quad
        f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}),

        g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}),\quad
        o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}),

        c_t = f_t \odot c_{t-1} + i_t \odot g_t,\quad h_t = o_t \odot \tanh(c_t).

    x (B, D); h, c (B, Dh); weight_ih (4Dh, D) stacks :math:`W_{ii}, W_{if}, W_{ig}, W_{io}`; weight_hh (4Dh, Dh);
    biases (4Dh,).

    >>> h, c = lstm_cell(torch.randn(2, 3), (torch.zeros(2, 5), torch.zeros(2, 5)),
    ...                  torch.randn(20, 3), torch.randn(20, 5), torch.zeros(20), torch.zeros(20))
    >>> h.shape, c.shape
    (torch.Size([2, 5]), torch.Size([2, 5]))
    """
    return _lstm_step(x @ weight_ih.T + bias_ih, state, weight_hh, bias_hh)  # (B, D) @ (D, 4Dh) -> (B, 4Dh)


def gru_cell(x: Tensor, h: Tensor, weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor, bias_hh: Tensor) -> Tensor:
    r"""One GRU step, in torch's form (the reset gate multiplies :math:`W_{hn} h_{t-1} + b_{hn}`, bias included).

    .. math::

        r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}),\quad
        z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}),

        n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})),\quad
        h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}.

    x (B, D), h (B, Dh), weight_ih (3Dh, D) stacks :math:`W_{ir}, W_{iz}, W_{in}`; weight_hh (3Dh, Dh);
    biases (3Dh,).

    >>> gru_cell(torch.randn(2, 3), torch.zeros(2, 5), torch.randn(15, 3), torch.randn(15, 5),
    ...          torch.zeros(15), torch.zeros(15)).shape
    torch.Size([2, 5])
    """
    return _gru_step(x @ weight_ih.T + bias_ih, h, weight_hh, bias_hh)  # (B, D) @ (D, 3Dh) -> (B, 3Dh)


def _check_nonlinearity(nonlinearity: str) -> None:
    if nonlinearity not in _NONLINEARITIES:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")


def _parameters(name: str, gates: int, input_size: int, hidden_size: int,
                num_layers: int) -> dict[str, nn.Parameter]:
    """weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k} for every layer k, in torch's order and draws."""
    if min(input_size, hidden_size, num_layers) <= 0:
        raise ValueError(f"{name} needs positive sizes, got input_size={input_size}, hidden_size={hidden_size}, "
                         f"num_layers={num_layers}")
    bound = 1.0 / math.sqrt(hidden_size)  # torch's bound, for every weight and bias alike
    parameters = {}
    for k in range(num_layers):
        layer_input = input_size if k == 0 else hidden_size  # layer k > 0 reads the h_t of layer k - 1
        for kind, shape in [("weight_ih", (gates * hidden_size, layer_input)),
                            ("weight_hh", (gates * hidden_size, hidden_size)),
                            ("bias_ih", (gates * hidden_size,)), ("bias_hh", (gates * hidden_size,))]:
            parameters[f"{kind}_l{k}"] = nn.Parameter(torch.empty(shape).uniform_(-bound, bound))
    return parameters


def _layer_weights(module: nn.Module, num_layers: int) -> list[_Weights]:
    """(weight_ih, weight_hh, bias_ih, bias_hh) of every layer of ``module``, read by torch's names."""
    return [tuple(getattr(module, f"{kind}_l{k}") for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
            for k in range(num_layers)]


def _initial_state(state: Tensor | None, L: int, B: int, Dh: int, unbatched: bool, like: Tensor,
                   name: str) -> Tensor:
    """Returns h_0 (or c_0) as (L, B, Dh): zeros on the device and dtype of ``like`` if None, else checked."""
    if state is None:
        return like.new_zeros(L, B, Dh)  # (L, B, Dh)
    expected = (L, Dh) if unbatched else (L, B, Dh)
    if tuple(state.shape) != expected:
        raise ValueError(f"expected {name} of shape (num_layers, {'' if unbatched else 'B, '}hidden_size) = "
                         f"{expected}, got {tuple(state.shape)}; or omit it to start from zeros")
    return state.unsqueeze(1) if unbatched else state  # (L, Dh) -> (L, 1, Dh)


def _stacked(step: Step, x: Tensor, state: tuple[Tensor | None, ...], layers: list[_Weights], batch_first: bool,
             name: str, state_names: tuple[str, ...]) -> tuple[Tensor, tuple[Tensor, ...]]:
    """Runs the recurrent half ``step`` over time in every layer of a stack: the one loop of RNN, LSTM and GRU.

    Args:
        step: ``state_t = step(Wx_t, state_{t-1}, weight_hh, bias_hh)``, with ``state`` h or (h, c).
        x: (T, B, D), or (B, T, D) if ``batch_first``, or (T, D) unbatched (then ``batch_first`` is ignored, as torch).
        state: the initial states, one entry per name in ``state_names`` ((h_0,) or (h_0, c_0)), each (L, B, Dh),
            (L, Dh) unbatched, or None for zeros.
        layers: (weight_ih, weight_hh, bias_ih, bias_hh) of each layer, top layer last.
        name, state_names: the module's and the states' names, for error messages.
    Returns:
        (output, final states): the last layer's h_t for every t, in the layout of x with Dh features, and one
        (L, B, Dh) tensor (or (L, Dh)) per state, the last step of each layer.
    Raises:
        ValueError: if x or a state has the wrong shape, or x has no time step.
    """
    D, Dh, L = layers[0][0].shape[1], layers[0][1].shape[1], len(layers)
    if x.dim() not in (2, 3) or x.shape[-1] != D:
        layout = f"(B, T, {D}) (batch_first=True)" if batch_first else f"(T, B, {D})"
        raise ValueError(f"{name} expected x of shape {layout} or unbatched (T, {D}), as input_size={D}, "
                         f"got {tuple(x.shape)}")
    unbatched = x.dim() == 2
    if unbatched:
        x = x.unsqueeze(0)  # (T, D) -> (1, T, D)
    elif not batch_first:
        x = x.transpose(0, 1)  # (T, B, D) -> (B, T, D): the loop below is batch-first
    B, T = x.shape[:2]
    if T == 0:
        raise ValueError(f"{name} needs a sequence of at least one step, got x of shape {tuple(x.shape)}")
    state_0 = [_initial_state(s, L, B, Dh, unbatched, x, n) for s, n in zip(state, state_names, strict=True)]
    finals = []  # per layer, its last state as a tuple (h_T,) or (h_T, c_T)
    for k, (weight_ih, weight_hh, bias_ih, bias_hh) in enumerate(layers):
        # The input half for all T steps in one matmul; layer 0 reads x (D features), layer k > 0 the h_t of k - 1.
        Wx = x @ weight_ih.T + bias_ih  # (B, T, D or Dh) @ (D or Dh, G*Dh) -> (B, T, G*Dh)
        s = state_0[0][k] if len(state_0) == 1 else tuple(s[k] for s in state_0)  # each (B, Dh)
        hs = []
        for Wx_t in Wx.unbind(1):  # (B, G*Dh); only the recurrent half runs step by step
            s = step(Wx_t, s, weight_hh, bias_hh)
            hs.append(s[0] if isinstance(s, tuple) else s)  # h_t (B, Dh)
        x = torch.stack(hs, dim=1)  # (B, T, Dh): the output of layer k, the input of layer k + 1
        finals.append(s if isinstance(s, tuple) else (s,))
    final = tuple(torch.stack(per_layer) for per_layer in zip(*finals))  # each (L, B, Dh)
    if unbatched:
        return x.squeeze(0), tuple(s.squeeze(1) for s in final)  # (1, T, Dh) -> (T, Dh), (L, 1, Dh) -> (L, Dh)
    return (x if batch_first else x.transpose(0, 1)), final  # (B, T, Dh), or (T, B, Dh) as x came


class RNN(nn.Module):
    r"""Stacked Elman RNN, :math:`h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})` (:func:`rnn_cell`).

    Like ``torch.nn.RNN``: ``forward(x, h0=None)`` returns ``(output, h_n)``, the last layer's h_t for every t and
    every layer's last h_t. ``nonlinearity`` is ``"tanh"`` or ``"relu"``.

    >>> output, h_n = RNN(input_size=3, hidden_size=5, num_layers=2, batch_first=True)(torch.randn(4, 7, 3))
    >>> output.shape, h_n.shape
    (torch.Size([4, 7, 5]), torch.Size([2, 4, 5]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, batch_first: bool = False,
                 nonlinearity: str = "tanh") -> None:
        super().__init__()
        _check_nonlinearity(nonlinearity)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.batch_first, self.nonlinearity = batch_first, nonlinearity
        for name, parameter in _parameters("RNN", 1, input_size, hidden_size, num_layers).items():
            self.register_parameter(name, parameter)

    def forward(self, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
        step = partial(_rnn_step, nonlinearity=self.nonlinearity)
        output, (h_n,) = _stacked(step, x, (h0,), _layer_weights(self, self.num_layers), self.batch_first,
                                  "RNN", ("h0",))
        return output, h_n  # h_n (L, B, Dh)

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"batch_first={self.batch_first}, nonlinearity={self.nonlinearity!r}")


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
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.batch_first = batch_first
        for name, parameter in _parameters("LSTM", 4, input_size, hidden_size, num_layers).items():
            self.register_parameter(name, parameter)

    def forward(self, x: Tensor, h0: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        if h0 is not None and not (isinstance(h0, (tuple, list)) and len(h0) == 2):
            raise ValueError(f"LSTM expects h0 as a tuple (h_0, c_0) of two tensors, got {type(h0).__name__}; "
                             "or omit it to start from zeros")
        output, (h_n, c_n) = _stacked(_lstm_step, x, (None, None) if h0 is None else tuple(h0),
                                      _layer_weights(self, self.num_layers), self.batch_first, "LSTM", ("h_0", "c_0"))
        return output, (h_n, c_n)  # h_n, c_n (L, B, Dh)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, batch_first={self.batch_first}"


class GRU(nn.Module):
    """Stacked GRU (:func:`gru_cell` in every layer).

    Like ``torch.nn.GRU``: ``forward(x, h0=None)`` returns ``(output, h_n)``.

    >>> output, h_n = GRU(input_size=3, hidden_size=5)(torch.randn(7, 3))  # unbatched (T, D)
    >>> output.shape, h_n.shape
    (torch.Size([7, 5]), torch.Size([1, 5]))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, batch_first: bool = False) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.batch_first = batch_first
        for name, parameter in _parameters("GRU", 3, input_size, hidden_size, num_layers).items():
            self.register_parameter(name, parameter)

    def forward(self, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
        output, (h_n,) = _stacked(_gru_step, x, (h0,), _layer_weights(self, self.num_layers), self.batch_first,
                                  "GRU", ("h0",))
        return output, h_n  # h_n (L, B, Dh)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, batch_first={self.batch_first}"
