"""Feedback a student may keep: their results, never the hidden tests' source.

nbgrader's own ``generate_feedback`` renders every graded cell, hidden tests included, and a
failing hidden test's traceback quotes its lines. ``HideHiddenTests`` runs inside nbgrader's
feedback converter (after ``GetGrades``) and

- replaces the source of each hidden-test cell by one line saying whether it passed, with the
  exception's type and message when it failed (a message is written for the student; its source
  line is not shown), and drops that cell's outputs;
- withholds any other output that repeats a hidden-test line (a submission that prints IPython's
  input history ``_ih`` would otherwise copy the hidden tests into its own feedback).

``leaks`` then scans the rendered files for the secret lines (hidden-test lines that no student copy shows),
less the lines the student wrote (``own_lines``); ``dlcourse autograde`` deletes any file it flags.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from dlcourse.grading.authoring import exercise_of
from dlcourse.grading.secrets import MIN_LENGTH, Leak, norm, norm_line, region_lines, scan, source_lines

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
HIDDEN_MARK = "### BEGIN HIDDEN TESTS"


def hidden_lines(sources: list[str]) -> set[str]:
    """Normalised lines (at least ``MIN_LENGTH`` characters) inside hidden-test regions of cell sources."""
    lines = {norm_line(line) for line in region_lines(sources, ("HIDDEN TESTS",))}
    return {line for line in lines if len(line) >= MIN_LENGTH}


def _strings(value) -> list[str]:
    """Every string inside an output (stream text, error traceback, display data), lines split."""
    if isinstance(value, str):
        return _ANSI.sub("", value).splitlines()
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _result(cell) -> str:
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    errors += [o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    if not errors:
        return "passed"
    first = errors[0]
    if first.get("output_type") == "error":
        message = f"{first.get('ename', 'Error')}: {first.get('evalue', '')}".strip().rstrip(":")
    else:
        message = "it wrote to stderr"
    return f"failed ({message[:300]})"


class HideHiddenTests(NbGraderPreprocessor):
    """Replace hidden-test cells by their outcome; withhold outputs that quote hidden tests."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            secret = hidden_lines([c.source for c in notebook.source_cells])
        hidden = [c for c in nb.cells if c.cell_type == "code" and utils.is_grade(c) and HIDDEN_MARK in c.source]
        # what this notebook shows anyway (lessons, the student's own cells, visible tests) is no secret
        public = "\n".join(source_lines(c.source for c in nb.cells if c not in hidden))
        secret = {line for line in secret if line not in public}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            if cell in hidden:
                outcome = _result(cell)
                exercise = exercise_of(cell.metadata.get("nbgrader", {}).get("grade_id", ""))
                if outcome != "passed" and any(s in norm(outcome) for s in secret):
                    outcome = "failed"
                cell.source = f"# Hidden tests of {exercise}: {outcome}.\n# Their code stays with your instructor."
                cell.outputs = []
                continue
            kept = []
            for output in cell.get("outputs", []):
                text = norm(" ".join(_strings(output)))
                if any(s in text for s in secret):
                    output = {"output_type": "stream", "name": "stdout",
                              "text": "[output withheld from feedback: it repeats the hidden tests]\n"}
                kept.append(output)
            cell.outputs = kept
        return nb, resources


def own_lines(folder: Path) -> set[str]:
    """The lines a student wrote: every line of the unlocked cells of their notebooks in ``folder``. Their feedback
    may show these back (a line of theirs that equals a hidden-test line reveals nothing they did not have);
    locked cells are the tests, which grading restores, so they never count as the student's."""
    import nbformat

    lines: set[str] = set()
    for path in sorted(folder.glob("*.ipynb")):
        try:
            cells = nbformat.read(path, as_version=4).cells
        except Exception:        # an unreadable notebook shows nothing back
            continue
        lines |= source_lines(c.source for c in cells if not c.metadata.get("nbgrader", {}).get("locked"))
    return lines


def leaks(folder: Path, secret: set[str]) -> list[Leak]:
    """Hidden-test lines or hidden-test markers found in any file under ``folder``."""
    return scan(folder, secret, markers=("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
