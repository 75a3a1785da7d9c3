r"""A Transformer encoder layer: self-attention and a position-wise feed-forward net, each with residual and LayerNorm.

From "Attention Is All You Need" (Vaswani et al., 2017, https://arxiv.org/abs/1706.03762), post-norm
(``norm_first=False``, the paper's order):

.. math::

    x \leftarrow \mathrm{LN}_1\big(x + \mathrm{MultiHead}(x, x, x)\big), \qquad
    x \leftarrow \mathrm{LN}_2\big(x + \mathrm{FFN}(x)\big), \qquad
    \mathrm{FFN}(x) = f(x W_1^\top + b_1)\, W_2^\top + b_2,

and pre-norm (``norm_first=True``; Xiong et al., 2020, "On Layer Normalization in the Transformer
Architecture", https://arxiv.org/abs/2002.04745), which trains more stably without a learning-rate warm-up:

.. math::

    x \leftarrow x + \mathrm{MultiHead}(\mathrm{LN}_1(x), \mathrm{LN}_1(x), \mathrm{LN}_1(x)), \qquad
    x \leftarrow x + \mathrm{FFN}(\mathrm{LN}_2(x)).

Shapes:
    B batch size, T sequence length, D = d_model (the model width), Dh = dim_feedforward (the FFN's hidden width),
    h = nhead.
    src (B, T, D) (or (T, B, D) with ``batch_first=False``) -> same shape;
    src_mask (T, T) or (B*h, T, T); src_key_padding_mask (B, T), True at pad tokens.

Submodule and parameter names equal ``torch.nn.TransformerEncoderLayer``'s (``self_attn``, ``linear1``,
``linear2``, ``norm1``, ``norm2``, ``dropout``, ``dropout1``, ``dropout2``), so ``load_state_dict`` works
both ways and both compute the same (``tests/test_nn_attention.py``). LayerNorm is torch's. One difference:
torch also drops out attention weights inside ``self_attn``; here dropout acts only where the modules
``dropout``, ``dropout1``, ``dropout2`` are, so both agree whenever dropout is off (eval mode or ``dropout=0``).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from dlcourse.nn.attention import MultiHeadAttention
from dlcourse.nn.linear import Linear


class TransformerEncoderLayer(nn.Module):
    """Self-attention then a feed-forward net (D -> Dh -> D), each added to its input and layer-normalised.

    >>> layer = TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16)
    >>> x = torch.randn(3, 5, 8)  # (B, T, D)
    >>> tuple(layer(x).shape)
    (3, 5, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.0,
                 activation: Callable[[Tensor], Tensor] = torch.relu, batch_first: bool = True,
                 norm_first: bool = False) -> None:
        super().__init__()
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be a probability in [0, 1), got {dropout}")
        if not callable(activation):
            raise ValueError(f"activation must be a function such as torch.relu or torch.nn.functional.gelu, "
                             f"got {activation!r}")
        # created in torch's order, so that one seed gives both layers the same initial weights
        self.self_attn = MultiHeadAttention(d_model, nhead, batch_first=batch_first)
        self.linear1 = Linear(d_model, dim_feedforward)  # W_1 (Dh, D)
        self.dropout = nn.Dropout(dropout)  # inside the FFN, after f
        self.linear2 = Linear(dim_feedforward, d_model)  # W_2 (D, Dh)
        self.norm_first = norm_first
        self.norm1 = nn.LayerNorm(d_model)  # eps 1e-5, as torch's layer_norm_eps
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout1 = nn.Dropout(dropout)  # on the attention branch
        self.dropout2 = nn.Dropout(dropout)  # on the FFN branch
        self.activation = activation

    def _attention_block(self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                         is_causal: bool) -> Tensor:
        out, _ = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                need_weights=False, is_causal=is_causal)  # (B, T, D)
        return self.dropout1(out)

    def _feed_forward_block(self, x: Tensor) -> Tensor:
        h = self.dropout(self.activation(self.linear1(x)))  # (B, T, D) -> (B, T, Dh)
        return self.dropout2(self.linear2(h))  # (B, T, Dh) -> (B, T, D)

    def forward(self, src: Tensor, src_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        """``src_mask``/``src_key_padding_mask`` as ``MultiHeadAttention``'s masks (bool True = masked out)."""
        x = src  # (B, T, D)
        if self.norm_first:
            x = x + self._attention_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._feed_forward_block(self.norm2(x))
        else:
            x = self.norm1(x + self._attention_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._feed_forward_block(x))
        return x  # (B, T, D)
