"""Hyperparameter tuning, one concept per module.

- :mod:`dlcourse.tuning.space`: the dimensions of a search space (``Real``, ``Integer``, ``Choice``), the unit
  cube they map onto, and the one sampler every random draw goes through;
- :mod:`dlcourse.tuning.search`: grid search, random search, Bayesian optimisation and expected improvement,
  with one result type;
- :mod:`dlcourse.tuning.gp`: the Gaussian process of Bayesian optimisation, with the lesson's RBF kernel, its
  log marginal likelihood and the fit of its hyperparameters.
"""

from dlcourse.tuning.gp import GaussianProcess, log_marginal_likelihood, rbf_kernel
from dlcourse.tuning.search import (
    Objective,
    SearchResult,
    Trial,
    bayesian_optimization,
    expected_improvement,
    grid_search,
    random_search,
)
from dlcourse.tuning.space import Choice, Dimension, Integer, Real, Space, from_unit, sample, sample_unit, to_unit

__all__ = [
    "Choice",
    "Dimension",
    "GaussianProcess",
    "Integer",
    "Objective",
    "Real",
    "SearchResult",
    "Space",
    "Trial",
    "bayesian_optimization",
    "expected_improvement",
    "from_unit",
    "grid_search",
    "log_marginal_likelihood",
    "random_search",
    "rbf_kernel",
    "sample",
    "sample_unit",
    "to_unit",
]
