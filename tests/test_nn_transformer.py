"""The decoder layer, the encoder-decoder model and greedy decoding, against torch.nn.TransformerDecoderLayer and
torch.nn.Transformer: float64 values and gradients for tgt, memory and every parameter."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.nn.transformer import Seq2SeqTransformer, TransformerDecoderLayer, greedy_decode, teacher_forcing_loss

f64 = torch.float64


def _randn(gen, *shape):
    return torch.randn(shape, dtype=f64, generator=gen)


def _padding(gen, B, S):
    """A random key-padding mask (True = pad) whose first key is always real, so no row is fully masked."""
    pad = torch.rand(B, S, generator=gen) < 0.4
    pad[:, 0] = False
    return pad


def _assert_modules_same(ours, ref, inputs, call, gen):
    """call(module, *inputs) -> tensor; outputs, input gradients and every parameter's gradient equal."""
    a_in = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    b_in = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    a, b = call(ours, *a_in), call(ref, *b_in)
    torch.testing.assert_close(a, b)
    w = torch.randn(a.shape, dtype=a.dtype, generator=gen)
    (a * w).sum().backward()
    (b * w).sum().backward()
    for i, (x, y) in enumerate(zip(a_in, b_in)):
        if x.requires_grad:
            torch.testing.assert_close(x.grad, y.grad, msg=lambda m, i=i: f"gradient of input {i}: {m}")
    ref_params = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        torch.testing.assert_close(p.grad, ref_params[name].grad, msg=lambda m, name=name: f"gradient of {name}: {m}")


# ---------------------------------------------------------------- the decoder layer

def _decoder_pair(norm_first, batch_first=True, activation=torch.relu):
    torch.manual_seed(0)
    ref = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=activation,
                                     batch_first=batch_first, norm_first=norm_first).double()
    ours = TransformerDecoderLayer(8, 2, dim_feedforward=16, activation=activation, batch_first=batch_first,
                                   norm_first=norm_first).double()
    ours.load_state_dict(ref.state_dict())
    return ours, ref


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("padding", [False, True])
def test_decoder_layer_matches_torch(norm_first, padding, gen):
    ours, ref = _decoder_pair(norm_first)
    tgt, memory = _randn(gen, 3, 5, 8), _randn(gen, 3, 7, 8)  # T = 5 != S = 7
    causal = ~torch.ones(5, 5, dtype=torch.bool).tril()  # (T, T) True above the diagonal: masked out
    tgt_pad = _padding(gen, 3, 5) if padding else None
    mem_pad = _padding(gen, 3, 7) if padding else None

    def call(m, t, mem):
        return m(t, mem, tgt_mask=causal, tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=mem_pad,
                 tgt_is_causal=m is ref)  # ours builds the causal mask itself only when told; here it is passed
    _assert_modules_same(ours, ref, [tgt, memory], call, gen)


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_is_causal_flag_memory_mask_gelu_sequence_first(norm_first, gen):
    ours, ref = _decoder_pair(norm_first, batch_first=False, activation=F.gelu)
    tgt, memory = _randn(gen, 4, 2, 8), _randn(gen, 6, 2, 8)  # (T, B, D), (S, B, D)
    causal = ~torch.ones(4, 4, dtype=torch.bool).tril()  # (T, T) True = masked out
    memory_mask = torch.rand(4, 6, generator=gen) < 0.3  # (T, S) True = hidden
    memory_mask[:, 0] = False
    _assert_modules_same(ours, ref, [tgt, memory],
                         lambda m, t, mem: m(t, mem, tgt_mask=causal if m is ref else None, memory_mask=memory_mask,
                                             tgt_is_causal=True), gen)


def test_decoder_layer_causal_output_ignores_the_future(gen):
    ours, _ = _decoder_pair(False)
    tgt, memory = _randn(gen, 2, 6, 8), _randn(gen, 2, 4, 8)
    changed = tgt.clone()
    changed[:, 4:] = _randn(gen, 2, 2, 8)  # new tokens at positions 4 and 5
    a, b = ours(tgt, memory, tgt_is_causal=True), ours(changed, memory, tgt_is_causal=True)
    torch.testing.assert_close(a[:, :4], b[:, :4])  # positions 0..3 cannot see 4 and 5
    assert not torch.allclose(a[:, 4:], b[:, 4:])
    c, d = ours(tgt, memory), ours(changed, memory)  # without the mask the past sees the future
    assert not torch.allclose(c[:, :4], d[:, :4])


