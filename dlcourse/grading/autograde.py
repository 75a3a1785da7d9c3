"""Grade a whole class through nbgrader: execute in parallel and sandboxed, write grades from one place.

``autograde(course, chapter, source)`` does, in order:

1. ``nbgrader generate_assignment`` so the gradebook knows the chapter's cells and checksums;
2. ``collect`` the submissions (nbgrader layout, flat folder or zip) into ``submitted/``;
3. **execute** each student's notebooks with ``nbgrader autograde --student S`` in ``jobs`` worker
   processes. Every worker grades in a private copy of the course under ``.autograde/`` (its own
   gradebook snapshot, nothing else), with sandboxed kernels (``sandbox.kernelspec``) that see only
   the one student's notebooks. They are forked from a per-student zygote that has imported what
   the chapter's notebooks import (``zygote.py``), so imports cost once per student, not per
   notebook. When nbgrader gives up on a student (a kernel that died, a file that is not a
   notebook), each notebook is retried alone, and a notebook that still fails
   is recorded with the reason on every test cell, so it scores 0 and says why;
4. **record**: the main process alone writes the gradebook, running nbgrader's autograder over the
   executed notebooks with execution switched off (nbgrader's own ``SaveAutoGrades`` and late
   penalties, one writer, so SQLite is never written concurrently);
5. **feedback**: nbgrader's feedback converter with ``HideHiddenTests``; every file is then scanned
   for hidden-test lines that no student copy shows and the student did not write, and deleted if
   one is found;
6. **reports**: ``reports/<chapter>/`` gets grades.csv, exercises.csv, scores.png and the similarity report.

A student's problems are named from their files, not from nbgrader's log: ``cell_changes`` compares each
submitted notebook with the release (a test cell edited, deleted, retyped or moved; an untouched one,
hidden tests stripped, is no change), the worker adds dead kernels and time-outs.

Re-running is idempotent: a student whose submission, and the assignment, have not changed since
their last recorded grade is not executed again, so a run killed half-way resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlcourse.grading import sandbox as sandbox_mod
from dlcourse.grading.notebooks import EXECUTION_ENV, ROOT, nbgrader, source_folder
from dlcourse.grading.submissions import cell_changes, collect

SCRATCH = ".autograde"


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or unusable and ``--no-sandbox`` was not given."""


@dataclass
class Options:
    jobs: int = os.cpu_count() or 1
    sandbox: bool = True
    cell_timeout: int = 60           # seconds per cell (nbgrader interrupts the cell, the notebook goes on)
    notebook_timeout: int = 600      # seconds per notebook, wall clock (the student's run is stopped)
    memory: int = 3 * 2**30          # address-space limit per kernel, bytes
    progress: bool = True
    warm: bool = True                # sandboxed kernels fork from a per-student zygote (zygote.py)


@dataclass
class Outcome:
    chapter: str
    graded: list[str] = field(default_factory=list)         # students whose grades were recorded this run
    unchanged: list[str] = field(default_factory=list)      # already graded, same submission
    problems: list[str] = field(default_factory=list)       # "<student>: <what happened>"
    feedback_withheld: list[str] = field(default_factory=list)
    reports: Path | None = None


