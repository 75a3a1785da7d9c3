"""Late penalties (dlcourse/grading/late.py) and grade exports for an LMS (dlcourse/grading/lms.py).

No notebook runs: each test builds a gradebook with nbgrader's own API, scores set as nbgrader's autograder
and formgrader set them, and late penalties assigned by nbgrader's real ``AssignLatePenalties`` preprocessor
with the course's nbgrader_config.py. Every expected value below is worked out by hand.

The class, chapter ``ch1`` due 2027-01-15 23:59 Europe/Berlin (22:59 UTC), 20 points:
nb1 has tests t1 (10) and t2 (5); nb2 a free-text answer "explain" (4, graded by hand) and test t3 (1).

=======  ============================  ============  ======  =======================  =====
student  submitted (UTC)               late          raw     penalty                  final
=======  ============================  ============  ======  =======================  =====
alice    01-15 22:00                   on time       19      0                        19
bob      01-16 23:59 (25 h late)       2 days: 20 %  18      nb1 13*0.2 + nb2 5*0.2   14.4
carol    01-17 22:59, 3-day extension  on time       20      0                        20
zhang    01-15 23:15 (16 min late)     1 day: 10 %   11      nb1 10*0.1 + nb2 1*0.1   9.9, explain not yet graded
=======  ============================  ============  ======  =======================  =====
"""

from __future__ import annotations

import argparse
import csv
import threading
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from dlcourse.grading import gradebook, lms
from dlcourse.grading.late import LatePenalty, due_date, penalty_fraction, set_due_date
from tests import postgres

# nbgrader's add_submission builds its rows outside the session first (nbgrader's own code, harmless)
pytestmark = pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning")
ROOT = Path(__file__).resolve().parents[1]
DUE = datetime(2027, 1, 15, 22, 59)          # 2027-01-15 23:59 in Berlin (UTC+1 in winter)
CHAPTER = "ch1"
# student -> (first, last, email, lms id, submitted, extension in days, {cell: score}; None: awaits grading)
CLASS = {
    "zhang": ("伟", "张", "", "", DUE + timedelta(minutes=16), 0,
              {"t1": 10, "t2": 0, "explain": None, "t3": 1}),
    "bob": ("Bob", "Jones", "bob@example.org", "1002", DUE + timedelta(hours=25), 0,
            {"t1": 8, "t2": 5, "explain": 4, "t3": 1}),
    "alice": ("Alice", "Smith", "alice@example.org", "", datetime(2027, 1, 15, 22, 0), 0,
              {"t1": 10, "t2": 5, "explain": 3, "t3": 1}),
    "carol": ("Carol", "", "", "1003", DUE + timedelta(days=2), 3,
              {"t1": 10, "t2": 5, "explain": 4, "t3": 1}),
}
CELLS = {"t1": ("nb1", 10, "code"), "t2": ("nb1", 5, "code"), "explain": ("nb2", 4, "markdown"),
         "t3": ("nb2", 1, "code")}


def course_config() -> Config:
    """The repository's nbgrader_config.py, as nbgrader and ``dlcourse autograde`` load it."""
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def assign_late_penalties(db_url: str, student: str, notebook: str, config: Config) -> None:
    """What ``nbgrader autograde`` does after saving a notebook's scores: nbgrader's own preprocessor."""
    from nbgrader.preprocessors import AssignLatePenalties

    resources = {"nbgrader": {"notebook": notebook, "assignment": CHAPTER, "student": student, "db_url": db_url}}
    AssignLatePenalties(config=config).preprocess(nbformat.v4.new_notebook(), resources)


