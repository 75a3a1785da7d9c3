"""dlcourse.tuning: search spaces, the three searches, the Gaussian process against scikit-learn, EI."""

import math

import numpy as np
import pytest
import torch
from scipy.stats import norm
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel

from dlcourse.tuning import (Choice, GaussianProcess, Integer, Real, SearchResult, Trial, bayesian_optimization,
                             expected_improvement, from_unit, grid_search, random_search, rbf_kernel, to_unit)


def branin(p: dict) -> float:
    """Branin-Hoo on [-5, 10] x [0, 15]; global minimum 0.397887 at three points."""
    x1, x2 = p["x1"], p["x2"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


BRANIN = {"x1": Real(-5, 10), "x2": Real(0, 15)}


# ------------------------------------------------------------------------------------------- space
def test_dimensions_map_the_unit_interval():
    r = Real(1e-4, 1e-1, log=True)
    assert r.from_unit(0) == pytest.approx(1e-4) and r.from_unit(1) == pytest.approx(1e-1)
    assert r.from_unit(0.5) == pytest.approx(math.sqrt(1e-4 * 1e-1))          # log-uniform: geometric middle
    assert r.to_unit(r.from_unit(0.3)) == pytest.approx(0.3)
    i = Integer(2, 5)
    values = [i.from_unit(u) for u in np.linspace(0, 1, 4001)]
    assert sorted(set(values)) == [2, 3, 4, 5]
    assert max(values.count(v) for v in range(2, 6)) - min(values.count(v) for v in range(2, 6)) <= 2  # uniform
    assert all(i.from_unit(i.to_unit(v)) == v for v in range(2, 6))
    c = Choice(["relu", "tanh", "gelu"])
    assert [c.from_unit(u) for u in (0.0, 0.5, 0.99, 1.0)] == ["relu", "tanh", "gelu", "gelu"]
    assert c.from_unit(c.to_unit("tanh")) == "tanh"


@pytest.mark.parametrize("make", [lambda: Real(1, 1), lambda: Real(0, 1, log=True), lambda: Integer(3, 2),
                                  lambda: Choice([])])
def test_bad_dimensions_raise(make):
    with pytest.raises(ValueError):
        make()


def test_bad_spaces_and_budgets_raise():
    with pytest.raises(ValueError, match="empty"):
        random_search(branin, {}, 5)
    with pytest.raises(TypeError, match="Real, Integer or Choice"):
        random_search(branin, {"x1": (0, 1)}, 5)
    with pytest.raises(ValueError, match="n_trials"):
        grid_search(branin, BRANIN, 0)


# --------------------------------------------------------------------------------------- searches
def test_grid_search_covers_a_grid_within_budget():
    seen = []
    result = grid_search(lambda p: seen.append(p) or p["x1"] ** 2, BRANIN, n_trials=30)
    assert len(result.trials) == 25 == len(seen)                                 # 5 x 5 <= 30
    assert sorted({p["x1"] for p in seen}) == pytest.approx([-5, -1.25, 2.5, 6.25, 10])
    assert result.best.value == pytest.approx(1.25**2)
    assert len(result.best_so_far(30)) == 30 and result.best_so_far(30)[-1] == result.best.value
    small = grid_search(lambda p: 0.0, {"a": Choice(["x", "y"]), "b": Integer(0, 1), "c": Real(0, 1)}, 100)
    assert len(small.trials) == 2 * 2 * 4                                        # discrete axes give what they have


def test_random_search_is_seeded_and_in_bounds():
    space = {"lr": Real(1e-4, 1, log=True), "n": Integer(1, 3), "act": Choice(["a", "b"])}
    a = random_search(lambda p: p["lr"], space, 40, seed=1)
    b = random_search(lambda p: p["lr"], space, 40, seed=1)
    c = random_search(lambda p: p["lr"], space, 40, seed=2)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    assert [t.params for t in a.trials] != [t.params for t in c.trials]
    assert all(1e-4 <= t.params["lr"] <= 1 and t.params["n"] in (1, 2, 3) and t.params["act"] in "ab"
               for t in a.trials)
    assert {t.params["n"] for t in a.trials} == {1, 2, 3}
    assert a.best_so_far() == sorted(a.best_so_far(), reverse=True)              # running minimum never rises


def test_search_result_best_and_running_minimum():
    r = SearchResult("x", [Trial({"a": 1}, 3.0), Trial({"a": 2}, math.inf), Trial({"a": 3}, 1.0),
                           Trial({"a": 4}, 2.0)])
    assert r.best.params == {"a": 3}
    assert r.best_so_far() == [3.0, 3.0, 1.0, 1.0]
    assert r.best_so_far(6) == [3.0, 3.0, 1.0, 1.0, 1.0, 1.0] and r.best_so_far(2) == [3.0, 3.0]
    with pytest.raises(ValueError):
        SearchResult("empty").best


def test_non_finite_values_are_recorded_as_inf():
    r = random_search(lambda p: float("nan") if p["x1"] > 0 else p["x1"], BRANIN, 10, seed=0)
    assert all(t.value == math.inf for t in r.trials if t.params["x1"] > 0)
    bo = bayesian_optimization(lambda p: float("nan") if p["x1"] > 0 else abs(p["x1"] + 2), BRANIN, 12, seed=0)
    assert math.isfinite(bo.best.value)


def test_bayesian_optimization_starts_like_random_search():
    rs = random_search(branin, BRANIN, 5, seed=3)
    bo = bayesian_optimization(branin, BRANIN, 8, seed=3, n_initial=5)
    assert [t.params for t in bo.trials[:5]] == [t.params for t in rs.trials]
    assert len(bo.trials) == 8


def test_bayesian_optimization_beats_random_search_on_branin():
    """Mean best value after 25 trials over 5 seeds (minimum 0.398): BO must be well ahead of random search."""
    bo = np.mean([bayesian_optimization(branin, BRANIN, 25, seed=s).best.value for s in range(5)])
    rs = np.mean([random_search(branin, BRANIN, 25, seed=s).best.value for s in range(5)])
    assert bo < 0.6 < rs, (bo, rs)


def test_bayesian_optimization_handles_discrete_dimensions():
    space = {"n": Integer(0, 20), "act": Choice(["bad", "good", "worse"]), "x": Real(-1, 1)}
    penalty = {"bad": 1.0, "good": 0.0, "worse": 2.0}
    r = bayesian_optimization(lambda p: (p["n"] - 13) ** 2 / 10 + penalty[p["act"]] + p["x"] ** 2, space, 30, seed=0)
    assert r.best.params["act"] == "good" and abs(r.best.params["n"] - 13) <= 1 and r.best.value < 0.2
    assert all(isinstance(t.params["n"], int) for t in r.trials)


def test_unit_cube_round_trip():
    space = {"lr": Real(1e-3, 1, log=True), "n": Integer(1, 4), "act": Choice(["a", "b", "c"])}
    params = from_unit(space, torch.tensor([0.25, 0.6, 0.9]))
    assert from_unit(space, to_unit(space, params)) == params


# ------------------------------------------------------------------------------ Gaussian process
def _data(seed, n=15, d=2):
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(n, d, generator=g, dtype=torch.float64)
    y = torch.sin(5 * X[:, 0]) + X[:, 1] ** 2 + 0.05 * torch.randn(n, generator=g, dtype=torch.float64)
    return X, y, torch.rand(40, d, generator=g, dtype=torch.float64)


@pytest.mark.parametrize("lengthscale", [0.3, [0.2, 0.7]])
def test_rbf_kernel_equals_sklearn(lengthscale):
    X, _, Xs = _data(0)
    ours = rbf_kernel(X, Xs, torch.tensor(lengthscale, dtype=torch.float64), 2.5)
    ref = (ConstantKernel(2.5) * RBF(np.asarray(lengthscale)))(X.numpy(), Xs.numpy())
    np.testing.assert_allclose(ours.numpy(), ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("lengthscale,signal_var,noise_var", [(0.3, 1.0, 1e-6), ([0.2, 0.5], 2.0, 1e-2)])
def test_gp_posterior_equals_sklearn(seed, lengthscale, signal_var, noise_var):
    X, y, Xs = _data(seed)
    gp = GaussianProcess(torch.tensor(lengthscale, dtype=torch.float64), signal_var, noise_var).fit(X, y)
    mean, std = gp.predict(Xs)
    kernel = ConstantKernel(signal_var, "fixed") * RBF(np.asarray(lengthscale), "fixed")
    sk = GaussianProcessRegressor(kernel, alpha=noise_var, optimizer=None).fit(X.numpy(), y.numpy())
    ref_mean, ref_std = sk.predict(Xs.numpy(), return_std=True)
    np.testing.assert_allclose(mean.numpy(), ref_mean, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(std.numpy(), ref_std, rtol=1e-5, atol=1e-6)
    assert gp.log_marginal_likelihood() == pytest.approx(sk.log_marginal_likelihood_value_, rel=1e-8)


def test_gp_interpolates_and_is_uncertain_far_away():
    X, y, _ = _data(1)
    gp = GaussianProcess(0.3, 1.0, 1e-8).fit(X, y)
    mean, std = gp.predict(X)
    assert torch.allclose(mean, y, atol=1e-4) and std.max() < 1e-3
    _, far = gp.predict(torch.full((1, 2), 10.0, dtype=torch.float64))
    assert far.item() == pytest.approx(1.0, rel=1e-6)                          # the prior's sigma


def test_gp_hyperparameter_fit_improves_likelihood_and_finds_irrelevant_dimension():
    X, _, _ = _data(2, n=30, d=3)
    y = torch.sin(6 * X[:, 0])                                                   # only dimension 0 matters
    gp = GaussianProcess().fit(X, y, optimize=True)
    fitted = gp.log_marginal_likelihood()
    for ell, s2, n2 in [(0.3, 1.0, 1e-6), (0.1, 0.5, 1e-3), (1.0, 2.0, 1e-2), (0.05, 1.0, 1e-4)]:
        assert fitted > GaussianProcess(ell, s2, n2).fit(X, y).log_marginal_likelihood()
    ell = gp.lengthscale
    assert ell.shape == (3,) and ell[0] < 0.5 and ell[1] > 2 and ell[2] > 2


def test_gp_errors():
    with pytest.raises(RuntimeError, match="fit"):
        GaussianProcess().predict(torch.zeros(1, 2))
    with pytest.raises(ValueError, match="shape"):
        GaussianProcess().fit(torch.zeros(3, 2), torch.zeros(2))


# ----------------------------------------------------------------------------- expected improvement
def test_expected_improvement_equals_closed_form():
    g = torch.Generator().manual_seed(0)
    mean = torch.randn(200, generator=g, dtype=torch.float64)
    std = torch.rand(200, generator=g, dtype=torch.float64) * 2 + 1e-3
    for best, xi in [(0.0, 0.0), (-1.0, 0.01), (0.5, 0.1)]:
        ours = expected_improvement(mean, std, best, xi)
        z = (best - mean.numpy() - xi) / std.numpy()
        ref = (best - mean.numpy() - xi) * norm.cdf(z) + std.numpy() * norm.pdf(z)
        np.testing.assert_allclose(ours.numpy(), ref, rtol=1e-10, atol=1e-14)
        assert (ours >= 0).all()
    zero = expected_improvement(torch.tensor([0.0, 2.0]), torch.tensor([0.0, 0.0]), best=1.0)
    assert zero.tolist() == [1.0, 0.0]                                            # sigma = 0: plain improvement
