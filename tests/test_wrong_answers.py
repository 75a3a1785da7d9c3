"""A self-check that tells the truth: plausible wrong answers fail the visible tests.

For every exercise with visible tests, each wrong answer of ``tests/wrong_answers`` (at least two per
exercise) must fail the visible test cell, and the instructor's solution must pass it, both run through
the same slice of the instructor notebook (``tests/slices.py``). A wrong answer that passes means the
visible tests skip a case the prompt specifies, and ``dlcourse check`` would tell the student "PASS" for
an answer that then loses its hidden points.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from dlcourse.grading.authoring import VISIBLE
from dlcourse.grading.catalog import CATALOG, EXPLAIN
from tests.slices import Slice, _reads
from tests.wrong_answers import WRONG

ROOT = Path(__file__).resolve().parents[1]


def _exercises() -> list[tuple[Path, str]]:
    found = []
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nbformat.read(path, as_version=4).cells}
        found += [(path, i[: -len(VISIBLE)]) for i in sorted(ids - {None}) if i.endswith(VISIBLE)]
    return found


EXERCISES = _exercises()


@lru_cache(maxsize=None)
def _slice(path: Path, stem: str) -> Slice:
    reads = set()
    for _, source in WRONG.get(stem, []):
        reads |= _reads(source)
    return Slice.of(path, stem, extra_reads=reads)


def test_every_exercise_with_visible_tests_has_two_wrong_answers():
    short = {stem: len(WRONG.get(stem, [])) for _, stem in EXERCISES if len(WRONG.get(stem, [])) < 2}
    assert not short, f"exercises with fewer than two wrong answers: {short}"
    unknown = set(WRONG) - {stem for _, stem in EXERCISES}
    assert not unknown, f"wrong answers for exercises no notebook has: {sorted(unknown)}"
    assert all(CATALOG[stem].kind != EXPLAIN for _, stem in EXERCISES)


@pytest.mark.parametrize("path,stem", EXERCISES, ids=[s for _, s in EXERCISES])
def test_visible_tests_pass_the_solution_and_fail_each_wrong_answer(path, stem):
    piece = _slice(path, stem)
    ns = piece.namespace()
    assert piece.run_answer(piece.solution, ns) is None, f"{stem}: the solution fails its own visible tests"
    passed = [why for why, source in WRONG.get(stem, []) if piece.run_answer(source, ns) is None]
    assert not passed, f"{stem}: the visible tests pass these wrong answers: {passed}"
