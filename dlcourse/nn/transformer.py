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

The decoder layer (``TransformerDecoderLayer``) adds cross-attention between the two, queries from the decoder
and keys/values from the encoder's output, the *memory* (post-norm shown; pre-norm as above):

.. math::

    y \leftarrow \mathrm{LN}_1\big(y + \mathrm{MultiHead}(y, y, y; \text{causal})\big), \quad
    y \leftarrow \mathrm{LN}_2\big(y + \mathrm{MultiHead}(y, m, m)\big), \quad
    y \leftarrow \mathrm{LN}_3\big(y + \mathrm{FFN}(y)\big).

    tgt (B, T, D), memory (B, S, D) -> (B, T, D); tgt_mask (T, T), memory_mask (T, S);
    tgt_key_padding_mask (B, T), memory_key_padding_mask (B, S). Names as ``torch.nn.TransformerDecoderLayer``
    (``multihead_attn`` is the cross-attention, then ``norm3``, ``dropout3``). One more difference from torch:
    ``tgt_is_causal=True`` builds the causal mask here, where torch wants it passed in ``tgt_mask`` as well.

``Seq2SeqTransformer`` is the whole encoder-decoder of the paper for token sequences: embeddings plus the
sinusoidal encoding, L encoder layers and L decoder layers each followed by a final LayerNorm (as
``torch.nn.Transformer``, whose ``encoder.layers.i`` / ``encoder.norm`` / ``decoder.layers.i`` / ``decoder.norm``
are our ``encoder_layers.i`` / ``encoder_norm`` / ``decoder_layers.i`` / ``decoder_norm``), and a linear map to
the V target tokens. ``teacher_forcing_loss`` trains it, ``greedy_decode`` generates with it, one token at a
time. Tests: ``tests/test_nn_transformer.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlcourse.nn.attention import MultiHeadAttention, sinusoidal_positional_encoding
from dlcourse.nn.linear import Linear


def _check_layer_args(dropout: float, activation: Callable[[Tensor], Tensor]) -> None:
    """The arguments both layers share: ``dropout`` a probability in [0, 1), ``activation`` a function."""
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be a probability in [0, 1), got {dropout}")
    if not callable(activation):
        raise ValueError(f"activation must be a function such as torch.relu or torch.nn.functional.gelu, "
                         f"got {activation!r}")


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
        _check_layer_args(dropout, activation)
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


