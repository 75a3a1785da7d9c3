r"""Generative adversarial networks: builders for the two players and their losses.

Goodfellow et al., 2014. A generator :math:`G` maps noise :math:`z \sim p_z` to samples; a
discriminator :math:`D` outputs the logit of "this sample is real". They play

.. math::

    \min_G \max_D \; \mathbb{E}_{x \sim p_\text{data}}[\log \sigma(D(x))]
                    + \mathbb{E}_{z \sim p_z}[\log(1 - \sigma(D(G(z))))].

The discriminator minimises the binary cross-entropy of real (label 1) vs fake (label 0):
:math:`\mathcal{L}_D = \mathrm{softplus}(-D(x)) + \mathrm{softplus}(D(G(z)))`.

The generator's *minimax* loss :math:`\log(1 - \sigma(D(G(z)))) = -\mathrm{softplus}(D(G(z)))`
saturates early in training, when :math:`D` rejects fakes confidently (:math:`D(G(z)) \ll 0`):
its gradient :math:`-\sigma(D(G(z)))` vanishes. The *non-saturating* loss
:math:`-\log \sigma(D(G(z))) = \mathrm{softplus}(-D(G(z)))` has the same fixed point and a
gradient :math:`\sigma(D(G(z))) - 1 \approx -1` there.

Training alternates one step per player on every batch (``train_step``; ``train`` repeats it):

1. the discriminator takes a step on :math:`\mathcal{L}_D` with the fakes *detached*, so that no
   gradient reaches :math:`G`, after clearing what earlier steps left in its ``.grad``;
2. the generator takes a step on the non-saturating :math:`\mathcal{L}_G`, the *updated* discriminator
   scoring the same fakes, after clearing its own ``.grad``.

Shapes:
    B batch size, Z latent dimension, D data dimension (2 for points, 64 for 8×8 digits).
    Generator: z (B, Z) -> samples (B, D). Discriminator: x (B, D) -> logits (B,).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import torch
from torch import Tensor, nn

from dlcourse.nn.activations import relu, softplus
from dlcourse.nn.linear import MLP
from dlcourse.train import progress


class Generator(nn.Module):
    """An MLP from noise to samples; ``out_activation`` maps to the data's range (e.g. sigmoid for pixels in [0, 1])."""

    def __init__(self, latent_dim: int, hidden: Sequence[int], data_dim: int,
                 activation: Callable[[Tensor], Tensor] = relu,
                 out_activation: Callable[[Tensor], Tensor] | None = None) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.net = MLP(latent_dim, hidden, data_dim, activation=activation)
        self.out_activation = out_activation

    def forward(self, z: Tensor) -> Tensor:
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected z of shape (B, {self.latent_dim}), got {tuple(z.shape)}")
        x = self.net(z)  # (B, D)
        return x if self.out_activation is None else self.out_activation(x)

    def sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """``n`` samples from standard normal noise, on the generator's device, without gradients."""
        device = next(self.parameters()).device
        z = torch.randn(n, self.latent_dim, generator=generator, device="cpu" if generator is not None else device)
        with torch.no_grad():
            return self(z.to(device))


class Discriminator(nn.Module):
    """An MLP from samples to one logit per sample (no sigmoid: the losses take logits)."""

    def __init__(self, data_dim: int, hidden: Sequence[int], activation: Callable[[Tensor], Tensor] = relu) -> None:
        super().__init__()
        self.data_dim = data_dim
        self.net = MLP(data_dim, hidden, 1, activation=activation)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 2 or x.shape[1] != self.data_dim:
            raise ValueError(f"expected x of shape (B, {self.data_dim}), got {tuple(x.shape)}")
        return self.net(x).squeeze(1)  # (B, 1) -> (B,)


def discriminator_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    """Binary cross-entropy with real = 1 and fake = 0, each averaged over its batch, summed.

    >>> discriminator_loss(torch.zeros(3), torch.zeros(3))  # 2 log 2: D cannot tell them apart
    tensor(1.3863)
    """
    return softplus(-real_logits).mean() + softplus(fake_logits).mean()


