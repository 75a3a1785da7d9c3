"""The GPT of dlcourse.nn.gpt against the same model built from torch.nn (nn.Embedding, nn.TransformerEncoderLayer
with norm_first=True and a causal mask, nn.LayerNorm, nn.Linear), weights copied: float64 values and gradients of
every parameter; the parameter formula, sampling and the distillation loss."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.nn.gpt import GPT, GPTConfig, count_parameters, distillation_loss, generate, lm_loss

f64 = torch.float64


class TorchGPT(nn.Module):
    """The reference: the same architecture from torch.nn's modules only."""

    def __init__(self, c: GPTConfig) -> None:
        super().__init__()
        self.tok_embed = nn.Embedding(c.vocab_size, c.d_model)
        self.pos_embed = nn.Embedding(c.block_size, c.d_model)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(c.d_model, c.nhead, 4 * c.d_model, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True) for _ in range(c.num_layers))
        self.norm = nn.LayerNorm(c.d_model)
        self.head = nn.Linear(c.d_model, c.vocab_size, bias=False)

    def forward(self, tokens):
        T = tokens.shape[1]
        x = self.tok_embed(tokens) + self.pos_embed(torch.arange(T))
        mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=x.dtype)  # (T, T) -inf above the diagonal
        for layer in self.layers:
            x = layer(x, src_mask=mask, is_causal=True)
        return self.head(self.norm(x))


def _pair(config, seed):
    torch.manual_seed(seed)
    ours = GPT(config).double()
    ref = TorchGPT(config).double()
    ref.load_state_dict(ours.state_dict())  # same names: every weight copied
    # non-trivial LayerNorm and bias values, so that a mix-up between them would show
    with torch.no_grad():
        for p in ours.parameters():
            p.add_(0.1 * torch.randn_like(p))
    ref.load_state_dict(ours.state_dict())
    return ours, ref


@pytest.mark.parametrize("L, h, T", [(1, 1, 5), (2, 4, 9), (3, 2, 12)])
def test_gpt_matches_torch_values_and_gradients(L, h, T):
    config = GPTConfig(vocab_size=11, block_size=12, d_model=16, nhead=h, num_layers=L)
    ours, ref = _pair(config, seed=L)
    gen = torch.Generator().manual_seed(T)
    tokens = torch.randint(0, 11, (3, T), generator=gen)
    a, b = ours(tokens), ref(tokens)
    assert a.shape == (3, T, 11)
    torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)
    w = torch.randn(a.shape, dtype=f64, generator=gen)
    (a * w).sum().backward()
    (b * w).sum().backward()
    ref_params = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        torch.testing.assert_close(p.grad, ref_params[name].grad, rtol=1e-9, atol=1e-11,
                                   msg=lambda m, name=name: f"gradient of {name}: {m}")


def test_gpt_is_causal_and_errors():
    config = GPTConfig(vocab_size=7, block_size=6, d_model=8, nhead=2, num_layers=2)
    torch.manual_seed(0)
    model = GPT(config).double()
    tokens = torch.randint(0, 7, (2, 6))
    changed = tokens.clone()
    changed[:, 4] = (changed[:, 4] + 1) % 7
    a, b = model(tokens), model(changed)
    assert torch.equal(a[:, :4], b[:, :4]), "positions before 4 must not see token 4"
    assert not torch.allclose(a[:, 4:], b[:, 4:])
    with pytest.raises(ValueError, match="block_size = 6"):
        model(torch.zeros(2, 7, dtype=torch.long))
    with pytest.raises(ValueError, match="positive"):
        GPT(GPTConfig(vocab_size=0))


@pytest.mark.parametrize("V, D, L, T", [(62, 64, 2, 64), (11, 16, 1, 8), (100, 48, 3, 32)])
def test_count_parameters_equals_the_built_model(V, D, L, T):
    model = GPT(GPTConfig(vocab_size=V, block_size=T, d_model=D, nhead=4, num_layers=L))
    assert count_parameters(V, D, L, T) == sum(p.numel() for p in model.parameters())


def test_lm_loss_is_next_token_cross_entropy():
    torch.manual_seed(1)
    model = GPT(GPTConfig(vocab_size=9, block_size=8, d_model=8, nhead=2, num_layers=1)).double()
    tokens = torch.randint(0, 9, (4, 8))
    logits = model(tokens[:, :-1])
    want = sum(F.cross_entropy(logits[:, t], tokens[:, t + 1]) for t in range(7)) / 7
    torch.testing.assert_close(lm_loss(model, tokens), want)


def test_generate_is_repeatable_crops_the_context_and_follows_the_model():
    torch.manual_seed(2)
    model = GPT(GPTConfig(vocab_size=6, block_size=4, d_model=8, nhead=2, num_layers=1))
    start = torch.zeros(3, 1, dtype=torch.long)
    a = generate(model, start, 9, generator=torch.Generator().manual_seed(0))
    b = generate(model, start, 9, generator=torch.Generator().manual_seed(0))
    assert a.shape == (3, 10) and torch.equal(a, b) and torch.equal(a[:, :1], start)
    assert model.training, "generate must restore the training mode"
    # a model whose head always prefers token 3 by far: sampling writes 3 at a low temperature
    with torch.no_grad():
        model.head.weight.zero_()
        model.norm.weight.zero_()
        model.norm.bias.fill_(1.0)
        model.head.weight[3] = 5.0
    out = generate(model, start, 5, temperature=0.1, generator=torch.Generator().manual_seed(1))
    assert (out[:, 1:] == 3).all()
    with pytest.raises(ValueError, match="temperature > 0"):
        generate(model, start, 2, temperature=0.0)


def test_distillation_loss_matches_kl_div_values_and_gradients():
    gen = torch.Generator().manual_seed(3)
    for shape, tau in [((5, 7), 1.0), ((2, 3, 11), 2.5), ((4,), 0.5)]:
        zs = torch.randn(shape, dtype=f64, generator=gen, requires_grad=True)
        zt = (3 * torch.randn(shape, dtype=f64, generator=gen)).requires_grad_()
        ours = distillation_loss(zs, zt, tau)
        n = math.prod(shape[:-1])
        ref = F.kl_div(F.log_softmax(zs / tau, -1).reshape(n, -1), F.log_softmax(zt.detach() / tau, -1).reshape(n, -1),
                       reduction="batchmean", log_target=True) * tau**2
        torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-14)
        g_ours, = torch.autograd.grad(ours, zs)
        g_ref, = torch.autograd.grad(ref, zs)
        torch.testing.assert_close(g_ours, g_ref, rtol=1e-10, atol=1e-14)
        assert not ours.requires_grad or zt.grad is None
    z = torch.randn(3, 5, dtype=f64, generator=gen)
    assert distillation_loss(z, z, 3.0).abs() < 1e-12
    with pytest.raises(ValueError, match="same shape"):
        distillation_loss(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="positive"):
        distillation_loss(z, z, 0.0)