class TransformerDecoderLayer(nn.Module):
    """Causal self-attention, cross-attention to the memory, then a feed-forward net, each with residual + LayerNorm.

    >>> layer = TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16)
    >>> tgt, memory = torch.randn(3, 5, 8), torch.randn(3, 7, 8)  # (B, T, D), (B, S, D)
    >>> tuple(layer(tgt, memory, tgt_is_causal=True).shape)
    (3, 5, 8)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.0,
                 activation: Callable[[Tensor], Tensor] = F.relu, batch_first: bool = True,
                 norm_first: bool = False) -> None:
        super().__init__()
        _check_layer_args(dropout, activation)
        # created in torch's order, so that one seed gives both layers the same initial weights
        self.self_attn = MultiHeadAttention(d_model, nhead, batch_first=batch_first)  # over the target
        self.multihead_attn = MultiHeadAttention(d_model, nhead, batch_first=batch_first)  # cross: target -> memory
        self.linear1 = Linear(d_model, dim_feedforward)  # W_1 (Dh, D)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model)  # W_2 (D, Dh)
        self.norm_first = norm_first
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.norm3 = nn.LayerNorm(d_model)
        self.dropout1 = nn.Dropout(dropout)  # self-attention branch
        self.dropout2 = nn.Dropout(dropout)  # cross-attention branch
        self.dropout3 = nn.Dropout(dropout)  # FFN branch
        self.activation = activation

    def _self_attention_block(self, y: Tensor, mask: Tensor | None, padding: Tensor | None, causal: bool) -> Tensor:
        out, _ = self.self_attn(y, y, y, attn_mask=mask, key_padding_mask=padding, need_weights=False,
                                is_causal=causal)  # (B, T, D)
        return self.dropout1(out)

    def _cross_attention_block(self, y: Tensor, memory: Tensor, mask: Tensor | None, padding: Tensor | None,
                               causal: bool) -> Tensor:
        # queries from the decoder (B, T, D), keys and values from the encoder (B, S, D): weights (B, h, T, S)
        out, _ = self.multihead_attn(y, memory, memory, attn_mask=mask, key_padding_mask=padding,
                                     need_weights=False, is_causal=causal)  # (B, T, D)
        return self.dropout2(out)

    def _feed_forward_block(self, y: Tensor) -> Tensor:
        h = self.dropout(self.activation(self.linear1(y)))  # (B, T, D) -> (B, T, Dh)
        return self.dropout3(self.linear2(h))  # (B, T, Dh) -> (B, T, D)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False) -> Tensor:
        """Masks as ``MultiHeadAttention``'s (bool True = masked out); ``tgt_is_causal=True``: position t sees <= t."""
        y = tgt  # (B, T, D)
        if self.norm_first:
            y = y + self._self_attention_block(self.norm1(y), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            y = y + self._cross_attention_block(self.norm2(y), memory, memory_mask, memory_key_padding_mask,
                                                memory_is_causal)
            y = y + self._feed_forward_block(self.norm3(y))
        else:
            y = self.norm1(y + self._self_attention_block(y, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            y = self.norm2(y + self._cross_attention_block(y, memory, memory_mask, memory_key_padding_mask,
                                                           memory_is_causal))
            y = self.norm3(y + self._feed_forward_block(y))
        return y  # (B, T, D)


class Seq2SeqTransformer(nn.Module):
    """Encoder-decoder Transformer on tokens: (src (B, S), tgt (B, T)) -> logits (B, T, V) for the next token.

    Embeddings are not multiplied by sqrt(D) (``nn.Embedding`` starts at unit variance, the scale of the
    positional encoding). The decoder's self-attention is always causal.

    >>> model = Seq2SeqTransformer(src_vocab=12, tgt_vocab=13, d_model=16, nhead=2, num_layers=1, max_len=10)
    >>> tuple(model(torch.randint(12, (3, 7)), torch.randint(13, (3, 5))).shape)  # (B, T, V)
    (3, 5, 13)
    """

    def __init__(self, src_vocab: int, tgt_vocab: int, d_model: int = 64, nhead: int = 4, num_layers: int = 2,
                 dim_feedforward: int = 128, dropout: float = 0.0, max_len: int = 64,
                 norm_first: bool = False) -> None:
        super().__init__()
        if min(src_vocab, tgt_vocab, num_layers, max_len) <= 0:
            raise ValueError(f"expected positive src_vocab, tgt_vocab, num_layers and max_len, got {src_vocab}, "
                             f"{tgt_vocab}, {num_layers} and {max_len}")
        # F.relu (a Python function, as torch's default) rather than torch.relu: the grader rebuilds a model in the
        # student's kernel from its attributes, and finds a function there by its import path
        layer_args = dict(d_model=d_model, nhead=nhead, dim_feedforward=dim_feedforward, dropout=dropout,
                          activation=F.relu, norm_first=norm_first)
        self.src_embed = nn.Embedding(src_vocab, d_model)  # (V_src, D)
        self.tgt_embed = nn.Embedding(tgt_vocab, d_model)  # (V, D)
        self.register_buffer("pe", sinusoidal_positional_encoding(max_len, d_model), persistent=False)  # (T, D)
        self.encoder_layers = nn.ModuleList(TransformerEncoderLayer(**layer_args) for _ in range(num_layers))
        self.encoder_norm = nn.LayerNorm(d_model)
        self.decoder_layers = nn.ModuleList(TransformerDecoderLayer(**layer_args) for _ in range(num_layers))
        self.decoder_norm = nn.LayerNorm(d_model)
        self.out_proj = Linear(d_model, tgt_vocab)  # (V, D)
        self.dropout = nn.Dropout(dropout)

    def _embed(self, embedding: nn.Embedding, tokens: Tensor) -> Tensor:
        if tokens.dim() != 2 or tokens.shape[1] > self.pe.shape[0]:
            raise ValueError(f"expected tokens of shape (B, T) with T <= max_len = {self.pe.shape[0]}, got "
                             f"{tuple(tokens.shape)}; build the model with a larger max_len")
        return self.dropout(embedding(tokens) + self.pe[: tokens.shape[1]].to(embedding.weight.dtype))  # (B, T, D)

    def encode(self, src: Tensor, src_key_padding_mask: Tensor | None = None) -> Tensor:
        """src (B, S) -> memory (B, S, D); ``src_key_padding_mask`` (B, S) True at pad tokens."""
        x = self._embed(self.src_embed, src)  # (B, S, D)
        for layer in self.encoder_layers:
            x = layer(x, src_key_padding_mask=src_key_padding_mask)
        return self.encoder_norm(x)  # (B, S, D)

    def decode(self, tgt: Tensor, memory: Tensor, memory_key_padding_mask: Tensor | None = None,
               tgt_key_padding_mask: Tensor | None = None) -> Tensor:
        """tgt (B, T) and memory (B, S, D) -> logits (B, T, V); position t sees tgt[:, :t + 1] only."""
        y = self._embed(self.tgt_embed, tgt)  # (B, T, D)
        for layer in self.decoder_layers:
            y = layer(y, memory, tgt_key_padding_mask=tgt_key_padding_mask,
                      memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=True)
        return self.out_proj(self.decoder_norm(y))  # (B, T, D) -> (B, T, V)

    def forward(self, src: Tensor, tgt: Tensor, src_key_padding_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None) -> Tensor:
        """Teacher forcing: ``tgt`` is the target shifted right (BOS first); returns logits (B, T, V)."""
        memory = self.encode(src, src_key_padding_mask)  # (B, S, D)
        return self.decode(tgt, memory, src_key_padding_mask, tgt_key_padding_mask)  # (B, T, V)


def teacher_forcing_loss(model: Seq2SeqTransformer, src: Tensor, tgt: Tensor, bos: int, pad: int) -> Tensor:
    r"""Mean cross-entropy of the next token, :math:`-\frac{1}{n} \sum_t \log p(y_t \mid y_{<t}, x)` over non-pad y_t.

    Teacher forcing: the decoder reads the true target shifted one step right, [BOS, y_1, ..., y_{T-1}], so that
    position t, which (causal) sees inputs 0..t, must predict y_t without having seen it. Targets equal to
    ``pad`` do not count; pad tokens of ``src`` are masked out.
    src (B, S), tgt (B, T) -> a scalar.
    """
    if tgt.dim() != 2 or src.dim() != 2 or src.shape[0] != tgt.shape[0]:
        raise ValueError(f"expected src (B, S) and tgt (B, T) with the same B, got {tuple(src.shape)} and "
                         f"{tuple(tgt.shape)}")
    tgt_in = torch.cat([torch.full_like(tgt[:, :1], bos), tgt[:, :-1]], dim=1)  # (B, T): shifted right
    logits = model(src, tgt_in, src_key_padding_mask=src == pad)  # (B, T, V)
    return F.cross_entropy(logits.transpose(1, 2), tgt, ignore_index=pad)  # (B, V, T) vs (B, T): classes on dim 1


@torch.no_grad()
def greedy_decode(model: Seq2SeqTransformer, src: Tensor, max_len: int, bos: int, eos: int, pad: int) -> Tensor:
    r"""Generate (B, max_len) tokens, each :math:`\hat y_t = \arg\max_v p(v \mid \hat y_{<t}, x)`, pad after EOS.

    The source is encoded once; the decoder is re-run on the growing prefix [BOS, y_1, ..., y_t] and the
    logits of its last position pick the next token. Pad tokens of ``src`` (== pad) are masked out.

    >>> model = Seq2SeqTransformer(src_vocab=5, tgt_vocab=5, d_model=8, nhead=2, num_layers=1, max_len=8)
    >>> tuple(greedy_decode(model, torch.tensor([[1, 2, 4]]), max_len=6, bos=3, eos=2, pad=4).shape)
    (1, 6)
    """
    if src.dim() != 2 or max_len < 1:
        raise ValueError(f"expected src of shape (B, S) and max_len >= 1, got {tuple(src.shape)} and {max_len}")
    src_padding = src == pad  # (B, S)
    memory = model.encode(src, src_padding)  # (B, S, D)
    out = torch.full((src.shape[0], max_len + 1), pad, dtype=torch.long, device=src.device)  # (B, 1 + max_len)
    out[:, 0] = bos
    done = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)  # (B,) has emitted EOS
    for t in range(max_len):
        logits = model.decode(out[:, : t + 1], memory, src_padding)  # (B, t + 1, V)
        token = logits[:, -1].argmax(dim=-1)  # (B,) the most likely next token
        out[:, t + 1] = torch.where(done, pad, token)
        done |= token == eos
        if done.all():
            break
    return out[:, 1:]  # (B, max_len) without BOS