def _digest(paths: list[Path], extra: str) -> str:
    h = hashlib.sha256(extra.encode())
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _assignment_digest(db: Path, chapter: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        cells = [(nb.name, c.name, c.checksum or "") for nb in gb.find_assignment(chapter).notebooks
                 for c in nb.source_cells]
    return hashlib.sha256(repr(sorted(cells)).encode()).hexdigest()


def _snapshot(db: Path, dest: Path) -> None:
    """A consistent copy of an SQLite file (the backup API, not a byte copy of a file in use)."""
    dest.unlink(missing_ok=True)
    with sqlite3.connect(db) as src, sqlite3.connect(dest) as out:
        src.backup(out)


def _worker_settings(job: "_Job", run: Path, slot: Path) -> dict[str, object]:
    """nbgrader's configuration for one worker's private course ``run`` ({"Class.trait": value})."""
    from dlcourse.grading.preprocessors import pipeline

    sanitize, grade = pipeline("execute")
    settings: dict[str, object] = {
        "Autograde.sanitize_preprocessors": sanitize,
        "Autograde.autograde_preprocessors": grade,
        "RestoreCellOrder.order": job.order,
        "CourseDirectory.root": str(run),
        "CourseDirectory.source_directory": "source",
        "CourseDirectory.db_url": f"sqlite:///{run / 'gradebook.db'}",
        "Execute.timeout": int(job.opts.cell_timeout),
        "OverwriteCells.add_missing_cells": True,
        "LimitOutput.max_lines": 1000,
        # the judge reads the hidden tests from the instructor's notebooks, outside every sandbox
        "JudgedExecute.instructor_notebooks": str(job.sources),
        # Unix sockets, not TCP: they cross the sandbox's network namespace, and no two kernels started at once
        # (other workers, other programs) can race for the same free port.
        "KernelManager.transport": "ipc",
        "KernelManager.ip": str(slot / "ipc" / "kernel"),
    }
    if job.opts.sandbox:
        settings["Execute.kernel_name"] = sandbox_mod.KERNEL_NAME
    return settings


def _not_graded(release: Path, reason: str) -> nbformat.NotebookNode:
    """The released notebook with ``reason`` as an error on every test cell: it scores 0 and says why."""
    nb = nbformat.read(release, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**This notebook could not be graded:** {reason}"))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            if cell.metadata.get("nbgrader", {}).get("grade"):
                cell.outputs = [nbformat.v4.new_output("error", ename="NotGraded", evalue=reason,
                                                       traceback=[f"NotGraded: {reason}"])]
    return nb


@dataclass
class _Job:
    course: Path
    chapter: str
    student: str
    scratch: Path
    opts: Options
    release: Path
    sources: Path                 # the instructor's notebooks (hidden tests are judged from them)
    order: dict[str, list[str]]   # released notebook stem -> its grade ids, in order
    modules: list[str] = field(default_factory=list)   # what the released notebooks import


def _run_nbgrader(job: _Job, run: Path, notebook: str | None) -> str:
    """``nbgrader autograde`` of one student (or one notebook) in the private course ``run``, in this
    worker process (nbgrader is imported once per worker, not once per student)."""
    config = _nbgrader_config(job.course, **_worker_settings(job, run, _SLOT))
    if notebook:
        config.CourseDirectory.notebook_id = notebook
    api = _api(config)
    try:
        result = api.autograde(job.chapter, job.student, force=True, create=True)
    except Exception as exc:   # nbgrader reports through its result; anything else is this notebook's problem
        return f"{type(exc).__name__}: {exc}"
    return (result.get("log") or "") + (result.get("error") or "")


_SLOT: Path | None = None


def _init_worker(slots, env: dict) -> None:
    """A worker process takes one slot (its kernelspec, IPC and runtime folders) for its whole life."""
    global _SLOT
    import warnings

    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    _SLOT = Path(slots.get())
    os.environ.update(env)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(_SLOT / "runtime")
    if (_SLOT / "jupyter").is_dir():
        os.environ["JUPYTER_PATH"] = str(_SLOT / "jupyter")


def _reason(log: str, seconds: float, limit: float) -> str:
    if seconds >= limit:
        return f"it ran longer than the {limit:.0f} s allowed for one notebook"
    if "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log.lower():
        return "the kernel died while it ran (os._exit, a crash, or the memory limit)"
    if "NotJSONError" in log or "JSONDecodeError" in log or "not valid" in log or "Unreadable" in log:
        return "the file is not a readable notebook"
    return "nbgrader could not grade it (the log is in .autograde/<chapter>/logs/)"


def imported_modules(notebooks) -> list[str]:
    """The modules that the code cells of ``notebooks`` import (absolute imports, first-seen order)."""
    import ast

    found: dict[str, None] = {}
    for nb in notebooks:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                tree = ast.parse(code)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update((alias.name, None) for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
    return list(found)


@contextmanager
def _warm_kernels(slot: Path, folder: Path, modules: list[str], on: bool):
    """While in the block, a zygote in the sandbox of this one student (``folder`` writable) serves the
    slot's kernels, forked with ``modules`` already imported. The kernel launcher waits for it while
    ``<socket>.starting`` exists and falls back to a cold kernel if it never answers. Yields a dict
    whose "note" says, once the block is over, whether the zygote served."""
    state: dict[str, str] = {}
    if not on:
        yield state
        return
    import subprocess
    import threading

    config = json.loads((slot / "jupyter" / "kernels" / sandbox_mod.KERNEL_NAME / "sandbox.json").read_text())
    sock = Path(config["zygote"])
    starting = sock.with_name(sock.name + ".starting")
    sock.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    starting.touch()
    with open(slot / "zygote.log", "ab") as log:
        proc = subprocess.Popen(sandbox_mod.zygote_command(config, folder, modules),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log)

        def ready() -> None:          # the marker goes when the socket is up or the zygote has died
            t0 = time.perf_counter()
            while proc.poll() is None and not sock.exists():
                time.sleep(0.05)
            starting.unlink(missing_ok=True)
            state["note"] = (f"warm kernels: the zygote was ready after {time.perf_counter() - t0:.1f} s"
                             if sock.exists() else
                             f"cold kernels: the zygote exited with {proc.returncode} before it was ready")

        threading.Thread(target=ready, daemon=True).start()
        try:
            yield state
        finally:
            proc.kill()               # bwrap's pid namespace goes with it: the zygote and any kernel left
            proc.wait()
            starting.unlink(missing_ok=True)
            sock.unlink(missing_ok=True)


def _execute(job: _Job) -> dict:
    """Execute one student's submission in a private course copy; leave the executed notebooks in
    ``scratch/executed/<student>/<chapter>`` and return {"student", "problems", "seconds"}."""
    slot = _SLOT
    start = time.perf_counter()
    run = job.scratch / "run" / job.student
    shutil.rmtree(run, ignore_errors=True)
    sub = run / "submitted" / job.student / job.chapter
    shutil.copytree(job.course / "submitted" / job.student / job.chapter, sub)
    (run / "source" / job.chapter).mkdir(parents=True)
    shutil.copyfile(job.scratch / "gradebook.db", run / "gradebook.db")
    present = [n for n in sorted(job.order) if (sub / f"{n}.ipynb").exists()]
    problems: list[str] = []
    out_dir = run / "autograded" / job.student / job.chapter
    with _warm_kernels(slot, out_dir.parent, job.modules, on=job.opts.sandbox and job.opts.warm) as warm:
        log = _grade(job, run, present, out_dir, problems)
    log += f"\n--- kernels ---\n{warm.get('note', 'cold kernels (no zygote)')}\n"
    return _finish(job, run, sub, out_dir, log, problems, start)


def _grade(job: _Job, run: Path, present: list[str], out_dir: Path, problems: list[str]) -> str:
    """nbgrader autograde of the whole submission, then of each notebook alone if it gave up; return the log."""
    limit = job.opts.notebook_timeout
    log = _run_nbgrader(job, run, None)
    if not out_dir.is_dir() or sorted(p.stem for p in out_dir.glob("*.ipynb")) != present:
        # nbgrader gave up on the whole submission: grade each notebook alone, name the ones that fail
        graded = {}
        for name in present:
            t1 = time.perf_counter()
            log += f"\n--- {name}.ipynb alone ---\n" + _run_nbgrader(job, run, name)
            done = out_dir / f"{name}.ipynb"
            if done.exists():
                graded[name] = nbformat.read(done, as_version=4)
            else:
                reason = _reason(log, time.perf_counter() - t1, limit)
                problems.append(f"{name}.ipynb: {reason}; scored 0")
                graded[name] = _not_graded(job.release / f"{name}.ipynb", reason)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, nb in graded.items():
            nbformat.write(nb, out_dir / f"{name}.ipynb")
    return log


def _finish(job: _Job, run: Path, sub: Path, out_dir: Path, log: str, problems: list[str], start: float) -> dict:
    """Keep the log and the executed notebooks, drop the private course copy."""
    logs = job.scratch / "logs"
    logs.mkdir(exist_ok=True)
    (logs / f"{job.student}.log").write_text(log)
    sources = source_folder(job.course, job.chapter)
    for name in sorted(job.order):
        if (sub / f"{name}.ipynb").exists():
            source = sources / f"{name}.ipynb" if sources and (sources / f"{name}.ipynb").exists() else None
            problems += [f"{name}.ipynb: {change}"
                         for change in cell_changes(sub / f"{name}.ipynb", job.release / f"{name}.ipynb", source)]
    dest = job.scratch / "executed" / job.student / job.chapter
    shutil.rmtree(dest.parent, ignore_errors=True)
    dest.parent.mkdir(parents=True)
    shutil.copytree(out_dir, dest)
    for extra in dest.iterdir():                        # only the notebooks go on to be recorded
        if extra.suffix != ".ipynb":
            extra.unlink() if extra.is_file() else shutil.rmtree(extra)
    stamp = sub / "timestamp.txt"
    if stamp.exists():
        shutil.copyfile(stamp, dest / "timestamp.txt")
    shutil.rmtree(run, ignore_errors=True)
    return {"student": job.student, "problems": problems, "seconds": time.perf_counter() - start}


def _nbgrader_config(course: Path, **overrides):
    """The course's nbgrader_config.py (if any) with ``overrides`` ({"Class.trait": value}) on top."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (course / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    for key, value in overrides.items():
        cls, trait = key.split(".")
        setattr(config[cls], trait, value)
    return config


def _api(config):
    """nbgrader's Python API on ``config`` (nbgrader is imported by the caller's first use)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _record(course: Path, chapter: str, student: str, scratch: Path) -> tuple[bool, str]:
    """Write one student's grades from their executed notebooks, in this process (the only writer)."""
    from dlcourse.grading.preprocessors import pipeline

    sanitize, grade = pipeline("record")
    config = _nbgrader_config(course, **{
        "CourseDirectory.submitted_directory": str((scratch / "executed").relative_to(course)),
        "Autograde.sanitize_preprocessors": sanitize,
        "Autograde.autograde_preprocessors": grade,
        "OverwriteCells.add_missing_cells": False})
    api = _api(config)
    result = api.autograde(chapter, student, force=True, create=True)
    return bool(result["success"]), result.get("log", "") + result.get("error", "")


def _feedback(course: Path, chapter: str, student: str) -> tuple[bool, str]:
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from dlcourse.grading.feedback import HideHiddenTests

    config = _nbgrader_config(course, **{
        "GenerateFeedback.preprocessors": [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]})
    api = _api(config)
    result = api.generate_feedback(chapter, student, force=True)
    return bool(result["success"]), result.get("log", "") + result.get("error", "")


def _hidden_secret(db: Path, chapter: str, released: dict[str, nbformat.NotebookNode]) -> set[str]:
    """The hidden-test lines that are secret: minus any line the student copies show (a lesson's
    ``with torch.no_grad():`` is no secret, and a feedback page that quotes it leaks nothing)."""
    from nbgrader.api import Gradebook

    from dlcourse.grading.feedback import hidden_lines
    from dlcourse.grading.secrets import source_lines

    with Gradebook(f"sqlite:///{db}") as gb:
        hidden = hidden_lines([c.source for nb in gb.find_assignment(chapter).notebooks for c in nb.source_cells])
    public = "\n".join(source_lines(cell.source for nb in released.values() for cell in nb.cells))
    return {line for line in hidden if line not in public}


def autograde(course: Path, chapter: str, source: Path | None = None, opts: Options | None = None,
              force: bool = False, log=print) -> Outcome:
    """Grade every submission of ``chapter`` in ``course`` (see the module docstring)."""
    from dlcourse.grading.feedback import leaks, own_lines
    from dlcourse.grading.reports import write_reports

    opts = opts or Options()
    course = Path(course).resolve()
    if opts.sandbox:
        ok, why = sandbox_mod.usable()
        if not ok:
            raise SandboxUnavailable(
                f"{why}.\nWithout the sandbox, a student's code could read solutions/, the gradebook and "
                "other students' work. Install bubblewrap, or pass --no-sandbox if you trust every submission.")
    sources = source_folder(course, chapter)
    if sources is None:
        raise FileNotFoundError(f"no chapter {chapter!r} in {course}")
    outcome = Outcome(chapter)
    log(f"preparing {chapter}: nbgrader generate_assignment", flush=True)
    nbgrader(["generate_assignment", chapter, "--force"], cwd=course)
    release = course / "notebooks" / chapter
    if not release.is_dir():
        release = course / "release" / chapter
    if source is not None:
        got = collect(Path(source), chapter, release, course)
        outcome.problems += got.problems
        for r in got.renamed:
            log(f"  renamed: {r}")
        for s in got.resubmitted:
            log(f"  re-submission: {s} (the earlier one is kept in submitted-history/)")
    base = course / "submitted"
    students = sorted(p.name for p in base.iterdir() if (p / chapter).is_dir()) if base.is_dir() else []
    if not students:
        raise FileNotFoundError(f"no submissions of {chapter} under {base}")

    scratch = course / SCRATCH / chapter
    (scratch / "done").mkdir(parents=True, exist_ok=True)
    db = course / "gradebook.db"
    _snapshot(db, scratch / "gradebook.db")
    options = f"{opts.sandbox}/{opts.cell_timeout}/{opts.notebook_timeout}/{opts.memory}/" \
        + _assignment_digest(db, chapter)
    released = {p.stem: nbformat.read(p, as_version=4) for p in sorted(release.glob("*.ipynb"))}
    order = {stem: [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                    if "grade_id" in c.metadata.get("nbgrader", {})] for stem, nb in released.items()}
    modules = imported_modules(released.values())

    keys = {s: _digest([p for p in (base / s / chapter).iterdir() if p.is_file()], options) for s in students}
    todo = []
    for s in students:
        marker = scratch / "done" / f"{s}.json"
        last = json.loads(marker.read_text()) if marker.exists() else {}
        if not force and last.get("key") == keys[s]:
            outcome.unchanged.append(s)
            outcome.problems += [f"{s}: {p}" for p in last.get("problems", [])]
        else:
            todo.append(s)
    if outcome.unchanged:
        log(f"{len(outcome.unchanged)} submission(s) already graded and unchanged: not executed again")

    jobs = max(1, min(opts.jobs, len(todo) or 1))
    import multiprocessing

    context = multiprocessing.get_context("spawn")     # fresh workers: no state copied from this process
    slots = context.Queue()
    inbox = Path(source).resolve() if source else None
    inbox = inbox.parent if inbox and inbox.is_file() else inbox
    # the course, the repository, and where the class's submissions came from (never "/" itself)
    hide = sorted({p for p in (course, ROOT, inbox) if p is not None and len(p.parts) > 2}, key=str)
    for k in range(jobs):
        slot = scratch / "slots" / str(k)
        shutil.rmtree(slot, ignore_errors=True)
        (slot / "runtime").mkdir(parents=True)
        (slot / "ipc").mkdir()                           # kernels' Unix sockets, sandbox or not
        if opts.sandbox:
            spec, ipc = sandbox_mod.kernelspec(slot, hide=hide, expose=[Path(sys.prefix), ROOT / "dlcourse"],
                                               memory=opts.memory, wall=opts.notebook_timeout, zygote=opts.warm)
            assert (spec, ipc) == (slot / "jupyter", slot / "ipc")
        slots.put(str(slot))
    env = {**EXECUTION_ENV, "OMP_NUM_THREADS": str(max(1, (os.cpu_count() or 1) // jobs)),
           "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}

    from tqdm.auto import tqdm

    secret = _hidden_secret(db, chapter, released)
    log(f"grading {len(todo)} submission(s) of {chapter} with {jobs} worker(s), "
        f"sandbox {'on' if opts.sandbox else 'OFF'}", flush=True)
    bar = tqdm(total=len(todo), unit="student", disable=not opts.progress or not todo, file=sys.stderr)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(slots, env)) as pool:
        futures = {pool.submit(_execute, _Job(course, chapter, s, scratch, opts, release, sources, order, modules)): s
                   for s in todo}
        for fut in as_completed(futures):
            student = futures[fut]
            try:
                done = fut.result()
            except Exception as exc:     # a bug or a broken file system: report, go on with the class
                outcome.problems.append(f"{student}: not graded ({type(exc).__name__}: {exc})")
                bar.update()
                continue
            ok, text = _record(course, chapter, student, scratch)
            problems = list(done["problems"])
            if not ok:
                problems.append(f"recording grades failed: {text.strip().splitlines()[-1] if text.strip() else ''}")
            else:
                fb_ok, fb_text = _feedback(course, chapter, student)
                folder = course / "feedback" / student / chapter
                if not fb_ok:
                    problems.append("feedback could not be generated")
                elif folder.is_dir():
                    for leak in leaks(folder, secret - own_lines(course / "submitted" / student / chapter)):
                        leak.path.unlink(missing_ok=True)
                        outcome.feedback_withheld.append(f"{student}: {leak.path.name}")
                outcome.graded.append(student)
                (scratch / "done" / f"{student}.json").write_text(json.dumps(
                    {"key": keys[student], "problems": problems, "seconds": round(done["seconds"], 1)}))
            outcome.problems += [f"{student}: {p}" for p in problems]
            bar.update()
    bar.close()
    shutil.rmtree(scratch / "slots", ignore_errors=True)
    shutil.rmtree(scratch / "run", ignore_errors=True)
    outcome.reports = write_reports(course, chapter, outcome.problems)
    return outcome
