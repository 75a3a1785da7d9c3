"""The book shows each exercise as the student receives it: the stub, never the solution or the tests."""

from pathlib import Path

import nbformat
import pytest

from dlcourse.grading.authoring import BOOK_HIDDEN
from dlcourse.grading.bookview import book_view, student_copy_link

ROOT = Path(__file__).resolve().parents[1]
INSTRUCTOR = sorted((ROOT / "solutions").glob("*/*.ipynb"))


def _docname(path: Path) -> str:
    return path.relative_to(ROOT).with_suffix("").as_posix()


def test_link_points_from_the_page_to_the_student_copy():
    assert student_copy_link("solutions/02-model-types/04-gan") == "../../notebooks/02-model-types/04-gan.ipynb"
    page = ROOT / "solutions" / "02-model-types"
    assert (page / student_copy_link("solutions/02-model-types/04-gan")).resolve().exists()


@pytest.mark.parametrize("path", INSTRUCTOR, ids=[p.stem for p in INSTRUCTOR])
def test_stubs_equal_the_student_copy_and_nothing_secret_is_shown(path):
    instructor = nbformat.read(path, as_version=4)
    student = nbformat.read(ROOT / "notebooks" / path.parent.name / path.name, as_version=4)
    stubs = {c.metadata["nbgrader"]["grade_id"]: c.source for c in student.cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    assert stubs, f"{path.name} has no exercise"
    view = book_view(instructor, _docname(path))
    assert "### BEGIN SOLUTION" in "".join(c.source for c in instructor.cells), "the view must not change its input"
    shown = {}
    for i, cell in enumerate(view.cells):
        grading = cell.metadata.get("nbgrader", {})
        visible = not set(cell.metadata.get("tags", [])) & set(BOOK_HIDDEN)
        assert "BEGIN SOLUTION" not in cell.source and "BEGIN HIDDEN TESTS" not in cell.source
        if grading.get("solution") and cell.cell_type == "code":
            assert visible and not cell.outputs, f"{grading['grade_id']}: the stub is shown, without outputs"
            shown[grading["grade_id"]] = cell.source
            note = view.cells[i + 1]
            assert note.cell_type == "markdown" and student_copy_link(_docname(path)) in note.source
        elif grading:
            assert not visible, f"{grading.get('grade_id')}: answers in prose and all tests stay hidden"
    assert shown == stubs
