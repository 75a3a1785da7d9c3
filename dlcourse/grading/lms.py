r"""Grades out to a learning-management system: ``dlcourse export CHAPTER --format {canvas,moodle,csv}``.

Each submission of a chapter becomes one row (``Row``), read from nbgrader's gradebook: the raw score
(nbgrader's ``SubmittedAssignment.score``), the late penalty nbgrader stored (``late.py``), and

.. math::

    \text{final} = \text{raw score} - \text{late penalty}

A submission with answers still awaiting manual grading (free-text answers, graded in the formgrader) has
a provisional score: the LMS formats leave its grade cell empty and say why in a note, so the LMS shows it
ungraded instead of publishing a grade that can only go up.

``export`` writes UTF-8 CSV in one of three layouts:

- ``csv``: every field of ``Row``, one column each;
- ``canvas``: the layout of Canvas's gradebook import (``canvas_table``);
- ``moodle``: the layout of Moodle's "Import grades: CSV file" (``moodle_table``).

Passwords in a PostgreSQL URL are never printed: messages name the gradebook with ``gradebook.shown``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from dlcourse.grading import gradebook

FORMATS = ("canvas", "moodle", "csv")
GRADED, AWAITING = "graded", "awaiting manual grading"


@dataclass(frozen=True)
class Row:
    """One submission of a chapter, as the exports write it. Times are UTC, scores are points."""

    student: str                    # nbgrader's student id
    first_name: str
    last_name: str
    email: str
    lms_user_id: str                # the LMS's own id for the student ("" if unknown)
    timestamp_utc: str              # when it was submitted, ISO 8601 ("" if unknown)
    seconds_late: float             # after the due date plus the student's extension
    raw_score: float
    late_penalty: float
    final_score: float              # raw_score - late_penalty
    max_score: float
    awaiting_manual_grading: list[str]  # "notebook/cell (points)" of each answer still to grade by hand
    points_awaiting: float          # the points of those answers
    status: str                     # "graded" or "awaiting manual grading"


def _row(sub) -> Row:
    student = sub.student
    pending = [(nb.name, grade) for nb in sub.notebooks for grade in nb.grades if grade.needs_manual_grade]
    waiting = sorted(f"{name}/{grade.name} ({grade.max_score:g})" for name, grade in pending)
    raw, penalty = float(sub.score or 0.0), float(sub.late_submission_penalty or 0.0)
    return Row(student=sub.student_id, first_name=student.first_name or "", last_name=student.last_name or "",
               email=student.email or "", lms_user_id=student.lms_user_id or "",
               timestamp_utc=sub.timestamp.isoformat() if sub.timestamp else "",
               seconds_late=float(sub.total_seconds_late), raw_score=raw, late_penalty=penalty,
               final_score=raw - penalty, max_score=float(sub.max_score or 0.0),
               awaiting_manual_grading=waiting, points_awaiting=float(sum(g.max_score or 0.0 for _, g in pending)),
               status=AWAITING if waiting else GRADED)


def _read(db_url: str, chapter: str) -> tuple[list[Row], float]:
    """The chapter's rows, sorted by student id, and its maximum score."""
    from nbgrader.api import MissingEntry

    gradebook.require(db_url)
    with gradebook.open_gradebook(db_url) as gb:
        try:
            assignment = gb.find_assignment(chapter)
        except MissingEntry:
            names = sorted(a.name for a in gb.assignments)
            raise LookupError(f"no chapter {chapter!r} in the gradebook {gradebook.shown(db_url)}; it has "
                              f"{', '.join(names) if names else 'no chapters yet'}") from None
        found = [_row(sub) for sub in assignment.submissions]
        return sorted(found, key=lambda r: r.student), float(assignment.max_score or 0.0)


def rows(db_url: str, chapter: str) -> list[Row]:
    """One ``Row`` per submission of ``chapter``, sorted by student id. ``LookupError`` names the chapters
    the gradebook has when it has no ``chapter``; ``FileNotFoundError`` for a SQLite file that is missing."""
    return _read(db_url, chapter)[0]


def points(value: float) -> str:
    """A score as the files write it: at most two decimals, no trailing zeros (``17.5``, ``18``)."""
    text = f"{value + 0.0:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def note(row: Row) -> str:
    """What a grade cell cannot say, in words: answers awaiting manual grading, the late penalty."""
    parts = []
    if row.awaiting_manual_grading:
        n = len(row.awaiting_manual_grading)
        parts.append(f"awaiting manual grading: {n} answer{'s' if n != 1 else ''} ({points(row.points_awaiting)} "
                     f"points)")
    if row.late_penalty > 0:
        parts.append(f"late penalty {points(row.late_penalty)} points ({row.seconds_late / 3600:.1f} hours late)")
    return "; ".join(parts)


def _lms_score(row: Row) -> str:
    """The grade an LMS gets: the final score, or empty while answers await manual grading."""
    return "" if row.awaiting_manual_grading else points(row.final_score)


def csv_table(chapter: str, found: list[Row], max_score: float) -> list[list[str]]:
    """Every field of ``Row``, one column each; lists joined with "; "."""
    names = [f.name for f in fields(Row)]
    table = [names]
    for row in found:
        values = asdict(row)
        values["awaiting_manual_grading"] = "; ".join(row.awaiting_manual_grading)
        for key in ("raw_score", "late_penalty", "final_score", "max_score", "points_awaiting"):
            values[key] = points(values[key])
        values["seconds_late"] = f"{row.seconds_late:.0f}"
        table.append([str(values[name]) for name in names])
    return table


