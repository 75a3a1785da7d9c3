"""GAN builders, losses and training step: shapes, losses equal to PyTorch's binary cross-entropy, and a
step equal to one written with PyTorch's BCE and ``torch.autograd.grad`` (values and parameters)."""

import copy

import pytest
import torch
import torch.nn.functional as F

from dlcourse.nn.activations import sigmoid
from dlcourse.nn.gan import Discriminator, Generator, discriminator_loss, generator_loss, train, train_step


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


def _explicit_step(G, D, real, z, lr_g, lr_d, decay, non_saturating):
    """The step written with PyTorch's BCE and autograd.grad, updating parameters by hand (plain SGD)."""
    fake = G(z).detach()
    d_params = list(D.parameters())
    real_logits, fake_logits = D(real), D(fake)
    d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    with torch.no_grad():
        for p, grad in zip(d_params, torch.autograd.grad(d_loss, d_params)):
            p -= lr_d * (grad + decay * p)
    g_params = list(G.parameters())
    logits = D(G(z))
    if non_saturating:
        g_loss = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    else:
        g_loss = -F.binary_cross_entropy_with_logits(logits, torch.zeros_like(logits))
    with torch.no_grad():
        for p, grad in zip(g_params, torch.autograd.grad(g_loss, g_params)):
            p -= lr_g * (grad + decay * p)
    return d_loss.item(), g_loss.item()


@pytest.mark.parametrize("non_saturating", [True, False])
@pytest.mark.parametrize("decay", [0.0, 0.1])
def test_train_step_equals_explicit_step(non_saturating, decay):
    """Three steps from parameters that hold stale gradients: same losses and same parameters after each."""
    torch.manual_seed(3)
    G, D = Generator(3, [6, 5], 2, activation=torch.tanh).double(), Discriminator(2, [5], activation=torch.tanh).double()
    G_ref, D_ref = copy.deepcopy(G), copy.deepcopy(D)
    for p in list(G.parameters()) + list(D.parameters()):
        p.grad = torch.full_like(p, 0.5)  # what an earlier step could have left
    opt_G = torch.optim.SGD(G.parameters(), lr=0.1, weight_decay=decay)
    opt_D = torch.optim.SGD(D.parameters(), lr=0.3, weight_decay=decay)
    for _ in range(3):
        real, z = torch.randn(7, 2, dtype=torch.float64), torch.randn(7, 3, dtype=torch.float64)
        got = train_step(G, D, opt_G, opt_D, real, z, non_saturating=non_saturating)
        want = _explicit_step(G_ref, D_ref, real, z, 0.1, 0.3, decay, non_saturating)
        assert all(type(v) is float for v in got)
        torch.testing.assert_close(torch.tensor(got), torch.tensor(want), rtol=1e-10, atol=1e-12)
        for a, b in zip(list(G.parameters()) + list(D.parameters()), list(G_ref.parameters()) + list(D_ref.parameters())):
            torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_train_step_rejects_mismatched_batches():
    G, D = Generator(3, [4], 2), Discriminator(2, [4])
    opts = [torch.optim.SGD(m.parameters(), lr=0.1) for m in (G, D)]
    with pytest.raises(ValueError, match="same B"):
        train_step(G, D, *opts, torch.randn(5, 2), torch.randn(4, 3))


def test_train_records_losses_and_snapshots():
    torch.manual_seed(0)
    G, D = Generator(2, [8], 1), Discriminator(1, [8])
    z_fixed = torch.randn(10, 2)
    history = train(G, D, lambda n: torch.randn(n, 1), steps=6, batch_size=4, lr_g=1e-3, lr_d=1e-3,
                    z_fixed=z_fixed, snapshot_at=[0, 3, 6])
    assert len(history["d_loss"]) == len(history["g_loss"]) == 6
    assert sorted(history["snapshots"]) == [0, 3, 6] and history["snapshots"][6].shape == (10, 1)
    assert not torch.equal(history["snapshots"][0], history["snapshots"][6])
    with pytest.raises(ValueError, match="batch_size"):
        train(G, D, lambda n: torch.randn(n, 1), steps=1, batch_size=0, lr_g=1e-3, lr_d=1e-3, z_fixed=z_fixed)


def test_training_moves_generator_to_the_data():
    """300 steps of ``train`` on a 1-D Gaussian at 3: the generator's mean, from about 0, ends near 3."""
    torch.manual_seed(0)
    g, d = Generator(2, [16], 1), Discriminator(1, [16])
    z_fixed = torch.randn(512, 2)
    history = train(g, d, lambda n: 3 + 0.5 * torch.randn(n, 1), steps=300, batch_size=128, lr_g=2e-3, lr_d=2e-3,
                    z_fixed=z_fixed, snapshot_at=[0] + list(range(250, 301, 10)))
    start = history["snapshots"].pop(0).mean().item()
    late = sum(s.mean().item() for s in history["snapshots"].values()) / len(history["snapshots"])  # GANs oscillate
    assert abs(start) < 1 and abs(late - 3) < 0.5, f"generator mean went from {start:.2f} to {late:.2f}, not to 3"
