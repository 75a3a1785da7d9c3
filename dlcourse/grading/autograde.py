"""Grade a whole class through nbgrader: execute in parallel and sandboxed, write grades from one place.

``autograde(course, chapter, source)`` runs these phases, each a function below with typed inputs and
outputs (``Assignment``, ``Job``, ``Executed``, ``Outcome``):

1. **prepare**: check that the gradebook (``gradebook.py``: SQLite by default, PostgreSQL with ``--db``) can
   be reached before anything is written; ``nbgrader generate_assignment`` so the gradebook knows the
   chapter's cells and checksums, and its due date from nbgrader_config.py (``late.py``); then everything
   grading needs that does not depend on a student (``Assignment``);
2. **collect**: the submissions (nbgrader layout, flat folder or zip) into ``submitted/``; a student whose
   submission and assignment have not changed since their last recorded grade is left out, so a run killed
   half-way resumes where it stopped;
3. **execute and judge** (``execute``, one interface, two executors: ``jobs`` worker processes here, or
   the workers of a Dask cluster, ``cluster.py``): each student's notebooks run with ``nbgrader autograde
   --student S``. Every worker grades in a private copy of the course (its own gradebook holding the
   assignment's definitions only, nothing else), with sandboxed kernels (``sandbox.kernelspec``) that see only the one
   student's notebooks, forked from a per-student zygote that has imported what the chapter's notebooks
   import (``zygote.py``). The test cells are judged in the worker, outside the kernel, while the kernel is
   alive (``judge.JudgedExecute``). When nbgrader gives up on a student (a kernel that died, a file that is
   not a notebook), each notebook is retried alone, and a notebook that still fails is recorded with the
   reason on every test cell, so it scores 0 and says why. The reason comes from what happened (the
   judge's record of a dead kernel, the clock, whether the file reads as a notebook), not from a log;
4. **record**: the main process alone writes the gradebook, running nbgrader's autograder over the executed
   notebooks with execution switched off (nbgrader's own ``SaveAutoGrades`` and late penalties), under the
   gradebook's writer lock, so two instructors' runs on one gradebook take turns;
5. **feedback**: nbgrader's feedback converter with ``HideHiddenTests``; every file is then scanned for
   hidden-test lines that no student copy shows and the student did not write, and deleted if one is found;
6. **report**: ``reports/<chapter>/`` gets grades.csv, exercises.csv, scores.png and the similarity report.

A student's problems are named from their files: ``cell_changes`` compares each submitted notebook with the
release (a test cell edited, deleted, retyped or moved; an untouched one, hidden tests stripped, is no
change), and the execute phase adds dead kernels and time-outs. nbgrader's configuration is built as
objects (``_worker_settings``, ``preprocessors.pipeline``); a worker process knows its slot (kernelspec,
sockets, in a short temporary folder) from its environment, ``DLCOURSE_GRADING_SLOT``, set when the pool
starts it or, on Dask, when the task starts.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlcourse.grading import sandbox as sandbox_mod
from dlcourse.grading.notebooks import EXECUTION_ENV, ROOT, source_folder
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
    db: str | None = None            # the gradebook's URL (gradebook.py); None: <course>/gradebook.db
    scheduler: str | None = None     # a Dask scheduler (cluster.py): "tcp://HOST:8786" or "local:N"; None: a pool


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


def _assignment_digest(db_url: str, chapter: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        cells = [(nb.name, c.name, c.checksum or "") for nb in gb.find_assignment(chapter).notebooks
                 for c in nb.source_cells]
    return hashlib.sha256(repr(sorted(cells)).encode()).hexdigest()


def _worker_settings(job: "Job", run: Path, slot: Path) -> dict[str, object]:
    """nbgrader's configuration for one worker's private course ``run`` ({"Class.trait": value})."""
    from dlcourse.grading.preprocessors import pipeline

    sanitize, grade = pipeline("execute")
    settings: dict[str, object] = {
        "Autograde.sanitize_preprocessors": sanitize,
        "Autograde.autograde_preprocessors": grade,
        "RestoreCellOrder.order": job.assignment.order,
        "CourseDirectory.root": str(run),
        "CourseDirectory.source_directory": "source",
        "CourseDirectory.db_url": f"sqlite:///{run / 'gradebook.db'}",
        "Execute.timeout": int(job.opts.cell_timeout),
        "OverwriteCells.add_missing_cells": True,
        "LimitOutput.max_lines": 1000,
        # the judge reads the hidden tests from the instructor's notebooks, outside every sandbox
        "JudgedExecute.instructor_notebooks": str(job.assignment.sources),
        "JudgedExecute.died_folder": str(run / "died"),
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


@dataclass(frozen=True)
class Assignment:
    """What grading one chapter needs, prepared once before any student runs (phase 1)."""

    course: Path
    chapter: str
    release: Path                    # the student copies
    sources: Path                    # the instructor's notebooks (tests are judged from them)
    db_url: str                      # the gradebook (only the recording process writes it)
    scratch: Path                    # .autograde/<chapter>: snapshots, slots, logs, executed notebooks
    order: dict[str, list[str]]      # released notebook stem -> its grade ids, in order
    modules: list[str]               # what the released notebooks import (the zygote preloads them)
    secret: frozenset[str]           # hidden-test lines no student copy shows
    settings_key: str                # the options and cells that a recorded grade depends on


@dataclass(frozen=True)
class Job:
    """One student to execute, as a worker receives it (picklable)."""

    assignment: Assignment
    student: str
    opts: Options


@dataclass
class Executed:
    """What the execute phase returns for one student."""

    student: str
    problems: list[str]
    seconds: float


SLOT_VARIABLE = "DLCOURSE_GRADING_SLOT"


def _slot() -> Path:
    """This worker's slot (kernelspec, IPC and runtime folders), from its environment."""
    return Path(os.environ[SLOT_VARIABLE])