def build(db_url: str, config: Config | None = None) -> None:
    """The class above in the gradebook ``db_url``, late penalties assigned with ``config``."""
    with gradebook.open_gradebook(db_url) as gb:
        gb.add_assignment(CHAPTER, duedate=DUE)
        for nb in ("nb1", "nb2"):
            gb.add_notebook(nb, CHAPTER)
        for cell, (nb, most, kind) in CELLS.items():
            gb.add_grade_cell(cell, nb, CHAPTER, max_score=most, cell_type=kind)
            if kind == "markdown":
                gb.add_solution_cell(cell, nb, CHAPTER)
        for student, (first, last, email, lms_id, when, extension, scores) in CLASS.items():
            gb.add_student(student, first_name=first, last_name=last, email=email or None,
                           lms_user_id=lms_id or None)
            gb.add_submission(CHAPTER, student, timestamp=when)
            if extension:
                gb.grant_extension(CHAPTER, student, days=extension)
            for cell, score in scores.items():
                grade = gb.find_grade(cell, CELLS[cell][0], CHAPTER, student)
                if CELLS[cell][2] == "code":            # what nbgrader's SaveAutoGrades stores for a test
                    grade.auto_score, grade.needs_manual_grade = score, False
                elif score is not None:                  # graded by hand in the formgrader
                    grade.manual_score, grade.needs_manual_grade = score, False
            gb.db.commit()
    config = config if config is not None else course_config()
    for student in CLASS:
        for nb in ("nb1", "nb2"):
            assign_late_penalties(db_url, student, nb, config)


@pytest.fixture(scope="module")
def sqlite_gradebook(tmp_path_factory) -> str:
    course = tmp_path_factory.mktemp("course")
    db_url = gradebook.url(course)
    build(db_url)
    return db_url


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


# ---------------------------------------------------------------- the penalty


@pytest.mark.parametrize("seconds, fraction", [
    (0, 0.0),                         # on time
    (15 * 60, 0.0),                   # exactly at the end of the grace period
    (15 * 60 + 1, 0.10),              # one second past it: one started day
    (86400, 0.10),                    # exactly 24 h: still the first day
    (86400 + 1, 0.20),                # 24 h + 1 s: the second day
    (3 * 86400, 0.30),                # 0.1 * 3 without float noise
    (10 * 86400, 0.50),               # far past: the cap
    (-60, 0.0),                       # early
])
def test_penalty_fraction_at_its_boundaries(seconds, fraction):
    assert penalty_fraction(seconds, per_day=0.10, cap=0.50, grace_minutes=15) == fraction


def test_penalty_fraction_other_policies():
    assert penalty_fraction(60, per_day=0.25, cap=1.0, grace_minutes=0) == 0.25      # no grace: 1 min is a day
    assert penalty_fraction(5 * 86400, per_day=0.25, cap=1.0, grace_minutes=0) == 1.0
    assert penalty_fraction(5 * 86400, per_day=0.0, cap=0.5, grace_minutes=0) == 0.0


@pytest.mark.parametrize("per_day, cap, grace, word", [
    (-0.1, 0.5, 15, "per_day"), (0.1, 1.5, 15, "cap"), (0.1, -0.1, 15, "cap"), (0.1, 0.5, -1, "grace_minutes"),
    (float("nan"), 0.5, 15, "per_day"),
])
def test_penalty_fraction_refuses_a_bad_policy(per_day, cap, grace, word):
    with pytest.raises(ValueError, match=word):
        penalty_fraction(3600, per_day=per_day, cap=cap, grace_minutes=grace)


def test_penalty_fraction_refuses_nan_lateness():
    with pytest.raises(ValueError, match="seconds_late"):
        penalty_fraction(float("nan"), per_day=0.1, cap=0.5, grace_minutes=15)


def test_plugin_returns_points_and_checks_its_configuration():
    plugin = LatePenalty()
    assert (plugin.per_day, plugin.cap, plugin.grace_minutes) == (0.10, 0.50, 15.0)
    assert plugin.late_submission_penalty("s", 15.0, 25 * 3600) == 3.0          # 20 % of 15 points
    assert plugin.late_submission_penalty("s", 15.0, 10 * 60) == 0.0
    bad = Config()
    bad.LatePenalty.cap = 5
    with pytest.raises(ValueError, match="c.LatePenalty.cap"):
        LatePenalty(config=bad)


def test_course_config_names_the_plugin():
    from nbgrader.preprocessors import AssignLatePenalties

    step = AssignLatePenalties(config=course_config())
    step.init_plugin()
    assert type(step.plugin_inst) is LatePenalty
    assert (step.plugin_inst.per_day, step.plugin_inst.cap, step.plugin_inst.grace_minutes) == (0.10, 0.50, 15.0)
    assert step.plugin_inst.due_dates == {}


