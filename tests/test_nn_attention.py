"""Attention, multi-head attention, positional encodings and the encoder layer equal PyTorch's (float64, values and
gradients w.r.t. every input and parameter); load_state_dict works both ways."""

import math

import pytest
import torch
import torch.nn.functional as F
from helpers import assert_same
from torch import nn

from dlcourse.nn.attention import (
    MultiHeadAttention,
    attention_weights,
    scaled_dot_product_attention,
    sinusoidal_positional_encoding,
)
from dlcourse.nn.transformer import TransformerEncoderLayer

f64 = torch.float64


def _randn(gen, *shape):
    return torch.randn(shape, dtype=f64, generator=gen)


def _bool_mask(gen, *shape):
    """A random bool mask (True = take part) with at least one True in every row, so no row is fully masked."""
    mask = torch.rand(shape, generator=gen) < 0.6
    mask[..., 0] = True
    return mask


# ---------------------------------------------------------------- scaled dot-product attention

QKV_SHAPES = [  # q, k, v
    ((5, 4), (5, 4), (5, 4)),  # unbatched self-attention
    ((2, 3, 6, 8), (2, 3, 6, 8), (2, 3, 6, 8)),  # (B, H, L, D)
    ((2, 3, 4, 8), (2, 3, 7, 8), (2, 3, 7, 5)),  # L != S, Dv != D
    ((2, 3, 7, 4), (2, 3, 3, 4), (2, 3, 3, 6)),  # L > S
    ((2, 1, 4, 8), (1, 3, 5, 8), (1, 3, 5, 2)),  # broadcast batch dimensions
]


def _sdpa_pair(**kwargs):
    return (lambda *a: scaled_dot_product_attention(*a, **kwargs),
            lambda *a: F.scaled_dot_product_attention(*a, **kwargs))


@pytest.mark.parametrize(("q_shape", "k_shape", "v_shape"), QKV_SHAPES)
@pytest.mark.parametrize("mask_kind", ["none", "bool", "float", "causal"])
def test_sdpa_matches_torch(q_shape, k_shape, v_shape, mask_kind, gen):
    q, k, v = _randn(gen, *q_shape), _randn(gen, *k_shape), _randn(gen, *v_shape)
    L, S = q_shape[-2], k_shape[-2]
    kwargs = {"none": {}, "causal": {"is_causal": True},
              "bool": {"attn_mask": _bool_mask(gen, L, S)},
              "float": {"attn_mask": _randn(gen, L, S)}}[mask_kind]
    assert_same(*_sdpa_pair(**kwargs), q, k, v, grad_inputs=(0, 1, 2))


@pytest.mark.parametrize("mask_shape", [(2, 1, 4, 6), (2, 3, 4, 6), (1, 6)])
def test_sdpa_batched_bool_masks(mask_shape, gen):
    q, k, v = _randn(gen, 2, 3, 4, 5), _randn(gen, 2, 3, 6, 5), _randn(gen, 2, 3, 6, 5)
    assert_same(*_sdpa_pair(attn_mask=_bool_mask(gen, *mask_shape)), q, k, v, grad_inputs=(0, 1, 2))


def test_sdpa_float_mask_with_minus_inf_and_its_gradient(gen):
    q, k, v = _randn(gen, 2, 3, 4, 5), _randn(gen, 2, 3, 6, 5), _randn(gen, 2, 3, 6, 7)
    mask = _randn(gen, 3, 4, 6)
    mask[:, :, 2:4] = float("-inf")  # (a learned bias such as ALiBi is a float mask with a gradient)
    assert_same(lambda q, k, v, m: scaled_dot_product_attention(q, k, v, attn_mask=m),
                lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m),
                q, k, v, mask, grad_inputs=(0, 1, 2, 3))


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_sdpa_fully_masked_row_gives_zeros_like_torch(kind, gen):
    q, k, v = _randn(gen, 2, 4, 3), _randn(gen, 2, 5, 3), _randn(gen, 2, 5, 3)
    allowed = _bool_mask(gen, 4, 5)
    allowed[1] = False  # query 1 may see no key
    mask = allowed if kind == "bool" else torch.zeros(4, 5, dtype=f64).masked_fill(~allowed, float("-inf"))
    assert_same(*_sdpa_pair(attn_mask=mask), q, k, v, grad_inputs=(0, 1, 2))  # also checks gradients are finite
    out = scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert (out[:, 1] == 0).all()
    assert (attention_weights(q, k, attn_mask=mask)[:, 1] == 0).all()


