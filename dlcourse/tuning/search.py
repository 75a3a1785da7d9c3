"""Hyperparameter search: grid search, random search and Bayesian optimisation, with one result type.

An objective maps a point of a search space (:mod:`dlcourse.tuning.space`) to a number to *minimise*
(a validation error, say)::

    result = bayesian_optimization(lambda p: val_error(**p), space, n_trials=30, seed=0)
    result.best.params, result.best.value, result.best_so_far()

Random search draws every trial with :func:`~dlcourse.tuning.space.sample`; Bayesian optimisation starts
with ``n_initial`` trials drawn by that same function from the same generator, so its first trials are
random search's, then fits a :class:`~dlcourse.tuning.gp.GaussianProcess` to the trials so far and
evaluates next the candidate with the largest :func:`expected_improvement`.

Shapes: D dimensions of the space; N trials so far; M candidates; points in the unit cube (D,) or (M, D).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from dlcourse.tuning.gp import GaussianProcess
from dlcourse.tuning.space import Real, Space, check_space, from_unit, sample, sample_unit, to_unit

Objective = Callable[[dict], float]

GRID_ROUNDING = 1e-9   # n ** (1 / D) of a perfect power (64 ** (1/3) = 3.9999999999999996) must floor to 4
LOCAL_STEP = 0.05      # std of the local candidates around the best trials: 5 % of an axis of the unit cube
N_ELITE = 5            # local candidates surround the 5 best trials (the first guided step: all 5 initial ones)


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


def _check_budget(n_trials: int) -> None:
    if n_trials < 1:
        raise ValueError(f"n_trials must be >= 1, got {n_trials}")


# ------------------------------------------------------------------------------------ grid and random
def grid_search(objective: Objective, space: Space, n_trials: int) -> SearchResult:
    """Evaluate every point of a grid with :math:`k = \\lfloor n^{1/D} \\rfloor` values per dimension.

    The grid has at most ``n_trials`` points (fewer when :math:`n` is not a perfect power, or when a
    discrete dimension has fewer than ``k`` values); they run in ``itertools.product`` order.
    """
    check_space(space)
    _check_budget(n_trials)
    k = max(1, math.floor(n_trials ** (1 / len(space)) + GRID_ROUNDING))
    axes = [dim.grid(k) for dim in space.values()]
    result = SearchResult("grid")
    for values in itertools.product(*axes):
        result.trials.append(_run(objective, dict(zip(space, values, strict=True))))
    return result


def random_search(objective: Objective, space: Space, n_trials: int, seed: int = 0) -> SearchResult:
    """Evaluate ``n_trials`` points drawn by :func:`~dlcourse.tuning.space.sample` (uniform, log-uniform for a
    log ``Real``, every ``Integer`` value and ``Choice`` option equally likely)."""
    check_space(space)
    _check_budget(n_trials)
    gen = torch.Generator().manual_seed(seed)
    result = SearchResult("random")
    for _ in range(n_trials):
        result.trials.append(_run(objective, sample(space, gen)))
    return result


# ------------------------------------------------------------------------------ Bayesian optimisation
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
    safe = torch.where(std > 0, std, torch.ones_like(std))   # no 0/0 in the branch where() discards
    z = imp / safe
    pdf = torch.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    ei = imp * torch.special.ndtr(z) + safe * pdf
    return torch.where(std > 0, ei, imp.clamp(min=0))


def bayesian_optimization(objective: Objective, space: Space, n_trials: int, seed: int = 0, n_initial: int = 5,
                          n_candidates: int = 2000, xi: float = 0.01) -> SearchResult:
    """Bayesian optimisation: ``n_initial`` random trials (drawn by ``sample`` from the generator seeded
    with ``seed``: the first trials of ``random_search`` with this seed), then, each trial, fit a
    :class:`GaussianProcess` to the standardised values and evaluate the candidate of highest
    :func:`expected_improvement`.

    Candidates are ``n_candidates`` points: half uniform in the unit cube, half Gaussian perturbations of
    the best points so far (local refinement); discrete dimensions are snapped to their values. Trials
    whose value was not finite enter the GP with the worst finite value seen.
    """
    check_space(space)
    _check_budget(n_trials)
    if n_initial < 1:
        raise ValueError(f"n_initial must be >= 1, got {n_initial}")
    gen = torch.Generator().manual_seed(seed)
    result = SearchResult("bayesian")
    for i in range(n_trials):
        params = sample(space, gen) if i < n_initial else from_unit(space, _next_point(result, space, gen,
                                                                                      n_candidates, xi))
        result.trials.append(_run(objective, params))
    return result


def _snap(space: Space, U: Tensor) -> Tensor:
    """Move each row of U (M, D) to the unit coordinates of the point it stands for (discrete dimensions)."""
    cols = []
    for j, dim in enumerate(space.values()):
        col = U[:, j].clamp(0, 1)                  # local candidates can step outside the cube
        if not isinstance(dim, Real):
            col = torch.tensor([dim.to_unit(dim.from_unit(float(x))) for x in col], dtype=torch.float64)
        cols.append(col)
    return torch.stack(cols, dim=1)                                                # (M, D)


def _next_point(result: SearchResult, space: Space, gen: torch.Generator, n_candidates: int, xi: float) -> Tensor:
    """Unit-cube coordinates (D,) of the candidate with the largest expected improvement."""
    X = torch.stack([to_unit(space, t.params) for t in result.trials])            # (N, D)
    y = torch.tensor([t.value for t in result.trials], dtype=torch.float64)      # (N,)
    finite = torch.isfinite(y)
    if not finite.any():       # nothing learnt yet: keep exploring at random
        return sample_unit(space, gen)
    y = torch.where(finite, y, y[finite].max())
    y = (y - y.mean()) / (y.std() if len(y) > 1 and y.std() > 0 else 1.0)      # standardised
    gp = GaussianProcess().fit(X, y, optimize=True)
    n_local = n_candidates // 2
    best = X[torch.argsort(y)[:N_ELITE]]                                          # (<=N_ELITE, D)
    centres = best[torch.randint(len(best), (n_local,), generator=gen)]          # (n_local, D)
    local = centres + LOCAL_STEP * torch.randn(n_local, X.shape[1], generator=gen, dtype=torch.float64)
    uniform = sample_unit(space, gen, n_candidates - n_local)                    # (M - n_local, D)
    cand = _snap(space, torch.cat([uniform, local]))                              # (M, D)
    mean, std = gp.predict(cand)
    ei = expected_improvement(mean, std, best=y.min().item(), xi=xi)
    return cand[int(torch.argmax(ei))]
