"""The student self-check: run a notebook the way nbgrader validates it, then say per exercise what passed.

    dlcourse check notebooks/01-basics/03-losses.ipynb

``nbgrader validate`` executes the notebook and lists failing cells; this builds on its
``Validator`` (same preprocessors, same checksum and cell-type checks, same scoring of a test
cell) and adds what a student needs before submitting: one line per exercise with the visible
tests' result, the points at stake, the assertion message of a failure, and a reminder that hidden
tests run only at grading time. Nothing is written: no gradebook, no change to the notebook.

Per exercise it also says what kind of exercise it is and what the hidden tests will additionally
try, in words (``catalog.CATALOG``): the visible tests cover every case the prompt specifies, the
hidden ones add new inputs. An answer graded by hand (an "explain" cell) is listed as such, with a
reminder when it is still empty.

Time: a cell may run ``timeout`` seconds (300 by default, so a busy laptop never fails an honest
notebook); grading allows ``GRADING_CELL_SECONDS`` per cell on an unloaded machine, so a cell slower
than that is named, with its time, as a warning rather than a failure.

Exercise cells follow the course's convention (``dlcourse.grading.authoring``): test cells
``<stem>-visible`` and ``<stem>-hidden`` belong to the exercise ``<stem>``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dlcourse.grading.authoring import HIDDEN, VISIBLE, exercise_of
from dlcourse.grading.catalog import CATALOG, EXPLAIN, KINDS

DEFAULT_TIMEOUT = 300          # seconds per cell for the self-check
GRADING_CELL_SECONDS = 60      # what grading allows per cell (dlcourse autograde --cell-timeout, nbgrader_config.py)


@dataclass
class Exercise:
    """One exercise of a notebook: its visible tests' outcome and the points at stake."""

    stem: str
    visible_points: float = 0.0
    hidden_points: float = 0.0
    passed: bool | None = None          # visible tests passed; None: the exercise has no visible test cell
    message: str = ""                   # why the visible tests failed
    manual_points: float = 0.0          # points of answers graded by hand (an "explain" cell)
    answered: bool = True               # the hand-graded answer is no longer the empty template

    @property
    def kind(self) -> str:
        entry = CATALOG.get(self.stem)
        return KINDS[entry.kind] if entry else ""

    @property
    def hidden(self) -> str:
        entry = CATALOG.get(self.stem)
        return entry.hidden if entry else ""


@dataclass
class CheckReport:
    notebook: Path
    exercises: list[Exercise] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)        # test cells edited since release (grade ids)
    type_changed: list[str] = field(default_factory=list)   # cells whose type was changed (grade ids)
    error: str = ""                                          # the notebook could not run to the end
    cell_seconds: list[float | None] = field(default_factory=list)   # per code cell, in order (None: not run)
    seconds: float = 0.0                                      # time the run took

    @property
    def slow(self) -> list[tuple[int, float]]:
        """(code cell number from 1, seconds) of the cells slower than grading allows."""
        return [(n, t) for n, t in enumerate(self.cell_seconds, 1) if t is not None and t > GRADING_CELL_SECONDS]

    @property
    def ok(self) -> bool:
        """All visible tests pass, no test cell was edited, no cell type changed, the run completed."""
        return (not self.error and not self.changed and not self.type_changed
                and all(e.passed is not False for e in self.exercises))


def _stem(grade_id: str) -> tuple[str, str]:
    # a test cell outside the convention counts as visible
    return exercise_of(grade_id), HIDDEN if grade_id.endswith(HIDDEN) else VISIBLE


