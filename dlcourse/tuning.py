"""Hyperparameter search: grid search, random search and Bayesian optimisation, with one result type.

A search space maps names to dimensions, and an objective maps a point of it to a number to
*minimise* (a validation error, say)::

    space = {"lr": Real(1e-4, 1e-1, log=True), "width": Integer(8, 128), "act": Choice(["relu", "tanh"])}
    result = bayesian_optimization(lambda p: val_error(**p), space, n_trials=30, seed=0)
    result.best.params, result.best.value, result.best_so_far()

Every dimension maps the unit interval onto its values (``from_unit``) and back (``to_unit``), so the
three searches work in the unit cube :math:`[0, 1]^d` and the Gaussian process of Bayesian optimisation
sees every dimension on the same scale (a log-uniform ``Real`` is uniform in :math:`\\log x`).

Bayesian optimisation fits a Gaussian process (:class:`GaussianProcess`, RBF kernel) to the trials so far
and evaluates next the candidate with the largest :func:`expected_improvement`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor


# ---------------------------------------------------------------------------------------------- space
def _clip01(u: float) -> float:
    return min(max(u, 0.0), 1.0)


def _cell(u: float, n: int) -> int:
    """Index of the cell of [0, 1], cut into ``n`` equal cells, that holds ``u`` (the last cell holds 1)."""
    return min(int(_clip01(u) * n), n - 1)


@dataclass(frozen=True)
class Real:
    """A real number in ``[low, high]``, uniform or (``log=True``) log-uniform."""

    low: float
    high: float
    log: bool = False

    def __post_init__(self):
        if not self.low < self.high:
            raise ValueError(f"Real needs low < high, got {self.low}, {self.high}")
        if self.log and self.low <= 0:
            raise ValueError(f"a log-scaled Real needs low > 0, got {self.low}")

    def _ends(self) -> tuple[float, float]:
        return (math.log(self.low), math.log(self.high)) if self.log else (self.low, self.high)

    def from_unit(self, u: float) -> float:
        a, b = self._ends()
        v = a + _clip01(u) * (b - a)
        return min(max(math.exp(v) if self.log else v, self.low), self.high)

    def to_unit(self, value: float) -> float:
        a, b = self._ends()
        return ((math.log(value) if self.log else value) - a) / (b - a)

    def grid(self, k: int) -> list[float]:
        """``k`` evenly spaced values (in log space if ``log``), both ends included when ``k > 1``."""
        return [self.from_unit(0.5)] if k == 1 else [self.from_unit(i / (k - 1)) for i in range(k)]


@dataclass(frozen=True)
class Integer:
    """An integer in ``[low, high]`` (both included), uniform."""

    low: int
    high: int

    def __post_init__(self):
        if not self.low <= self.high:
            raise ValueError(f"Integer needs low <= high, got {self.low}, {self.high}")

    def from_unit(self, u: float) -> int:
        return self.low + _cell(u, self.high - self.low + 1)

    def to_unit(self, value: int) -> float:
        return (value - self.low + 0.5) / (self.high - self.low + 1)    # the centre of its cell

    def grid(self, k: int) -> list[int]:
        n = self.high - self.low + 1
        return list(range(self.low, self.high + 1)) if k >= n else \
            sorted({round(self.low + i * (n - 1) / max(k - 1, 1)) for i in range(k)})


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of options (any values), each equally likely."""

    options: Sequence[Any]

    def __post_init__(self):
        if len(self.options) == 0:
            raise ValueError("Choice needs at least one option")

    def from_unit(self, u: float) -> Any:
        return self.options[_cell(u, len(self.options))]

    def to_unit(self, value: Any) -> float:
        return (list(self.options).index(value) + 0.5) / len(self.options)

    def grid(self, k: int) -> list[Any]:
        n = len(self.options)
        return list(self.options) if k >= n else [self.from_unit((i + 0.5) / k) for i in range(k)]


Dimension = Real | Integer | Choice
Space = Mapping[str, Dimension]
Objective = Callable[[dict], float]


def _check_space(space: Space) -> None:
    if not space:
        raise ValueError("the search space is empty")
    for name, dim in space.items():
        if not isinstance(dim, (Real, Integer, Choice)):
            raise TypeError(f"dimension {name!r} must be Real, Integer or Choice, got {type(dim).__name__}")