@pytest.mark.parametrize("text, utc", [
    ("2027-01-15 23:59:00 Europe/Berlin", datetime(2027, 1, 15, 22, 59)),
    ("2027-07-15 23:59:00 Europe/Berlin", datetime(2027, 7, 15, 21, 59)),      # summer time
    ("2027-01-15T23:59:00+01:00", datetime(2027, 1, 15, 22, 59)),
    ("2027-01-15 23:59 +0100", datetime(2027, 1, 15, 22, 59)),                 # nbgrader's parse_utc: 23:57:20
    ("2027-01-15T23:59:00Z", datetime(2027, 1, 15, 23, 59)),
    ("2027-01-15 18:00 America/New_York", datetime(2027, 1, 15, 23, 0)),
])
def test_due_date_reads_timezones(text, utc):
    assert due_date(text) == utc


@pytest.mark.parametrize("text, words", [
    ("2027-01-15 23:59:00", "no timezone"),
    ("2027-01-15 23:59:00 Europe/Berln", "unknown timezone 'Europe/Berln'"),
    ("2027-01-15 Europe/Berlin", "no time of day"),
    ("next friday", "not a date and time"),
    ("2027-02-30 12:00 UTC", "not a date and time"),
])
def test_due_date_refuses_what_it_cannot_read(text, words):
    with pytest.raises(ValueError, match=words):
        due_date(text)


def test_nbgrader_stores_the_penalties(sqlite_gradebook):
    """The penalties that nbgrader's AssignLatePenalties wrote with the course's config, per notebook."""
    from nbgrader.api import Gradebook

    with Gradebook(sqlite_gradebook) as gb:
        subs = {s.student_id: s for s in gb.find_assignment(CHAPTER).submissions}
        assert {s: (subs[s].score, subs[s].late_submission_penalty) for s in subs} == {
            "alice": (19.0, 0.0), "bob": (18.0, pytest.approx(3.6)), "carol": (20.0, 0.0),
            "zhang": (11.0, pytest.approx(1.1))}
        assert gb.find_submission_notebook("nb1", CHAPTER, "bob").late_submission_penalty == pytest.approx(2.6)
        assert gb.find_submission_notebook("nb2", CHAPTER, "bob").late_submission_penalty == pytest.approx(1.0)
        assert subs["carol"].total_seconds_late == 0                   # two days late, three days' extension
        assert subs["zhang"].total_seconds_late == 16 * 60


def test_penalties_follow_points_given_by_hand_later(tmp_path):
    """zhang (16 minutes late: 10 %) had the explain answer ungraded when nbgrader worked out the penalty
    (0.1 of nb2's 1 point); graded 4 by hand later, nb2 scores 5 and loses 0.5: reassign updates it, and
    touches nothing else."""
    from nbgrader.api import Gradebook

    from dlcourse.grading.late import reassign

    db_url = gradebook.url(tmp_path)
    build(db_url)
    assert reassign(db_url, CHAPTER, course_config()) == 0          # nothing changed since grading
    with Gradebook(db_url) as gb:
        grade = gb.find_grade("explain", "nb2", CHAPTER, "zhang")
        grade.manual_score, grade.needs_manual_grade = 4, False
        gb.db.commit()
    assert reassign(db_url, CHAPTER, course_config()) == 1
    with Gradebook(db_url) as gb:
        subs = {s.student_id: s for s in gb.find_assignment(CHAPTER).submissions}
        assert subs["zhang"].late_submission_penalty == pytest.approx(1.5)   # 10 % of 10, and of 5
        assert subs["bob"].late_submission_penalty == pytest.approx(3.6)
        assert subs["alice"].late_submission_penalty == 0 and subs["carol"].late_submission_penalty == 0


# ---------------------------------------------------------------- the due date


def test_set_due_date_from_the_config(tmp_path):
    db_url = gradebook.url(tmp_path)
    with gradebook.open_gradebook(db_url) as gb:
        gb.add_assignment(CHAPTER)
    config = Config()
    config.LatePenalty.due_dates = {CHAPTER: "2027-01-15 23:59:00 Europe/Berlin"}
    done = []
    with gradebook.writer_lock(db_url):          # as autograde.prepare calls it: must not wait for itself
        worker = threading.Thread(target=lambda: done.append(set_due_date(db_url, CHAPTER, config)), daemon=True)
        worker.start()
        worker.join(timeout=20)
        assert not worker.is_alive(), "set_due_date waits for the writer lock its caller holds"
    assert done == [datetime(2027, 1, 15, 22, 59)]
    with gradebook.open_gradebook(db_url) as gb:
        assert gb.find_assignment(CHAPTER).duedate == datetime(2027, 1, 15, 22, 59)

    config.LatePenalty.due_dates = {CHAPTER: "2027-02-01 12:00 UTC"}
    assert set_due_date(db_url, CHAPTER, config, lock=True) == datetime(2027, 2, 1, 12, 0)
    with gradebook.open_gradebook(db_url) as gb:
        assert gb.find_assignment(CHAPTER).duedate == datetime(2027, 2, 1, 12, 0)


