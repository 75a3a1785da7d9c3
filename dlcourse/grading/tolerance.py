"""Stored outputs that come out of a training run, compared within a stated tolerance.

nbval re-executes every instructor notebook and compares each output with the stored one, character
for character. That is right for exact computations (a softmax, a gradient checked against torch, a
count of rows), and wrong for a figure at the end of a training trajectory: a CPU with other vector
instructions, another BLAS kernel or another thread count sums in another order, the rounding
differences grow over hundreds of optimizer steps, and the test accuracy printed as ``93.1`` on one
machine is ``93.3`` on the next. Such a cell states how far its figures may move, in its metadata::

    {"dlcourse": {"tolerance": {"abs": 1.5}}}     # every number within +-1.5 of the stored one
    {"dlcourse": {"tolerance": {"rel": 0.1}}}     # within 10 % of the stored number
    {"dlcourse": {"tolerance": {"abs": 0.01, "rel": 0.05}}}   # within 0.01 + 5 % of |stored|
    {"dlcourse": {"tolerance": {"abs": 0.02, "points": 2}}}    # a loss within 0.02, "97%" within 2 points

A re-computed text output (stdout, stderr, ``text/plain``, ``text/html``) then passes when

- its text with every number taken out, and each run of whitespace made one space, equals the
  stored text's (the words, the order, the number of figures; ``nan`` and ``inf`` are words), and
- each number is within ``abs + rel * |stored|`` of the stored number at the same place; a number
  followed by ``%`` is within ``points`` instead, when the cell states ``points``.

A number is a run of digits that does not continue a name: ``L2``, ``F1`` and ``x10`` are words.
A cell without the key is compared exactly. ``conftest.py`` applies this to nbval's comparison;
the instructors' page lists the tolerance-checked cells and why each has its tolerance.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

KEY = "dlcourse"
# digits not glued to a name before them; thousands separators (8,970); decimals; exponents (3.0e-10)
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][-+]?\d+)?(?![\w])"
                    r"|(?<![\w.])[-+]?\.\d+(?:[eE][-+]?\d+)?(?![\w])")
_SPACE = re.compile(r"\s+")
PLACE = "\x00"                    # where a number was (no output text holds a NUL)


@dataclass(frozen=True)
class Tolerance:
    """How far a re-computed number may be from the stored one: ``|computed - stored| <= abs + rel * |stored|``,
    or ``<= points`` for a percentage when ``points`` is given (a cell that prints a loss and an accuracy)."""

    abs: float = 0.0
    rel: float = 0.0
    points: float | None = None

    def __post_init__(self) -> None:
        for name in ("abs", "rel") + (("points",) if self.points is not None else ()):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0 \
                    or not math.isfinite(value):
                raise ValueError(f"tolerance {name!r} must be a finite number >= 0, not {value!r}")
        if self.abs == 0 and self.rel == 0 and not self.points:
            raise ValueError("a tolerance of 0 is an exact comparison: remove the tolerance instead")

    def allows(self, stored: float, computed: float, percent: bool = False) -> bool:
        if percent and self.points is not None:
            return abs(computed - stored) <= self.points
        return abs(computed - stored) <= self.abs + self.rel * abs(stored)

    def __str__(self) -> str:
        parts = ([f"±{self.abs:g}"] if self.abs else []) + ([f"±{100 * self.rel:g} %"] if self.rel else [])
        text = " + ".join(parts)
        if self.points is None:
            return text
        return f"{text}, percentages ±{self.points:g} points" if text else f"±{self.points:g} points"


def cell_tolerance(cell: Mapping) -> Tolerance | None:
    """The tolerance a notebook cell states in ``metadata.dlcourse.tolerance``, or None (compare exactly)."""
    spec = cell.get("metadata", {}).get(KEY, {}).get("tolerance")
    if spec is None:
        return None
    if not isinstance(spec, Mapping) or not spec or set(spec) - {"abs", "rel", "points"}:
        raise ValueError(f"metadata.{KEY}.tolerance must be a mapping of 'abs', 'rel' and/or 'points', not {spec!r}")
    return Tolerance(**spec)


def numbers(text: str) -> tuple[str, list[tuple[float, bool]]]:
    """``text`` with each number replaced by ``PLACE`` and whitespace runs made one space, and the numbers, each
    with whether it is a percentage (followed by ``%``)."""
    text = text.replace(PLACE, "")
    found = [(float(m.group().replace(",", "")), text[m.end():].lstrip(" ").startswith("%"))
             for m in NUMBER.finditer(text)]
    return _SPACE.sub(" ", NUMBER.sub(PLACE, text)).strip(), found


def within(stored: str, computed: str, tolerance: Tolerance) -> bool:
    """Whether ``computed`` is ``stored`` up to numbers within ``tolerance`` (and whitespace around them)."""
    if stored == computed:
        return True
    stored_text, stored_numbers = numbers(stored)
    computed_text, computed_numbers = numbers(computed)
    return stored_text == computed_text and all(
        tolerance.allows(s, c, percent) for (s, percent), (c, _) in zip(stored_numbers, computed_numbers, strict=True))


def _texts(output: Mapping) -> list[tuple[tuple[str, ...], str]]:
    """(path, text) of every text field of a notebook output: a stream's text, each ``text/*`` of its data."""
    if output.get("output_type") == "stream":
        return [(("text",), output.get("text", ""))]
    data = output.get("data", {})
    return [(("data", mime), value) for mime, value in data.items() if mime.startswith("text/") and
            isinstance(value, str)]


def reconcile(stored: Sequence[Mapping], computed: Sequence[Mapping], tolerance: Tolerance) -> list:
    """``computed`` with each text that is ``within`` tolerance of the stored text at the same place replaced by
    that stored text; anything else is left as computed, for the exact comparison to report."""
    result = copy.deepcopy(list(computed))
    for old, new in zip(stored, result):
        if (old.get("output_type"), old.get("name")) != (new.get("output_type"), new.get("name")):
            continue
        stored_texts = dict(_texts(old))
        for path, text in _texts(new):
            if path in stored_texts and within(stored_texts[path], text, tolerance):
                target = new
                for key in path[:-1]:
                    target = target[key]
                target[path[-1]] = stored_texts[path]
    return result