def test_decoder_layer_state_dict_init_dropout_and_errors(gen):
    torch.manual_seed(1)
    ref = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True)
    torch.manual_seed(1)
    ours = TransformerDecoderLayer(8, 2, dim_feedforward=16)
    assert list(ours.state_dict()) == list(ref.state_dict())
    for (name, p), q in zip(ours.state_dict().items(), ref.state_dict().values()):  # same seed, same weights
        torch.testing.assert_close(p, q, msg=f"{name} is initialised differently")
    ours, ref = ours.double(), ref.double().eval()
    ref.load_state_dict(ours.state_dict())  # ours -> torch
    tgt, memory = _randn(gen, 2, 3, 8), _randn(gen, 2, 5, 8)
    torch.testing.assert_close(ours(tgt, memory), ref(tgt, memory))
    noisy = TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.5).double()
    calls = []
    for name in ["dropout", "dropout1", "dropout2", "dropout3"]:
        getattr(noisy, name).register_forward_hook(lambda module, args, out, name=name: calls.append(name))
    assert not torch.allclose(noisy(tgt, memory), noisy(tgt, memory))
    assert sorted(set(calls)) == ["dropout", "dropout1", "dropout2", "dropout3"]
    noisy.eval()
    torch.testing.assert_close(noisy(tgt, memory), noisy(tgt, memory))
    with pytest.raises(ValueError, match="dropout"):
        TransformerDecoderLayer(8, 2, dropout=1.0)
    with pytest.raises(ValueError, match="activation must be a function"):
        TransformerDecoderLayer(8, 2, activation="relu")
    with pytest.raises(ValueError, match="key and value"):
        ours(tgt, _randn(gen, 2, 5, 6))  # memory of the wrong width


# ---------------------------------------------------------------- the encoder-decoder model

class _TorchSeq2Seq(nn.Module):
    """torch.nn.Transformer with our model's embeddings, positional encoding and output layer around it."""

    def __init__(self, ours: Seq2SeqTransformer, num_layers: int, norm_first: bool) -> None:
        super().__init__()
        D = ours.src_embed.embedding_dim
        self.ours = ours
        self.transformer = nn.Transformer(D, ours.decoder_layers[0].self_attn.num_heads, num_layers, num_layers,
                                          dim_feedforward=ours.decoder_layers[0].linear1.out_features, dropout=0.0,
                                          batch_first=True, norm_first=norm_first).double()
        names = {"encoder_layers.": "encoder.layers.", "encoder_norm.": "encoder.norm.",
                 "decoder_layers.": "decoder.layers.", "decoder_norm.": "decoder.norm."}
        state = {}
        for key, value in ours.state_dict().items():
            for mine, theirs in names.items():
                if key.startswith(mine):
                    state[theirs + key[len(mine):]] = value
        self.transformer.load_state_dict(state)  # every parameter of nn.Transformer, copied from ours

    def forward(self, src, tgt, src_pad, tgt_pad):
        causal = ~torch.ones(tgt.shape[1], tgt.shape[1], dtype=torch.bool).tril()  # (T, T) True = masked out
        y = self.transformer(self.ours.src_embed(src) + self.ours.pe[: src.shape[1]],
                             self.ours.tgt_embed(tgt) + self.ours.pe[: tgt.shape[1]],
                             tgt_mask=causal, src_key_padding_mask=src_pad, tgt_key_padding_mask=tgt_pad,
                             memory_key_padding_mask=src_pad, tgt_is_causal=True)
        return self.ours.out_proj(y)  # (B, T, V)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")  # nn.Transformer with norm_first
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("padding", [False, True])
def test_seq2seq_matches_torch_transformer(norm_first, padding, gen):
    torch.manual_seed(0)
    ours = Seq2SeqTransformer(11, 13, d_model=8, nhead=2, num_layers=2, dim_feedforward=16, max_len=9,
                              norm_first=norm_first).double()
    twin = Seq2SeqTransformer(11, 13, d_model=8, nhead=2, num_layers=2, dim_feedforward=16, max_len=9,
                              norm_first=norm_first).double()
    twin.load_state_dict(ours.state_dict())
    ref = _TorchSeq2Seq(twin, 2, norm_first)
    src = torch.randint(0, 11, (3, 7), generator=gen)
    tgt = torch.randint(0, 13, (3, 5), generator=gen)
    src_pad = _padding(gen, 3, 7) if padding else None
    tgt_pad = _padding(gen, 3, 5) if padding else None
    a, b = ours(src, tgt, src_pad, tgt_pad), ref(src, tgt, src_pad, tgt_pad)
    assert a.shape == (3, 5, 13)
    torch.testing.assert_close(a, b)
    w = torch.randn(a.shape, dtype=f64, generator=gen)
    (a * w).sum().backward()
    (b * w).sum().backward()
    ours_params, twin_params = dict(ours.named_parameters()), dict(twin.named_parameters())
    ref_params = dict(ref.transformer.named_parameters())
    for name, p in ours_params.items():  # embeddings and out_proj sit in twin; the rest in nn.Transformer
        theirs = twin_params[name].grad if twin_params[name].grad is not None else \
            ref_params[name.replace("encoder_layers.", "encoder.layers.").replace("encoder_norm.", "encoder.norm.")
                       .replace("decoder_layers.", "decoder.layers.").replace("decoder_norm.", "decoder.norm.")].grad
        torch.testing.assert_close(p.grad, theirs, msg=lambda m, name=name: f"gradient of {name}: {m}")


