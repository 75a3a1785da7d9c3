r"""Scaled dot-product attention, multi-head attention and sinusoidal positional encodings.

From "Attention Is All You Need" (Vaswani et al., 2017, https://arxiv.org/abs/1706.03762):

.. math::

    \mathrm{Attention}(Q, K, V) = \mathrm{softmax}\Big(\frac{Q K^\top}{\sqrt{d_k}} + M\Big)\, V,

    \mathrm{head}_j = \mathrm{Attention}(X_q W^Q_j,\; X_k W^K_j,\; X_v W^V_j), \qquad
    \mathrm{MultiHead}(X_q, X_k, X_v) = [\mathrm{head}_1; \dots; \mathrm{head}_h]\, W^{O\top} + b^O,

    PE_{p, 2i} = \sin\big(p / 10000^{2i/D}\big), \qquad PE_{p, 2i+1} = \cos\big(p / 10000^{2i/D}\big).

The mask :math:`M` is 0 where query :math:`i` may look at key :math:`j` and :math:`-\infty` where it may not
(causal attention: :math:`j > i`; padding: :math:`j` is a pad token).

Shapes:
    B batch size, h number of heads, T query length, S key/value length (S = T in self-attention),
    D model width (PyTorch's embed_dim), Dk = D / h the size of a head (d_k, the query/key size), Dv the value size.
    ``scaled_dot_product_attention``: q (..., T, Dk), k (..., S, Dk), v (..., S, Dv) -> (..., T, Dv);
    ``attention_weights``: (..., T, S), each row a probability distribution over the S keys.
    ``MultiHeadAttention`` (batch_first): query (B, T, D), key and value (B, S, D) -> (B, T, D), weights (B, T, S).
    ``sinusoidal_positional_encoding``: (T, D).
    Some error messages still use PyTorch's letters: L the query length, E the model width, H the heads.

Mask conventions follow PyTorch, and they are opposite: in ``scaled_dot_product_attention`` a bool
``True`` means *take part*; in ``MultiHeadAttention`` (``attn_mask``, ``key_padding_mask``) a bool
``True`` means *masked out*. A float mask is added to the scores in both.

A query that may see no key at all (a fully masked row) gets weights 0 and output 0, as
``torch.nn.functional.scaled_dot_product_attention`` gives (``torch.nn.MultiheadAttention`` gives NaN
when ``need_weights=True``). ``MultiHeadAttention`` has the parameter names and initialisation of
``torch.nn.MultiheadAttention``, so ``load_state_dict`` works both ways (``tests/test_nn_attention.py``).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlcourse.nn.linear import Linear


def _check_mask(attn_mask: Tensor, scores: Tensor, q: Tensor) -> None:
    if attn_mask.dtype != torch.bool and attn_mask.dtype != q.dtype:
        raise ValueError(f"attn_mask must be bool (True = take part) or {q.dtype} like q (added to the scores), "
                         f"got {attn_mask.dtype}; convert it with attn_mask.to(q.dtype)")
    try:
        fits = torch.broadcast_shapes(attn_mask.shape, scores.shape) == scores.shape
    except RuntimeError:
        fits = False
    if not fits:
        raise ValueError(f"attn_mask must broadcast to the scores' shape (..., L, S) = {tuple(scores.shape)}, "
                         f"got {tuple(attn_mask.shape)}; an (L, S) mask is shared by every batch and head")


def attention_weights(q: Tensor, k: Tensor, attn_mask: Tensor | None = None, is_causal: bool = False) -> Tensor:
    r"""The attention weights :math:`\mathrm{softmax}(q k^\top / \sqrt{d_k} + M)`, shape (..., T, S), e.g. to plot them.

    ``attn_mask``: bool (True = query i may look at key j) or float (added to the scores), broadcastable
    to (..., T, S). ``is_causal=True``: query i sees keys j <= i (the top-left triangle, also when T != S).

    >>> q, k = torch.zeros(1, 2), torch.zeros(3, 2)  # equal scores: uniform weights
    >>> attention_weights(q, k)
    tensor([[0.3333, 0.3333, 0.3333]])
    >>> attention_weights(torch.zeros(3, 2), k, is_causal=True)
    tensor([[1.0000, 0.0000, 0.0000],
            [0.5000, 0.5000, 0.0000],
            [0.3333, 0.3333, 0.3333]])
    """
    if q.dim() < 2 or k.dim() < 2 or q.shape[-1] != k.shape[-1]:
        raise ValueError(f"expected q of shape (..., L, D) and k of shape (..., S, D) with the same D, got "
                         f"{tuple(q.shape)} and {tuple(k.shape)}; project both to the same size D")
    if is_causal and attn_mask is not None:
        raise ValueError("pass either attn_mask or is_causal=True, not both (as torch); to combine them, pass "
                         "attn_mask=mask & torch.ones(L, S, dtype=torch.bool).tril()")
    # scale q (T x Dk numbers) rather than the scores (T x S): same result, fewer multiplications
    scores = (q / math.sqrt(q.shape[-1])) @ k.transpose(-2, -1)  # (..., T, Dk) @ (..., Dk, S) -> (..., T, S)
    # torch.softmax rather than dlcourse.nn.softmax (equal, see test_nn_activations.py): its fused kernel
    # makes one pass forward and one backward instead of five, which keeps us within 2x of torch's fused attention.
    if attn_mask is None and not is_causal:
        return torch.softmax(scores, dim=-1)  # (..., T, S)
    # finfo.min, not -inf: exp(min - max) is exactly 0 for a masked key, as with -inf, but a row whose keys are
    # all masked stays finite (uniform) instead of 0/0 = NaN, whose NaN gradient would poison every parameter.
    lowest = torch.finfo(scores.dtype).min
    if is_causal:  # query i sees keys j <= i; key 0 always, so no row is fully masked
        future = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).triu(diagonal=1)  # (T, S)
        return torch.softmax(scores.masked_fill(future, lowest), dim=-1)  # (..., T, S)
    _check_mask(attn_mask, scores, q)
    if attn_mask.dtype == torch.bool:
        scores = scores.masked_fill(~attn_mask, lowest)  # (..., T, S)
    else:
        scores = (scores + attn_mask).clamp(min=lowest)  # a -inf in a float mask becomes `lowest` too
    weights = torch.softmax(scores, dim=-1)  # (..., T, S)
    # a fully masked row (every score == lowest) gets weights 0 rather than uniform ones: output 0, as torch's
    return weights.masked_fill(scores.amax(dim=-1, keepdim=True) == lowest, 0.0)


def scaled_dot_product_attention(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None = None,
                                 is_causal: bool = False) -> Tensor:
    r"""Attention :math:`\mathrm{softmax}(q k^\top / \sqrt{d_k} + M)\, v`; equals ``F.scaled_dot_product_attention``.

    Each output row is an average of the rows of ``v``, weighted by how well the query matches each key.
    Masks as in :func:`attention_weights` (bool True = take part).

    >>> q, k = torch.zeros(2, 4), torch.zeros(3, 4)  # every key matches equally well
    >>> v = torch.tensor([[0.0], [1.0], [5.0]])
    >>> scaled_dot_product_attention(q, k, v)  # so each query gets the mean of v
    tensor([[2.],
            [2.]])
    """
    if v.dim() < 2 or v.shape[-2] != k.shape[-2]:
        raise ValueError(f"expected v of shape (..., S, Dv) with S = k.shape[-2] = {k.shape[-2]} (one value per key), "
                         f"got {tuple(v.shape)}")
    weights = attention_weights(q, k, attn_mask=attn_mask, is_causal=is_causal)  # (..., T, S)
    return weights @ v  # (..., T, S) @ (..., S, Dv) -> (..., T, Dv)


def _additive(mask: Tensor, dtype: torch.dtype) -> Tensor:
    """torch.nn.MultiheadAttention's convention -> a float mask to add: bool True (masked out) becomes -inf."""
    if mask.dtype == torch.bool:
        return torch.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(mask, float("-inf"))
    return mask