def generator_loss(fake_logits: Tensor, non_saturating: bool = True) -> Tensor:
    """The generator's loss on ``D(G(z))``: non-saturating ``-log σ(D)`` or minimax ``log(1 - σ(D))``.

    >>> round(generator_loss(torch.tensor([0.0])).item(), 4)  # log 2
    0.6931
    """
    if non_saturating:
        return softplus(-fake_logits).mean()
    return -softplus(fake_logits).mean()


def train_step(G: nn.Module, D: nn.Module, opt_G: torch.optim.Optimizer, opt_D: torch.optim.Optimizer,
               real: Tensor, z: Tensor, non_saturating: bool = True) -> tuple[float, float]:
    r"""One step of each player on one batch: ``real`` (B, D) samples, ``z`` (B, Z) noise.

    Returns ``(d_loss, g_loss)`` as floats: :math:`\mathcal{L}_D` before the discriminator's step and
    :math:`\mathcal{L}_G` of the generator's step (non-saturating unless ``non_saturating=False``).
    """
    if real.dim() != 2 or z.dim() != 2 or len(real) != len(z):
        raise ValueError(f"expected real (B, D) and z (B, Z) with the same B, got {tuple(real.shape)} and {tuple(z.shape)}")
    batch = len(real)
    fake = G(z)  # (B, D)
    # One forward pass of D over both batches: (2B, D) -> (2B,) logits, the first B of them real.
    logits = D(torch.cat([real, fake.detach()]))
    d_loss = discriminator_loss(logits[:batch], logits[batch:])
    opt_D.zero_grad()
    d_loss.backward()
    opt_D.step()
    # The updated D scores the same fakes; this also fills D's .grad, which its next zero_grad() clears.
    g_loss = generator_loss(D(fake), non_saturating=non_saturating)
    opt_G.zero_grad()
    g_loss.backward()
    opt_G.step()
    return d_loss.item(), g_loss.item()


def train(G: nn.Module, D: nn.Module, sample_real: Callable[[int], Tensor], *, steps: int, batch_size: int,
          lr_g: float, lr_d: float, z_fixed: Tensor, snapshot_at: Collection[int] = (),
          non_saturating: bool = True) -> dict:
    r"""``steps`` calls of ``train_step`` with Adam (:math:`\beta_1 = 0.5`) for each player.

    ``sample_real(n)`` returns ``n`` real samples (n, D) on the models' device; the noise of each step is
    drawn from ``torch.randn`` there. Returns ``{"d_loss": [...], "g_loss": [...], "snapshots": {step: G(z_fixed)}}``
    with one loss per step and, for every step in ``snapshot_at`` (0 = before training), the generator's
    output on ``z_fixed`` (on the CPU). A progress bar shows the steps (off under ``TQDM_DISABLE=1``).
    """
    if steps < 0 or batch_size < 1:
        raise ValueError(f"steps must be >= 0 and batch_size >= 1, got {steps} and {batch_size}")
    opt_D = torch.optim.Adam(D.parameters(), lr=lr_d, betas=(0.5, 0.999))
    opt_G = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(0.5, 0.999))
    history: dict = {"d_loss": [], "g_loss": [], "snapshots": {}}

    def snapshot(step: int) -> None:
        if step in snapshot_at:
            with torch.no_grad():
                history["snapshots"][step] = G(z_fixed).cpu()  # (N, D)

    snapshot(0)
    for step in progress(range(1, steps + 1), desc="GAN steps"):
        real = sample_real(batch_size)  # (B, D)
        z = torch.randn(batch_size, G.latent_dim, device=real.device)  # (B, Z)
        d_loss, g_loss = train_step(G, D, opt_G, opt_D, real, z, non_saturating=non_saturating)
        history["d_loss"].append(d_loss)
        history["g_loss"].append(g_loss)
        snapshot(step)
    return history
