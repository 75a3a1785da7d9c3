"""Gaussian-process regression with the RBF kernel: the kernel, the log marginal likelihood, the fit.

The RBF (squared-exponential) kernel, with one lengthscale :math:`\\ell_j` per dimension,

.. math::
    k(x, x') = \\sigma^2 \\exp\\Big(-\\tfrac12 \\sum_j (x_j - x'_j)^2 / \\ell_j^2\\Big),

is the one the lesson teaches (a single :math:`\\ell` is the same with all :math:`\\ell_j` equal). With
:math:`K = k(X, X) + \\sigma_n^2 I = L L^\\top` and :math:`\\alpha = K^{-1} y`, the posterior of the latent
function at test points :math:`X_*` is

.. math::
    \\mu_* = k(X_*, X)\\, \\alpha, \\qquad
    \\sigma_*^2 = k(x_*, x_*) - \\lVert L^{-1} k(X, x_*) \\rVert^2 ,

and the log marginal likelihood of the observations (Rasmussen and Williams 2006, eq. 2.30) is

.. math::
    \\log p(y \\mid X) = -\\tfrac12 y^\\top \\alpha - \\sum_i \\log L_{ii} - \\tfrac n2 \\log 2\\pi .

``GaussianProcess.fit(X, y, optimize=True)`` maximises that same likelihood over the hyperparameters.

Shapes: N training inputs X (N, D) of D features, targets y (N,), M test inputs X_* (M, D); a batch of G
kernels (G, N, M).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

# Bounds of the hyperparameters, for inputs in the unit cube and standardised targets (what the searches pass):
LENGTHSCALE_BOUNDS = (1e-2, 1e1)   # 1/100 of an axis (shorter: no two trials correlate) to 10 axes (a flat,
#                                    irrelevant dimension: longer changes nothing inside the unit cube)
SIGNAL_VAR_BOUNDS = (1e-2, 1e2)    # standardised targets have variance 1: two orders of magnitude either way
NOISE_VAR_BOUNDS = (1e-6, 1.0)     # 1e-6 keeps K positive definite in float64 when two inputs coincide;
#                                    1.0: noise as large as the standardised signal, beyond that y is noise
FIT_LENGTHSCALES = 25              # lengthscales tried per dimension, evenly spaced in log between the bounds
FIT_NOISE_RATIOS = (1e-6, 1e-4, 1e-3, 1e-2, 1e-1)   # noise-to-signal ratios sigma_n^2 / sigma^2 tried
MIN_PROFILE_VAR = 1e-12            # y = 0 makes y^T (R + rI)^{-1} y, so sigma^2, zero: floor it before its log


def rbf_kernel(a: Tensor, b: Tensor, lengthscale: float | Tensor = 1.0, signal_var: float | Tensor = 1.0) -> Tensor:
    """:math:`k(x, x') = \\sigma^2 \\exp(-\\tfrac12 \\sum_j (x_j - x'_j)^2 / \\ell_j^2)`: (N, D), (M, D) -> (N, M).

    ``lengthscale`` is one number, one per dimension (D,), or G sets of them (G, 1, D), which gives G kernel
    matrices at once, (G, N, M) (``signal_var`` then a number or (G, 1, 1)).

    >>> rbf_kernel(torch.tensor([[0.0], [1.0]]), torch.tensor([[0.0]]), lengthscale=1.0, signal_var=2.0)
    tensor([[2.0000],
            [1.2131]])
    """
    a, b = a / lengthscale, b / lengthscale                                         # (N, D), (M, D) or (G, ., D)
    sq = (a * a).sum(-1, keepdim=True) - 2 * a @ b.mT + (b * b).sum(-1).unsqueeze(-2)   # (N, M) squared distances
    return signal_var * torch.exp(-0.5 * sq.clamp(min=0))   # the expansion can round a zero distance below 0


def log_marginal_likelihood(L: Tensor, y: Tensor, alpha: Tensor | None = None) -> Tensor:
    """:math:`\\log p(y \\mid X) = -\\tfrac12 y^\\top K^{-1} y - \\sum_i \\log L_{ii} - \\tfrac n2 \\log 2\\pi`,
    from the Cholesky factor ``L`` (..., N, N) of :math:`K = k(X, X) + \\sigma_n^2 I` and ``y`` (N,): shape (...).
    ``alpha`` (..., N) is :math:`K^{-1} y` if the caller has it already (it is solved for otherwise).

    >>> log_marginal_likelihood(torch.eye(1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64))  # N(0; 0, 1)
    tensor(-0.9189, dtype=torch.float64)
    """
    n = y.shape[-1]
    if alpha is None:
        alpha = torch.cholesky_solve(y.expand(*L.shape[:-1]).unsqueeze(-1), L).squeeze(-1)   # (..., N) = K^{-1} y
    return -0.5 * (y * alpha).sum(-1) - L.diagonal(dim1=-2, dim2=-1).log().sum(-1) - 0.5 * n * math.log(2 * math.pi)


class GaussianProcess:
    """Gaussian-process regression with :func:`rbf_kernel` and Gaussian observation noise, zero prior mean.

    ``fit(X, y)`` conditions on the observations with fixed hyperparameters; ``fit(X, y, optimize=True)``
    first maximises :func:`log_marginal_likelihood` over them (one lengthscale per dimension, within
    ``LENGTHSCALE_BOUNDS``, ``SIGNAL_VAR_BOUNDS``, ``NOISE_VAR_BOUNDS``). Computation is in float64 on X's device.

    The prior mean is 0 and ``y`` is used as given: standardise it first (``bayesian_optimization``
    does). With only a handful of points the likelihood cannot pin the lengthscale down and the fit
    tends to its lower bound; fix the hyperparameters instead (``fit(X, y)``) until there are more.
    """

    BOUNDS = {"lengthscale": LENGTHSCALE_BOUNDS, "signal_var": SIGNAL_VAR_BOUNDS, "noise_var": NOISE_VAR_BOUNDS}

    def __init__(self, lengthscale: float | Tensor = 0.3, signal_var: float = 1.0, noise_var: float = 1e-6):
        self.lengthscale = torch.as_tensor(lengthscale, dtype=torch.float64)
        self.signal_var = torch.as_tensor(signal_var, dtype=torch.float64)
        self.noise_var = torch.as_tensor(noise_var, dtype=torch.float64)
        self.X: Tensor | None = None

    def kernel(self, a: Tensor, b: Tensor) -> Tensor:
        """:func:`rbf_kernel` with this process's lengthscale and signal variance, on a's device."""
        return rbf_kernel(a, b, self.lengthscale.to(a.device), self.signal_var.to(a.device))

    def fit(self, X: Tensor, y: Tensor, optimize: bool = False, sweeps: int = 2) -> GaussianProcess:
        """Condition on observations ``X`` (N, D) and ``y`` (N,); optionally fit the hyperparameters first."""
        X, y = torch.as_tensor(X, dtype=torch.float64), torch.as_tensor(y, dtype=torch.float64).to(X.device)
        if X.dim() != 2 or y.shape != (len(X),) or len(X) == 0:
            raise ValueError(f"fit needs X of shape (N, D) and y of shape (N,), got {tuple(X.shape)}, {tuple(y.shape)}")
        if optimize:
            self._optimize(X, y, sweeps)
        self.X, self.y = X, y
        eye = torch.eye(len(X), dtype=X.dtype, device=X.device)
        self._L = torch.linalg.cholesky(self.kernel(X, X) + self.noise_var.to(X.device) * eye)   # (N, N)
        self._alpha = torch.cholesky_solve(y.unsqueeze(1), self._L).squeeze(1)                 # (N,) = K^{-1} y
        return self

    def _optimize(self, X: Tensor, y: Tensor, sweeps: int) -> None:
        """Maximise the log marginal likelihood over the hyperparameters, on a grid.

        With :math:`K = \\sigma^2 (R + r I)`, where :math:`R` is the kernel with unit variance and :math:`r`
        the noise-to-signal ratio, the best :math:`\\sigma^2` for given :math:`(\\ell, r)` is
        :math:`y^\\top (R + rI)^{-1} y / n`. So only :math:`\\ell` and :math:`r` need searching: first one
        lengthscale shared by all dimensions, then ``sweeps`` passes that refine each dimension's own.
        """
        lo, hi = LENGTHSCALE_BOUNDS
        ells = torch.logspace(math.log10(lo), math.log10(hi), FIT_LENGTHSCALES, dtype=torch.float64,
                              device=X.device)                                              # (G,)
        ratios = torch.tensor(FIT_NOISE_RATIOS, dtype=torch.float64, device=X.device)      # (Q,)
        d = X.shape[1]
        best = profile_grid(X, y, ells.unsqueeze(1).expand(-1, d), ratios)[:3]             # shared lengthscale
        for _ in range(sweeps):
            for j in range(d):
                cands = best[0].expand(len(ells), d).clone()                               # (G, D)
                cands[:, j] = ells
                best = profile_grid(X, y, cands, ratios)[:3]
        ell, ratio, s2 = best
        self.lengthscale = ell.cpu()
        self.signal_var = s2.clamp(*SIGNAL_VAR_BOUNDS).cpu()
        self.noise_var = (ratio * self.signal_var).clamp(*NOISE_VAR_BOUNDS).cpu()

    def log_marginal_likelihood(self) -> float:
        """:math:`\\log p(y \\mid X)` of the fitted observations under the current hyperparameters."""
        self._need_fit()
        return log_marginal_likelihood(self._L, self.y, self._alpha).item()

    def predict(self, Xs: Tensor) -> tuple[Tensor, Tensor]:
        """Posterior mean and standard deviation of the latent function at ``Xs`` (M, D): two (M,) tensors."""
        self._need_fit()
        Xs = torch.as_tensor(Xs, dtype=torch.float64).to(self.X.device)
        Ks = self.kernel(self.X, Xs)                                  # (N, M)
        mean = Ks.T @ self._alpha                                     # (M,)
        v = torch.linalg.solve_triangular(self._L, Ks, upper=False)   # (N, M) = L^{-1} K_s
        var = self.signal_var.to(Xs.device) - (v * v).sum(0)          # (M,)  k(x*, x*) = sigma^2 for RBF
        return mean, var.clamp(min=0).sqrt()                          # rounding leaves -1e-17 at an observation

    def _need_fit(self) -> None:
        if self.X is None:
            raise RuntimeError("call fit(X, y) before predict")


def profile_grid(X: Tensor, y: Tensor, ells: Tensor, ratios: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """The hyperparameters of highest likelihood over lengthscales ``ells`` (G, D) x noise ratios ``ratios`` (Q,).

    For each pair, :math:`\\sigma^2 = y^\\top (R + rI)^{-1} y / n` and the likelihood is
    :func:`log_marginal_likelihood` of :math:`K = \\sigma^2 (R + rI)`, whose Cholesky factor is
    :math:`\\sigma` times that of :math:`R + rI`, with the lesson's :func:`rbf_kernel` as :math:`R`. All G x Q
    factorisations run in one batch; one that fails (not positive definite) scores :math:`-\\infty`. Returns the
    best lengthscale (D,), ratio and :math:`\\sigma^2` (0-d), and the table of likelihoods (G, Q).
    """
    n = len(X)
    R = rbf_kernel(X, X, ells.unsqueeze(1))                                     # (G, N, N), unit signal variance
    eye = torch.eye(n, dtype=X.dtype, device=X.device)
    A = R.unsqueeze(1) + ratios.view(1, -1, 1, 1) * eye                         # (G, Q, N, N) = R + r I
    L, info = torch.linalg.cholesky_ex(A)                                       # (G, Q, N, N)
    a = torch.cholesky_solve(y.expand(*A.shape[:-1]).unsqueeze(-1), L).squeeze(-1)   # (G, Q, N) = (R + rI)^{-1} y
    s2 = (y * a).sum(-1).clamp(min=MIN_PROFILE_VAR) / n                         # (G, Q) closed-form sigma^2
    # K = sigma^2 (R + rI): its Cholesky factor is sigma L, and K^{-1} y = a / sigma^2
    lml = log_marginal_likelihood(s2.sqrt()[..., None, None] * L, y, a / s2.unsqueeze(-1))   # (G, Q)
    lml = torch.where(info == 0, lml, torch.full_like(lml, -math.inf))          # failed factorisations lose
    g, q = divmod(int(torch.argmax(lml)), len(ratios))
    return ells[g], ratios[q], s2[g, q], lml
