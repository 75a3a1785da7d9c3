"""GAN builders and losses: shapes, and losses equal to PyTorch's binary cross-entropy formulations."""

import pytest
import torch
import torch.nn.functional as F

from dlcourse.nn.activations import sigmoid
from dlcourse.nn.gan import Discriminator, Generator, discriminator_loss, generator_loss


def test_builders_shapes_and_errors(gen):
    torch.manual_seed(0)
    g, d = Generator(8, [16, 16], 2), Discriminator(2, [16])
    z = torch.randn(5, 8, generator=gen)
    x = g(z)
    assert x.shape == (5, 2) and d(x).shape == (5,)
    assert Generator(4, [8], 64, out_activation=sigmoid)(torch.randn(3, 4)).min() >= 0
    with pytest.raises(ValueError, match=r"\(B, 8\)"):
        g(torch.randn(5, 7))
    with pytest.raises(ValueError, match=r"\(B, 2\)"):
        d(torch.randn(5, 3))
    a = g.sample(4, generator=torch.Generator().manual_seed(1))
    b = g.sample(4, generator=torch.Generator().manual_seed(1))
    assert torch.equal(a, b) and not a.requires_grad


def test_losses_equal_bce(gen):
    real = 5 * torch.randn(7, dtype=torch.float64, generator=gen)
    fake = 5 * torch.randn(9, dtype=torch.float64, generator=gen)
    expected_d = F.binary_cross_entropy_with_logits(real, torch.ones_like(real)) + \
        F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))
    torch.testing.assert_close(discriminator_loss(real, fake), expected_d)
    torch.testing.assert_close(generator_loss(fake), F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake)))
    torch.testing.assert_close(generator_loss(fake, non_saturating=False),
                               -F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


def test_minimax_loss_saturates_where_non_saturating_does_not():
    """When D rejects fakes confidently (logit -10), the minimax gradient vanishes; the other stays near -1."""
    logits = torch.full((4,), -10.0, dtype=torch.float64, requires_grad=True)
    (g_minimax,) = torch.autograd.grad(generator_loss(logits, non_saturating=False), logits)
    (g_ns,) = torch.autograd.grad(generator_loss(logits), logits)
    assert g_minimax.abs().max() < 1e-4 / 4
    torch.testing.assert_close(g_ns, torch.full((4,), (torch.sigmoid(torch.tensor(-10.0)).item() - 1) / 4,
                                                dtype=torch.float64))


def test_training_moves_generator_to_the_data():
    """300 alternating steps on a 1-D Gaussian at 3: the generator's mean, from about 0, ends near 3."""
    torch.manual_seed(0)
    g, d = Generator(2, [16], 1), Discriminator(1, [16])
    opt_g = torch.optim.Adam(g.parameters(), 2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-3, betas=(0.5, 0.999))
    means = []
    for _ in range(300):
        real = 3 + 0.5 * torch.randn(128, 1)
        fake = g(torch.randn(128, 2))
        opt_d.zero_grad()
        discriminator_loss(d(real), d(fake.detach())).backward()
        opt_d.step()
        opt_g.zero_grad()
        generator_loss(d(fake)).backward()
        opt_g.step()
        means.append(fake.mean().item())
    late = sum(means[-50:]) / 50  # GANs oscillate: average the last steps
    assert abs(means[0]) < 1 and abs(late - 3) < 0.5, f"generator mean went from {means[0]:.2f} to {late:.2f}, not to 3"
