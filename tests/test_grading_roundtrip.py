"""An nbgrader round trip per chapter: the solution scores full marks, the released stub scores 0,
and (nightly) a submission with one exercise left undone per notebook loses exactly that exercise's points.
Free-text answers graded by hand are the exception that proves the rule: the solution's model answer
awaits manual grading (scored 0 until then), the stub's untouched template scores 0 and awaits nothing.

One autograde run per chapter grades the two students of ``make test``, so each notebook executes twice there;
the third student, one exercise undone per notebook, is graded by ``make test-nightly``.
"""

import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from dlcourse.grading.authoring import exercise_of
from dlcourse.grading.notebooks import ROOT, chapters, nbgrader

pytestmark = pytest.mark.slow


def _graded_stems(nb) -> list[str]:
    """The autograded exercises: answer cells that are not themselves graded by hand."""
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and not c.metadata["nbgrader"].get("grade")]


def _undo_one_exercise(solution: Path, stub: Path, index: int) -> tuple[nbformat.NotebookNode, str]:
    """The solution notebook with its ``index``-th exercise cell replaced by the released stub cell."""
    nb = nbformat.read(solution, as_version=4)
    released = {c.metadata["nbgrader"]["grade_id"]: c.source
                for c in nbformat.read(stub, as_version=4).cells if c.metadata.get("nbgrader", {}).get("solution")}
    stems = _graded_stems(nb)
    stem = stems[index % len(stems)]
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == stem:
            cell.source = released[stem]
    return nb, stem


def _autograde(chapter: str, tmp_path: Path, students: tuple[str, ...]) -> tuple[Path, list[Path], dict[str, str]]:
    """Release ``chapter``, submit it as each of ``students`` (full, stub, partial), autograde them in one run."""
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / chapter, course / "solutions" / chapter)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    db = "--CourseDirectory.db_url=sqlite:///" + str(course / "gradebook.db")
    nbgrader(["generate_assignment", chapter, db], cwd=course)

    solutions = sorted((course / "solutions" / chapter).glob("*.ipynb"))
    undone: dict[str, str] = {}
    for student in students:
        (course / "submitted" / student / chapter).mkdir(parents=True)
    for i, sol in enumerate(solutions):
        stub = course / "notebooks" / chapter / sol.name
        if "full" in students:
            shutil.copy(sol, course / "submitted" / "full" / chapter / sol.name)
        if "stub" in students:
            shutil.copy(stub, course / "submitted" / "stub" / chapter / sol.name)
        if "partial" in students:
            nb, undone[sol.stem] = _undo_one_exercise(sol, stub, i)
            nbformat.write(nb, course / "submitted" / "partial" / chapter / sol.name)
    for student in students:
        (course / "submitted" / student / chapter / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")

    # kernels talk over Unix sockets: TCP ports picked while other test workers start kernels can collide
    ipc = tmp_path / "ipc"
    ipc.mkdir()
    proc = nbgrader(["autograde", chapter, db, "--force", "--KernelManager.transport=ipc",
                     f"--KernelManager.ip={ipc / 'kernel'}"], cwd=course)
    assert "ERROR" not in proc.stderr, proc.stderr[-3000:]
    # every student's notebooks were autograded (none aborted by a dead kernel or malformed file)
    for student in students:
        graded = sorted(p.name for p in (course / "autograded" / student / chapter).glob("*.ipynb"))
        assert graded == [p.name for p in solutions], f"{student}: autograded {graded}"
    return course, solutions, undone


def _autograded_points(submission) -> float:
    """The points of a submitted notebook that the autograder awards (its maximum less the answers graded by hand)."""
    return submission.max_score - sum(g.max_score for g in submission.grades if g.needs_manual_grade)


@pytest.mark.parametrize("chapter", chapters())
def test_round_trip(chapter, tmp_path):
    course, solutions, _ = _autograde(chapter, tmp_path, ("full", "stub"))
    with Gradebook("sqlite:///" + str(course / "gradebook.db")) as gb:
        for sol in solutions:
            name = sol.stem
            full = gb.find_submission_notebook(name, chapter, "full")
            stub = gb.find_submission_notebook(name, chapter, "stub")
            assert full.max_score > 0
            assert {g.name for g in full.grades if g.needs_manual_grade} == {
                g.name for g in full.grades if g.cell.cell_type == "markdown"}, f"{name}: only answers await a hand"
            auto = _autograded_points(full)
            assert full.score == auto, f"{name}: solution scored {full.score}/{auto} autograded points"
            assert stub.score == 0, f"{name}: released stub scored {stub.score}"
            assert not any(g.needs_manual_grade for g in stub.grades), f"{name}: an empty template awaits a hand"


@pytest.mark.nightly
@pytest.mark.parametrize("chapter", chapters())
def test_one_exercise_undone_costs_exactly_its_points(chapter, tmp_path):
    """No exercise's tests lean on another's answer: a third execution of every notebook, so nightly only."""
    course, solutions, undone = _autograde(chapter, tmp_path, ("partial",))
    with Gradebook("sqlite:///" + str(course / "gradebook.db")) as gb:
        for sol in solutions:
            name = sol.stem
            partial = gb.find_submission_notebook(name, chapter, "partial")
            lost = sum(g.max_score for g in partial.grades if exercise_of(g.name) == undone[name])
            assert lost > 0
            auto = _autograded_points(partial)
            assert partial.score == auto - lost, (
                f"{name}: undoing {undone[name]} should cost exactly {lost} points, "
                f"scored {partial.score}/{auto}")
