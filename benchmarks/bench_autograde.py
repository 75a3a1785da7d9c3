"""Throughput of `dlcourse autograde` against plain sequential `nbgrader autograde`, in one run.

    .venv/bin/python benchmarks/bench_autograde.py                      # 60 students, all of 01-basics
    .venv/bin/python benchmarks/bench_autograde.py --students 12 --notebooks 02-activations

A synthetic class of Chapter-1 submissions: a third correct (the instructor notebook), a third partial
(one exercise per notebook replaced by the released stub), a third broken (the released stub, plus
one malformed file per ten students). The same class is graded three times, each in a fresh copy of
the course with its own gradebook:

- ``plain``: ``nbgrader autograde 01-basics`` (sequential, unsandboxed, the machine's default threads);
- ``jobs 1`` and ``jobs N``: ``dlcourse autograde`` with the sandbox on (N = cores).

Printed: wall time and notebooks per minute of each, the speed-up of ``jobs N`` over plain
(target on 2 cores: at least 1.8x), and whether all three recorded the same scores.

    .venv/bin/python benchmarks/bench_autograde.py --scheduler local:2 --students 12

compares the two executors of ``dlcourse autograde`` on the same class instead, in one run:

- ``pool N``: the process pool with N workers;
- ``dask local:N``: a Dask ``LocalCluster`` of N workers (``--scheduler local:N``). Its overhead over the
  pool is printed (target: at most 10 %);
- ``dask 1 pinned`` and ``dask 2 pinned``: one Dask worker pinned to core 0, then two pinned to cores 0 and 1
  (``os.sched_setaffinity``, inherited by their sandboxed kernels): what a second machine of one core adds,
  on one computer.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from dlcourse.grading.autograde import Options, autograde
from dlcourse.grading.notebooks import EXECUTION_ENV, ROOT, nbgrader

CH = "01-basics"


def _course(tmp: Path, notebooks: list[str]) -> Path:
    course = tmp / "course"
    (course / "solutions" / CH).mkdir(parents=True)
    for name in notebooks:
        shutil.copy(ROOT / "solutions" / CH / f"{name}.ipynb", course / "solutions" / CH)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    nbgrader(["generate_assignment", CH, "--force"], cwd=course)
    return course


def _class(course: Path, inbox: Path, students: int) -> None:
    for i in range(students):
        kind = ("correct", "partial", "broken")[i % 3]
        malformed = kind == "broken" and i % 10 == 2
        folder = inbox / f"s{i:03d}-{kind}{'-malformed' if malformed else ''}" / CH
        folder.mkdir(parents=True)
        for sol in sorted((course / "solutions" / CH).glob("*.ipynb")):
            stub = course / "notebooks" / CH / sol.name
            if kind == "correct":
                shutil.copy(sol, folder / sol.name)
            elif kind == "broken":
                shutil.copy(stub, folder / sol.name)
            else:
                nb = nbformat.read(sol, as_version=4)
                released = {c.metadata["nbgrader"]["grade_id"]: c.source
                            for c in nbformat.read(stub, as_version=4).cells
                            if c.metadata.get("nbgrader", {}).get("solution")}
                first = next(iter(released))
                for c in nb.cells:
                    if c.metadata.get("nbgrader", {}).get("grade_id") == first:
                        c.source = released[first]
                nbformat.write(nb, folder / sol.name)
        if malformed:
            next(folder.glob("*.ipynb")).write_text("{ not a notebook")
        (folder / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")


def _scores(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(CH)}


def _pin(core: int) -> None:
    """Run on a Dask worker: this process, and the kernels it will start, on ``core`` only."""
    os.sched_setaffinity(0, {core})


def _grade_on(course: Path, inbox: Path, workers: int, pinned: bool) -> None:
    """Grade with a LocalCluster of ``workers`` (pinned to cores 0, 1, ... when ``pinned``)."""
    import logging

    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        if pinned:
            for core, address in enumerate(sorted(client.scheduler_info()["workers"])):
                client.run(_pin, core, workers=[address])
        autograde(course, CH, inbox, Options(scheduler=cluster.scheduler_address, progress=False),
                  log=lambda *a, **k: None)


def executors(args, notebooks: list[str]) -> int:
    """``--scheduler local:N``: the process pool against Dask on the same class (see the module docstring)."""
    n = int(args.scheduler.split(":", 1)[1])
    modes = [f"pool {n}", f"dask local:{n}"] + (["dask 1 pinned", "dask 2 pinned"]
                                                if len(os.sched_getaffinity(0)) >= 2 else [])
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in modes:
            work = Path(tmp) / mode.replace(" ", "").replace(":", "")
            course = _course(work, notebooks)
            inbox = work / "inbox"
            _class(course, inbox, args.students)
            start = time.perf_counter()
            if mode.startswith("pool"):
                autograde(course, CH, inbox, Options(jobs=n, progress=False), log=lambda *a, **k: None)
            elif mode.startswith("dask local"):
                autograde(course, CH, inbox, Options(scheduler=f"local:{n}", progress=False),
                          log=lambda *a, **k: None)
            else:
                _grade_on(course, inbox, int(mode.split()[1]), pinned=True)
            seconds = time.perf_counter() - start
            results[mode] = (seconds, _scores(course))
            count = args.students * len(notebooks)
            print(f"{mode:>14}: {seconds:7.1f} s  {60 * count / seconds:6.1f} notebooks/min", flush=True)
    pool, dask = results[f"pool {n}"][0], results[f"dask local:{n}"][0]
    print(f"Dask executor overhead over the process pool: {100 * (dask / pool - 1):+.1f} % (target <= 10 %)")
    if "dask 2 pinned" in results:
        one, two = results["dask 1 pinned"][0], results["dask 2 pinned"][0]
        print(f"a second one-core worker: {one / two:.2f}x the throughput of one ({100 * (one / two - 1):+.0f} %)")
    same = all(r[1] == results[f"pool {n}"][1] for r in results.values())
    print(f"{args.students} students x {len(notebooks)} notebooks; same scores in every run: {same}")
    return 0 if same else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--notebooks", nargs="*", default=None, help="stems of Chapter-1 notebooks (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scheduler", default=None, metavar="local:N",
                        help="compare the process pool with a Dask LocalCluster of N workers instead")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted(p.stem for p in (ROOT / "solutions" / CH).glob("*.ipynb"))
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    if args.scheduler:
        if not args.scheduler.startswith("local:"):
            parser.error("--scheduler takes local:N here (a benchmark on this machine)")
        return executors(args, notebooks)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for mode in ("plain", "jobs 1", f"jobs {args.jobs}"):
            work = tmp / mode.replace(" ", "")
            course = _course(work, notebooks)
            inbox = work / "inbox"
            _class(course, inbox, args.students)
            start = time.perf_counter()
            if mode == "plain":
                shutil.copytree(inbox, course / "submitted")
                env = {**os.environ, **EXECUTION_ENV}
                env.pop("OMP_NUM_THREADS")             # plain nbgrader gets the machine's default threads
                subprocess.run([os.path.join(os.path.dirname(sys.executable), "nbgrader"), "autograde", CH],
                               cwd=course, env=env, capture_output=True)
            else:
                autograde(course, CH, inbox, Options(jobs=int(mode.split()[1]), progress=False), log=lambda *a, **k: None)
            seconds = time.perf_counter() - start
            count = args.students * len(notebooks)
            results[mode] = (seconds, _scores(course))
            print(f"{mode:>8}: {seconds:7.1f} s  {60 * count / seconds:6.1f} notebooks/min", flush=True)
    plain = results["plain"][0]
    best = results[f"jobs {args.jobs}"][0]
    print(f"speed-up of jobs {args.jobs} (sandboxed) over plain nbgrader: {plain / best:.2f}x "
          f"(target >= 1.8x on 2 cores); jobs 1 vs plain: {plain / results['jobs 1'][0]:.2f}x")
    # plain nbgrader gives up on a student with a malformed file; dlcourse grades their other notebooks
    def comparable(scores):
        return {s: v for s, v in scores.items() if "malformed" not in s}
    same = all(comparable(r[1]) == comparable(results["plain"][1]) for r in results.values())
    print(f"{len(results['plain'][1])} students x {len(notebooks)} notebooks; same scores in all three runs: {same}")
    if not same:
        print(json.dumps({m: r[1] for m, r in results.items()}, indent=1))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
