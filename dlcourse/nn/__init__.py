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
from dlcourse.nn.attention import (
    MultiHeadAttention,
    attention_weights,
    scaled_dot_product_attention,
    sinusoidal_positional_encoding,
)
from dlcourse.nn.contrastive import clip_loss, nt_xent_loss
from dlcourse.nn.conv import AvgPool2d, Conv2d, MaxPool2d, avg_pool2d, conv2d, conv2d_output_shape, im2col, max_pool2d
from dlcourse.nn.dropout import Dropout, dropout
from dlcourse.nn.gcn import GCNConv
from dlcourse.nn.gpt import GPT, GPTConfig, distillation_loss
from dlcourse.nn.gan import Discriminator, Generator, discriminator_loss, generator_loss
from dlcourse.nn.init import kaiming_normal_, kaiming_uniform_, xavier_normal_, xavier_uniform_
from dlcourse.nn.linear import MLP, Linear
from dlcourse.nn.losses import binary_cross_entropy_with_logits, cross_entropy, mse_loss
from dlcourse.nn.recurrent import GRU, LSTM, RNN, gru_cell, lstm_cell, rnn_cell
from dlcourse.nn.separable import DepthwiseSeparableConv2d, depthwise_conv2d
from dlcourse.nn.normalization import BatchNorm1d, BatchNorm2d, LayerNorm, batch_norm, layer_norm
from dlcourse.nn.regularization import l1_penalty, l2_penalty
from dlcourse.nn.resnet import ResidualBlock, ResNet
from dlcourse.nn.transformer import (
    Seq2SeqTransformer,
    TransformerDecoderLayer,
    TransformerEncoderLayer,
    greedy_decode,
    teacher_forcing_loss,
)
from dlcourse.nn.vae import VAE, elbo_loss, gaussian_kl, reparameterize

__all__ = [
    "GRU",
    "LSTM",
    "MLP",
    "RNN",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "DepthwiseSeparableConv2d",
    "Discriminator",
    "Dropout",
    "GCNConv",
    "Generator",
    "GPT",
    "GPTConfig",
    "LayerNorm",
    "Linear",
    "MaxPool2d",
    "MultiHeadAttention",
    "Seq2SeqTransformer",
    "TransformerDecoderLayer",
    "ResNet",
    "ResidualBlock",
    "TransformerEncoderLayer",
    "VAE",
    "attention_weights",
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "conv2d_output_shape",
    "discriminator_loss",
    "distillation_loss",
    "dropout",
    "elbo_loss",
    "gaussian_kl",
    "generator_loss",
    "greedy_decode",
    "gru_cell",
    "im2col",
    "kaiming_normal_",
    "kaiming_uniform_",
    "layer_norm",
    "lstm_cell",
    "max_pool2d",
    "clip_loss",
    "nt_xent_loss",
    "reparameterize",
    "rnn_cell",
    "scaled_dot_product_attention",
    "sinusoidal_positional_encoding",
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
    "teacher_forcing_loss",
    "xavier_normal_",
    "xavier_uniform_",
    "depthwise_conv2d",
]