def _run_nbgrader(job: Job, run: Path, notebook: str | None) -> None:
    """``nbgrader autograde`` of one student (or one notebook) in the private course ``run``, in this
    worker process (nbgrader is imported once per worker, not once per student). nbgrader reports through
    its result and its log (kept in ``run``); what the caller needs it reads from the files."""
    config = _nbgrader_config(job.assignment.course, **_worker_settings(job, run, _slot()))
    if notebook:
        config.CourseDirectory.notebook_id = notebook
    api = _api(config)
    try:
        result = api.autograde(job.assignment.chapter, job.student, force=True, create=True)
    except Exception as exc:   # noqa: BLE001  (a failure of this notebook: the caller names it from the files)
        result = {"log": f"{type(exc).__name__}: {exc}"}
    with open(run / "nbgrader.log", "a") as out:
        out.write(f"--- {notebook or 'all notebooks'} ---\n{result.get('log') or ''}{result.get('error') or ''}\n")


def _init_worker(slots, env: dict) -> None:
    """A worker process takes one slot for its whole life; its environment says which."""
    enter_slot(Path(slots.get()), env)


def enter_slot(slot: Path, env: dict) -> None:
    """Make ``slot`` this worker process's slot: kernels start from its kernelspec, with ``env``."""
    import warnings

    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    os.environ.update(env)
    os.environ[SLOT_VARIABLE] = str(slot)
    os.environ["JUPYTER_RUNTIME_DIR"] = str(slot / "runtime")
    if (slot / "jupyter").is_dir():
        os.environ["JUPYTER_PATH"] = str(slot / "jupyter")


def _reason(submitted: Path, died: Path, seconds: float, limit: float) -> str:
    """Why a notebook could not be graded, from what happened: the clock, the judge's record of a dead
    kernel (``died``), whether the file reads as a notebook."""
    if seconds >= limit:
        return f"it ran longer than the {limit:.0f} s allowed for one notebook"
    if died.exists():
        return "the kernel died while it ran (os._exit, a crash, or the memory limit)"
    try:
        nbformat.read(submitted, as_version=4)
    except Exception:   # noqa: BLE001  (any way of not being a notebook)
        return "the file is not a readable notebook"
    return "nbgrader could not grade it (its log is in .autograde/<chapter>/logs/)"