def _check_budget(n_trials: int) -> None:
    if n_trials < 1:
        raise ValueError(f"n_trials must be >= 1, got {n_trials}")


def from_unit(space: Space, u: Tensor | Sequence[float]) -> dict:
    """The point of ``space`` at unit-cube coordinates ``u`` (one per dimension, in the space's order)."""
    return {name: dim.from_unit(float(x)) for (name, dim), x in zip(space.items(), u, strict=True)}


def to_unit(space: Space, params: Mapping) -> Tensor:
    """Unit-cube coordinates of a point, shape (d,), float64."""
    return torch.tensor([dim.to_unit(params[name]) for name, dim in space.items()], dtype=torch.float64)


# --------------------------------------------------------------------------------------------- result
@dataclass(frozen=True)
class Trial:
    """One evaluation: the hyperparameters and the objective's value (``inf`` if it was not finite)."""

    params: dict
    value: float


@dataclass
class SearchResult:
    """The trials of one search, in the order they ran."""

    method: str
    trials: list[Trial] = field(default_factory=list)

    @property
    def best(self) -> Trial:
        """The trial with the lowest value (the first one, on ties)."""
        if not self.trials:
            raise ValueError("no trials yet")
        return min(self.trials, key=lambda t: t.value)

    def best_so_far(self, n: int | None = None) -> list[float]:
        """Running minimum of the values; padded with its last value to length ``n`` if given
        (a grid that used fewer trials than the budget keeps its best)."""
        out = list(itertools.accumulate((t.value for t in self.trials), min))
        if n is not None:
            out = (out + [out[-1]] * n)[:n] if out else []
        return out

    def __repr__(self) -> str:
        if not self.trials:
            return f"SearchResult({self.method!r}, no trials)"
        best = self.best
        return f"SearchResult({self.method!r}, {len(self.trials)} trials, best {best.value:.4g} at {best.params})"


def _run(objective: Objective, params: dict) -> Trial:
    value = float(objective(dict(params)))
    return Trial(dict(params), value if math.isfinite(value) else math.inf)


# ----------------------------------------------------------------------------------------- searches
def grid_search(objective: Objective, space: Space, n_trials: int) -> SearchResult:
    """Evaluate every point of a grid with :math:`k = \\lfloor n^{1/d} \\rfloor` values per dimension.

    The grid has at most ``n_trials`` points (fewer when :math:`n` is not a perfect power, or when a
    discrete dimension has fewer than ``k`` values); they run in ``itertools.product`` order.
    """
    _check_space(space)
    _check_budget(n_trials)
    d = len(space)
    k = max(1, math.floor(n_trials ** (1 / d) + 1e-9))
    axes = [dim.grid(k) for dim in space.values()]
    result = SearchResult("grid")
    for values in itertools.product(*axes):
        result.trials.append(_run(objective, dict(zip(space, values, strict=True))))
    return result


def random_search(objective: Objective, space: Space, n_trials: int, seed: int = 0) -> SearchResult:
    """Evaluate ``n_trials`` points drawn uniformly from the unit cube (log-uniformly for log ``Real``)."""
    _check_space(space)
    _check_budget(n_trials)
    gen = torch.Generator().manual_seed(seed)
    result = SearchResult("random")
    for _ in range(n_trials):
        u = torch.rand(len(space), generator=gen, dtype=torch.float64)   # (d,)
        result.trials.append(_run(objective, from_unit(space, u)))
    return result


# ------------------------------------------------------------------------------- Gaussian process
def rbf_kernel(a: Tensor, b: Tensor, lengthscale: float | Tensor = 1.0, signal_var: float | Tensor = 1.0) -> Tensor:
    """:math:`k(x, x') = \\sigma^2 \\exp(-\\tfrac12 \\sum_j (x_j - x'_j)^2 / \\ell_j^2)`: (n, d), (m, d) -> (n, m).

    ``lengthscale`` is one number or one per dimension, shape (d,).
    """
    a, b = a / lengthscale, b / lengthscale                                        # (n, d), (m, d)
    sq = (a * a).sum(1, keepdim=True) - 2 * a @ b.T + (b * b).sum(1)               # (n, m) squared distances
    return signal_var * torch.exp(-0.5 * sq.clamp(min=0))