def test_sdpa_large_scores_float32(gen):
    q, k, v = (100 * torch.randn(2, 6, 8, generator=gen) for _ in range(3))
    assert_same(*_sdpa_pair(is_causal=True), q, k, v, grad_inputs=(0, 1, 2), atol=1e-3, rtol=1e-4)


def test_attention_weights_formula_and_rows(gen):
    q, k, v = _randn(gen, 2, 3, 4, 5), _randn(gen, 2, 3, 6, 5), _randn(gen, 2, 3, 6, 2)
    mask = _randn(gen, 4, 6)
    assert_same(lambda q, k: attention_weights(q, k, attn_mask=mask),
                lambda q, k: torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(5) + mask, dim=-1),
                q, k, grad_inputs=(0, 1))
    w = attention_weights(q, k, attn_mask=mask)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 3, 4, dtype=f64))
    torch.testing.assert_close(w @ v, scaled_dot_product_attention(q, k, v, attn_mask=mask))
    causal = attention_weights(q, k, is_causal=True)  # (2, 3, 4, 6): query i sees keys 0..i
    assert ((causal > 0) == torch.ones(4, 6, dtype=torch.bool).tril()).all()


def test_sdpa_gradcheck(gen):
    q, k, v = (_randn(gen, 2, 3, 2).requires_grad_() for _ in range(3))
    mask = _bool_mask(gen, 3, 3)
    assert torch.autograd.gradcheck(lambda q, k, v: scaled_dot_product_attention(q, k, v, attn_mask=mask), (q, k, v))