def imported_modules(notebooks) -> list[str]:
    """The modules that the code cells of ``notebooks`` import (absolute imports, first-seen order)."""
    import ast

    from dlcourse.grading.judge import parse_code

    found: dict[str, None] = {}
    for nb in notebooks:
        for cell in nb.cells:
            tree = parse_code(cell.source) if cell.cell_type == "code" else None
            for node in ast.walk(tree) if tree else []:
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


def _execute(job: Job) -> Executed:
    """Phase 3 for one student, in a worker: execute and judge their submission in a private course
    copy; leave the executed notebooks in ``scratch/executed/<student>/<chapter>``."""
    a = job.assignment
    slot = _slot()
    start = time.perf_counter()
    run = a.scratch / "run" / job.student
    shutil.rmtree(run, ignore_errors=True)
    sub = run / "submitted" / job.student / a.chapter
    shutil.copytree(a.course / "submitted" / job.student / a.chapter, sub)
    (run / "source" / a.chapter).mkdir(parents=True)
    (run / "died").mkdir()
    shutil.copyfile(a.scratch / "gradebook.db", run / "gradebook.db")
    present = [n for n in sorted(a.order) if (sub / f"{n}.ipynb").exists()]
    problems: list[str] = []
    out_dir = run / "autograded" / job.student / a.chapter
    with _warm_kernels(slot, out_dir.parent, a.modules, on=job.opts.sandbox and job.opts.warm) as warm:
        _grade(job, run, present, out_dir, problems)
    with open(run / "nbgrader.log", "a") as out:
        out.write(f"--- kernels ---\n{warm.get('note', 'cold kernels (no zygote)')}\n")
    return _finish(job, run, sub, out_dir, problems, start)


def _grade(job: Job, run: Path, present: list[str], out_dir: Path, problems: list[str]) -> None:
    """nbgrader autograde of the whole submission, then of each notebook alone if it gave up."""
    limit = job.opts.notebook_timeout
    _run_nbgrader(job, run, None)
    if out_dir.is_dir() and sorted(p.stem for p in out_dir.glob("*.ipynb")) == present:
        return
    # nbgrader gave up on the whole submission: grade each notebook alone, name the ones that fail
    graded = {}
    for name in present:
        t1 = time.perf_counter()
        _run_nbgrader(job, run, name)
        done = out_dir / f"{name}.ipynb"
        if done.exists():
            graded[name] = nbformat.read(done, as_version=4)
        else:
            reason = _reason(run / "submitted" / job.student / job.assignment.chapter / f"{name}.ipynb",
                             run / "died" / name, time.perf_counter() - t1, limit)
            problems.append(f"{name}.ipynb: {reason}; scored 0")
            graded[name] = _not_graded(job.assignment.release / f"{name}.ipynb", reason)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, nb in graded.items():
        nbformat.write(nb, out_dir / f"{name}.ipynb")


def _finish(job: Job, run: Path, sub: Path, out_dir: Path, problems: list[str], start: float) -> Executed:
    """Keep the log and the executed notebooks, drop the private course copy."""
    a = job.assignment
    logs = a.scratch / "logs"
    logs.mkdir(exist_ok=True)
    shutil.copyfile(run / "nbgrader.log", logs / f"{job.student}.log")
    for name in sorted(a.order):
        if (sub / f"{name}.ipynb").exists():
            source = a.sources / f"{name}.ipynb" if (a.sources / f"{name}.ipynb").exists() else None
            problems += [f"{name}.ipynb: {change}"
                         for change in cell_changes(sub / f"{name}.ipynb", a.release / f"{name}.ipynb", source)]
    dest = a.scratch / "executed" / job.student / a.chapter
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
    return Executed(job.student, problems, time.perf_counter() - start)


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
    db_url = str(config.CourseDirectory.get("db_url", ""))
    if db_url and not db_url.startswith("sqlite") and not config.CourseDirectory.get("course_id"):
        # nbgrader's default course id, "", names no course row: SQLite lets that pass, PostgreSQL enforces
        # the foreign key. nbgrader's Gradebook itself defaults to "default_course".
        config.CourseDirectory.course_id = "default_course"
    return config