def test_set_due_date_without_one_in_the_config(tmp_path):
    db_url = gradebook.url(tmp_path)
    with gradebook.open_gradebook(db_url) as gb:
        gb.add_assignment(CHAPTER, duedate=DUE)
        gb.add_assignment("ch2")
    assert set_due_date(db_url, CHAPTER, course_config()) == DUE          # kept, as the gradebook has it
    assert set_due_date(db_url, "ch2", Config()) is None
    assert set_due_date(db_url, "ch3", Config()) is None                  # not in the gradebook: not created
    with gradebook.open_gradebook(db_url) as gb:
        assert sorted(a.name for a in gb.assignments) == [CHAPTER, "ch2"]


def test_set_due_date_refuses_a_bad_config_before_writing(tmp_path):
    db_url = gradebook.url(tmp_path)
    with gradebook.open_gradebook(db_url) as gb:
        gb.add_assignment(CHAPTER, duedate=DUE)
    config = Config()
    config.LatePenalty.due_dates = {CHAPTER: "2027-01-15 23:59"}
    with pytest.raises(ValueError, match="no timezone"):
        set_due_date(db_url, CHAPTER, config)
    config = Config()
    config.LatePenalty.per_day = -1
    with pytest.raises(ValueError, match="per_day"):
        set_due_date(db_url, CHAPTER, config)
    with gradebook.open_gradebook(db_url) as gb:
        assert gb.find_assignment(CHAPTER).duedate == DUE


# ---------------------------------------------------------------- the exports

CANVAS = [
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ch1", "Notes"],
    ["Points Possible", "", "", "", "", "20", ""],
    ["Smith, Alice", "", "", "alice", "", "19", ""],
    ["Jones, Bob", "1002", "", "bob", "", "14.4", "late penalty 3.6 points (25.0 hours late)"],
    ["Carol", "1003", "", "carol", "", "20", ""],
    ["张, 伟", "", "", "zhang", "", "",
     "awaiting manual grading: 1 answer (4 points); late penalty 1.1 points (0.3 hours late)"],
]


def test_rows(sqlite_gradebook):
    found = lms.rows(sqlite_gradebook, CHAPTER)
    assert [r.student for r in found] == ["alice", "bob", "carol", "zhang"]
    bob, zhang = found[1], found[3]
    assert (bob.raw_score, bob.late_penalty, bob.final_score, bob.max_score) == (
        18.0, pytest.approx(3.6), pytest.approx(14.4), 20.0)
    assert (bob.seconds_late, bob.status, bob.awaiting_manual_grading) == (25 * 3600, "graded", [])
    assert zhang.awaiting_manual_grading == ["nb2/explain (4)"]
    assert (zhang.points_awaiting, zhang.status) == (4.0, "awaiting manual grading")
    assert (zhang.first_name, zhang.last_name, zhang.timestamp_utc) == ("伟", "张", "2027-01-15T23:15:00")


def test_rows_of_an_unknown_chapter(sqlite_gradebook):
    with pytest.raises(LookupError, match=r"no chapter 'ch9' .* it has ch1"):
        lms.rows(sqlite_gradebook, "ch9")


def test_export_canvas(sqlite_gradebook, tmp_path):
    out = lms.export(sqlite_gradebook, CHAPTER, "canvas", tmp_path / "canvas.csv")
    assert read_csv(out) == CANVAS
    assert "张, 伟".encode() in out.read_bytes()                        # UTF-8, without a byte-order mark
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_moodle(sqlite_gradebook, tmp_path):
    out = lms.export(sqlite_gradebook, CHAPTER, "moodle", tmp_path / "moodle.csv")
    assert read_csv(out) == [
        ["Username", "ID number", "Email address", "ch1", "Feedback"],
        ["alice", "", "alice@example.org", "19", ""],
        ["bob", "1002", "bob@example.org", "14.4", "late penalty 3.6 points (25.0 hours late)"],
        ["carol", "1003", "", "20", ""],
        ["zhang", "", "", "", "awaiting manual grading: 1 answer (4 points); late penalty 1.1 points (0.3 hours late)"],
    ]