class GaussianProcess:
    """Gaussian-process regression with an RBF kernel and Gaussian observation noise, zero prior mean.

    With :math:`K = k(X, X) + \\sigma_n^2 I = L L^\\top` and :math:`\\alpha = K^{-1} y`, the posterior at
    test points :math:`X_*` is

    .. math::
        \\mu_* = k(X_*, X)\\, \\alpha, \\qquad
        \\sigma_*^2 = k(x_*, x_*) - \\lVert L^{-1} k(X, x_*) \\rVert^2 .

    ``fit(X, y)`` with fixed hyperparameters; ``fit(X, y, optimize=True)`` first maximises the log
    marginal likelihood :math:`-\\tfrac12 y^\\top \\alpha - \\sum_i \\log L_{ii} - \\tfrac n2 \\log 2\\pi`
    over the hyperparameters within ``BOUNDS`` (one lengthscale per dimension). Computation is in
    float64 on X's device.

    The prior mean is 0 and ``y`` is used as given: standardise it first (``bayesian_optimization``
    does). With only a handful of points the likelihood cannot pin the lengthscale down and the fit
    tends to its lower bound; fix the hyperparameters instead (``fit(X, y)``) until there are more.
    """

    BOUNDS = {"lengthscale": (1e-2, 1e1), "signal_var": (1e-2, 1e2), "noise_var": (1e-6, 1.0)}

    def __init__(self, lengthscale: float | Tensor = 0.3, signal_var: float = 1.0, noise_var: float = 1e-6):
        self.lengthscale = torch.as_tensor(lengthscale, dtype=torch.float64)
        self.signal_var = torch.as_tensor(signal_var, dtype=torch.float64)
        self.noise_var = torch.as_tensor(noise_var, dtype=torch.float64)
        self.X: Tensor | None = None

    def _factor(self, X: Tensor, y: Tensor, ell: Tensor, s2: Tensor, n2: Tensor) -> tuple[Tensor, Tensor]:
        K = rbf_kernel(X, X, ell, s2) + n2 * torch.eye(len(X), dtype=X.dtype, device=X.device)   # (n, n)
        L = torch.linalg.cholesky(K)                                                            # (n, n)
        alpha = torch.cholesky_solve(y.unsqueeze(1), L).squeeze(1)                              # (n,)
        return L, alpha

    def fit(self, X: Tensor, y: Tensor, optimize: bool = False, sweeps: int = 2) -> GaussianProcess:
        """Condition on observations ``X`` (n, d) and ``y`` (n,); optionally fit the hyperparameters first."""
        X, y = torch.as_tensor(X, dtype=torch.float64), torch.as_tensor(y, dtype=torch.float64).to(X.device)
        if X.dim() != 2 or y.shape != (len(X),) or len(X) == 0:
            raise ValueError(f"fit needs X of shape (n, d) and y of shape (n,), got {tuple(X.shape)}, {tuple(y.shape)}")
        if optimize:
            self._optimize(X, y, sweeps)
        self.X, self.y = X, y
        self._L, self._alpha = self._factor(X, y, self.lengthscale.to(X.device), self.signal_var.to(X.device),
                                            self.noise_var.to(X.device))
        return self

    def _optimize(self, X: Tensor, y: Tensor, sweeps: int) -> None:
        """Maximise the log marginal likelihood over the hyperparameters, on a grid.

        With :math:`K = \\sigma^2 (R + r I)`, where :math:`R` is the unit-variance kernel and :math:`r` the
        noise-to-signal ratio, the best :math:`\\sigma^2` for given :math:`(\\ell, r)` is
        :math:`y^\\top (R + rI)^{-1} y / n`. So only :math:`\\ell` and :math:`r` need searching: first one
        lengthscale shared by all dimensions, then ``sweeps`` passes that refine each dimension's own.
        All grid points are evaluated in one batched Cholesky factorisation.
        """
        lo, hi = self.BOUNDS["lengthscale"]
        ells = torch.logspace(math.log10(lo), math.log10(hi), 25, dtype=torch.float64, device=X.device)   # (G,)
        ratios = torch.tensor([1e-6, 1e-4, 1e-3, 1e-2, 1e-1], dtype=torch.float64, device=X.device)      # (Q,)
        d = X.shape[1]
        best = self._grid(X, y, ells.unsqueeze(1).expand(-1, d), ratios)          # shared lengthscale
        for _ in range(sweeps):
            for j in range(d):
                cands = best[0].expand(len(ells), d).clone()                      # (G, d)
                cands[:, j] = ells
                best = self._grid(X, y, cands, ratios)
        ell, ratio, s2 = best
        s_lo, s_hi = self.BOUNDS["signal_var"]
        n_lo, n_hi = self.BOUNDS["noise_var"]
        self.lengthscale = ell.cpu()
        self.signal_var = s2.clamp(s_lo, s_hi).cpu()
        self.noise_var = (ratio * self.signal_var).clamp(n_lo, n_hi).cpu()

    @staticmethod
    def _grid(X: Tensor, y: Tensor, ells: Tensor, ratios: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """(lengthscale (d,), ratio, signal variance) of highest profile likelihood, over ells (G, d) x ratios (Q,)."""
        n = len(X)
        diff = X.unsqueeze(0) / ells.unsqueeze(1)                                 # (G, n, d)
        sq = torch.cdist(diff, diff).pow(2)                                       # (G, n, n)
        R = torch.exp(-0.5 * sq).unsqueeze(1)                                     # (G, 1, n, n)
        eye = torch.eye(n, dtype=X.dtype, device=X.device)
        K = R + ratios.view(1, -1, 1, 1) * eye                                    # (G, Q, n, n)
        L, info = torch.linalg.cholesky_ex(K)
        a = torch.cholesky_solve(y.view(1, 1, n, 1).expand(*K.shape[:2], n, 1), L).squeeze(-1)   # (G, Q, n)
        s2 = (y * a).sum(-1).clamp(min=1e-12) / n                                 # (G, Q) closed-form sigma^2
        logdet = 2 * L.diagonal(dim1=-2, dim2=-1).log().sum(-1)                   # (G, Q) log|R + rI|
        lml = -0.5 * n - 0.5 * logdet - 0.5 * n * s2.log() - 0.5 * n * math.log(2 * math.pi)
        lml = torch.where(info == 0, lml, torch.full_like(lml, -math.inf))        # failed factorisations lose
        g, q = divmod(int(torch.argmax(lml)), len(ratios))
        return ells[g], ratios[q], s2[g, q]

    def log_marginal_likelihood(self) -> float:
        """:math:`\\log p(y \\mid X)` of the fitted observations under the current hyperparameters."""
        self._need_fit()
        return (-0.5 * self.y @ self._alpha - self._L.diagonal().log().sum()
                - 0.5 * len(self.X) * math.log(2 * math.pi)).item()

    def predict(self, Xs: Tensor) -> tuple[Tensor, Tensor]:
        """Posterior mean and standard deviation of the latent function at ``Xs`` (m, d): two (m,) tensors."""
        self._need_fit()
        Xs = torch.as_tensor(Xs, dtype=torch.float64).to(self.X.device)
        ell, s2 = self.lengthscale.to(Xs.device), self.signal_var.to(Xs.device)
        Ks = rbf_kernel(self.X, Xs, ell, s2)                        # (n, m)
        mean = Ks.T @ self._alpha                                   # (m,)
        v = torch.linalg.solve_triangular(self._L, Ks, upper=False)  # (n, m) = L^{-1} K_s
        var = s2 - (v * v).sum(0)                                   # (m,)  k(x*, x*) = sigma^2 for RBF
        return mean, var.clamp(min=0).sqrt()

    def _need_fit(self) -> None:
        if self.X is None:
            raise RuntimeError("call fit(X, y) before predict")


def expected_improvement(mean: Tensor, std: Tensor, best: float, xi: float = 0.0) -> Tensor:
    """Expected improvement below ``best`` (minimisation) of a Gaussian :math:`N(\\mu, \\sigma^2)`:

    .. math::
        \\mathrm{EI} = (f^* - \\mu - \\xi)\\, \\Phi(z) + \\sigma\\, \\varphi(z),
        \\qquad z = (f^* - \\mu - \\xi) / \\sigma,

    and :math:`\\max(f^* - \\mu - \\xi, 0)` where :math:`\\sigma = 0`. ``xi`` > 0 favours exploration.

    >>> expected_improvement(torch.tensor([0.0]), torch.tensor([0.0]), best=1.0)
    tensor([1.])
    """
    mean, std = torch.as_tensor(mean), torch.as_tensor(std)
    imp = best - mean - xi
    safe = torch.where(std > 0, std, torch.ones_like(std))
    z = imp / safe
    pdf = torch.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    ei = imp * torch.special.ndtr(z) + safe * pdf
    return torch.where(std > 0, ei, imp.clamp(min=0))


def bayesian_optimization(objective: Objective, space: Space, n_trials: int, seed: int = 0, n_initial: int = 5,
                          n_candidates: int = 2000, xi: float = 0.01) -> SearchResult:
    """Bayesian optimisation: ``n_initial`` random trials (the same ones ``random_search`` with this seed
    starts with), then, each trial, fit a :class:`GaussianProcess` to the standardised values and evaluate
    the candidate of highest :func:`expected_improvement`.

    Candidates are ``n_candidates`` points: half uniform in the unit cube, half Gaussian perturbations of
    the best points so far (local refinement); discrete dimensions are snapped to their values. Trials
    whose value was not finite enter the GP with the worst finite value seen.
    """
    _check_space(space)
    _check_budget(n_trials)
    if n_initial < 1:
        raise ValueError(f"n_initial must be >= 1, got {n_initial}")
    gen = torch.Generator().manual_seed(seed)
    d = len(space)
    result = SearchResult("bayesian")
    for i in range(n_trials):
        if i < n_initial:
            u = torch.rand(d, generator=gen, dtype=torch.float64)                  # (d,)
        else:
            u = _next_point(result, space, gen, n_candidates, xi)
        result.trials.append(_run(objective, from_unit(space, u)))
    return result


def _snap(space: Space, U: Tensor) -> Tensor:
    """Move each row of U (m, d) to the unit coordinates of the point it stands for (discrete dimensions)."""
    cols = []
    for j, dim in enumerate(space.values()):
        col = U[:, j].clamp(0, 1)
        if not isinstance(dim, Real):
            col = torch.tensor([dim.to_unit(dim.from_unit(float(x))) for x in col], dtype=torch.float64)
        cols.append(col)
    return torch.stack(cols, dim=1)                                                # (m, d)


def _next_point(result: SearchResult, space: Space, gen: torch.Generator, n_candidates: int, xi: float) -> Tensor:
    X = torch.stack([to_unit(space, t.params) for t in result.trials])            # (n, d)
    y = torch.tensor([t.value for t in result.trials], dtype=torch.float64)      # (n,)
    finite = torch.isfinite(y)
    if not finite.any():       # nothing learnt yet: keep exploring at random
        return torch.rand(X.shape[1], generator=gen, dtype=torch.float64)
    y = torch.where(finite, y, y[finite].max())
    y = (y - y.mean()) / (y.std() if len(y) > 1 and y.std() > 0 else 1.0)      # standardised
    gp = GaussianProcess(lengthscale=0.3, signal_var=1.0, noise_var=1e-3).fit(X, y, optimize=True)
    n_local = n_candidates // 2
    best = X[torch.argsort(y)[:5]]                                                # (<=5, d)
    centres = best[torch.randint(len(best), (n_local,), generator=gen)]          # (n_local, d)
    local = centres + 0.05 * torch.randn(n_local, X.shape[1], generator=gen, dtype=torch.float64)
    uniform = torch.rand(n_candidates - n_local, X.shape[1], generator=gen, dtype=torch.float64)
    cand = _snap(space, torch.cat([uniform, local]))                              # (m, d)
    mean, std = gp.predict(cand)
    ei = expected_improvement(mean, std, best=y.min().item(), xi=xi)
    return cand[int(torch.argmax(ei))]
