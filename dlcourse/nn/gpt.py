r"""A tiny decoder-only Transformer language model (GPT), its parameter count, sampling and distillation loss.

GPT (Radford et al., 2019, "Language Models are Unsupervised Multitask Learners") is a stack of L pre-norm blocks,
each causal self-attention then an MLP, each added to its input:

.. math::

    x_0 = E[\text{tokens}] + P[0..T-1], \qquad
    x \leftarrow x + \mathrm{MultiHead}_\text{causal}(\mathrm{LN}_1(x)), \qquad
    x \leftarrow x + W_2\, \mathrm{GELU}(W_1\, \mathrm{LN}_2(x) + b_1) + b_2, \qquad
    z = \mathrm{LN}(x_L)\, W_\text{head}^\top .

A block is therefore :class:`dlcourse.nn.TransformerEncoderLayer` with ``norm_first=True``, GELU, a feed-forward
width of 4D, and ``is_causal=True``: position t sees positions <= t only. GPT-2 and GPT-3 tie ``head.weight`` to
the token embedding; here the two are separate, so that :func:`count_parameters` counts V D twice.

Parameters (biases included), with V tokens, D = d_model, L blocks and a context of T positions:

.. math::

    N = \underbrace{V D + T D}_{\text{embeddings}} + L\,(12 D^2 + 13 D) + \underbrace{2 D}_{\text{final LN}}
        + \underbrace{V D}_{\text{head}},

where a block holds :math:`4D^2 + 4D` in attention (:math:`W^Q, W^K, W^V, W^O` and biases), :math:`8D^2 + 5D`
in the MLP and :math:`4D` in its two LayerNorms.

Distillation (Hinton et al., 2015, "Distilling the Knowledge in a Neural Network"): with the teacher's and the
student's logits divided by a temperature :math:`\tau`, :math:`p = \mathrm{softmax}(z_t / \tau)`,
:math:`q = \mathrm{softmax}(z_s / \tau)`, the soft-target loss is

.. math::

    \mathcal{L}_\text{soft} = \tau^2 \cdot \frac{1}{n} \sum_{i=1}^{n} \sum_{v=1}^{V} p_{iv} (\log p_{iv} - \log q_{iv}),

the mean KL divergence per position, times :math:`\tau^2` so that its gradients keep their size as :math:`\tau`
changes.

Shapes:
    B batch size, T sequence length (T <= block_size), D model width, V vocabulary size, L blocks, h heads.
    tokens (B, T) long -> logits (B, T, V); ``generate``: (B, T0) -> (B, T0 + n_new);
    ``distillation_loss``: logits (..., V) and (..., V) -> a scalar.

Tests: ``tests/test_nn_gpt.py`` (against a model built from ``torch.nn``: values and gradients in float64).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlcourse.nn.linear import Linear
from dlcourse.nn.transformer import TransformerEncoderLayer


@dataclass(frozen=True)
class GPTConfig:
    """The size of a GPT: V tokens, a context of ``block_size`` positions, width D, h heads, L blocks."""

    vocab_size: int                 # V
    block_size: int = 64            # T, the longest context
    d_model: int = 64               # D
    nhead: int = 4                  # h; D must be a multiple of h
    num_layers: int = 2             # L
    dropout: float = 0.0


def count_parameters(V: int, D: int, L: int, T: int) -> int:
    """N = V D + T D + L (12 D^2 + 13 D) + 2 D + V D, the parameters of :class:`GPT` (untied head).

    >>> count_parameters(V=62, D=64, L=2, T=64) == sum(p.numel() for p in GPT(GPTConfig(62, 64, 64)).parameters())
    True
    """
    return V * D + T * D + L * (12 * D * D + 13 * D) + 2 * D + V * D


class GPT(nn.Module):
    """Token and position embeddings, L pre-norm causal blocks, a final LayerNorm and a linear head to V logits.

    >>> model = GPT(GPTConfig(vocab_size=10, block_size=8, d_model=16, nhead=2, num_layers=1))
    >>> tuple(model(torch.randint(10, (3, 8))).shape)  # (B, T, V)
    (3, 8, 10)
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        c = config
        if min(c.vocab_size, c.block_size, c.d_model, c.num_layers) <= 0:
            raise ValueError(f"expected positive vocab_size, block_size, d_model and num_layers, got {c}")
        self.config = config
        self.tok_embed = nn.Embedding(c.vocab_size, c.d_model)  # E (V, D)
        self.pos_embed = nn.Embedding(c.block_size, c.d_model)  # P (T, D), learned as in GPT-2
        # F.gelu (a Python function) as the activation: the grader finds a function by its import path
        self.layers = nn.ModuleList(
            TransformerEncoderLayer(c.d_model, c.nhead, dim_feedforward=4 * c.d_model, dropout=c.dropout,
                                    activation=F.gelu, norm_first=True)
            for _ in range(c.num_layers))
        self.norm = nn.LayerNorm(c.d_model)
        self.head = Linear(c.d_model, c.vocab_size, bias=False)  # W_head (V, D)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, tokens: Tensor) -> Tensor:
        """tokens (B, T) -> logits (B, T, V); position t sees tokens[:, :t + 1] only."""
        if tokens.dim() != 2 or not 1 <= tokens.shape[1] <= self.config.block_size:
            raise ValueError(f"expected tokens of shape (B, T) with 1 <= T <= block_size = {self.config.block_size}, "
                             f"got {tuple(tokens.shape)}; crop the context to its last block_size tokens")
        positions = torch.arange(tokens.shape[1], device=tokens.device)  # (T,)
        x = self.dropout(self.tok_embed(tokens) + self.pos_embed(positions))  # (B, T, D) + (T, D) -> (B, T, D)
        for layer in self.layers:
            x = layer(x, is_causal=True)  # (B, T, D)
        return self.head(self.norm(x))  # (B, T, D) -> (B, T, V)