def test_export_csv(sqlite_gradebook, tmp_path):
    out = lms.export(sqlite_gradebook, CHAPTER, "csv", tmp_path / "all.csv")
    table = read_csv(out)
    assert table[0] == ["student", "first_name", "last_name", "email", "lms_user_id", "timestamp_utc",
                        "seconds_late", "raw_score", "late_penalty", "final_score", "max_score",
                        "awaiting_manual_grading", "points_awaiting", "status"]
    assert table[1:] == [
        ["alice", "Alice", "Smith", "alice@example.org", "", "2027-01-15T22:00:00", "0", "19", "0", "19", "20",
         "", "0", "graded"],
        ["bob", "Bob", "Jones", "bob@example.org", "1002", "2027-01-16T23:59:00", "90000", "18", "3.6", "14.4",
         "20", "", "0", "graded"],
        ["carol", "Carol", "", "", "1003", "2027-01-17T22:59:00", "0", "20", "0", "20", "20", "", "0", "graded"],
        ["zhang", "伟", "张", "", "", "2027-01-15T23:15:00", "960", "11", "1.1", "9.9", "20", "nb2/explain (4)", "4",
         "awaiting manual grading"],
    ]


def test_export_refuses_an_unknown_format(sqlite_gradebook, tmp_path):
    with pytest.raises(ValueError, match="canvas, moodle, csv"):
        lms.export(sqlite_gradebook, CHAPTER, "blackboard", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


# ---------------------------------------------------------------- the command


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dlcourse")
    lms.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


def test_cli_writes_the_default_file(sqlite_gradebook, capsys):
    course = gradebook.sqlite_path(sqlite_gradebook).parent
    assert run_cli(["export", CHAPTER, "--format", "canvas", "--course", str(course)]) == 0
    out = capsys.readouterr().out
    assert read_csv(course / "reports" / "ch1" / "ch1-canvas.csv") == CANVAS
    assert "4 row(s)" in out and "1 await manual grading" in out


def test_cli_unknown_chapter(sqlite_gradebook, tmp_path, capsys):
    course = gradebook.sqlite_path(sqlite_gradebook).parent
    assert run_cli(["export", "ch9", "--format", "moodle", "--course", str(course),
                    "--output", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "no chapter 'ch9'" in err and "ch1" in err
    assert not (tmp_path / "x.csv").exists()


def test_cli_without_a_gradebook(tmp_path, capsys):
    assert run_cli(["export", CHAPTER, "--format", "csv", "--course", str(tmp_path)]) == 2
    assert "run dlcourse autograde first" in capsys.readouterr().err
    assert not (tmp_path / "gradebook.db").exists()                      # looking did not create one


def test_cli_unreachable_postgres_hides_the_password(tmp_path, capsys):
    url = f"postgresql://grader:hunter2@127.0.0.1:{postgres.free_port()}/grades"
    assert run_cli(["export", CHAPTER, "--format", "canvas", "--course", str(tmp_path), "--db", url]) == 2
    captured = capsys.readouterr()
    assert "cannot reach" in captured.err
    assert "hunter2" not in captured.out + captured.err


# ---------------------------------------------------------------- PostgreSQL


def test_postgres_exports_the_same_canvas_file(sqlite_gradebook, tmp_path):
    reason = postgres.unavailable()
    if reason:
        pytest.skip(reason)
    with postgres.server() as srv:
        db_url = gradebook.url(tmp_path, srv.database("lms"))
        build(db_url)
        on_postgres = lms.export(db_url, CHAPTER, "canvas", tmp_path / "pg.csv")
    on_sqlite = lms.export(sqlite_gradebook, CHAPTER, "canvas", tmp_path / "sqlite.csv")
    assert read_csv(on_postgres) == CANVAS
    assert on_postgres.read_bytes() == on_sqlite.read_bytes()