class MultiHeadAttention(nn.Module):
    """h heads of scaled dot-product attention on learned projections; ``torch.nn.MultiheadAttention``'s parameters.

    ``in_proj_weight`` (3D, D) stacks :math:`W^Q, W^K, W^V` (xavier-uniform), ``in_proj_bias`` (3D,) is zero,
    ``out_proj`` is :math:`W^O` (a :class:`Linear` with zero bias). Head j uses rows j*Dk ... (j+1)*Dk - 1 of each.

    >>> mha = MultiHeadAttention(embed_dim=8, num_heads=2)
    >>> x = torch.randn(3, 5, 8)  # (B, T, D)
    >>> out, weights = mha(x, x, x)  # self-attention
    >>> tuple(out.shape), tuple(weights.shape)
    ((3, 5, 8), (3, 5, 5))
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True, batch_first: bool = True) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0 or embed_dim % num_heads:
            raise ValueError(f"embed_dim must be a positive multiple of num_heads (each head gets D = E / H features), "
                             f"got embed_dim={embed_dim}, num_heads={num_heads}")
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.batch_first = batch_first
        self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))  # (3D, D): W^Q, W^K, W^V
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * embed_dim)) if bias else None  # (3D,)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)  # W^O (D, D), Linear's default init
        # same order of random draws as torch (out_proj, then in_proj), so one seed gives both the same weights
        nn.init.xavier_uniform_(self.in_proj_weight)
        if bias:
            nn.init.zeros_(self.out_proj.bias)

    def _check(self, query: Tensor, key: Tensor, value: Tensor) -> None:
        layout = "(B, L, E)" if self.batch_first else "(L, B, E)"  # PyTorch's letters: L = T, E = D
        E = self.embed_dim
        if query.dim() != 3 or query.shape[-1] != E:
            raise ValueError(f"expected query of shape {layout} with E={E}, got {tuple(query.shape)}"
                             + ("" if self.batch_first else " (batch_first=False)"))
        b = 0 if self.batch_first else 1  # the batch dimension
        if key.dim() != 3 or key.shape != value.shape or key.shape[-1] != E or key.shape[b] != query.shape[b]:
            raise ValueError(f"expected key and value of the same shape {layout.replace('L', 'S')} with "
                             f"B={query.shape[b]}, E={E}, got {tuple(key.shape)} and {tuple(value.shape)}")

    def _merged_mask(self, attn_mask: Tensor | None, key_padding_mask: Tensor | None, is_causal: bool,
                     B: int, T: int, S: int, dtype: torch.dtype, device: torch.device) -> Tensor | None:
        """All masks as one float mask to add to the scores, broadcastable to (B, h, T, S)."""
        h, masks = self.num_heads, []
        if attn_mask is not None:
            if attn_mask.shape == (B * h, T, S):
                attn_mask = attn_mask.view(B, h, T, S)  # (B*h, T, S) -> (B, h, T, S), torch's batch-major order
            elif attn_mask.shape != (T, S):
                raise ValueError(f"expected attn_mask of shape (L, S) = ({T}, {S}) or (B*H, L, S) = "
                                 f"({B * h}, {T}, {S}), got {tuple(attn_mask.shape)}")
            masks.append(_additive(attn_mask, dtype))
        if is_causal:  # unlike torch, which wants attn_mask to hold the causal mask already, we build it
            masks.append(_additive(~torch.ones(T, S, dtype=torch.bool, device=device).tril(), dtype))  # (T, S)
        if key_padding_mask is not None:
            if key_padding_mask.shape != (B, S):
                raise ValueError(f"expected key_padding_mask of shape (B, S) = ({B}, {S}) with True at pad tokens, "
                                 f"got {tuple(key_padding_mask.shape)}")
            masks.append(_additive(key_padding_mask, dtype).view(B, 1, 1, S))  # (B, S) -> (B, 1, 1, S)
        return sum(masks) if masks else None  # (B or 1, h or 1, T, S)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                key_padding_mask: Tensor | None = None, need_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """Returns the output (B, T, D) and, if ``need_weights``, the weights averaged over heads (B, T, S)."""
        self._check(query, key, value)
        if not self.batch_first:  # (T, B, D) -> (B, T, D)
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        (B, T, D), S, h, Dk = query.shape, key.shape[1], self.num_heads, self.head_dim
        W_q, W_k, W_v = self.in_proj_weight.chunk(3)  # each (D, D)
        b_q, b_k, b_v = (None, None, None) if self.in_proj_bias is None else self.in_proj_bias.chunk(3)
        q = F.linear(query, W_q, b_q).view(B, T, h, Dk).transpose(1, 2)  # (B, T, D) -> (B, T, h, Dk) -> (B, h, T, Dk)
        k = F.linear(key, W_k, b_k).view(B, S, h, Dk).transpose(1, 2)  # (B, S, D) -> (B, S, h, Dk) -> (B, h, S, Dk)
        v = F.linear(value, W_v, b_v).view(B, S, h, Dk).transpose(1, 2)  # (B, S, D) -> (B, S, h, Dk) -> (B, h, S, Dk)
        # the dtype of the projections, not of the input: under torch.autocast they are bfloat16 (or float16)
        mask = self._merged_mask(attn_mask, key_padding_mask, is_causal, B, T, S, q.dtype, query.device)
        weights = attention_weights(q, k, attn_mask=mask)  # (B, h, T, S)
        heads = weights @ v  # (B, h, T, S) @ (B, h, S, Dk) -> (B, h, T, Dk)
        heads = heads.transpose(1, 2).reshape(B, T, D)  # (B, h, T, Dk) -> (B, T, h, Dk) -> (B, T, D): concatenate
        out = self.out_proj(heads)  # (B, T, D)
        if not self.batch_first:
            out = out.transpose(0, 1)  # (B, T, D) -> (T, B, D)
        return out, (weights.mean(dim=1) if need_weights else None)  # (B, h, T, S) -> (B, T, S)

    def extra_repr(self) -> str:
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"


def sinusoidal_positional_encoding(length: int, dim: int, base: float = 10000.0, device: torch.device | None = None,
                                   dtype: torch.dtype | None = None) -> Tensor:
    r"""The (length, dim) = (T, D) table :math:`PE_{p, 2i} = \sin(p / b^{2i/D})`, :math:`PE_{p, 2i+1} = \cos(p / b^{2i/D})`.

    Pair i turns at frequency :math:`b^{-2i/D}`, from one radian per position (i = 0) down to :math:`1/b`,
    so :math:`PE_{p+k}` is a fixed rotation of :math:`PE_p`: relative positions are linear maps.
    An odd ``dim`` ends on a sine. ``dtype`` defaults to ``torch.get_default_dtype()``.

    >>> sinusoidal_positional_encoding(3, 4)
    tensor([[ 0.0000,  1.0000,  0.0000,  1.0000],
            [ 0.8415,  0.5403,  0.0100,  0.9999],
            [ 0.9093, -0.4161,  0.0200,  0.9998]])
    """
    if length < 0 or dim <= 0 or base <= 0:
        raise ValueError(f"expected length >= 0, dim > 0 and base > 0, got length={length}, dim={dim}, base={base}")
    # float64 on the CPU, cast at the end: angles reach `length` radians, whose sine float32 would get wrong in the
    # 4th digit, and not every device has float64 (MPS)
    p = torch.arange(length, dtype=torch.float64).unsqueeze(1)  # (T, 1) positions
    two_i = torch.arange(0, dim, 2, dtype=torch.float64)  # (ceil(D/2),) the even indices 2i
    angle = p / base ** (two_i / dim)  # (T, 1) / (ceil(D/2),) -> (T, ceil(D/2))
    pe = torch.empty(length, dim, dtype=torch.float64)  # (T, D)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : dim // 2])  # an odd D has one cosine fewer than sines
    return pe.to(device=device, dtype=dtype if dtype is not None else torch.get_default_dtype())
