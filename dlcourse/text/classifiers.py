r"""Two text classifiers: a bag of embeddings, which ignores word order, and a small Transformer encoder.

**Bag of embeddings** (as fastText, Joulin et al., 2017): the mean of the word vectors of the non-pad tokens, then
a linear layer to K logits,

.. math::

    \bar e = \frac{1}{n} \sum_{t=1}^{n} E[x_t], \qquad z = W \bar e + b .

A sum is order-blind: "good , not bad" and "bad , not good" get the same :math:`\bar e`, hence the same logits.

**Transformer classifier**: embeddings plus sinusoidal positions, L encoder layers
(:class:`dlcourse.nn.TransformerEncoderLayer`, pad tokens masked out), the mean of the non-pad outputs, a linear
layer. The positions let it see where "not" stands.

Shapes:
    B batch size, T tokens (padded with ``pad``), D embedding width, V vocabulary, K classes.
    tokens (B, T) long -> logits (B, K).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from dlcourse.nn.attention import sinusoidal_positional_encoding
from dlcourse.nn.linear import Linear
from dlcourse.nn.transformer import TransformerEncoderLayer


def _masked_mean(x: Tensor, keep: Tensor) -> Tensor:
    """Mean over the positions where keep is True: x (B, T, D), keep (B, T) -> (B, D)."""
    w = keep.to(x.dtype).unsqueeze(-1)  # (B, T, 1)
    return (x * w).sum(dim=1) / w.sum(dim=1).clamp_min(1.0)  # (B, D)


def _check_tokens(tokens: Tensor) -> None:
    if tokens.dim() != 2 or tokens.dtype != torch.long:
        raise ValueError(f"expected tokens of shape (B, T) and dtype long, got {tuple(tokens.shape)} {tokens.dtype}")


class BagOfEmbeddings(nn.Module):
    """Mean of the word embeddings of the non-pad tokens, then a linear layer: (B, T) -> (B, K).

    >>> model = BagOfEmbeddings(vocab_size=10, d_model=4, num_classes=2, pad=0)
    >>> tokens = torch.tensor([[3, 4, 5, 0]])
    >>> torch.allclose(model(tokens), model(tokens[:, [2, 1, 0, 3]]))  # word order does not matter
    True
    """

    def __init__(self, vocab_size: int, d_model: int, num_classes: int, pad: int = 0) -> None:
        super().__init__()
        self.pad = pad
        self.embed = nn.Embedding(vocab_size, d_model)  # E (V, D)
        self.out = Linear(d_model, num_classes)  # W (K, D)

    def forward(self, tokens: Tensor) -> Tensor:
        _check_tokens(tokens)
        e_bar = _masked_mean(self.embed(tokens), tokens != self.pad)  # (B, T, D) -> (B, D)
        return self.out(e_bar)  # (B, K)


class TransformerClassifier(nn.Module):
    """Embeddings + positions, L Transformer encoder layers, mean over non-pad tokens, linear: (B, T) -> (B, K).

    >>> model = TransformerClassifier(vocab_size=10, d_model=8, num_classes=2, nhead=2, num_layers=1, pad=0)
    >>> tuple(model(torch.tensor([[3, 4, 5, 0], [6, 7, 0, 0]])).shape)
    (2, 2)
    """

    def __init__(self, vocab_size: int, d_model: int, num_classes: int, nhead: int = 2, num_layers: int = 1,
                 dim_feedforward: int = 64, max_len: int = 64, pad: int = 0) -> None:
        super().__init__()
        self.pad = pad
        self.embed = nn.Embedding(vocab_size, d_model)  # E (V, D)
        self.register_buffer("pe", sinusoidal_positional_encoding(max_len, d_model), persistent=False)  # (T, D)
        self.layers = nn.ModuleList(TransformerEncoderLayer(d_model, nhead, dim_feedforward=dim_feedforward)
                                    for _ in range(num_layers))
        self.out = Linear(d_model, num_classes)  # W (K, D)

    def forward(self, tokens: Tensor) -> Tensor:
        _check_tokens(tokens)
        if tokens.shape[1] > self.pe.shape[0]:
            raise ValueError(f"at most max_len = {self.pe.shape[0]} tokens, got {tokens.shape[1]}")
        padding = tokens == self.pad  # (B, T) True at pad tokens
        x = self.embed(tokens) + self.pe[: tokens.shape[1]]  # (B, T, D) + (T, D)
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=padding)  # (B, T, D)
        return self.out(_masked_mean(x, ~padding))  # (B, D) -> (B, K)
