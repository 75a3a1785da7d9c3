r"""A fully connected (dense) layer and a multi-layer perceptron built from it.

.. math::

    \text{Linear}: \; y = x W^\top + b, \qquad
    \text{MLP}: \; h_0 = x,\; h_{l} = f(h_{l-1} W_l^\top + b_l),\; \hat y = h_{L-1} W_L^\top + b_L.

Shapes:
    B batch size, I in_features, O out_features.
    x (B, I) or (..., I); W (O, I); b (O,); y (B, O) or (..., O).

Parameter names (``weight``, ``bias``) and initialisation equal ``torch.nn.Linear``'s, so
``ours.load_state_dict(torch_linear.state_dict())`` works and both compute the same.
The MLP's output layer has no activation: it returns logits, which the losses expect.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

from dlcourse.nn.activations import relu
from dlcourse.nn.dropout import dropout as _dropout


class Linear(nn.Module):
    """``y = x @ W.T + b`` with PyTorch's default initialisation U(-1/sqrt(I), 1/sqrt(I))."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        if in_features <= 0 or out_features <= 0:
            raise ValueError(f"Linear needs positive sizes, got in_features={in_features}, out_features={out_features}")
        self.in_features = in_features
        self.out_features = out_features
        bound = 1.0 / math.sqrt(in_features)
        # Same distribution as nn.Linear (kaiming_uniform with a=sqrt(5) reduces to this bound).
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound))  # (O, I)
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound)) if bias else None  # (O,)

    def forward(self, x: Tensor) -> Tensor:
        if x.shape[-1] != self.in_features:
            raise ValueError(f"expected x of shape (..., {self.in_features}), got {tuple(x.shape)}")
        y = x @ self.weight.T  # (..., I) @ (I, O) -> (..., O)
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class MLP(nn.Module):
    """A stack of :class:`Linear` layers with an activation between them (none after the last).

    ``MLP(64, [128, 64], 10)`` is Linear(64→128) → f → Linear(128→64) → f → Linear(64→10).
    ``dropout`` (a probability) is applied after each hidden activation during training.
    """

    def __init__(
        self,
        in_features: int,
        hidden: Sequence[int],
        out_features: int,
        activation: Callable[[Tensor], Tensor] = relu,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be a probability in [0, 1), got {dropout}")
        sizes = [in_features, *hidden, out_features]
        self.layers = nn.ModuleList(Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.activation = activation
        self.dropout = dropout

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers[:-1]:
            x = self.activation(layer(x))  # (B, hidden_l)
            if self.dropout:
                x = _dropout(x, self.dropout, training=self.training)  # inverted dropout, dlcourse.nn.dropout
        return self.layers[-1](x)  # (B, out_features): logits
