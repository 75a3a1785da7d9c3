"""Grading on a Dask cluster: the second executor behind ``autograde.execute``.

``dlcourse autograde CHAPTER SUBMISSIONS --scheduler tcp://HOST:8786`` sends each student to a worker of
a running Dask ``distributed`` cluster; ``--scheduler local:N`` starts a ``LocalCluster`` of N worker
processes on this machine (one thread each) for the run. Dask does the scheduling, the retries and the
bookkeeping of who runs what; dlcourse does what it does on one machine, on each worker:

1. the main process packs what a worker needs of the chapter into a ``Bundle`` (the student copies, the
   instructor notebooks, a gradebook holding the assignment's definitions only, nbgrader_config.py),
   which Dask sends once to each worker (``scatter(broadcast=True)``);
2. each task is one student: their submitted files go with it. The worker unpacks the bundle once into
   its own local folder, builds a slot there (sandboxed kernelspec, warm zygote) and runs the same
   ``autograde._execute`` as the local pool, sandboxed as there: the kernel sees neither that folder
   nor the worker's other files;
3. the task returns the executed notebooks and the log as bytes, and the main process, the only one
   that writes the gradebook, records them as they arrive. Workers need no shared file system and
   no access to the gradebook.

Failures:

- **a worker dies mid-task** (a machine lost, the process killed): the scheduler gives the task to
  another worker (Dask's ``allowed-failures``, 3 by default). The main process receives one result per
  student whatever happened, so a student is recorded once. A student that kills every worker it
  reaches is reported as not graded, with the reason.
- **the scheduler dies**: the run stops with ``SchedulerLost``. What was recorded stays recorded, and
  a re-run (with a scheduler back up) grades only the students left, as after any interrupted run.
- **a worker that cannot grade** (no bubblewrap where the sandbox is on, another version of the
  course's grading code, nbgrader or Python): the run refuses to start and names the worker.

Workers must be started from the same course installation (``make install``; on a grading machine
also ``make sandbox``) with one thread each: ``dask worker tcp://HOST:8786 --nthreads 1 --nworkers N``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from dlcourse.grading.notebooks import ROOT

WAIT_FOR_WORKERS = 60          # seconds a run waits for a first worker to join the scheduler
_ONE_AT_A_TIME = threading.Lock()   # a worker process grades one student at a time (its environment is its slot)


class SchedulerLost(RuntimeError):
    """The connection to the Dask scheduler was lost, or no scheduler answers at the address."""


class WorkerUnfit(RuntimeError):
    """A worker of the cluster cannot grade this run (no sandbox, other grading code)."""


@dataclass(frozen=True)
class Bundle:
    """What a worker needs of one chapter, as bytes: it may be on another machine."""

    key: str                         # a digest of everything below
    chapter: str
    files: dict[str, bytes]          # path relative to the course -> contents
    release: str                     # the student copies' folder, relative to the course
    sources: str                     # the instructor notebooks' folder, relative to the course
    order: dict[str, list[str]]
    modules: list[str]
    settings_key: str
    fingerprint: str                 # the grading code and versions the main process runs


@dataclass(frozen=True)
class Returned:
    """What a worker sends back for one student."""

    student: str
    problems: list[str]
    seconds: float
    executed: dict[str, bytes]       # file name -> contents (the executed notebooks, timestamp.txt)
    log: bytes
    worker: str


def fingerprint() -> str:
    """The grading code (dlcourse/grading/*.py) and the versions that decide a grade: Python, nbgrader,
    torch. A worker with another fingerprint could grade differently and is refused."""
    from importlib.metadata import version

    h = hashlib.sha256(f"{sys.version_info[:2]}/{version('nbgrader')}/{version('torch')}".encode())
    for path in sorted((ROOT / "dlcourse" / "grading").glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def bundle(a) -> Bundle:
    """Pack the chapter of the prepared assignment ``a`` (``autograde.Assignment``)."""
    files: dict[str, bytes] = {}
    for folder in (a.release, a.sources):
        for path in sorted(folder.glob("*.ipynb")):
            files[str(path.relative_to(a.course))] = path.read_bytes()
    files[str((a.scratch / "gradebook.db").relative_to(a.course))] = (a.scratch / "gradebook.db").read_bytes()
    if (a.course / "nbgrader_config.py").exists():
        files["nbgrader_config.py"] = (a.course / "nbgrader_config.py").read_bytes()
    h = hashlib.sha256(a.settings_key.encode())
    for name in sorted(files):
        h.update(name.encode())
        h.update(files[name])
    return Bundle(h.hexdigest()[:16], a.chapter, files, str(a.release.relative_to(a.course)),
                  str(a.sources.relative_to(a.course)), a.order, a.modules, a.settings_key, fingerprint())


def _unpack(b: Bundle, local: Path):
    """The bundle as an ``Assignment`` in this worker's folder ``local`` (written once per bundle)."""
    from dlcourse.grading.autograde import SCRATCH, Assignment

    course = local / "dlcourse" / b.key
    if not (course / ".complete").exists():
        shutil.rmtree(course, ignore_errors=True)
        for name, data in b.files.items():
            (course / name).parent.mkdir(parents=True, exist_ok=True)
            (course / name).write_bytes(data)
        (course / ".complete").touch()
    return Assignment(course, b.chapter, course / b.release, course / b.sources, "", course / SCRATCH / b.chapter,
                      b.order, b.modules, frozenset(), b.settings_key)


def check_worker(expected: str, sandbox: bool) -> str:
    """Run on every worker before a run: what keeps it from grading, or ""."""
    from dlcourse.grading import sandbox as sandbox_mod

    if fingerprint() != expected:
        return (f"its course installation differs from this one (grading code, Python, nbgrader or torch): "
                f"start it from the same commit of the course ({ROOT})")
    if sandbox:
        ok, why = sandbox_mod.usable()
        if not ok:
            return f"it has no usable sandbox: {why}"
    return ""


def grade_on_worker(b: Bundle, student: str, submitted: dict[str, bytes], opts) -> Returned:
    """One Dask task: execute and judge ``student``'s ``submitted`` files on this worker."""
    from distributed import get_worker

    from dlcourse.grading.autograde import Job, _execute, enter_slot, make_slot, sandbox_hide, worker_environment

    worker = get_worker()
    local = Path(worker.local_directory)
    with _ONE_AT_A_TIME:
        a = _unpack(b, local)
        sub = a.course / "submitted" / student / a.chapter
        shutil.rmtree(sub.parent, ignore_errors=True)
        sub.mkdir(parents=True)
        for name, data in submitted.items():
            (sub / name).write_bytes(data)
        # a short path: the kernels' Unix sockets live there (at most 107 bytes), and a worker's own folder
        # is deep. The kernel sees neither that folder (other chapters, Dask's files) nor the repository.
        slot = Path(tempfile.mkdtemp(prefix="dlcourse-slot-"))
        make_slot(slot, opts, sandbox_hide(a, local))
        enter_slot(slot, worker_environment(int(os.environ.get("DLCOURSE_KERNEL_THREADS", "1"))))
        try:
            done = _execute(Job(a, student, opts))
            executed = a.scratch / "executed" / student / a.chapter
            out = {p.name: p.read_bytes() for p in sorted(executed.iterdir()) if p.is_file()}
            log = a.scratch / "logs" / f"{student}.log"
            return Returned(student, done.problems, done.seconds, out,
                            log.read_bytes() if log.exists() else b"", worker.address)
        finally:
            shutil.rmtree(a.scratch / "executed" / student, ignore_errors=True)
            shutil.rmtree(sub.parent, ignore_errors=True)
            (a.scratch / "logs" / f"{student}.log").unlink(missing_ok=True)
            shutil.rmtree(slot, ignore_errors=True)


def _client(address: str, a):
    """A ``distributed.Client`` on ``address`` and the ``LocalCluster`` it started (or None)."""
    import logging

    from distributed import Client, LocalCluster

    cluster = None
    if address.startswith("local:"):
        try:
            n = int(address.split(":", 1)[1])
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError(f"--scheduler {address!r}: write local:N with N >= 1 workers")
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.ERROR,
                               local_directory=str(a.scratch / "dask"))
        return Client(cluster, set_as_default=False), cluster
    try:
        return Client(address, timeout=30, set_as_default=False), None
    except (OSError, TimeoutError) as exc:
        raise SchedulerLost(f"no Dask scheduler answers at {address} ({exc}); start one with "
                            f"`dask scheduler`, or grade on this machine without --scheduler") from None


def _write_back(a, r: Returned):
    """Put a worker's results where the recording phase reads them; the ``Executed`` of the student."""
    from dlcourse.grading.autograde import Executed

    dest = a.scratch / "executed" / r.student / a.chapter
    shutil.rmtree(dest.parent, ignore_errors=True)
    dest.mkdir(parents=True)
    for name, data in r.executed.items():
        (dest / Path(name).name).write_bytes(data)
    logs = a.scratch / "logs"
    logs.mkdir(exist_ok=True)
    (logs / f"{r.student}.log").write_bytes(r.log + f"--- graded on Dask worker {r.worker} ---\n".encode())
    return Executed(r.student, r.problems, r.seconds)


def execute(a, students: list[str], opts, hide_also: Path | None = None):
    """``autograde.execute`` on the Dask cluster ``opts.scheduler``: yield ``(student, Executed or the
    exception that stopped that student)`` as each finishes. ``hide_also`` (the submissions' folder on
    this machine) is not on the workers: they only ever see the files sent to them."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    client, cluster = _client(opts.scheduler, a)
    try:
        try:
            client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
        except TimeoutError:
            raise SchedulerLost(f"no Dask worker joined the scheduler {opts.scheduler} within {WAIT_FOR_WORKERS} s: "
                                f"start workers with `dask worker {opts.scheduler} --nthreads 1`") from None
        b = bundle(a)
        unfit = {w: why for w, why in client.run(check_worker, b.fingerprint, opts.sandbox).items() if why}
        if unfit:
            raise WorkerUnfit("; ".join(f"worker {w}: {why}" for w, why in sorted(unfit.items())))
        shared = client.scatter(b, broadcast=True)
        run = uuid.uuid4().hex[:8]
        futures = {}
        for s in students:
            folder = a.course / "submitted" / s / a.chapter
            files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
            futures[client.submit(grade_on_worker, shared, s, files, opts, key=f"grade-{a.chapter}-{s}-{run}",
                                  pure=False)] = s
        for fut in as_completed(futures, loop=client.loop):
            student = futures[fut]
            try:
                yield student, _write_back(a, fut.result())
            except KilledWorker:
                yield student, RuntimeError("every Dask worker that took this submission died while grading it")
            except FutureCancelledError as exc:
                raise SchedulerLost(f"lost the Dask scheduler {opts.scheduler} ({exc}); the students recorded so "
                                    f"far are kept: run the same command again to grade the rest") from None
            except Exception as exc:   # noqa: BLE001  (that student's failure: reported, the run goes on)
                if client.status not in ("running", "connecting"):
                    raise SchedulerLost(f"lost the Dask scheduler {opts.scheduler}; the students recorded so "
                                        f"far are kept: run the same command again to grade the rest") from None
                yield student, exc
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