def _message(cell, timeout: int) -> str:
    """The assertion (or other) error of a test cell, without the traceback; or its stderr."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            if out.get("ename") == "KeyboardInterrupt":   # nbgrader interrupts a cell that runs past the timeout
                return f"timed out: a cell ran longer than {timeout} s (an endless loop, or far too much work?)"
            if out.get("ename") == "NotImplementedError":
                return "NotImplementedError: not done yet (replace `raise NotImplementedError()` with your code)"
            evalue = str(out.get("evalue", "")).strip()
            return f"{out.get('ename', 'Error')}: {evalue}" if evalue else str(out.get("ename", "Error"))
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "the cell wrote to stderr, which nbgrader scores as a failure: " + out.get("text", "").strip()[:300]
    return "the tests did not pass"


def _seconds(cell) -> float | None:
    """How long a code cell ran, from the timing nbclient records in its metadata."""
    from datetime import datetime

    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    try:
        return (datetime.fromisoformat(end.replace("Z", "+00:00"))
                - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
    except (AttributeError, TypeError, ValueError):
        return None


def check_notebook(path: Path, timeout: int = DEFAULT_TIMEOUT) -> CheckReport:
    """Execute a copy of ``path`` in its folder (as ``nbgrader validate`` does) and report per exercise.

    Raises ``FileNotFoundError`` or ``ValueError`` (unreadable or non-notebook JSON) with the file's name.
    """
    import nbformat
    from nbgrader import utils
    from nbgrader.validator import Validator
    from traitlets.config import Config

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such notebook")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several types for bad JSON / bad schema
        raise ValueError(f"{path}: not a readable notebook ({type(exc).__name__}: {exc}); "
                         "restore it from your last saved copy or fetch the assignment again") from exc

    import time

    validator = Validator(config=Config({"Execute": {"timeout": timeout, "record_timing": True}}))
    report = CheckReport(path)
    report.type_changed = [c.metadata.nbgrader.get("grade_id", "?") for c in validator._get_type_changed_cells(nb)]
    cwd, start = os.getcwd(), time.perf_counter()
    try:
        os.chdir(path.parent)
        executed = validator._preprocess(nb)
    except Exception as exc:     # a dead kernel, or a timeout nbgrader could not record in the cell
        report.error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
        executed = nb
    finally:
        report.seconds = time.perf_counter() - start
        os.chdir(cwd)
    report.cell_seconds = [_seconds(c) for c in executed.cells if c.cell_type == "code"]
    report.changed = [c.metadata.nbgrader.get("grade_id", "?") for c in validator._get_changed_cells(executed)]

    by_stem: dict[str, Exercise] = {}
    for cell in executed.cells:
        if not utils.is_grade(cell):
            continue
        stem, kind = _stem(cell.metadata.nbgrader.get("grade_id", "?"))
        ex = by_stem.setdefault(stem, Exercise(stem))
        points = float(cell.metadata.nbgrader.get("points", 0))
        if utils.is_solution(cell):      # an answer graded by hand: nothing to run
            ex.manual_points += points
            ex.answered = utils.determine_grade(cell, validator.log)[0] is None   # 0: still the template
            continue
        if kind == HIDDEN:
            ex.hidden_points += points
            continue
        ex.visible_points += points
        score, max_score = utils.determine_grade(cell, validator.log)
        passed = score is not None and score >= max_score and not report.error
        ex.passed = passed if ex.passed is None else (ex.passed and passed)
        if not passed and not ex.message:
            ex.message = _message(cell, timeout) if not report.error else "not run: the notebook stopped early"
    report.exercises = list(by_stem.values())
    return report


def format_report(report: CheckReport) -> str:
    """The report as the student reads it in a terminal."""
    lines = [f"{report.notebook}"]
    width = max([len(e.stem) for e in report.exercises] + [8])
    pad = " " * (width + 2)
    for e in report.exercises:
        kind = f"  [{e.kind}]" if e.kind else ""
        if e.manual_points:
            state = "answered" if e.answered else "NOT ANSWERED YET"
            lines.append(f"  {e.stem:<{width}}  {state}: graded by hand, {e.manual_points:g} points{kind}")
            continue
        total = e.visible_points + e.hidden_points
        if e.passed is None:
            status = "no visible tests"
        else:
            status = "PASS" if e.passed else "FAIL"
        lines.append(f"  {e.stem:<{width}}  {status:<4}  visible {e.visible_points:g} + hidden {e.hidden_points:g}"
                     f" = {total:g} points{kind}")
        if e.passed is False:
            lines.append(f"{pad}      {e.message}")
        if e.hidden_points and e.hidden:
            lines.append(f"{pad}      hidden tests also try: {e.hidden}")
    passed = [e for e in report.exercises if e.passed]
    with_tests = [e for e in report.exercises if e.passed is not None and not e.manual_points]
    visible = sum(e.visible_points for e in passed)
    lines.append(f"Visible tests pass for {len(passed)} of {len(with_tests)} exercises "
                 f"({visible:g} of {sum(e.visible_points for e in with_tests):g} visible points).")
    hidden = sum(e.hidden_points for e in report.exercises)
    if hidden:
        lines.append(f"Hidden tests worth {hidden:g} more points run only when your notebook is graded: "
                     "passing the visible tests does not guarantee them.")
    manual = [e for e in report.exercises if e.manual_points]
    if manual:
        lines.append(f"{sum(e.manual_points for e in manual):g} points are graded by hand after submission"
                     + ("; still to answer: " + ", ".join(e.stem for e in manual if not e.answered)
                        if any(not e.answered for e in manual) else "") + ".")
    for number, seconds in report.slow:
        lines.append(f"Code cell {number} ran {seconds:.0f} s; grading allows {GRADING_CELL_SECONDS} s per cell on "
                     "an unloaded machine. If the cell runs your code, make it faster.")
    if report.changed:
        lines.append("Test cells you edited: " + ", ".join(report.changed)
                     + ". Grading restores the original tests, so your edits will not count.")
    if report.type_changed:
        lines.append("Cells whose type you changed (code <-> markdown): " + ", ".join(report.type_changed)
                     + ". Change them back, or they may score 0.")
    if report.error:
        lines.append(f"The notebook did not run to the end: {report.error}. "
                     "Restart the kernel and run all cells to find the problem.")
    return "\n".join(lines)