def _api(config):
    """nbgrader's Python API on ``config`` (nbgrader is imported by the caller's first use)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def prepare(course: Path, chapter: str, opts: Options, log=print) -> Assignment:
    """Phase 1: check the gradebook, the sandbox and the chapter (before anything is written), release the
    chapter into the gradebook, and copy its definitions into the private gradebook that workers start from."""
    from dlcourse.grading import gradebook, late

    course = Path(course).resolve()
    db_url = gradebook.url(course, opts.db)
    gradebook.check(db_url)                   # GradebookUnavailable: nothing has been written yet
    if opts.sandbox:
        ok, why = sandbox_mod.usable()
        if not ok:
            raise SandboxUnavailable(
                f"{why}.\nWithout the sandbox, a student's code could read solutions/, the gradebook and "
                "other students' work. Install bubblewrap, or pass --no-sandbox if you trust every submission.")
    sources = source_folder(course, chapter)
    if sources is None:
        raise FileNotFoundError(f"no chapter {chapter!r} in {course}")
    log(f"preparing {chapter}: nbgrader generate_assignment into {gradebook.shown(db_url)}", flush=True)
    gradebook.open_gradebook(db_url).close()           # the tables, created once, under the writer lock
    config = _nbgrader_config(course, **{"CourseDirectory.db_url": db_url})
    with gradebook.writer_lock(db_url):
        result = _api(config).generate_assignment(chapter, force=True)
        if not result["success"]:
            text = (result.get("error") or result.get("log") or "").strip()
            raise RuntimeError(f"nbgrader generate_assignment {chapter} failed:\n{text[-4000:]}")
        due = late.set_due_date(db_url, chapter, config)     # from nbgrader_config.py into the gradebook
    if due:
        log(f"  due {due:%Y-%m-%d %H:%M} UTC (late penalties: nbgrader_config.py)")
    release = course / "notebooks" / chapter
    if not release.is_dir():
        release = course / "release" / chapter
    scratch = course / SCRATCH / chapter
    (scratch / "done").mkdir(parents=True, exist_ok=True)
    gradebook.copy_definitions(db_url, scratch / "gradebook.db")
    released = {p.stem: nbformat.read(p, as_version=4) for p in sorted(release.glob("*.ipynb"))}
    order = {stem: [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                    if "grade_id" in c.metadata.get("nbgrader", {})] for stem, nb in released.items()}
    key = (f"{opts.sandbox}/{opts.cell_timeout}/{opts.notebook_timeout}/{opts.memory}/{due}/"
           + _assignment_digest(db_url, chapter))
    return Assignment(course, chapter, release, sources, db_url, scratch, order, imported_modules(released.values()),
                      frozenset(_hidden_secret(db_url, chapter, released)), key)


def collect_submissions(a: Assignment, source: Path | None, force: bool, outcome: Outcome,
                        log=print) -> dict[str, str]:
    """Phase 2: bring the submissions into ``submitted/``; return the students to grade -> their
    submission's key (a student already graded with the same key is left out, and noted in ``outcome``)."""
    if source is not None:
        got = collect(Path(source), a.chapter, a.release, a.course)
        outcome.problems += got.problems
        for r in got.renamed:
            log(f"  renamed: {r}")
        for s in got.resubmitted:
            log(f"  re-submission: {s} (the earlier one is kept in submitted-history/)")
    base = a.course / "submitted"
    students = sorted(p.name for p in base.iterdir() if (p / a.chapter).is_dir()) if base.is_dir() else []
    if not students:
        raise FileNotFoundError(f"no submissions of {a.chapter} under {base}")
    todo: dict[str, str] = {}
    for s in students:
        key = _digest([p for p in (base / s / a.chapter).iterdir() if p.is_file()], a.settings_key)
        marker = a.scratch / "done" / f"{s}.json"
        last = json.loads(marker.read_text()) if marker.exists() else {}
        if not force and last.get("key") == key:
            outcome.unchanged.append(s)
            outcome.problems += [f"{s}: {p}" for p in last.get("problems", [])]
        else:
            todo[s] = key
    if outcome.unchanged:
        log(f"{len(outcome.unchanged)} submission(s) already graded and unchanged: not executed again")
    return todo