def lm_loss(model: GPT, tokens: Tensor) -> Tensor:
    r"""Mean next-token cross-entropy :math:`-\frac{1}{B(T-1)} \sum_{b,t} \log p(x_{t+1} \mid x_{\le t})` in nats.

    tokens (B, T) -> a scalar: the model reads tokens[:, :-1] and predicts tokens[:, 1:].
    """
    logits = model(tokens[:, :-1])  # (B, T-1, V)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))  # (B*(T-1), V)


@torch.no_grad()
def generate(model: GPT, tokens: Tensor, n_new: int, temperature: float = 1.0,
             generator: torch.Generator | None = None) -> Tensor:
    r"""Append ``n_new`` tokens, each drawn from :math:`\mathrm{softmax}(z_\text{last} / \tau)`; (B, T0) -> (B, T0 + n_new).

    The context is cropped to the last ``block_size`` tokens. ``generator`` (on the tokens' device) makes the
    draws repeatable.

    >>> model = GPT(GPTConfig(vocab_size=5, block_size=4, d_model=8, nhead=2, num_layers=1))
    >>> tuple(generate(model, torch.zeros(2, 1, dtype=torch.long), 6, generator=torch.Generator().manual_seed(0)).shape)
    (2, 7)
    """
    if tokens.dim() != 2 or tokens.shape[1] < 1 or n_new < 0 or temperature <= 0:
        raise ValueError(f"expected tokens (B, T0) with T0 >= 1, n_new >= 0 and temperature > 0, got "
                         f"{tuple(tokens.shape)}, {n_new} and {temperature}")
    was_training = model.training
    model.eval()
    for _ in range(n_new):
        logits = model(tokens[:, -model.config.block_size:])[:, -1]  # (B, V): the last position
        probs = torch.softmax(logits / temperature, dim=-1)  # (B, V)
        nxt = torch.multinomial(probs, 1, generator=generator)  # (B, 1)
        tokens = torch.cat([tokens, nxt], dim=1)  # (B, T0 + i + 1)
    model.train(was_training)
    return tokens


def distillation_loss(student_logits: Tensor, teacher_logits: Tensor, temperature: float = 1.0) -> Tensor:
    r"""Soft-target loss :math:`\tau^2 \cdot \mathrm{mean}_i\, \mathrm{KL}(p_i \,\|\, q_i)` at temperature :math:`\tau`.

    student_logits, teacher_logits (..., V) -> a scalar; the mean runs over every position of the leading dims.
    No gradient flows into the teacher's logits.

    >>> z = torch.randn(4, 7)
    >>> distillation_loss(z, z, temperature=2.0).abs() < 1e-6  # the same distribution: KL 0
    tensor(True)
    """
    if student_logits.shape != teacher_logits.shape or student_logits.dim() < 1:
        raise ValueError(f"expected student and teacher logits of the same shape (..., V), got "
                         f"{tuple(student_logits.shape)} and {tuple(teacher_logits.shape)}")
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    log_p = torch.log_softmax(teacher_logits.detach() / temperature, dim=-1)  # (..., V) the teacher's soft targets
    log_q = torch.log_softmax(student_logits / temperature, dim=-1)  # (..., V)
    kl = (log_p.exp() * (log_p - log_q)).sum(dim=-1)  # (...,) one KL per position
    return temperature**2 * kl.mean()