def test_seq2seq_is_causal_in_the_target_and_errors(gen):
    torch.manual_seed(0)
    model = Seq2SeqTransformer(5, 6, d_model=8, nhead=2, num_layers=1, dim_feedforward=16, max_len=6).double()
    src = torch.randint(0, 5, (2, 4), generator=gen)
    tgt = torch.randint(0, 6, (2, 5), generator=gen)
    changed = tgt.clone()
    changed[:, 3:] = (tgt[:, 3:] + 1) % 6
    a, b = model(src, tgt), model(src, changed)
    torch.testing.assert_close(a[:, :3], b[:, :3])
    assert not torch.allclose(a[:, 3:], b[:, 3:])
    other_src = (src + 1) % 5
    assert not torch.allclose(model(other_src, tgt)[:, :1], a[:, :1])  # cross-attention: every position reads the source
    with pytest.raises(ValueError, match="max_len = 6"):
        model(src, torch.zeros(2, 7, dtype=torch.long))
    with pytest.raises(ValueError, match="positive"):
        Seq2SeqTransformer(5, 6, num_layers=0)


# ---------------------------------------------------------------- greedy decoding

def _reference_greedy(model, src, max_len, bos, eos, pad):
    """One sequence at a time, with a Python list: the plain definition, to check the batched loop against."""
    rows = []
    for s in src:
        s = s[s != pad][None]  # (1, S_b): the same sequence without its padding
        seq, out = [bos], []
        for _ in range(max_len):
            logits = model(s, torch.tensor([seq]))  # (1, t, V)
            token = int(logits[0, -1].argmax())
            out.append(token)
            seq.append(token)
            if token == eos:
                break
        rows.append(out + [pad] * (max_len - len(out)))
    return torch.tensor(rows)


def test_greedy_decode_equals_one_sequence_at_a_time(gen):
    torch.manual_seed(3)
    model = Seq2SeqTransformer(8, 8, d_model=16, nhead=2, num_layers=1, dim_feedforward=32, max_len=12).double()
    model.eval()
    with torch.no_grad():
        model.out_proj.weight *= 4  # sharper logits: some sequences stop early (EOS = 5), others run to max_len
    src = torch.randint(0, 5, (6, 5), generator=gen)
    src[1, 3:] = 7  # right padding (pad = 7)
    src[4, 2:] = 7
    out = greedy_decode(model, src, max_len=8, bos=6, eos=5, pad=7)
    ref = _reference_greedy(model, src, 8, 6, 5, 7)
    assert out.shape == (6, 8) and out.dtype == torch.long
    assert torch.equal(out, ref)
    stops = (out == 5).any(dim=1)
    assert stops.any() and not stops.all(), "the test needs sequences that stop and sequences that do not"
    for row in out:  # after EOS only pad
        hits = (row == 5).nonzero()
        if len(hits):
            assert (row[hits[0, 0] + 1:] == 7).all()
    assert not torch.is_grad_enabled() or not out.requires_grad
    with pytest.raises(ValueError, match="max_len >= 1"):
        greedy_decode(model, src, max_len=0, bos=6, eos=5, pad=7)


# ---------------------------------------------------------------- teacher forcing

@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
def test_teacher_forcing_loss_matches_torch_transformer_and_cross_entropy(gen):
    torch.manual_seed(0)
    ours = Seq2SeqTransformer(9, 9, d_model=8, nhead=2, num_layers=1, dim_feedforward=16, max_len=7).double()
    twin = Seq2SeqTransformer(9, 9, d_model=8, nhead=2, num_layers=1, dim_feedforward=16, max_len=7).double()
    twin.load_state_dict(ours.state_dict())
    ref = _TorchSeq2Seq(twin, 1, False)
    bos, eos, pad = 6, 7, 8
    src = torch.randint(0, 6, (4, 5), generator=gen)
    src[1, 3:] = pad
    tgt = torch.randint(0, 6, (4, 6), generator=gen)
    tgt[:, 4], tgt[:, 5] = eos, pad
    tgt[2, 2], tgt[2, 3:] = eos, pad
    loss = teacher_forcing_loss(ours, src, tgt, bos, pad)
    tgt_in = torch.cat([torch.full((4, 1), bos), tgt[:, :-1]], dim=1)  # [bos, y_1, ..., y_{T-1}]
    logits = ref(src, tgt_in, src == pad, None)  # (B, T, V)
    keep = tgt != pad
    expected = -torch.log_softmax(logits, dim=-1).gather(-1, tgt[..., None])[..., 0][keep].mean()  # over non-pad
    torch.testing.assert_close(loss, expected)
    loss.backward()
    expected.backward()
    twin_params, ref_params = dict(twin.named_parameters()), dict(ref.transformer.named_parameters())
    for name, p in ours.named_parameters():
        theirs = twin_params[name].grad if twin_params[name].grad is not None else \
            ref_params[name.replace("encoder_layers.", "encoder.layers.").replace("encoder_norm.", "encoder.norm.")
                       .replace("decoder_layers.", "decoder.layers.").replace("decoder_norm.", "decoder.norm.")].grad
        torch.testing.assert_close(p.grad, theirs, msg=lambda m, name=name: f"gradient of {name}: {m}")
    with pytest.raises(ValueError, match="same B"):
        teacher_forcing_loss(ours, src, tgt[:3], bos, pad)

