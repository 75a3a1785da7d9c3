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

Shapes:
    B batch size, Z latent dimension, D data dimension (2 for points, 64 for 8×8 digits).
    Generator: z (B, Z) -> samples (B, D). Discriminator: x (B, D) -> logits (B,).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

from dlcourse.nn.activations import relu, softplus
from dlcourse.nn.linear import MLP


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
