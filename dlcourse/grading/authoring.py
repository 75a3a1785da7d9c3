"""Build nbgrader notebooks from Python: cells with the right metadata and book tags.

An exercise is three cells that share a ``grade_id`` stem ``<topic>-<name>``::

    exercise("activations-relu", "def relu(x):\\n    ### BEGIN SOLUTION\\n    ...\\n    ### END SOLUTION")
    visible_tests("activations-relu", "assert ...", points=1)      # the student can run these
    hidden_tests("activations-relu", "assert ...", points=3)       # stripped from the student copy

Solution and test cells are tagged ``remove-cell``: the book never shows them (the site is
built from the instructor notebooks) and ``tests/test_book.py`` proves nothing leaks.
"""

from __future__ import annotations

import textwrap

import nbformat
from nbformat import NotebookNode

SCHEMA = 3
BOOK_HIDDEN = ["remove-cell"]
VISIBLE, HIDDEN = "-visible", "-hidden"   # grade id suffixes of an exercise's two test cells


def exercise_of(grade_id: str) -> str:
    """The exercise a test cell belongs to: its grade id less ``-visible`` or ``-hidden``."""
    for suffix in (VISIBLE, HIDDEN):
        if grade_id.endswith(suffix):
            return grade_id[: -len(suffix)]
    return grade_id


def _src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def md(text: str) -> NotebookNode:
    """A lesson markdown cell."""
    return nbformat.v4.new_markdown_cell(_src(text))


def code(text: str, tags: list[str] | None = None) -> NotebookNode:
    """A lesson code cell (shown in the book with its outputs)."""
    cell = nbformat.v4.new_code_cell(_src(text))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def exercise(grade_id: str, text: str) -> NotebookNode:
    """An autograded answer cell; the solution sits between ``### BEGIN/END SOLUTION``."""
    src = _src(text)
    if "### BEGIN SOLUTION" not in src or "### END SOLUTION" not in src:
        raise ValueError(f"exercise {grade_id!r} needs ### BEGIN SOLUTION / ### END SOLUTION markers")
    cell = nbformat.v4.new_code_cell(src)
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False, "grade_id": grade_id,
                                 "schema_version": SCHEMA, "task": False}
    cell.metadata["tags"] = list(BOOK_HIDDEN)
    return cell


def _test_cell(grade_id: str, src: str, points: int) -> NotebookNode:
    if points <= 0:
        raise ValueError(f"test cell {grade_id!r} needs positive points, got {points}")
    cell = nbformat.v4.new_code_cell(src)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": grade_id,
                                 "points": points, "schema_version": SCHEMA, "task": False}
    cell.metadata["tags"] = list(BOOK_HIDDEN)
    return cell


def visible_tests(stem: str, text: str, points: int = 1) -> NotebookNode:
    """Tests the student sees and runs; grade id ``<stem>-visible``."""
    return _test_cell(stem + VISIBLE, _src(text), points)


def hidden_tests(stem: str, text: str, points: int = 3) -> NotebookNode:
    """Tests only the grader runs; grade id ``<stem>-hidden``. The student sees an empty cell."""
    src = "# Hidden tests: they run when your notebook is graded.\n### BEGIN HIDDEN TESTS\n" + _src(text) \
        + "\n### END HIDDEN TESTS"
    return _test_cell(stem + HIDDEN, src, points)


def explain(grade_id: str, model_answer: str, rubric: list[tuple[int, str]]) -> NotebookNode:
    """A free-text answer graded by hand: a markdown cell worth the rubric's points.

    The instructor's cell holds the model answer and the rubric (points, what earns them); nbgrader replaces
    it with "YOUR ANSWER HERE" in the student copy, and the formgrader shows the student's text for grading.
    """
    if not rubric or any(points <= 0 for points, _ in rubric):
        raise ValueError(f"answer {grade_id!r} needs a rubric of items with positive points")
    items = "\n".join(f"- **{points} point{'s' if points > 1 else ''}**: {what}" for points, what in rubric)
    cell = nbformat.v4.new_markdown_cell(f"**Model answer.** {_src(model_answer)}\n\n**Rubric** (graded by hand):\n\n"
                                         + items)
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False, "grade_id": grade_id,
                                 "points": sum(p for p, _ in rubric), "schema_version": SCHEMA, "task": False}
    cell.metadata["tags"] = list(BOOK_HIDDEN)
    return cell


def notebook(cells: list[NotebookNode]) -> NotebookNode:
    """A notebook with the course's kernel and language metadata."""
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb
