"""Collect a class's submissions of one chapter into nbgrader's ``submitted/`` layout.

Accepted sources:

- a course folder with nbgrader's layout, ``<source>/submitted/<student>/<chapter>/*.ipynb``;
- a flat folder ``<source>/<student>/<chapter>/*.ipynb``;
- a zip file of either (as exported by a learning platform; one top-level folder is allowed).

Each student's notebooks are matched to the chapter's notebooks by name, and a renamed file
(``03-losses (1).ipynb``, ``Copy of 03-losses.ipynb``) by its content: the nbgrader grade ids
in its cells. Anything that cannot be matched, a missing notebook, an unreadable file, is reported
by student and file name; it never stops the others.

Writing is idempotent: collecting the same files again changes nothing. A re-submission (other
content) replaces the current one, and the earlier version is kept under
``submitted-history/<student>/<chapter>/<time>/``.

Times: a submission's own ``timestamp.txt`` (nbgrader's exchange writes one) is kept; it is the time late
penalties are measured from (``late.py``). A submission without one gets none: the time it was collected,
recorded in ``collected.txt``, says nothing of when the student handed it in, and would make every
submission collected after the due date late. Such a submission is never penalised.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"   # nbgrader's timestamp.txt
COLLECTED = "collected.txt"                     # when dlcourse collected it (not a submission time)


@dataclass
class Collected:
    """What ``collect`` did: students collected, and problems by student."""

    students: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)     # "<student>: <file> -> <notebook>"
    problems: list[str] = field(default_factory=list)    # "<student>: <what is wrong>"
    resubmitted: list[str] = field(default_factory=list)


def json_cells(path: Path) -> list[dict]:
    """The cells of a notebook file read as plain JSON, without schema validation (a submission may be anything):
    each a dict whose ``metadata.nbgrader`` is a dict (``{}`` when absent or malformed); [] if unreadable."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    out = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict):
            meta = cell.get("metadata")
            grader = meta.get("nbgrader") if isinstance(meta, dict) else None
            out.append({**cell, "metadata": {**(meta if isinstance(meta, dict) else {}),
                                             "nbgrader": grader if isinstance(grader, dict) else {}}})
    return out


def grade_ids(path: Path) -> set[str]:
    """The nbgrader grade ids in a notebook file (empty if it is not readable JSON)."""
    return {c["metadata"]["nbgrader"].get("grade_id") for c in json_cells(path)} - {None}