def execute(a: Assignment, students: list[str], opts: Options, hide_also: Path | None = None):
    """Phase 3: execute and judge ``students``; yield ``(student, Executed or the exception that stopped
    that student)`` as each finishes, with the executed notebooks in ``scratch/executed/<student>``.

    Two executors behind this one interface: a pool of worker processes on this machine (``opts.scheduler``
    None, ``opts.jobs`` workers), or the workers of a Dask cluster (``cluster.execute``), which may be on
    other machines. Either way each worker runs ``_execute`` on one student at a time."""
    if opts.scheduler:
        from dlcourse.grading import cluster

        yield from cluster.execute(a, students, opts, hide_also)
    else:
        yield from _pool(a, students, opts, hide_also)


def sandbox_hide(a: Assignment, *also: Path | None) -> list[Path]:
    """What a sandboxed kernel must not see: the course, the repository, and ``also`` (never "/" itself)."""
    return sorted({p for p in (a.course, ROOT, *also) if p is not None and len(p.parts) > 2}, key=str)


def worker_environment(threads: int) -> dict[str, str]:
    """The environment a grading worker runs kernels in (``threads``: OMP threads per kernel)."""
    return {**EXECUTION_ENV, "OMP_NUM_THREADS": str(max(1, threads)),
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}


def make_slot(slot: Path, opts: Options, hide: list[Path]) -> None:
    """A worker's slot: its runtime and IPC folders and, sandboxed, its kernelspec. Keep ``slot``'s path
    short (a temporary folder): the kernels' Unix sockets live in it, and a socket's path has at most 107
    bytes, which a course in a deep folder would exceed."""
    shutil.rmtree(slot, ignore_errors=True)
    (slot / "runtime").mkdir(parents=True)
    (slot / "ipc").mkdir()                           # kernels' Unix sockets, sandbox or not
    if opts.sandbox:
        sandbox_mod.kernelspec(slot, hide=hide, expose=[Path(sys.prefix), ROOT / "dlcourse"],
                               memory=opts.memory, wall=opts.notebook_timeout, zygote=opts.warm)


def _pool(a: Assignment, students: list[str], opts: Options, hide_also: Path | None = None):
    """The local executor: ``opts.jobs`` worker processes, each with its own slot."""
    import multiprocessing

    jobs = max(1, min(opts.jobs, len(students) or 1))
    context = multiprocessing.get_context("spawn")     # fresh workers: no state copied from this process
    slots = context.Queue()
    hide = sandbox_hide(a, hide_also)                  # and where the class's submissions came from
    root = Path(tempfile.mkdtemp(prefix="dlcourse-slots-"))
    for k in range(jobs):
        slot = root / str(k)
        make_slot(slot, opts, hide)
        slots.put(str(slot))
    env = worker_environment((os.cpu_count() or 1) // jobs)
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(slots, env)) as pool:
            futures = {pool.submit(_execute, Job(a, s, opts)): s for s in students}
            for fut in as_completed(futures):
                try:
                    yield futures[fut], fut.result()
                except Exception as exc:   # noqa: BLE001  (a bug or a broken file system: report, go on)
                    yield futures[fut], exc
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(a.scratch / "run", ignore_errors=True)


def record(a: Assignment, student: str) -> str:
    """Phase 4: write one student's grades from their executed notebooks, in this process (the only
    writer); return why it failed, or ""."""
    from dlcourse.grading.preprocessors import pipeline

    from dlcourse.grading.gradebook import writer_lock

    sanitize, grade = pipeline("record")
    config = _nbgrader_config(a.course, **{
        "CourseDirectory.db_url": a.db_url,
        "CourseDirectory.submitted_directory": str((a.scratch / "executed").relative_to(a.course)),
        "Autograde.sanitize_preprocessors": sanitize,
        "Autograde.autograde_preprocessors": grade,
        "OverwriteCells.add_missing_cells": False})
    with writer_lock(a.db_url):
        result = _api(config).autograde(a.chapter, student, force=True, create=True)
    if result["success"]:
        return ""
    text = (result.get("error") or result.get("log") or "").strip()
    return f"recording grades failed: {text.splitlines()[-1] if text else 'nbgrader gave no reason'}"


