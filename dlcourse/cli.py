"""The ``dlcourse`` command: tools for instructors and students around nbgrader.

    dlcourse release [CHAPTER ...]     regenerate notebooks/ from solutions/ (instructors)
    dlcourse check NOTEBOOK [...]      run a notebook's visible tests and report per exercise (students)
    dlcourse autograde CHAPTER [SUBMISSIONS]   grade a class, sandboxed and in parallel (instructors)
    dlcourse report CHAPTER            rewrite reports/<chapter>/ from the gradebook (instructors)
    dlcourse export CHAPTER --format canvas|moodle|csv   grades for a learning platform (instructors)

Every subcommand has ``--help``. Exit status: 0 success, 1 a check found failing tests,
2 bad input (no such chapter or notebook, unreadable notebook).
"""

from __future__ import annotations

import argparse
import os
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


def _autograde(args: argparse.Namespace) -> int:
    from dlcourse.grading.autograde import Options, SandboxUnavailable, autograde
    from dlcourse.grading.cluster import SchedulerLost, WorkerUnfit
    from dlcourse.grading.gradebook import GradebookUnavailable, url

    opts = Options(jobs=args.jobs, sandbox=not args.no_sandbox, cell_timeout=args.cell_timeout,
                   notebook_timeout=args.notebook_timeout, memory=int(args.memory * 2**30), db=args.db,
                   scheduler=args.scheduler)
    if args.no_sandbox:
        print("WARNING: --no-sandbox: student code runs with your permissions and can read solutions/, the "
              "gradebook and other students' work.", file=sys.stderr)
    try:
        outcome = autograde(Path(args.course), args.chapter, Path(args.submissions) if args.submissions else None,
                            opts, force=args.force)
    except (SandboxUnavailable, WorkerUnfit) as exc:
        print(f"dlcourse autograde: REFUSING TO GRADE: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError, GradebookUnavailable, SchedulerLost) as exc:
        print(f"dlcourse autograde: {exc}", file=sys.stderr)
        return 2
    print(f"graded {len(outcome.graded)} submission(s); {len(outcome.unchanged)} unchanged since the last run")
    for problem in outcome.problems:
        print(f"  problem: {problem}")
    for withheld in outcome.feedback_withheld:
        print(f"  feedback withheld (it contained hidden-test text): {withheld}")
    from dlcourse.grading.reports import awaiting_manual

    waiting = awaiting_manual(Path(args.course), args.chapter, url(Path(args.course), args.db))
    if waiting:
        answers = sum(len(cells) for cells in waiting.values())
        print(f"{answers} answer(s) of {len(waiting)} student(s) await manual grading (grades.csv, column "
              f"awaiting_manual_grading): grade them in nbgrader's Formgrader (make formgrader), then run "
              f"dlcourse report {args.chapter}")
    print(f"reports: {outcome.reports}/grades.csv, exercises.csv, scores.png, similarity.csv and .html; "
          f"feedback: {Path(args.course) / 'feedback'}/<student>/{args.chapter}/")
    return 1 if outcome.problems or outcome.feedback_withheld else 0


def _report(args: argparse.Namespace) -> int:
    from dlcourse.grading import gradebook
    from dlcourse.grading.reports import write_reports

    try:
        db_url = gradebook.url(Path(args.course), args.db)
        gradebook.check(db_url)
        gradebook.require(db_url)
    except (ValueError, FileNotFoundError, gradebook.GradebookUnavailable) as exc:
        print(f"dlcourse report: {exc}", file=sys.stderr)
        return 2
    try:
        from dlcourse.grading.autograde import _nbgrader_config
        from dlcourse.grading.late import reassign

        # points given by hand since the last run change what a late submission loses
        changed = reassign(db_url, args.chapter, _nbgrader_config(Path(args.course)))
        folder = write_reports(Path(args.course), args.chapter, db_url=db_url)
    except Exception as exc:   # nbgrader's MissingEntry: the chapter was never graded
        print(f"dlcourse report: no grades for {args.chapter} in {gradebook.shown(db_url)} ({exc})", file=sys.stderr)
        return 2
    if changed:
        print(f"late penalties worked out again from the current scores: {changed} notebook(s) changed")
    print(f"wrote {folder}/grades.csv, exercises.csv, scores.png, similarity.csv and .html")
    if args.feedback:
        from dlcourse.grading.autograde import refresh_feedback

        done, problems = refresh_feedback(Path(args.course), args.chapter, log=lambda *a, **k: None, db=args.db)
        print(f"rewrote the feedback of {len(done)} student(s) in {Path(args.course) / 'feedback'}/<student>/"
              f"{args.chapter}/")
        for problem in problems:
            print(f"  problem: {problem}")
        return 1 if problems else 0
    return 0


def parser() -> argparse.ArgumentParser:
    from dlcourse.grading import lms
    from dlcourse.grading.check import DEFAULT_TIMEOUT, GRADING_CELL_SECONDS

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
    chk.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                     help=f"seconds allowed per cell (default {DEFAULT_TIMEOUT}: generous, so a busy machine never "
                          f"fails an honest notebook; cells slower than grading's {GRADING_CELL_SECONDS} s are named)")
    chk.set_defaults(run=_check)

    ag = sub.add_parser("autograde", help="grade a class's submissions: sandboxed, in parallel, with reports",
                        description="Collect SUBMISSIONS (nbgrader's submitted/ layout, a flat "
                                    "<student>/<chapter>/*.ipynb folder, or an LMS zip) into submitted/, execute "
                                    "every student's notebooks through nbgrader's autograder in --jobs worker "
                                    "processes, each kernel in a bubblewrap sandbox, record the grades from one "
                                    "process, write feedback/<student>/<chapter>/*.html without the hidden tests, "
                                    "and reports/<chapter>/grades.csv, exercises.csv, scores.png and similarity.csv/.html. Unchanged "
                                    "submissions are not graded again. Exit status 0, 1 when a submission had a "
                                    "problem (listed by name), 2 when nothing could be graded.")
    ag.add_argument("chapter", metavar="CHAPTER", help="e.g. 01-basics")
    ag.add_argument("submissions", nargs="?", metavar="SUBMISSIONS",
                    help="folder or zip to collect from (default: what is already in submitted/)")
    ag.add_argument("--course", default=".", help="the course folder with nbgrader_config.py (default: .)")
    ag.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)")
    ag.add_argument("--cell-timeout", type=int, default=60, help="seconds per cell (default 60)")
    ag.add_argument("--notebook-timeout", type=int, default=600, help="seconds per notebook (default 600)")
    ag.add_argument("--memory", type=float, default=3.0, help="memory limit per kernel in GiB (default 3)")
    ag.add_argument("--force", action="store_true", help="grade again even unchanged submissions")
    ag.add_argument("--no-sandbox", action="store_true",
                    help="run student code unconfined (only for submissions you trust)")
    ag.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="grade on a Dask cluster: tcp://HOST:8786 (workers started with `dask worker ADDRESS "
                         "--nthreads 1`), or local:N for N Dask workers on this machine (default: --jobs worker "
                         "processes here)")
    ag.add_argument("--db", default=None, metavar="URL",
                    help="the gradebook: postgresql://USER@HOST:5432/DATABASE or sqlite:///PATH (default: "
                         "sqlite:///<course>/gradebook.db)")
    ag.set_defaults(run=_autograde)

    rep = sub.add_parser("report", help="rewrite reports/<chapter>/ from the gradebook",
                         description="Re-export grades.csv, exercises.csv, scores.png and similarity.csv/.html for CHAPTER from "
                                     "gradebook.db (after manual grading, say); with --feedback, also rewrite "
                                     "every graded student's feedback pages with the new scores and comments.")
    rep.add_argument("chapter", metavar="CHAPTER")
    rep.add_argument("--course", default=".", help="the course folder (default: .)")
    rep.add_argument("--feedback", action="store_true",
                     help="also rewrite the students' feedback from the gradebook (after manual grading)")
    rep.add_argument("--db", default=None, metavar="URL",
                     help="the gradebook's database URL (default: sqlite:///<course>/gradebook.db)")
    rep.set_defaults(run=_report)

    lms.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    bindir = os.path.dirname(sys.executable)      # nbgrader's gradebook needs alembic from this environment
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
