"""Every instructor notebook follows the course's exercise conventions (DESIGN.md, "Exercises")."""

import re
from pathlib import Path

import nbformat
import pytest

from dlcourse.grading.notebooks import ROOT

NOTEBOOKS = sorted((ROOT / "solutions").glob("*/*.ipynb"))


def _hand_graded(meta: dict) -> bool:
    """An answer graded by hand ("explain"): one markdown cell that is both the answer and its grade."""
    return bool(meta.get("solution") and meta.get("grade"))


def _hand_graded_stems(nb) -> list[str]:
    return [c.metadata.nbgrader["grade_id"] for c in nb.cells if _hand_graded(c.metadata.get("nbgrader", {}))]


def _exercises(nb) -> dict[str, dict[str, dict]]:
    """{stem: {"solution"|"visible"|"hidden": nbgrader metadata}} of the autograded exercises."""
    found: dict[str, dict[str, dict]] = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta or _hand_graded(meta):
            continue
        gid = meta["grade_id"]
        if meta.get("solution"):
            found.setdefault(gid, {})["solution"] = meta
        elif meta.get("grade"):
            stem, _, kind = gid.rpartition("-")
            found.setdefault(stem, {})[kind] = meta
    return found


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_exercise_conventions(path: Path):
    nb = nbformat.read(path, as_version=4)
    topic_words = re.sub(r"^\d+-", "", path.stem).split("-")
    exercises = _exercises(nb)
    assert len(exercises) >= 2, f"{path.name}: at least 2 graded exercises expected, found {sorted(exercises)}"
    for stem, parts in exercises.items():
        assert stem.split("-")[0] in topic_words, f"{path.name}: grade id {stem!r} should start with a word of the topic"
        assert set(parts) == {"solution", "visible", "hidden"}, f"{path.name}: {stem} needs solution, visible and hidden cells"
        assert parts["hidden"]["points"] > parts["visible"]["points"], f"{stem}: hidden tests must be worth most points"
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        # a prompt carries RULES[stem].sentence(), which begins with its own label
        assert "**From scratch:** **From scratch:**" not in cell.source, \
            f"{path.name}: a prompt says 'From scratch:' twice: RULES[stem].sentence() already begins with it"
        if meta.get("solution") or meta.get("grade"):
            assert "remove-cell" in cell.metadata.get("tags", []), \
                f"{path.name}: cell {meta['grade_id']} must be tagged remove-cell so the book hides it"
        if _hand_graded(meta):
            assert cell.cell_type == "markdown" and meta.get("points", 0) > 0, \
                f"{path.name}: {meta['grade_id']}, graded by hand, must be a markdown answer with points"
        if meta.get("grade"):
            assert not any(o.get("name") == "stderr" or o.get("output_type") == "error" for o in cell.get("outputs", [])), \
                f"{path.name}: test cell {meta['grade_id']} writes to stderr or fails; nbgrader would score it 0"
            assert not cell.get("outputs"), f"{path.name}: test cell {meta['grade_id']} must be silent"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stated_points_match_metadata(path: Path):
    """'### Exercise N: ... (k points)' promises what the exercise's test cells are worth; '(k points, graded by
    hand)' what its hand-graded answer is worth."""
    nb = nbformat.read(path, as_version=4)
    exercises = _exercises(nb)
    stated = None
    for cell in nb.cells:
        match = re.search(r"^###? Exercise .*\((\d+) points?(, graded by hand)?\)", cell.source, re.M) \
            if cell.cell_type == "markdown" and not _hand_graded(cell.metadata.get("nbgrader", {})) else None
        if match:
            stated, by_hand = int(match.group(1)), bool(match.group(2))
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and stated is not None:
            assert by_hand == _hand_graded(meta), \
                f"{path.name}: {meta['grade_id']} is {'' if by_hand else 'not '}announced as graded by hand"
            if _hand_graded(meta):
                actual = meta["points"]
            else:
                parts = exercises[meta["grade_id"]]
                actual = parts["visible"]["points"] + parts["hidden"]["points"]
            assert actual == stated, f"{path.name}: {meta['grade_id']} is announced as {stated} points, worth {actual}"
            stated = None


