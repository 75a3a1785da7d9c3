"""Reference implementations, one module per concept, each checked against PyTorch's built-in."""

from dlcourse.nn.activations import (
    log_softmax,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softplus,
    tanh,
    tanh_grad,
)
from dlcourse.nn.linear import MLP, Linear
from dlcourse.nn.losses import binary_cross_entropy_with_logits, cross_entropy, mse_loss
from dlcourse.nn.regularization import l1_penalty, l2_penalty

__all__ = [
    "MLP",
    "Linear",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "l1_penalty",
    "l2_penalty",
    "log_softmax",
    "mse_loss",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softplus",
    "tanh",
    "tanh_grad",
]
