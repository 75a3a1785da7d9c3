"""Grading past one machine: the Dask executor, the PostgreSQL gradebook, late penalties end to end, and
what happens when a worker, the scheduler or the database fails.

Every test grades the small synthetic chapter of ``test_autograde`` (two notebooks: 3 + 4 automatic points
and a 2-point answer graded by hand) with the sandbox on. The Dask clusters are real: a ``LocalCluster``
(``--scheduler local:2``), or ``dask scheduler`` and ``dask worker`` processes that the tests start and
kill. The PostgreSQL server is real too (``tests/postgres.py``).
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

import postgres
from dlcourse.grading import sandbox
from dlcourse.grading.autograde import Options, autograde
from dlcourse.grading.gradebook import GradebookUnavailable
from dlcourse.grading.notebooks import ROOT, nbgrader
from test_autograde import CH, _insert_after, _nb_add, _nb_mul

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
DUE = "2026-06-01 12:00:00 UTC"
ON_TIME = "2026-06-01 12:10:00.000000 UTC"      # 10 minutes late: within the 15-minute grace period
LATE = "2026-06-02 13:00:00.000000 UTC"         # 25 hours late: two started days, 20 % off


@pytest.fixture(scope="module")
def sandboxed():
    ok, why = sandbox.usable()
    if not ok:
        pytest.skip(why)


@pytest.fixture(scope="module")
def pg():
    why = postgres.unavailable()
    if why:
        pytest.skip(why)
    with postgres.server() as srv:
        yield srv


def make_course(folder: Path, due: str | None = None) -> Path:
    """The synthetic chapter, released, with the repository's nbgrader_config.py (and a due date)."""
    course = folder / "course"
    (course / "solutions" / CH).mkdir(parents=True)
    nbformat.write(_nb_add(), course / "solutions" / CH / "a.ipynb")
    nbformat.write(_nb_mul(), course / "solutions" / CH / "b.ipynb")
    config = (ROOT / "nbgrader_config.py").read_text()
    if due:
        config += f"\nc.LatePenalty.due_dates = {{{CH!r}: {due!r}}}\n"
    (course / "nbgrader_config.py").write_text(config)
    nbgrader(["generate_assignment", CH, "--force", f"--CourseDirectory.db_url=sqlite:///{folder / 'release.db'}"],
             cwd=course)
    return course


def make_class(course: Path, inbox: Path, students: dict[str, str], stamps: dict[str, str] | None = None,
               sleep: dict[str, int] | None = None, extra: dict[str, str] | None = None) -> Path:
    """``students``: name -> "full" (the solutions) or "stub" (the release); ``sleep``: name -> seconds one
    of their cells sleeps; ``extra``: name -> a cell of theirs after the first exercise; ``stamps``: name ->
    nbgrader timestamp.txt."""
    for name, kind in students.items():
        folder = inbox / name / CH
        folder.mkdir(parents=True)
        for nb in "ab":
            src = course / ("solutions" if kind == "full" else "notebooks") / CH / f"{nb}.ipynb"
            notebook = nbformat.read(src, as_version=4)
            if nb == "a" and (sleep or {}).get(name):
                _insert_after(notebook, "tiny-add", f"import time\ntime.sleep({sleep[name]})")
            if nb == "a" and (extra or {}).get(name):
                _insert_after(notebook, "tiny-add", extra[name])
            nbformat.write(notebook, folder / f"{nb}.ipynb")
        if (stamps or {}).get(name):
            (folder / "timestamp.txt").write_text(stamps[name])
    return inbox