def test_grade_ids_unique_per_chapter():
    for chapter in {p.parent for p in NOTEBOOKS}:
        ids = [c.metadata["nbgrader"]["grade_id"] for p in sorted(chapter.glob("*.ipynb"))
               for c in nbformat.read(p, as_version=4).cells if "nbgrader" in c.metadata]
        assert len(ids) == len(set(ids)), f"duplicate grade ids in {chapter.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_one_title_and_executed(path: Path):
    nb = nbformat.read(path, as_version=4)
    titles = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()
              if line.startswith("# ")]
    assert len(titles) == 1, f"{path.name}: exactly one '# ' title expected, found {titles}"
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.get("execution_count") for c in code), f"{path.name}: run `make notebooks` to store outputs"
    for cell in code:
        for out in cell.get("outputs", []):
            assert out.get("name") != "stderr", f"{path.name}: stored stderr output (a warning or a progress bar)"
            assert "application/vnd.jupyter.widget-view+json" not in out.get("data", {}), \
                f"{path.name}: a progress-bar widget was stored; execute with `make notebooks` (TQDM_DISABLE=1)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_stored_widget_state(path: Path):
    assert "widgets" not in nbformat.read(path, as_version=4).metadata, \
        f"{path.name} stores widget state: its book page would load require.js from a CDN; drop metadata.widgets"


def test_chapter_pages_list_their_exercises():
    """Each chapter page's exercise table is the one the notebooks give (python -m dlcourse.grading.catalog)."""
    from dlcourse.grading.catalog import exercise_table
    from dlcourse.grading.notebooks import chapters

    for chapter in chapters():
        page = (ROOT / "book" / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
        assert exercise_table(ROOT / "solutions" / chapter) in page, \
            f"book/chapters/{chapter}.md: exercise table out of date; run python -m dlcourse.grading.catalog"


def test_the_catalog_describes_every_exercise():
    """Every exercise has a kind and, when it has hidden tests, a sentence on what they try; and the reverse."""
    from dlcourse.grading.catalog import CATALOG, EXPLAIN, KINDS

    found: dict[str, tuple[bool, bool]] = {}       # stem -> (graded by hand, has hidden tests)
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        found.update((stem, (False, "hidden" in parts)) for stem, parts in _exercises(nb).items())
        found.update((stem, (True, False)) for stem in _hand_graded_stems(nb))
    assert set(found) == set(CATALOG), (f"exercises without a catalog entry: {sorted(set(found) - set(CATALOG))}; "
                                        f"entries without an exercise: {sorted(set(CATALOG) - set(found))}")
    for stem, (by_hand, hidden) in found.items():
        entry = CATALOG[stem]
        assert entry.kind in KINDS, f"{stem}: unknown kind {entry.kind!r}"
        assert by_hand == (entry.kind == EXPLAIN), f"{stem}: graded by hand exactly when its kind is explain"
        if hidden:
            assert len(entry.hidden.split()) >= 6, f"{stem}: say in words what the hidden tests try"
        else:
            assert not entry.hidden, f"{stem}: no hidden tests, so nothing to describe"


def test_each_chapter_has_exercises_of_every_kind():
    """Beyond implementing formulas: at least four exercises of other kinds per chapter, among them a backward
    pass by hand, a model trained to a target, a bug to find, a prediction and an answer graded by hand."""
    from dlcourse.grading.catalog import BUG, CATALOG, EXPLAIN, GRADIENT, IMPLEMENT, PREDICT, TRAIN
    from dlcourse.grading.notebooks import chapters

    for chapter in chapters():
        kinds = []
        for path in (ROOT / "solutions" / chapter).glob("*.ipynb"):
            nb = nbformat.read(path, as_version=4)
            stems = list(_exercises(nb)) + _hand_graded_stems(nb)
            kinds += [CATALOG[stem].kind for stem in stems if stem in CATALOG]
        assert sum(k != IMPLEMENT for k in kinds) >= 4, f"{chapter}: kinds {kinds}"
        missing = {GRADIENT, TRAIN, BUG, PREDICT, EXPLAIN} - set(kinds)
        assert not missing, f"{chapter}: no exercise of kind {sorted(missing)}"
