r"""Variational autoencoders: the Gaussian KL term, the reparameterisation trick, the ELBO and a small model.

Kingma and Welling, 2014 (*Auto-Encoding Variational Bayes*). An encoder maps a sample :math:`x \in \mathbb{R}^D`
to a diagonal Gaussian over codes, :math:`q(z \mid x) = \mathcal{N}(\mu, \operatorname{diag} s^2)`, and outputs
:math:`\mu` and :math:`\log s^2` (any real number, so no constraint to enforce). A decoder maps a code
:math:`z \in \mathbb{R}^Z` to the parameters of :math:`p(x \mid z)`: here one Bernoulli logit per pixel. Training
minimises the negative **ELBO** of each example,

.. math::

    -\mathrm{ELBO}(x) = \underbrace{-\mathbb{E}_{z \sim q(z \mid x)}[\log p(x \mid z)]}_{\text{reconstruction}}
                        + \beta\, \underbrace{\mathrm{KL}\big(q(z \mid x) \,\|\, \mathcal{N}(0, I)\big)}_{\text{KL}},

with :math:`\beta = 1` for the ELBO itself. The KL of a diagonal Gaussian from the standard normal is, in closed
form and summed over the :math:`Z` latent dimensions,

.. math::

    \mathrm{KL} = \tfrac12 \sum_{j=1}^{Z} \big(\mu_j^2 + s_j^2 - \log s_j^2 - 1\big).

The expectation is estimated with one sample drawn by the **reparameterisation trick**,
:math:`z = \mu + s \odot \varepsilon` with :math:`\varepsilon \sim \mathcal{N}(0, I)` drawn independently of the
parameters, so that :math:`z` is a differentiable function of :math:`\mu` and :math:`\log s^2`. With Bernoulli
pixels :math:`-\log p(x \mid z)` is the binary cross-entropy of the decoder's logits against the pixels in
:math:`[0, 1]`, summed over the :math:`D` pixels.

Shapes:
    B batch size, D data dimension (64 for 8×8 digits), Dh hidden size, Z latent dimension.
    mu, log_var (B, Z); z (B, Z); x and the decoder's logits (B, D); per-example KL and reconstruction (B,).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from dlcourse.nn.activations import relu, sigmoid
from dlcourse.nn.linear import MLP
from dlcourse.nn.losses import binary_cross_entropy_with_logits


def _check_pair(mu: Tensor, log_var: Tensor) -> None:
    if mu.shape != log_var.shape or mu.dim() == 0:
        raise ValueError(f"expected mu and log_var of the same shape (..., Z), got {tuple(mu.shape)} and "
                         f"{tuple(log_var.shape)}")


def gaussian_kl(mu: Tensor, log_var: Tensor) -> Tensor:
    r"""KL of :math:`\mathcal{N}(\mu, \operatorname{diag} e^{\log s^2})` from :math:`\mathcal{N}(0, I)`, per example.

    ``mu``, ``log_var``: (..., Z). Returns (...,): :math:`\tfrac12 \sum_j (\mu_j^2 + s_j^2 - \log s_j^2 - 1)`,
    summed over the last dimension; 0 exactly when :math:`\mu = 0` and :math:`s = 1`.

    >>> gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 3))
    tensor([0., 0.])
    >>> gaussian_kl(torch.tensor([[1.0, 0.0]]), torch.zeros(1, 2))  # 1/2 mu^2
    tensor([0.5000])
    """
    _check_pair(mu, log_var)
    return 0.5 * (mu**2 + log_var.exp() - log_var - 1).sum(-1)  # (..., Z) -> (...,)


def reparameterize(mu: Tensor, log_var: Tensor, generator: torch.Generator | None = None) -> Tensor:
    r"""A sample :math:`z = \mu + s \odot \varepsilon`, :math:`s = e^{\frac12 \log s^2}`, :math:`\varepsilon \sim \mathcal{N}(0, I)`.

    ``mu``, ``log_var``: (..., Z); returns z of the same shape, differentiable with respect to both.
    :math:`\varepsilon` comes from ``torch.randn`` (with ``generator`` if given, on its device, then moved to
    ``mu``'s), in ``mu``'s dtype.
    """
    _check_pair(mu, log_var)
    device = generator.device if generator is not None else mu.device
    eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=device).to(mu.device)  # (..., Z)
    return mu + (0.5 * log_var).exp() * eps


def elbo_loss(x_logits: Tensor, x: Tensor, mu: Tensor, log_var: Tensor, beta: float = 1.0) -> tuple[Tensor, Tensor, Tensor]:
    r"""The negative ELBO with Bernoulli pixels, averaged over the batch: ``(loss, reconstruction, kl)``.

    ``x_logits``: the decoder's logits (B, D); ``x``: the inputs (B, D) in [0, 1]; ``mu``, ``log_var``: (B, Z).
    ``reconstruction`` is the binary cross-entropy summed over the D pixels, ``kl`` is :func:`gaussian_kl`,
    each averaged over the B examples; ``loss = reconstruction + beta * kl`` (``beta = 1``: the negative ELBO).
    """
    if x_logits.shape != x.shape or x.dim() != 2:
        raise ValueError(f"expected x_logits and x of the same shape (B, D), got {tuple(x_logits.shape)} and "
                         f"{tuple(x.shape)}")
    if mu.dim() != 2 or len(mu) != len(x):
        raise ValueError(f"expected mu of shape (B, Z) with B = {len(x)}, got {tuple(mu.shape)}")
    reconstruction = binary_cross_entropy_with_logits(x_logits, x, reduction="none").sum(-1).mean()  # (B, D) -> ()
    kl = gaussian_kl(mu, log_var).mean()  # (B,) -> ()
    return reconstruction + beta * kl, reconstruction, kl


class VAE(nn.Module):
    """``VAE(D, Dh, Z)``: an MLP encoder D -> Dh -> 2Z (``mu``, ``log_var``) and an MLP decoder Z -> Dh -> D (logits)."""

    def __init__(self, data_dim: int, hidden_dim: int, latent_dim: int,
                 activation: Callable[[Tensor], Tensor] = relu) -> None:
        super().__init__()
        self.data_dim, self.latent_dim = data_dim, latent_dim
        self.encoder = MLP(data_dim, [hidden_dim], 2 * latent_dim, activation=activation)
        self.decoder = MLP(latent_dim, [hidden_dim], data_dim, activation=activation)

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """``(mu, log_var)``, each (B, Z), of q(z | x) for x (B, D)."""
        if x.dim() != 2 or x.shape[1] != self.data_dim:
            raise ValueError(f"expected x of shape (B, {self.data_dim}), got {tuple(x.shape)}")
        mu, log_var = self.encoder(x).chunk(2, dim=-1)  # (B, 2Z) -> two (B, Z)
        return mu, log_var

    def decode(self, z: Tensor) -> Tensor:
        """The logits (B, D) of p(x | z) for codes z (B, Z)."""
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected z of shape (B, {self.latent_dim}), got {tuple(z.shape)}")
        return self.decoder(z)  # (B, D)

    def forward(self, x: Tensor, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor, Tensor]:
        """``(x_logits, mu, log_var)``: encode, draw one z by reparameterisation, decode."""
        mu, log_var = self.encode(x)
        z = reparameterize(mu, log_var, generator=generator)  # (B, Z)
        return self.decode(z), mu, log_var

    def sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """``n`` samples: pixel probabilities sigmoid(decode(z)) (n, D) for z ~ N(0, I), without gradients."""
        device = next(self.parameters()).device
        z = torch.randn(n, self.latent_dim, generator=generator, device="cpu" if generator is not None else device)
        with torch.no_grad():
            return sigmoid(self.decode(z.to(device)))
