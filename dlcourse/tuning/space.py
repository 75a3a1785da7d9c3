"""Search spaces: the dimensions a hyperparameter search explores, and the one sampler that draws from them.

A search space maps names to dimensions::

    space = {"lr": Real(1e-4, 1e-1, log=True), "width": Integer(8, 128), "act": Choice(["relu", "tanh"])}

Every dimension maps the unit interval onto its values (``from_unit``) and back (``to_unit``), so the
searches work in the unit cube :math:`[0, 1]^D` and the Gaussian process of Bayesian optimisation sees
every dimension on the same scale. A point :math:`u` drawn uniformly from the cube (:func:`sample_unit`)
becomes, through ``from_unit``,

- a uniform value of ``Real(low, high)``: :math:`x = a + u (b - a)`;
- a log-uniform value of ``Real(low, high, log=True)``: :math:`\\log x = \\log a + u (\\log b - \\log a)`,
  so every decade of the range is equally likely;
- each value of ``Integer`` and each option of ``Choice`` with the same probability: the interval is cut
  into as many equal cells as there are values.

Shapes: a point of the unit cube is (D,), D the number of dimensions in the space's order; N points (N, D).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor


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
        # exp(log(high)) can round just above high: keep the value inside the range it promises
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


def check_space(space: Space) -> None:
    """Raise if ``space`` is empty or has a dimension that is not ``Real``, ``Integer`` or ``Choice``."""
    if not space:
        raise ValueError("the search space is empty")
    for name, dim in space.items():
        if not isinstance(dim, (Real, Integer, Choice)):
            raise TypeError(f"dimension {name!r} must be Real, Integer or Choice, got {type(dim).__name__}")


def from_unit(space: Space, u: Tensor | Sequence[float]) -> dict:
    """The point of ``space`` at unit-cube coordinates ``u`` (one per dimension, in the space's order)."""
    return {name: dim.from_unit(float(x)) for (name, dim), x in zip(space.items(), u, strict=True)}


def to_unit(space: Space, params: Mapping) -> Tensor:
    """Unit-cube coordinates of a point, shape (D,), float64."""
    return torch.tensor([dim.to_unit(params[name]) for name, dim in space.items()], dtype=torch.float64)


def sample_unit(space: Space, generator: torch.Generator, n: int | None = None) -> Tensor:
    """Coordinates drawn uniformly from the unit cube :math:`[0, 1]^D`, D = ``len(space)``: shape (D,), or
    (N, D) when ``n`` is given; float64. The searches' only source of random points."""
    shape = (len(space),) if n is None else (n, len(space))
    return torch.rand(shape, generator=generator, dtype=torch.float64)


def sample(space: Space, generator: torch.Generator) -> dict:
    """One random point of ``space``: uniform, log-uniform for ``Real(log=True)``, every ``Integer`` value
    and ``Choice`` option equally likely (see the module docstring).

    >>> sample({"lr": Real(1e-3, 1.0, log=True), "act": Choice(["relu"])}, torch.Generator().manual_seed(0))["act"]
    'relu'
    """
    return from_unit(space, sample_unit(space, generator))