def canvas_table(chapter: str, found: list[Row], max_score: float) -> list[list[str]]:
    """Canvas's gradebook import layout (Grades > Import):

    ``Student, ID, SIS User ID, SIS Login ID, Section, <chapter>, Notes``, then a ``Points Possible`` row
    with the chapter's maximum in its column, then one row per student.

    Canvas matches a row to a student by ``ID`` (Canvas's user id: the gradebook's ``lms_user_id``), else
    ``SIS User ID`` (left empty here), else ``SIS Login ID`` (the nbgrader student id, which is the login
    where students sign in through the institution's accounts); ``Student`` and ``Section`` are shown, not
    matched. The ``<chapter>`` column is matched to the Canvas assignment of that name (or to the one whose id
    is in parentheses, ``01-basics (1234)``, as Canvas's own export writes it); with no match Canvas offers to
    create it with the ``Points Possible`` value or to ignore the column. ``Notes`` is matched to the
    gradebook's Notes column (View > Notes must be switched on), or is offered as an unknown column to ignore.
    A submission awaiting manual grading has an empty grade cell.
    """
    table = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", chapter, "Notes"],
             ["Points Possible", "", "", "", "", points(max_score), ""]]
    for row in found:
        name = ", ".join(p for p in (row.last_name, row.first_name) if p) or row.student
        table.append([name, row.lms_user_id, "", row.student, "", _lms_score(row), note(row)])
    return table


def moodle_table(chapter: str, found: list[Row], max_score: float) -> list[list[str]]:
    """Moodle's "Import grades: CSV file" layout (Grades > Import > CSV file):

    ``Username, ID number, Email address, <chapter>, Feedback``, one row per student.

    In the import form, set "Identify user by" to map from ``Username`` to "Username" (it is filled in on every
    row; Moodle stops the whole import at a row whose user it cannot find), map ``<chapter>`` to the grade item
    (or to "New grade item"), and ``Feedback`` to "Feedback for" that grade item; leave ``ID number`` and
    ``Email address`` ignored, or use one of them to identify users when the nbgrader ids are not Moodle
    usernames. Moodle reads an empty grade cell as "no grade": a submission awaiting manual grading stays
    ungraded (and a grade typed into Moodle for it earlier is removed).
    """
    table = [["Username", "ID number", "Email address", chapter, "Feedback"]]
    for row in found:
        table.append([row.student, row.lms_user_id, row.email, _lms_score(row), note(row)])
    return table


TABLES = {"canvas": canvas_table, "moodle": moodle_table, "csv": csv_table}


def export(db_url: str, chapter: str, fmt: str, out: Path) -> Path:
    """Write ``chapter``'s grades from the gradebook ``db_url`` to ``out`` as UTF-8 CSV in the layout ``fmt``
    (``canvas``, ``moodle`` or ``csv``); return ``out``."""
    _check_format(fmt)
    return _write(TABLES[fmt](chapter, *_read(db_url, chapter)), Path(out))


def _check_format(fmt: str) -> None:
    if fmt not in TABLES:
        raise ValueError(f"unknown export format {fmt!r}; the formats are {', '.join(FORMATS)}")


def _write(table: list[list[str]], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(table)
    return out


def default_output(course: Path, chapter: str, fmt: str) -> Path:
    """``<course>/reports/<chapter>/<chapter>-<fmt>.csv``, beside the other reports."""
    return Path(course) / "reports" / chapter / f"{chapter}-{fmt}.csv"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``dlcourse export`` to the ``dlcourse`` command's subparsers; it runs ``main``."""
    p = sub.add_parser("export", help="write a chapter's grades for Canvas, Moodle or as plain CSV",
                       description="Write CHAPTER's grades from the gradebook as a CSV file to import into an LMS: "
                                   "final score = score - late penalty; a submission with answers still awaiting "
                                   "manual grading gets an empty grade and a note saying why. Exit status 0, or 2 "
                                   "on bad input (unknown chapter, no gradebook).")
    p.add_argument("chapter", metavar="CHAPTER", help="e.g. 01-basics")
    p.add_argument("--format", dest="format", choices=FORMATS, required=True, help="the layout of the file")
    p.add_argument("--course", default=".", help="the course folder (default: .)")
    p.add_argument("--db", default=None, metavar="URL",
                   help="the gradebook's database URL (default: sqlite:///<course>/gradebook.db)")
    p.add_argument("--output", default=None, metavar="FILE",
                   help="where to write (default: <course>/reports/<chapter>/<chapter>-<format>.csv)")
    p.set_defaults(run=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run ``dlcourse export``: 0 when the file is written, 2 with a message on stderr for bad input."""
    def fail(message: str) -> int:
        print(f"dlcourse export: {message}", file=sys.stderr)
        return 2

    try:
        db_url = gradebook.url(Path(args.course), args.db)
        if not gradebook.is_sqlite(db_url):
            gradebook.check(db_url)
        _check_format(args.format)
        out = Path(args.output) if args.output else default_output(Path(args.course), args.chapter, args.format)
        found, max_score = _read(db_url, args.chapter)
        _write(TABLES[args.format](args.chapter, found, max_score), out)
    except (ValueError, LookupError, FileNotFoundError, gradebook.GradebookUnavailable) as exc:
        return fail(str(exc))
    waiting = sum(1 for r in found if r.awaiting_manual_grading)
    print(f"wrote {len(found)} row(s) of {args.chapter} in the {args.format} layout to {out}"
          + (f"; {waiting} await manual grading (empty grade, see the notes)" if waiting else ""))
    return 0