def submissions(db_url: str) -> dict[str, list[tuple[float, float]]]:
    """Student -> one (score, late penalty) per submission row of the chapter (a duplicate shows as two)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT s.student_id, s.id FROM submitted_assignment s JOIN assignment a ON s.assignment_id = a.id "
                "WHERE a.name = :ch"), {"ch": CH}).all()
    finally:
        engine.dispose()
    from nbgrader.api import Gradebook

    out: dict[str, list[tuple[float, float]]] = {}
    with Gradebook(db_url) as gb:
        by_id = {s.id: s for s in gb.find_assignment(CH).submissions}
        for student, sid in rows:
            sub = by_id[sid]
            out.setdefault(student, []).append((sub.score, round(sub.late_submission_penalty, 6)))
    return out


def grade_counts(db_url: str) -> dict[str, int]:
    """Student -> rows in nbgrader's grade table for the chapter (2 notebooks: 5 graded cells)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT sa.student_id, count(*) FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id "
                "JOIN submitted_assignment sa ON sn.assignment_id = sa.id GROUP BY sa.student_id")).all()
    finally:
        engine.dispose()
    return dict(rows)


def test_a_local_dask_cluster_grades_into_postgresql_with_late_penalties(sandboxed, pg, tmp_path):
    """--scheduler local:2 --db postgresql://...: the grades, the late penalty (in the gradebook, grades.csv,
    the feedback and the Canvas export) and the reports, as the process pool and SQLite give them."""
    course = make_course(tmp_path, due=DUE)
    # di looks for the instructor notebooks: in the course, and where the Dask workers keep the chapter
    snoop = ("import glob, os\n"
             f"found = glob.glob({str(course / 'solutions')!r} + '/**', recursive=True)\n"
             f"found += glob.glob({str(course / '.autograde')!r} + '/**/*.ipynb', recursive=True)\n"
             "found += glob.glob('/tmp/**/solutions/**/*.ipynb', recursive=True)\n"
             "print('SNOOPED', sorted(f for f in found if os.path.isfile(f) and '/di/' not in f))")   # its own folder is no secret
    inbox = make_class(course, tmp_path / "inbox", {"ada": "full", "bo": "stub", "cy": "full", "di": "full"},
                       stamps={"ada": ON_TIME, "bo": ON_TIME, "cy": LATE},       # di: no time known, not late
                       extra={"di": snoop})
    db = pg.database("local_cluster")
    out = autograde(course, CH, inbox, Options(scheduler="local:2", db=db, progress=False), log=lambda *a, **k: None)
    assert sorted(out.graded) == ["ada", "bo", "cy", "di"] and out.problems == []
    from dlcourse.grading.gradebook import url

    got = submissions(url(course, db))
    # cy: 25 h late = two started days = 20 % of each notebook's automatic score (3 and 4 points)
    assert got == {"ada": [(7.0, 0.0)], "bo": [(0.0, 0.0)], "cy": [(7.0, 1.4)], "di": [(7.0, 0.0)]}
    assert not (course / "gradebook.db").exists(), "nothing may go to the SQLite default when --db is given"
    # the Dask workers' sandbox hides the chapter they were sent, as the pool's hides the course
    executed = (course / ".autograde" / CH / "executed" / "di" / CH / "a.ipynb").read_text()
    assert "SNOOPED []" in executed
    with open(out.reports / "grades.csv", encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert float(rows["cy"]["late_penalty"]) == pytest.approx(1.4) and float(rows["ada"]["late_penalty"]) == 0
    assert float(rows["cy"]["score_after_penalty"]) == pytest.approx(5.6) and float(rows["cy"]["score"]) == 7
    feedback = (course / "feedback" / "cy" / CH / "a.html").read_text()
    assert "Late submission penalty" in feedback and "-0.6" in feedback
    assert "Late submission penalty" not in (course / "feedback" / "ada" / CH / "a.html").read_text()
    from dlcourse.grading import lms

    exported = lms.export(url(course, db), CH, "csv", tmp_path / "grades.csv")
    with open(exported, encoding="utf-8") as f:
        final = {r["student"]: float(r["final_score"]) for r in csv.DictReader(f)}
    assert final == {"ada": 7.0, "bo": 0.0, "cy": pytest.approx(5.6), "di": 7.0}
    # the password never reaches a file the run wrote
    written = [p for p in course.rglob("*") if p.is_file() and p.suffix in (".csv", ".html", ".log", ".json")]
    assert written and not any(postgres.PASSWORD in p.read_text(errors="replace") for p in written)


def test_postgresql_unreachable_at_start_is_a_clear_error_and_writes_nothing(tmp_path):
    course = make_course(tmp_path)
    inbox = make_class(course, tmp_path / "inbox", {"ada": "full"})
    before = {p: p.stat().st_mtime_ns for p in course.rglob("*")}
    url = f"postgresql://grader:hunter2@127.0.0.1:{postgres.free_port()}/gradebook"
    with pytest.raises(GradebookUnavailable, match="cannot reach the gradebook"):
        autograde(course, CH, inbox, Options(db=url, progress=False), log=lambda *a, **k: None)
    done = subprocess.run([str(BIN / "dlcourse"), "autograde", CH, str(inbox), "--course", str(course),
                           "--db", url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "cannot reach the gradebook postgresql://grader:***@127.0.0.1" in done.stderr
    assert "hunter2" not in done.stderr + done.stdout
    assert {p: p.stat().st_mtime_ns for p in course.rglob("*")} == before, "the course was written to"


class DaskProcesses:
    """``dask scheduler`` and ``dask worker`` processes, each in its own process group, for one test."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.procs = folder, postgres.free_port(), {}

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self, name: str, *args: str) -> None:
        log = open(self.folder / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=log,
                                            start_new_session=True, cwd=self.folder)

    def scheduler(self) -> None:
        self.start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard")

    def worker(self, name: str) -> None:
        (self.folder / name).mkdir(exist_ok=True)
        self.start(name, "worker", self.address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                   "--host", "127.0.0.1", "--local-directory", str(self.folder / name))

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def stop(self) -> None:
        for name in list(self.procs):
            self.kill(name)


@pytest.fixture
def dask_procs(tmp_path):
    procs = DaskProcesses(tmp_path / "dask")
    procs.folder.mkdir()
    yield procs
    procs.stop()


def _grading(name: str, student: str) -> bool:
    """Whether the process group of ``dask worker`` ``name`` runs a kernel of ``student`` now."""
    import psutil

    return any(f"/run/{student}/" in " ".join(child.cmdline())
               for child in psutil.Process(name).children(recursive=True) if child.is_running())


def test_a_worker_killed_while_it_grades_loses_nothing_and_records_nothing_twice(sandboxed, dask_procs, tmp_path):
    course = make_course(tmp_path)
    inbox = make_class(course, tmp_path / "inbox", {"slow": "full", "quick": "stub"}, sleep={"slow": 12})
    dask_procs.scheduler()
    dask_procs.worker("w1")
    dask_procs.worker("w2")
    result: dict = {}
    run = threading.Thread(target=lambda: result.update(out=autograde(
        course, CH, inbox, Options(scheduler=dask_procs.address, progress=False), log=lambda *a, **k: None)))
    run.start()
    killed, deadline = None, time.monotonic() + 180
    while killed is None and time.monotonic() < deadline and run.is_alive():
        for name in ("w1", "w2"):
            try:
                if _grading(dask_procs.procs[name].pid, "slow"):
                    dask_procs.kill(name)        # the machine is gone: worker, nanny, sandbox, kernel
                    killed = name
                    break
            except Exception:   # noqa: BLE001  (a process that ended while we looked)
                pass
        time.sleep(0.2)
    run.join(timeout=300)
    assert killed, "the slow student was never seen running on a worker"
    out = result["out"]
    assert sorted(out.graded) == ["quick", "slow"] and out.problems == []
    from dlcourse.grading.gradebook import url

    assert submissions(url(course)) == {"quick": [(0.0, 0.0)], "slow": [(7.0, 0.0)]}
    assert grade_counts(url(course)) == {"quick": 5, "slow": 5}
    survivor = dask_procs.procs[{"w1": "w2", "w2": "w1"}[killed]]
    assert survivor.poll() is None
    log = (course / ".autograde" / CH / "logs" / "slow.log").read_text()
    assert "graded on Dask worker" in log


def test_a_killed_scheduler_stops_the_run_and_a_rerun_finishes_without_duplicates(sandboxed, dask_procs, tmp_path):
    course = make_course(tmp_path)
    students = {f"s{i}": "full" for i in range(4)}
    inbox = make_class(course, tmp_path / "inbox", students, sleep={f"s{i}": 4 for i in range(1, 4)})
    dask_procs.scheduler()
    dask_procs.worker("w1")
    argv = [str(BIN / "dlcourse"), "autograde", CH, str(inbox), "--course", str(course)]
    run = subprocess.Popen([*argv, "--scheduler", dask_procs.address], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    done = course / ".autograde" / CH / "done"
    deadline = time.monotonic() + 180
    while not (done.is_dir() and any(done.glob("*.json"))) and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.2)
    dask_procs.kill("scheduler")
    stdout, stderr = run.communicate(timeout=180)
    assert run.returncode == 2, stdout + stderr
    assert "lost the Dask scheduler" in stderr and "run the same command again" in stderr
    first = sorted(p.stem for p in done.glob("*.json"))
    assert 1 <= len(first) < 4
    # a new scheduler, a new worker: the same command grades only the students left
    dask_procs.kill("w1")
    dask_procs.port = postgres.free_port()
    dask_procs.scheduler()
    dask_procs.worker("w2")
    again = subprocess.run([*argv, "--scheduler", dask_procs.address], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"graded {4 - len(first)} submission(s); {len(first)} unchanged" in again.stdout
    from dlcourse.grading.gradebook import url

    assert submissions(url(course)) == {s: [(7.0, 0.0)] for s in students}
    assert grade_counts(url(course)) == {s: 5 for s in students}


def test_two_instructors_grade_at_once_into_one_postgresql_gradebook(sandboxed, pg, tmp_path):
    """Two courses (two instructors' machines) grade overlapping classes at the same moment into one
    database: both finish, and every student has one submission with one grade per cell."""
    db = pg.database("two_instructors")
    runs = []
    for who, class_ in (("one", ["ada", "bo", "cy"]), ("two", ["bo", "cy", "di"])):
        course = make_course(tmp_path / who)
        inbox = make_class(course, tmp_path / who / "inbox", {s: "full" for s in class_})
        # output to files, not pipes: a run blocked on a full pipe that nobody reads would hold the gradebook
        runs.append((tmp_path / f"{who}.out", subprocess.Popen(
            [str(BIN / "dlcourse"), "autograde", CH, str(inbox), "--course", str(course), "--db", db, "--jobs", "1"],
            stdout=open(tmp_path / f"{who}.out", "w"), stderr=subprocess.STDOUT)))
    for out, run in runs:
        run.wait(timeout=300)
        assert run.returncode == 0, out.read_text()
        assert "graded 3 submission(s)" in out.read_text()
    from dlcourse.grading.gradebook import url

    assert submissions(url(tmp_path, db)) == {s: [(7.0, 0.0)] for s in ("ada", "bo", "cy", "di")}
    assert grade_counts(url(tmp_path, db)) == {s: 5 for s in ("ada", "bo", "cy", "di")}


def test_bad_scheduler_addresses_are_clear_errors(tmp_path):
    course = make_course(tmp_path)
    inbox = make_class(course, tmp_path / "inbox", {"ada": "full"})
    for address, message in ((f"tcp://127.0.0.1:{postgres.free_port()}", "no Dask scheduler answers at"),
                             ("local:0", "local:N with N >= 1")):
        done = subprocess.run([str(BIN / "dlcourse"), "autograde", CH, str(inbox), "--course", str(course),
                               "--no-sandbox", "--scheduler", address], capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and message in done.stderr, done.stderr