def _safe_extract(archive: Path, dest: Path) -> Path:
    """Extract a zip, refusing members that would land outside ``dest``; return the folder holding the layout."""
    with zipfile.ZipFile(archive) as zf:
        for member in zf.namelist():
            if not (dest / member).resolve().is_relative_to(dest.resolve()):
                raise ValueError(f"{archive.name}: member {member!r} would be written outside the extraction folder")
        zf.extractall(dest)
    entries = [p for p in dest.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    if len(entries) == 1 and entries[0].is_dir() and not any(entries[0].glob("*/*.ipynb")) \
            and (any(entries[0].glob("*/*/*.ipynb")) or (entries[0] / "submitted").is_dir()):
        return entries[0]                                    # one top-level folder around the layout
    return dest


def _student_folders(root: Path, chapter: str) -> dict[str, Path]:
    base = root / "submitted" if (root / "submitted").is_dir() else root
    return {p.name: p / chapter for p in sorted(base.iterdir()) if p.is_dir() and not p.name.startswith(".")
            and (p / chapter).is_dir()}


def _match(files: list[Path], expected: dict[str, set[str]]) -> tuple[dict[str, Path], list[str], list[str]]:
    """Map expected notebook names to files: by name, then by grade ids. Returns (matches, renamed, unmatched)."""
    matches: dict[str, Path] = {}
    rest = []
    for f in files:
        if f.name in expected and f.name not in matches:
            matches[f.name] = f
        else:
            rest.append(f)
    renamed, unmatched = [], []
    for f in rest:
        ids = grade_ids(f)
        best = max((name for name in expected if name not in matches),
                   key=lambda name: len(ids & expected[name]), default=None)
        if best is not None and ids & expected[best]:
            matches[best] = f
            renamed.append(f"{f.name} -> {best}")
        else:
            unmatched.append(f.name)
    return matches, renamed, unmatched


def _same(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.glob("*.ipynb"))
    return names == sorted(p.name for p in b.glob("*.ipynb")) and all(
        filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def collect(source: Path, chapter: str, release: Path, course: Path, now: datetime | None = None) -> Collected:
    """Copy every student's notebooks of ``chapter`` from ``source`` into ``course/submitted/<student>/<chapter>/``.

    ``release`` is the folder of the chapter's student copies (their names and grade ids are what
    submissions are matched against).
    """
    source, course = Path(source), Path(course)
    expected = {p.name: grade_ids(p) for p in sorted(Path(release).glob("*.ipynb"))}
    if not expected:
        raise FileNotFoundError(f"no released notebooks in {release}: release the chapter first")
    stamp = (now or datetime.now(timezone.utc)).strftime(TIMESTAMP_FORMAT)
    result = Collected()
    with tempfile.TemporaryDirectory() as tmp:
        if source.is_file() and zipfile.is_zipfile(source):
            root = _safe_extract(source, Path(tmp))
        elif source.is_dir():
            root = source
        else:
            raise FileNotFoundError(f"{source}: not a folder of submissions or a zip file")
        for student, folder in _student_folders(root, chapter).items():
            matches, renamed, unmatched = _match(sorted(folder.glob("*.ipynb")), expected)
            result.renamed += [f"{student}: {r}" for r in renamed]
            result.problems += [f"{student}: {name} is not a notebook of {chapter}" for name in unmatched]
            result.problems += [f"{student}: {name} is missing" for name in expected if name not in matches]
            if not matches:
                continue
            staged = Path(tmp) / "staged" / student
            staged.mkdir(parents=True)
            for name, f in matches.items():
                shutil.copyfile(f, staged / name)
            dest = course / "submitted" / student / chapter
            if dest.is_dir() and _same(dest, staged):
                result.students.append(student)              # already collected: nothing to do
                continue
            if dest.is_dir():
                old_stamp = next(((dest / n).read_text().strip() for n in ("timestamp.txt", COLLECTED)
                                  if (dest / n).exists()), "unknown")
                history = course / "submitted-history" / student / chapter / old_stamp.replace(":", "-")
                n = 1
                while history.exists():                      # two earlier versions with one timestamp
                    history = history.with_name(f"{history.name.split('~')[0]}~{n}")
                    n += 1
                history.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(dest), history)
                result.resubmitted.append(student)
            dest.mkdir(parents=True)
            for f in staged.iterdir():
                shutil.copyfile(f, dest / f.name)
            src_stamp = folder / "timestamp.txt"
            if src_stamp.exists():
                (dest / "timestamp.txt").write_text(src_stamp.read_text())
            (dest / COLLECTED).write_text(stamp)
            result.students.append(student)
    return result


def cell_changes(notebook: Path, release: Path, source: Path | None = None) -> list[str]:
    """What a student changed of the locked cells (the tests) of their notebook, one line per change, by grade id.

    A locked cell counts as edited when its checksum (nbgrader's: source, type, points) matches neither the
    released cell's (the student copy, hidden tests stripped) nor, when ``source`` is given, the instructor's
    (hidden tests included). So an untouched test cell is never reported, however nbgrader later restores it;
    a cell missing, turned into another type or moved is. Grading restores each of them from the gradebook.
    An unreadable ``notebook`` gives no lines (grading reports it)."""
    from nbgrader import utils

    def graded(path: Path) -> dict[str, nbformat.NotebookNode]:
        """{grade_id: cell} of every nbgrader cell, in notebook order."""
        return {c.metadata["nbgrader"]["grade_id"]: c for c in nbformat.read(path, as_version=4).cells
                if isinstance(c.metadata.get("nbgrader"), dict) and c.metadata["nbgrader"].get("grade_id")}

    try:
        by_id = graded(notebook)
    except Exception:                 # not a notebook: grading reports that, and scores it 0
        return []
    everything = graded(release)
    released = {gid: c for gid, c in everything.items() if c.metadata["nbgrader"].get("locked")}
    originals = [released, graded(source)] if source is not None else [released]
    changes = []
    for gid, cell in everything.items():
        mine = by_id.get(gid)
        if mine is None:
            if gid in released:
                changes.append(f"cell {gid} is missing; the original was put back")
        elif mine.cell_type != cell.cell_type:
            changes.append(f"cell {gid} was turned into {mine.cell_type}; the original was put back")
        elif gid in released and not any(gid in o and utils.compute_checksum(mine) == utils.compute_checksum(o[gid])
                                         for o in originals):
            changes.append(f"test cell {gid} was edited; the original was put back")
    if [gid for gid in by_id if gid in everything] != [gid for gid in everything if gid in by_id]:
        changes.append("the test cells were moved (cell order changed); the released order was put back")
    return changes
