"""VAE pieces against torch.distributions: the closed-form KL equals ``kl_divergence`` (values and gradients),
``reparameterize`` equals ``Normal.rsample`` drawn with the same noise (values and gradients), and the ELBO
loss equals one written with PyTorch's BCE and distributions."""

import pytest
import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence

from dlcourse.nn.vae import VAE, elbo_loss, gaussian_kl, reparameterize


def _inputs(gen, *shape):
    mu = torch.randn(*shape, dtype=torch.float64, generator=gen).requires_grad_()
    log_var = (1.5 * torch.randn(*shape, dtype=torch.float64, generator=gen)).requires_grad_()
    return mu, log_var


def _torch_kl(mu, log_var):
    q = Normal(mu, (0.5 * log_var).exp())
    prior = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    return kl_divergence(q, prior).sum(-1)


@pytest.mark.parametrize("shape", [(5, 3), (1, 1), (2, 4, 6), (7,)])
def test_gaussian_kl_equals_torch_distributions(gen, shape):
    mu, log_var = _inputs(gen, *shape)
    ours, ref = gaussian_kl(mu, log_var), _torch_kl(mu, log_var)
    assert ours.shape == shape[:-1]
    torch.testing.assert_close(ours, ref)
    weights = torch.randn(ours.shape, dtype=torch.float64, generator=gen)
    g_ours = torch.autograd.grad((ours * weights).sum(), (mu, log_var))
    g_ref = torch.autograd.grad((ref * weights).sum(), (mu, log_var))
    for a, b in zip(g_ours, g_ref):
        torch.testing.assert_close(a, b)


def test_gaussian_kl_closed_form_gradients_and_zero_at_the_prior(gen):
    mu, log_var = _inputs(gen, 4, 3)
    g_mu, g_lv = torch.autograd.grad(gaussian_kl(mu, log_var).sum(), (mu, log_var))
    torch.testing.assert_close(g_mu, mu.detach())
    torch.testing.assert_close(g_lv, 0.5 * (log_var.detach().exp() - 1))
    assert torch.equal(gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 3)), torch.zeros(2))
    assert (gaussian_kl(mu, log_var) > 0).all()
    assert torch.autograd.gradcheck(gaussian_kl, (mu, log_var))
    with pytest.raises(ValueError, match=r"same shape"):
        gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 4))


@pytest.mark.parametrize("seeded", [True, False])
def test_reparameterize_equals_rsample_with_the_same_noise(gen, seeded):
    mu, log_var = _inputs(gen, 6, 2)
    torch.manual_seed(7)
    ref = Normal(mu, (0.5 * log_var).exp()).rsample()
    if seeded:
        ours = reparameterize(mu, log_var, generator=torch.Generator().manual_seed(7))
    else:
        torch.manual_seed(7)
        ours = reparameterize(mu, log_var)
    torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-12)
    upstream = torch.randn(6, 2, dtype=torch.float64, generator=gen)
    for a, b in zip(torch.autograd.grad((ours * upstream).sum(), (mu, log_var)),
                    torch.autograd.grad((ref * upstream).sum(), (mu, log_var))):
        torch.testing.assert_close(a, b)
    assert ours.dtype == torch.float64


def test_reparameterize_draws_from_the_right_gaussian():
    mu = torch.tensor([[2.0, -1.0]]).expand(200_000, 2)
    log_var = torch.tensor([[0.0, 2 * torch.log(torch.tensor(3.0)).item()]]).expand(200_000, 2)
    z = reparameterize(mu, log_var, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(z.mean(0), torch.tensor([2.0, -1.0]), atol=0.03, rtol=0)
    torch.testing.assert_close(z.std(0), torch.tensor([1.0, 3.0]), atol=0.03, rtol=0)
    with pytest.raises(ValueError, match=r"same shape"):
        reparameterize(torch.zeros(2, 3), torch.zeros(3))


@pytest.mark.parametrize("beta", [1.0, 0.0, 4.0])
def test_elbo_loss_equals_bce_and_distributions(gen, beta):
    x = torch.rand(8, 5, dtype=torch.float64, generator=gen)
    logits = (3 * torch.randn(8, 5, dtype=torch.float64, generator=gen)).requires_grad_()
    mu, log_var = _inputs(gen, 8, 2)
    loss, rec, kl = elbo_loss(logits, x, mu, log_var, beta=beta)
    rec_ref = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / 8
    kl_ref = _torch_kl(mu, log_var).mean()
    torch.testing.assert_close(rec, rec_ref)
    torch.testing.assert_close(kl, kl_ref)
    torch.testing.assert_close(loss, rec_ref + beta * kl_ref)
    for a, b in zip(torch.autograd.grad(loss, (logits, mu, log_var)),
                    torch.autograd.grad(rec_ref + beta * kl_ref, (logits, mu, log_var))):
        torch.testing.assert_close(a, b)
    with pytest.raises(ValueError, match=r"\(B, D\)"):
        elbo_loss(logits[:, :4], x, mu, log_var)
    with pytest.raises(ValueError, match=r"\(B, Z\) with B = 8"):
        elbo_loss(logits, x, mu[:3], log_var[:3])


def test_vae_shapes_errors_and_sampling():
    torch.manual_seed(0)
    model = VAE(64, 32, 2)
    x = torch.rand(5, 64)
    logits, mu, log_var = model(x, generator=torch.Generator().manual_seed(1))
    assert logits.shape == (5, 64) and mu.shape == log_var.shape == (5, 2)
    again, _, _ = model(x, generator=torch.Generator().manual_seed(1))
    assert torch.equal(logits, again)
    with pytest.raises(ValueError, match=r"\(B, 64\)"):
        model.encode(torch.rand(5, 63))
    with pytest.raises(ValueError, match=r"\(B, 2\)"):
        model.decode(torch.rand(5, 3))
    s = model.sample(4, generator=torch.Generator().manual_seed(2))
    assert s.shape == (4, 64) and not s.requires_grad and ((s > 0) & (s < 1)).all()
    assert torch.equal(s, model.sample(4, generator=torch.Generator().manual_seed(2)))


def test_training_lowers_the_negative_elbo():
    """200 Adam steps on 256 random binary patterns: the negative ELBO falls well below its start."""
    torch.manual_seed(0)
    prototypes = (torch.rand(4, 16) < 0.5).float()
    x = prototypes[torch.randint(4, (256,))]  # (256, 16): four distinct patterns
    model = VAE(16, 32, 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(200):
        logits, mu, log_var = model(x)
        loss, _, _ = elbo_loss(logits, x, mu, log_var)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0], f"negative ELBO went from {losses[0]:.2f} to {losses[-1]:.2f}"