def test_sdpa_errors():
    q, k, v = torch.zeros(2, 3, 4), torch.zeros(2, 5, 4), torch.zeros(2, 5, 6)
    with pytest.raises(ValueError, match="either attn_mask or is_causal"):
        scaled_dot_product_attention(q, k, v, attn_mask=torch.ones(3, 5, dtype=torch.bool), is_causal=True)
    with pytest.raises(ValueError, match=r"same D.*\(2, 3, 4\) and \(2, 5, 3\)"):
        scaled_dot_product_attention(q, torch.zeros(2, 5, 3), v)
    with pytest.raises(ValueError, match=r"S = k.shape\[-2\] = 5"):
        scaled_dot_product_attention(q, k, torch.zeros(2, 4, 6))
    with pytest.raises(ValueError, match=r"broadcast to the scores' shape \(\.\.\., L, S\) = \(2, 3, 5\)"):
        scaled_dot_product_attention(q, k, v, attn_mask=torch.ones(5, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="must be bool"):
        scaled_dot_product_attention(q, k, v, attn_mask=torch.ones(3, 5, dtype=torch.long))
    with pytest.raises(ValueError, match="must be bool"):
        scaled_dot_product_attention(q, k, v, attn_mask=torch.ones(3, 5, dtype=f64))  # q is float32


# ---------------------------------------------------------------- multi-head attention

def _mha_pair(E=8, H=2, bias=True, batch_first=True):
    torch.manual_seed(0)
    ref = nn.MultiheadAttention(E, H, bias=bias, batch_first=batch_first).double()
    ours = MultiHeadAttention(E, H, bias=bias, batch_first=batch_first).double()
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def _assert_modules_same(ours, ref, inputs, call, gen):
    """call(module, *inputs) returns a tensor or a tuple (None allowed); compare outputs, input and parameter grads."""
    a_in = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    b_in = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    a_out, b_out = call(ours, *a_in), call(ref, *b_in)
    a_out = a_out if isinstance(a_out, tuple) else (a_out,)
    b_out = b_out if isinstance(b_out, tuple) else (b_out,)
    loss_a, loss_b = 0, 0
    for a, b in zip(a_out, b_out, strict=True):
        assert (a is None) == (b is None), "one returns None where the other returns a tensor"
        if a is not None:
            torch.testing.assert_close(a, b)
            w = torch.randn(a.shape, dtype=a.dtype, generator=gen)
            loss_a, loss_b = loss_a + (a * w).sum(), loss_b + (b * w).sum()
    loss_a.backward()
    loss_b.backward()
    for i, (a, b) in enumerate(zip(a_in, b_in)):
        if a.requires_grad:
            torch.testing.assert_close(a.grad, b.grad, msg=lambda m: f"gradient of input {i} differs: {m}")
    ref_params = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        torch.testing.assert_close(p.grad, ref_params[name].grad, msg=lambda m: f"gradient of {name} differs: {m}")


@pytest.mark.parametrize(("L", "S"), [(5, 5), (4, 7)])  # self- and cross-attention lengths
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("mask", ["none", "key_padding", "bool_attn", "float_attn", "per_head_attn", "both"])
def test_mha_matches_torch(L, S, need_weights, mask, gen):
    ours, ref = _mha_pair(E=12, H=3)
    B, H = 2, 3
    query, key, value = _randn(gen, B, L, 12), _randn(gen, B, S, 12), _randn(gen, B, S, 12)
    padding = ~_bool_mask(gen, B, S)  # True = pad, never every key
    blocked = ~_bool_mask(gen, L, S)  # True = masked out
    kwargs = {"none": {}, "key_padding": {"key_padding_mask": padding},
              "bool_attn": {"attn_mask": blocked}, "float_attn": {"attn_mask": _randn(gen, L, S)},
              "per_head_attn": {"attn_mask": _randn(gen, B * H, L, S)},
              "both": {"attn_mask": blocked, "key_padding_mask": padding}}[mask]
    if L == S:  # self-attention: one tensor for query, key and value
        _assert_modules_same(ours, ref, [query], lambda m, x: m(x, x, x, need_weights=need_weights, **kwargs), gen)
    else:
        _assert_modules_same(ours, ref, [query, key, value],
                             lambda m, q, k, v: m(q, k, v, need_weights=need_weights, **kwargs), gen)


@pytest.mark.parametrize("bias", [True, False])
def test_mha_batch_first_false_and_no_bias(bias, gen):
    ours, ref = _mha_pair(bias=bias, batch_first=False)
    query, key = _randn(gen, 4, 3, 8), _randn(gen, 6, 3, 8)  # (L, B, E), (S, B, E)
    padding = ~_bool_mask(gen, 3, 6)
    _assert_modules_same(ours, ref, [query, key], lambda m, q, k: m(q, k, k, key_padding_mask=padding), gen)


def test_mha_causal(gen):
    ours, ref = _mha_pair()
    x = _randn(gen, 2, 5, 8)
    causal = nn.Transformer.generate_square_subsequent_mask(5, dtype=f64)  # torch needs the mask as a hint
    _assert_modules_same(ours, ref, [x], lambda m, x: m(x, x, x, attn_mask=causal, is_causal=True), gen)
    ours_alone, _ = ours(x, x, x, is_causal=True)  # ours builds the causal mask itself
    torch.testing.assert_close(ours_alone, ref(x, x, x, attn_mask=causal)[0])


def test_mha_fully_padded_sequence_gives_zeros(gen):
    ours, ref = _mha_pair()
    x = _randn(gen, 2, 4, 8)
    padding = torch.zeros(2, 4, dtype=torch.bool)
    padding[1] = True  # the whole second sequence is padding
    out, weights = ours(x, x, x, key_padding_mask=padding)
    assert (weights[1] == 0).all()
    torch.testing.assert_close(out, ref(x, x, x, key_padding_mask=padding, need_weights=False)[0])


def test_mha_state_dict_both_ways_and_init(gen):
    torch.manual_seed(3)
    ref = nn.MultiheadAttention(8, 4, batch_first=True)
    torch.manual_seed(3)
    ours = MultiHeadAttention(8, 4)
    assert list(ours.state_dict()) == list(ref.state_dict())
    for (name, p), q in zip(ours.state_dict().items(), ref.state_dict().values()):  # same seed, same weights
        torch.testing.assert_close(p, q, msg=f"{name} is initialised differently")
    assert ours.in_proj_bias.abs().max() == 0 and ours.out_proj.bias.abs().max() == 0
    bound = math.sqrt(6 / (8 + 3 * 8))  # xavier-uniform on (3E, E)
    assert bound * 0.8 < ours.in_proj_weight.abs().max() <= bound
    assert list(MultiHeadAttention(8, 2, bias=False).state_dict()) == list(
        nn.MultiheadAttention(8, 2, bias=False).state_dict())
    other = MultiHeadAttention(8, 4).double()  # ours -> torch
    ref = ref.double()
    ref.load_state_dict(other.state_dict())
    x = _randn(gen, 2, 3, 8)
    torch.testing.assert_close(other(x, x, x)[0], ref(x, x, x)[0])


def test_mha_errors():
    with pytest.raises(ValueError, match="positive multiple of num_heads"):
        MultiHeadAttention(10, 3)
    mha = MultiHeadAttention(8, 2)
    x = torch.zeros(2, 5, 8)
    with pytest.raises(ValueError, match=r"query of shape \(B, L, E\) with E=8, got \(2, 5, 6\)"):
        mha(torch.zeros(2, 5, 6), x, x)
    with pytest.raises(ValueError, match="key and value of the same shape"):
        mha(x, x, torch.zeros(2, 4, 8))
    with pytest.raises(ValueError, match=r"key_padding_mask of shape \(B, S\) = \(2, 5\)"):
        mha(x, x, x, key_padding_mask=torch.zeros(5, 2, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"attn_mask of shape \(L, S\) = \(5, 5\) or \(B\*H, L, S\) = \(4, 5, 5\)"):
        mha(x, x, x, attn_mask=torch.zeros(2, 5, 5, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"\(L, B, E\)"):
        MultiHeadAttention(8, 2, batch_first=False)(torch.zeros(5, 8), x, x)


# ---------------------------------------------------------------- sinusoidal positional encoding

@pytest.mark.parametrize(("length", "dim", "base"), [(7, 6, 10000.0), (5, 5, 10000.0), (9, 4, 100.0), (1, 1, 10.0)])
def test_positional_encoding_equals_the_formula(length, dim, base):
    pe = sinusoidal_positional_encoding(length, dim, base=base, dtype=f64)
    expected = torch.zeros(length, dim, dtype=f64)
    for p in range(length):
        for j in range(dim):
            two_i = j - j % 2
            angle = p / base ** (two_i / dim)
            expected[p, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    torch.testing.assert_close(pe, expected, atol=1e-12, rtol=0)


def test_positional_encoding_properties():
    T, E = 50, 16
    pe = sinusoidal_positional_encoding(T, E, dtype=f64)  # (T, E)
    assert pe.shape == (T, E) and pe.abs().max() <= 1
    torch.testing.assert_close(pe[0], torch.tensor([0.0, 1.0] * (E // 2), dtype=f64))
    torch.testing.assert_close(pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2, torch.ones(T, E // 2, dtype=f64))
    # PE[p + k] is PE[p] rotated pair by pair by the angle k * w_i, for every p
    w = 10000.0 ** (-torch.arange(0, E, 2, dtype=f64) / E)  # (E/2,)
    k = 3
    c, s = torch.cos(k * w), torch.sin(k * w)
    sin_p, cos_p = pe[:-k, 0::2], pe[:-k, 1::2]
    torch.testing.assert_close(pe[k:, 0::2], sin_p * c + cos_p * s)  # sin(a + b)
    torch.testing.assert_close(pe[k:, 1::2], cos_p * c - sin_p * s)  # cos(a + b)
    dots = (pe[:-k] * pe[k:]).sum(-1)  # PE[p] . PE[p + k] depends on k only
    torch.testing.assert_close(dots, dots[0].expand_as(dots))


def test_positional_encoding_dtype_and_precision():
    assert sinusoidal_positional_encoding(3, 4).dtype == torch.get_default_dtype()
    pe32 = sinusoidal_positional_encoding(10000, 8, dtype=torch.float32)
    pe64 = sinusoidal_positional_encoding(10000, 8, dtype=f64)
    assert (pe32.double() - pe64).abs().max() < 1e-7  # float32 rounding only, even at position 9999
    assert sinusoidal_positional_encoding(0, 4).shape == (0, 4)
    with pytest.raises(ValueError, match="dim > 0"):
        sinusoidal_positional_encoding(4, 0)


# ---------------------------------------------------------------- Transformer encoder layer

def _layer_pair(norm_first, batch_first=True, activation=torch.relu, dropout=0.0):
    torch.manual_seed(0)
    ref = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=dropout, activation=activation,
                                     batch_first=batch_first, norm_first=norm_first).double()
    ours = TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=dropout, activation=activation,
                                   batch_first=batch_first, norm_first=norm_first).double()
    ours.load_state_dict(ref.state_dict())
    return ours, ref


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("train", [False, True])
@pytest.mark.parametrize("padding", [False, True])
def test_encoder_layer_matches_torch(norm_first, train, padding, gen):
    ours, ref = _layer_pair(norm_first)
    ours.train(train)
    ref.train(train)
    src = _randn(gen, 3, 5, 8)
    pad = ~_bool_mask(gen, 3, 5) if padding else None
    _assert_modules_same(ours, ref, [src], lambda m, x: m(x, src_key_padding_mask=pad), gen)


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_causal_gelu_sequence_first(norm_first, gen):
    ours, ref = _layer_pair(norm_first, batch_first=False, activation=F.gelu)
    src = _randn(gen, 6, 2, 8)  # (T, B, E)
    causal = nn.Transformer.generate_square_subsequent_mask(6, dtype=f64)
    _assert_modules_same(ours, ref, [src], lambda m, x: m(x, src_mask=causal, is_causal=True), gen)


def test_encoder_layer_state_dict_both_ways_and_init(gen):
    torch.manual_seed(1)
    ref = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
    torch.manual_seed(1)
    ours = TransformerEncoderLayer(8, 2, dim_feedforward=16)
    assert list(ours.state_dict()) == list(ref.state_dict())
    for (name, p), q in zip(ours.state_dict().items(), ref.state_dict().values()):  # same seed, same weights
        torch.testing.assert_close(p, q, msg=f"{name} is initialised differently")
    ours, ref = TransformerEncoderLayer(8, 2, dim_feedforward=16).double(), ref.double().eval()
    ref.load_state_dict(ours.state_dict())  # ours -> torch
    x = _randn(gen, 2, 4, 8)
    torch.testing.assert_close(ours(x), ref(x))


def test_encoder_layer_dropout_and_errors():
    torch.manual_seed(0)
    layer = TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.5)
    x = torch.randn(2, 4, 8)
    assert not torch.allclose(layer(x), layer(x))  # training: dropout is random
    calls = []
    for name in ["dropout", "dropout1", "dropout2"]:
        getattr(layer, name).register_forward_hook(lambda module, args, out, name=name: calls.append(name))
    layer(x)
    assert sorted(calls) == ["dropout", "dropout1", "dropout2"]  # each dropout module acts once, where torch's do
    layer.eval()
    torch.testing.assert_close(layer(x), layer(x))
    with pytest.raises(ValueError, match="dropout"):
        TransformerEncoderLayer(8, 2, dropout=1.0)
    with pytest.raises(ValueError, match="activation must be a function"):
        TransformerEncoderLayer(8, 2, activation="gelu")


# ---------------------------------------------------------------- GPU

@pytest.mark.gpu
def test_attention_on_cuda_matches_builtins():
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 5, 4, dtype=f64, generator=gen).cuda().requires_grad_() for _ in range(3))
    for kwargs in [{}, {"is_causal": True}]:
        a, b = scaled_dot_product_attention(q, k, v, **kwargs), F.scaled_dot_product_attention(q, k, v, **kwargs)
        assert a.device.type == "cuda"
        torch.testing.assert_close(a, b)
        torch.testing.assert_close(torch.autograd.grad(a.sum(), q), torch.autograd.grad(b.sum(), q))
    ours, ref = _layer_pair(norm_first=True)
    ours, ref = ours.cuda(), ref.cuda()
    x = torch.randn(2, 5, 8, dtype=f64, generator=gen).cuda()
    pad = torch.zeros(2, 5, dtype=torch.bool, device="cuda")
    pad[0, 3:] = True
    torch.testing.assert_close(ours(x, src_key_padding_mask=pad), ref(x, src_key_padding_mask=pad))
    mha_ours, mha_ref = _mha_pair()
    mha_ours, mha_ref = mha_ours.cuda(), mha_ref.cuda()
    for a, b in zip(mha_ours(x, x, x, key_padding_mask=pad), mha_ref(x, x, x, key_padding_mask=pad)):
        torch.testing.assert_close(a, b)
    assert sinusoidal_positional_encoding(4, 6, device=x.device).device == x.device


def test_multi_head_attention_runs_under_autocast_with_its_own_masks():
    # under torch.autocast the projections are bfloat16 while the input is float32: the causal and padding masks
    # must take the projections' dtype (they were built in the input's and refused)
    from dlcourse.nn import MultiHeadAttention

    torch.manual_seed(0)
    mha = MultiHeadAttention(16, 4, batch_first=True)
    x = torch.randn(2, 5, 16)
    pad = torch.tensor([[False] * 5, [False, False, False, True, True]])
    exact, _ = mha(x, x, x, key_padding_mask=pad, is_causal=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        low, weights = mha(x, x, x, key_padding_mask=pad, is_causal=True)
    torch.testing.assert_close(low.float(), exact, atol=0.05, rtol=0.05)
    assert torch.all(weights[:, 0, 1:] == 0)  # the first query still sees only the first key
