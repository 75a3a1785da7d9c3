"""The ``dlcourse`` command: tools for instructors and students around nbgrader.

    dlcourse release [CHAPTER ...]     regenerate notebooks/ from solutions/ (instructors)
    dlcourse check NOTEBOOK [...]      run a notebook's visible tests and report per exercise (students)

Every subcommand has ``--help``. Exit status: 0 success, 1 a check found failing tests,
2 bad input (no such chapter or notebook, unreadable notebook).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _release(args: argparse.Namespace) -> int:
    from dlcourse.grading.notebooks import chapters, release

    root = Path(args.root).resolve()
    known = chapters(root)
    wanted = args.chapters or known
    unknown = [c for c in wanted if c not in known]
    if unknown:
        print(f"dlcourse release: no chapter {', '.join(unknown)} under {root / 'solutions'}; "
              f"chapters: {', '.join(known) or 'none'}", file=sys.stderr)
        return 2
    for chapter in wanted:
        release(chapter, root)
        print(f"released notebooks/{chapter} from solutions/{chapter}", flush=True)
    return 0


def _check(args: argparse.Namespace) -> int:
    from dlcourse.grading.check import check_notebook, format_report
    from dlcourse.grading.notebooks import use_execution_env

    use_execution_env()   # the environment the tests were written for: CPU, no progress bars
    status = 0
    for path in args.notebooks:
        print(f"checking {path} (each cell may take up to {args.timeout} s) ...", flush=True)
        try:
            report = check_notebook(Path(path), timeout=args.timeout)
        except (FileNotFoundError, ValueError) as exc:
            print(f"dlcourse check: {exc}", file=sys.stderr)
            status = 2
            continue
        print(format_report(report), flush=True)
        if not report.ok:
            status = max(status, 1)
    return status


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dlcourse", description="Tools of the dlcourse deep-learning course.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    rel = sub.add_parser("release", help="regenerate student copies (notebooks/) from solutions/ via nbgrader",
                         description="Regenerate notebooks/<chapter> from solutions/<chapter> with nbgrader's "
                                     "generate_assignment: solutions become stubs, hidden tests are removed, "
                                     "outputs are cleared.")
    rel.add_argument("chapters", nargs="*", metavar="CHAPTER", help="e.g. 01-basics (default: every chapter)")
    rel.add_argument("--root", default=".", help="the course repository (default: the current folder)")
    rel.set_defaults(run=_release)

    chk = sub.add_parser("check", help="run a notebook's visible tests and report per exercise",
                         description="Execute a copy of each notebook as 'nbgrader validate' does and print, per "
                                     "exercise, whether its visible tests pass, the points at stake and the "
                                     "failure message. Hidden tests run only when the notebook is graded. "
                                     "Exit status 0 when every visible test passes, 1 otherwise, 2 when a "
                                     "notebook cannot be read.")
    chk.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    chk.add_argument("--timeout", type=int, default=60, help="seconds allowed per cell (default 60)")
    chk.set_defaults(run=_check)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