def feedback(a: Assignment, student: str) -> tuple[str, list[str]]:
    """Phase 5: the student's feedback pages; return (why they could not be made or "", the files withheld
    because they quote a hidden test the student was not shown)."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from dlcourse.grading.feedback import HideHiddenTests, leaks, own_lines

    config = _nbgrader_config(a.course, **{
        "CourseDirectory.db_url": a.db_url,
        "GenerateFeedback.preprocessors": [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]})
    result = _api(config).generate_feedback(a.chapter, student, force=True)
    if not result["success"]:
        return "feedback could not be generated", []
    folder = a.course / "feedback" / student / a.chapter
    withheld = []
    if folder.is_dir():
        for leak in leaks(folder, set(a.secret) - own_lines(a.course / "submitted" / student / a.chapter)):
            leak.path.unlink(missing_ok=True)
            withheld.append(leak.path.name)
    return "", withheld


def refresh_feedback(course: Path, chapter: str, log=print, db: str | None = None) -> tuple[list[str], list[str]]:
    """Rewrite the feedback of every graded student of ``chapter`` from the gradebook as it is now (after
    manual grading in the formgrader, say), with the same redaction as ``autograde``; nothing is executed.
    Return (students whose feedback was rewritten, problems)."""
    a = prepare(course, chapter, Options(sandbox=False, db=db), log)
    done, problems = [], []
    for marker in sorted((a.scratch / "done").glob("*.json")):
        failed, withheld = feedback(a, marker.stem)
        problems += [f"{marker.stem}: {failed}"] if failed else []
        problems += [f"{marker.stem}: feedback withheld (it contained hidden-test text): {w}" for w in withheld]
        done += [] if failed else [marker.stem]
    return done, problems


def _hidden_secret(db_url: str, chapter: str, released: dict[str, nbformat.NotebookNode]) -> set[str]:
    """The hidden-test lines that are secret: minus any line the student copies show (a lesson's
    ``with torch.no_grad():`` is no secret, and a feedback page that quotes it leaks nothing)."""
    from nbgrader.api import Gradebook

    from dlcourse.grading.feedback import hidden_lines
    from dlcourse.grading.secrets import source_lines

    with Gradebook(db_url) as gb:
        hidden = hidden_lines([c.source for nb in gb.find_assignment(chapter).notebooks for c in nb.source_cells])
    public = "\n".join(source_lines(cell.source for nb in released.values() for cell in nb.cells))
    return {line for line in hidden if line not in public}


def autograde(course: Path, chapter: str, source: Path | None = None, opts: Options | None = None,
              force: bool = False, log=print) -> Outcome:
    """Grade every submission of ``chapter`` in ``course``: the phases of the module docstring, in order."""
    from tqdm.auto import tqdm

    from dlcourse.grading.reports import write_reports

    opts = opts or Options()
    a = prepare(course, chapter, opts, log)
    outcome = Outcome(chapter)
    todo = collect_submissions(a, source, force, outcome, log)
    inbox = Path(source).resolve() if source else None
    inbox = inbox.parent if inbox and inbox.is_file() else inbox
    where = (f"on the Dask cluster {opts.scheduler}" if opts.scheduler else
             f"with {max(1, min(opts.jobs, len(todo) or 1))} worker(s)")
    log(f"grading {len(todo)} submission(s) of {chapter} {where}, sandbox {'on' if opts.sandbox else 'OFF'}",
        flush=True)
    bar = tqdm(total=len(todo), unit="student", disable=not opts.progress or not todo, file=sys.stderr)
    for student, done in execute(a, list(todo), opts, hide_also=inbox):
        bar.update()
        if isinstance(done, Exception):
            outcome.problems.append(f"{student}: not graded ({type(done).__name__}: {done})")
            continue
        problems = list(done.problems)
        failed = record(a, student)
        if failed:
            problems.append(failed)
        else:
            failed, withheld = feedback(a, student)
            problems += [failed] if failed else []
            outcome.feedback_withheld += [f"{student}: {name}" for name in withheld]
            outcome.graded.append(student)
            (a.scratch / "done" / f"{student}.json").write_text(json.dumps(
                {"key": todo[student], "problems": problems, "seconds": round(done.seconds, 1)}))
        outcome.problems += [f"{student}: {p}" for p in problems]
    bar.close()
    outcome.reports = write_reports(a.course, chapter, outcome.problems, a.db_url)
    return outcome
