"""Time of ``dlcourse check`` on an honest notebook, per notebook, on an idle or a busy machine.

    .venv/bin/python benchmarks/bench_check.py                    # every chapter, machine idle
    .venv/bin/python benchmarks/bench_check.py --busy 2           # two busy-looping processes alongside
    .venv/bin/python benchmarks/bench_check.py notebooks/01-basics/02-activations.ipynb

The honest notebook is the student copy (``notebooks/``) with each answer cell replaced by the
instructor's solution: what a student who solved everything submits. It is checked as the student
would, with the defaults (``dlcourse check``'s per-cell limit). ``--busy N`` starts N processes that
spin on the CPU for the whole run, as a student's browser, IDE and other notebooks do.

The table gives the seconds per notebook, the slowest cell, and the verdict. The check is truthful
about time when every honest notebook passes even under load (no "timed out"); a cell slower than
grading's per-cell limit is named by the check itself. Exit status 1 when an honest notebook fails.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from dlcourse.grading.check import DEFAULT_TIMEOUT, check_notebook
from dlcourse.grading.notebooks import ROOT, use_execution_env


def honest_copy(student: Path, folder: Path) -> Path:
    """The student copy with the instructor's answers in its answer cells (checksums left as released)."""
    solution = nbformat.read(ROOT / "solutions" / student.parent.name / student.name, as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(student, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    for f in student.parent.iterdir():            # files the notebook reads beside it
        if f.is_file() and f.suffix != ".ipynb":
            shutil.copy(f, folder)
    out = folder / student.name
    nbformat.write(nb, out)
    return out


def _spin() -> None:
    while True:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="student notebooks (default: all of notebooks/)")
    parser.add_argument("--busy", type=int, default=0, help="busy-looping processes to run alongside")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="per-cell limit, as dlcourse check")
    args = parser.parse_args()
    paths = args.paths or sorted((ROOT / "notebooks").glob("*/*.ipynb"))
    use_execution_env()
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(args.busy)]
    for p in spinners:
        p.start()
    failed = 0
    print(f"dlcourse check on honest notebooks: {os.cpu_count()} CPUs, {args.busy} busy process(es), "
          f"per-cell limit {args.timeout} s")
    print(f"{'notebook':<42} {'seconds':>8} {'slowest cell':>13}  verdict")
    total = 0.0
    try:
        for path in paths:
            with tempfile.TemporaryDirectory() as tmp:
                report = check_notebook(honest_copy(Path(path).resolve(), Path(tmp)), timeout=args.timeout)
            total += report.seconds
            slowest = max((t for t in report.cell_seconds if t is not None), default=0.0)
            verdict = "PASS" if report.ok else "FAIL: " + (report.error or "; ".join(
                f"{e.stem}: {e.message}" for e in report.exercises if e.passed is False))
            failed += not report.ok
            name = f"{Path(path).parent.name}/{Path(path).name}"
            print(f"{name:<42} {report.seconds:>8.1f} {slowest:>13.1f}  {verdict}", flush=True)
    finally:
        for p in spinners:
            p.terminate()
    print(f"{'total':<42} {total:>8.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
