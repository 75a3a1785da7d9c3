"""``dlcourse autograde`` on a small synthetic chapter and a class of broken and hostile submissions.

One module-scoped run grades the whole class (two workers, sandbox on); each test then checks one
student's grades, the reports, the feedback and the problems reported by name. A second run proves
re-grading is idempotent and picks up a re-submission. A test that changes the class (re-grading, a hand
grade, rewriting the reports) works on its own copy (``own``), so the tests pass in any order.
"""

import csv
import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from dlcourse.grading import authoring as A
from dlcourse.grading import sandbox
from dlcourse.grading.autograde import Options, SandboxUnavailable, autograde
from dlcourse.grading.notebooks import ROOT

pytestmark = pytest.mark.slow
CH = "01-tiny"


def _nb_add():
    return A.notebook([
        A.md("# Adding"),
        A.exercise("tiny-add", "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION"),
        A.visible_tests("tiny-add", "assert add(1, 2) == 3, 'add(1, 2) should be 3'", points=1),
        A.hidden_tests("tiny-add", "assert add(-5, 12) == 7, 'negative numbers too'\n"
                                   "assert add(2.5, 0.25) == 2.75, 'floats too'", points=2),
    ])


def _nb_mul():
    return A.notebook([
        A.md("# Multiplying"),
        A.exercise("tiny-mul", "def mul(a, b):\n    ### BEGIN SOLUTION\n    return a * b\n    ### END SOLUTION"),
        A.visible_tests("tiny-mul", "assert mul(2, 3) == 6", points=1),
        A.hidden_tests("tiny-mul", "assert mul(-4, 2.5) == -10.0, 'mul must handle floats'", points=3),
        A.md("Why is multiplication by 2 the same as adding a number to itself?"),
        A.explain("tiny-why", "By distributivity, 2a = (1 + 1)a = a + a.",
                  [(1, "names distributivity"), (1, "writes 2a = a + a")]),
    ])


FULL = {"a": 3, "b": 4}


def _cells(nb, grade_id):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]


def _insert_after(nb, grade_id, source):
    i = nb.cells.index(_cells(nb, grade_id)[0])
    nb.cells.insert(i + 1, nbformat.v4.new_code_cell(source))
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    ok, why = sandbox.usable()
    if not ok:
        pytest.skip(why)
    tmp = tmp_path_factory.mktemp("autograde")
    course = tmp / "course"
    (course / "solutions" / CH).mkdir(parents=True)
    nbformat.write(_nb_add(), course / "solutions" / CH / "a.ipynb")
    nbformat.write(_nb_mul(), course / "solutions" / CH / "b.ipynb")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    from dlcourse.grading.notebooks import nbgrader
    nbgrader(["generate_assignment", CH, "--force"], cwd=course)
    sol = {n: nbformat.read(course / "solutions" / CH / f"{n}.ipynb", as_version=4) for n in "ab"}
    stub = {n: nbformat.read(course / "notebooks" / CH / f"{n}.ipynb", as_version=4) for n in "ab"}

    def copy(nbs):
        return {k: nbformat.from_dict(json.loads(json.dumps(v))) for k, v in nbs.items()}

    inbox = tmp / "inbox"                          # a flat <student>/<chapter>/ folder, as an LMS exports it
    cases: dict[str, dict] = {}
    cases["full"] = copy(sol)
    cases["stub"] = copy(stub)
    cases["loop"] = copy(sol)
    _insert_after(cases["loop"]["a"], "tiny-add", "while True:\n    pass")
    cases["exit"] = copy(sol)
    _insert_after(cases["exit"]["a"], "tiny-add", "import os\nos._exit(1)")
    cases["segfault"] = copy(sol)
    _insert_after(cases["segfault"]["b"], "tiny-mul", "import ctypes\nctypes.string_at(0)")
    cases["memory"] = copy(sol)
    _insert_after(cases["memory"]["a"], "tiny-add", "block = bytearray(16 * 2**30)")
    cases["malformed"] = copy(sol)
    cases["missing"] = {"b": copy(sol)["b"]}
    cases["renamed"] = copy(sol)
    cases["tampered"] = copy(stub)
    for c in cases["tampered"]["a"].cells:
        if c.metadata.get("nbgrader", {}).get("grade"):
            c.source = "pass  # the tests are gone"
    cases["deleted"] = copy(sol)
    cases["deleted"]["b"].cells = [c for c in cases["deleted"]["b"].cells
                                   if not c.metadata.get("nbgrader", {}).get("grade")]
    cases["snoop"] = copy(sol)
    _insert_after(cases["snoop"]["a"], "tiny-add", f"""
import os
def attempt(path):
    try:
        return open(path).read()[:30]
    except OSError as exc:
        return type(exc).__name__
print({{'relative': attempt('../../../solutions/{CH}/a.ipynb'),
       'absolute': attempt({str(course / 'solutions' / CH / 'a.ipynb')!r}),
       'other': attempt({str(course / 'submitted' / 'full' / CH / 'a.ipynb')!r}),
       'inbox': attempt({str(inbox / 'full' / CH / 'a.ipynb')!r}),
       'gradebook': attempt({str(course / 'gradebook.db')!r})}})
import glob
seen = set()
for proc in glob.glob('/proc/[0-9]*'):      # other processes' root and working folders
    for link in ('/root' + {str(course)!r}, '/cwd'):
        try:
            seen.update(os.listdir(proc + link))
        except OSError:
            pass
print({{'through proc': sorted(seen & {{'solutions', 'gradebook.db', 'submitted', '{CH}'}})}})""")
    cases["markdown"] = copy(sol)
    _cells(cases["markdown"]["a"], "tiny-add")[0].cell_type = "markdown"
    for c in cases["markdown"]["a"].cells:
        if c.cell_type == "markdown":
            c.pop("outputs", None)
            c.pop("execution_count", None)
    cases["wrong"] = copy(sol)
    _cells(cases["wrong"]["a"], "tiny-add")[0].source = "def add(a, b):\n    return int(a) + int(b)"
    cases["history"] = copy(sol)
    _insert_after(cases["history"]["b"], "tiny-mul-hidden", "print(_ih)")
    cases["reordered"] = copy(sol)
    tests = [c for c in cases["reordered"]["a"].cells if c.metadata.get("nbgrader", {}).get("grade")]
    cases["reordered"]["a"].cells = tests + [c for c in cases["reordered"]["a"].cells if c not in tests]
    cases["flood"] = copy(sol)
    _insert_after(cases["flood"]["b"], "tiny-mul", "print('x' * 100_000_000)")
    cases["José García"] = copy(sol)
    cases["echo"] = copy(stub)          # honest work that happens to contain a line of the hidden tests
    _cells(cases["echo"]["a"], "tiny-add")[0].source = (
        "def add(a, b):\n    return a + b\n\nassert add(-5, 12) == 7, 'negative numbers too'")
    # the exploits of a grader that runs tests in the student's kernel: none of them earns a point now
    sabotage = ("\nget_ipython().input_transformers_cleanup.append("
                "lambda lines: ['pass\\n'] if any('assert' in l for l in lines) else lines)")
    cases["saboteur"] = copy(stub)       # every test cell would become `pass`
    _cells(cases["saboteur"]["a"], "tiny-add")[0].source = "def add(a, b):\n    pass" + sabotage
    _cells(cases["saboteur"]["b"], "tiny-mul")[0].source = "def mul(a, b):\n    pass" + sabotage
    cases["forger"] = copy(stub)         # a stand-in for the judge's agent that answers 7 to any call
    _cells(cases["forger"]["a"], "tiny-add")[0].source = (
        "def add(a, b):\n    return 3\n"
        "import sys, types\nfrom IPython.display import publish_display_data\n"
        "sys.modules['dlcourse.grading.agent'] = types.SimpleNamespace(handle=lambda text: publish_display_data("
        "{'application/vnd.dlcourse.reply': '{\"value\": 7, \"updates\": {}}'}))")
    cases["leaker"] = copy(sol)          # the input history, encoded so that no line of it matches
    _insert_after(cases["leaker"]["b"], "tiny-mul-hidden",
                  "import base64\nprint('LEAK', base64.b64encode(repr(_ih).encode()).decode())")
    for student, nbs in cases.items():
        folder = inbox / student / CH
        folder.mkdir(parents=True)
        for name, nb in nbs.items():
            nbformat.write(nb, folder / f"{name}.ipynb")
    (inbox / "malformed" / CH / "a.ipynb").write_text('{"cells": [ this is not json')
    (inbox / "renamed" / CH / "a.ipynb").rename(inbox / "renamed" / CH / "Copy of a (1).ipynb")

    opts = Options(jobs=2, cell_timeout=5, notebook_timeout=60, memory=2 * 2**30, progress=False)
    outcome = autograde(course, CH, inbox, opts)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: {n: gb.find_submission_notebook(n, CH, s).score for n in "ab"} for s in cases}
    return {"course": course, "inbox": inbox, "outcome": outcome, "scores": scores, "opts": opts,
            "sol": sol}


def _regular_or_folder(folder: str, names: list[str]) -> set[str]:
    """Names to leave out of a copy: sockets and pipes a zygote left behind (they cannot be copied)."""
    return {n for n in names if not (Path(folder, n).is_file() or Path(folder, n).is_dir())}


@pytest.fixture
def own(graded, tmp_path_factory):
    """A test's own copy of the graded class (course and inbox), for a test that changes it: the tests that
    read ``graded`` see the class exactly as the one grading run left it, whatever ran before them. The copy's
    path is no longer than the original's: the kernels' sockets live under it, and a socket path has a limit."""
    copy = tmp_path_factory.mktemp("own")
    shutil.copytree(graded["course"].parent, copy, symlinks=True, ignore=_regular_or_folder, dirs_exist_ok=True)
    return {**graded, "course": copy / "course", "inbox": copy / "inbox"}


@pytest.mark.parametrize("student, expected", [
    ("full", FULL),
    ("stub", {"a": 0, "b": 0}),
    ("echo", {"a": 3, "b": 0}),         # its own line that is also a hidden test changes nothing
    ("loop", FULL),                      # the endless cell is interrupted after 5 s; the rest runs
    ("exit", {"a": 0, "b": 4}),          # the kernel died in a.ipynb only
    ("segfault", {"a": 3, "b": 0}),
    ("memory", FULL),                    # MemoryError in the student's own cell
    ("malformed", {"a": 0, "b": 4}),
    ("missing", {"a": 0, "b": 4}),
    ("renamed", FULL),
    ("tampered", {"a": 0, "b": 0}),      # the emptied test cells are restored from the gradebook
    ("deleted", FULL),                   # deleted test cells are put back and run
    ("snoop", FULL),                     # found nothing, still scores its own work
    ("markdown", FULL),                  # nbgrader turns the answer cell back into code
    ("wrong", {"a": 1, "b": 4}),         # passes the visible test, fails a hidden one
    ("history", FULL),
    ("reordered", FULL),                 # test cells dragged above the answer are put back after it
    ("flood", FULL),                     # a 100 MB output
    ("José García", FULL),
    ("saboteur", {"a": 0, "b": 0}),      # its input transformer rewrites nothing the grader judges
    ("forger", {"a": 0, "b": 0}),        # answers only the kernel's own replies could forge
    ("leaker", FULL),
])
def test_each_submission_scores_what_it_earns(graded, student, expected):
    assert graded["scores"][student] == expected


def test_problems_are_reported_by_student_and_notebook(graded):
    problems = "\n".join(graded["outcome"].problems)
    assert "exit: a.ipynb: the kernel died" in problems
    assert "segfault: b.ipynb: the kernel died" in problems
    assert "malformed: a.ipynb" in problems
    assert "missing: a.ipynb is missing" in problems
    assert "tampered: a.ipynb: test cell tiny-add-visible was edited" in problems
    assert "deleted: b.ipynb: cell tiny-mul-hidden is missing" in problems
    assert "markdown: a.ipynb: cell tiny-add was turned into markdown" in problems
    # the released copy (hidden tests stripped) is no edit, nor the instructor's (hidden tests included)
    for student in ("stub", "echo", "full", "loop", "memory", "renamed", "snoop", "José García"):
        assert not any(p.startswith(student + ":") for p in graded["outcome"].problems), problems
    rows = {r["student"]: r for r in csv.DictReader(open(graded["course"] / "reports" / CH / "grades.csv"))}
    assert set(rows) == set(graded["scores"])
    # the free-text answer counts once graded by hand: until then it is listed, not scored
    assert float(rows["full"]["score"]) == 7 and float(rows["full"]["percent"]) == round(100 * 7 / 9, 1)
    assert rows["full"]["awaiting_manual_grading"] == "b/tiny-why (2)"
    assert rows["stub"]["awaiting_manual_grading"] == ""          # the untouched template scores 0 at once
    from dlcourse.grading.reports import awaiting_manual
    waiting = awaiting_manual(graded["course"], CH)
    assert waiting["full"] == ["b/tiny-why (2)"] and "stub" not in waiting
    assert "kernel died" in rows["exit"]["problems"]
    assert (graded["course"] / "reports" / CH / "scores.png").stat().st_size > 1000
    similar = list(csv.DictReader(open(graded["course"] / "reports" / CH / "similarity.csv")))
    assert all(set(row) == {"exercise", "student", "other", "similarity"} for row in similar)
    assert (graded["course"] / "reports" / CH / "similarity.html").exists()
    cells = list(csv.DictReader(open(graded["course"] / "reports" / CH / "exercises.csv")))
    assert {c["cell"] for c in cells} == {"tiny-add-visible", "tiny-add-hidden", "tiny-mul-visible",
                                          "tiny-mul-hidden", "tiny-why"}
    why = next(c for c in cells if c["cell"] == "tiny-why")
    assert int(why["awaiting_manual"]) >= 1 and why["points"] == "2.0"


def test_huge_output_is_truncated(graded):
    course = graded["course"]
    assert (course / "autograded" / "flood" / CH / "b.ipynb").stat().st_size < 1_000_000
    assert (course / "feedback" / "flood" / CH / "b.html").stat().st_size < 2_000_000
    assert any("cell order" in p for p in graded["outcome"].problems if p.startswith("reordered:"))


def test_kernels_forked_from_a_warm_zygote(graded):
    logs = graded["course"] / ".autograde" / CH / "logs"
    assert "warm kernels: the zygote was ready" in (logs / "full.log").read_text()


def test_snooping_code_found_nothing(graded):
    nb = nbformat.read(graded["course"] / "autograded" / "snoop" / CH / "a.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for key in ("relative", "absolute", "other", "inbox", "gradebook"):
        assert f"'{key}': 'FileNotFoundError'" in text, text
    assert "{'through proc': []}" in text, text


def test_feedback_shows_results_but_never_hidden_tests(graded):
    course = graded["course"]
    from dlcourse.grading.feedback import hidden_lines, leaks, own_lines

    secret = hidden_lines([c.source for nb in graded["sol"].values() for c in nb.cells])
    assert len(secret) == 3
    files = sorted((course / "feedback").rglob("*.html"))
    assert len(files) >= 2 * 12
    for folder in sorted((course / "feedback").glob(f"*/{CH}")):
        mine = own_lines(course / "submitted" / folder.parent.name / CH)
        assert leaks(folder, secret - mine) == [], folder.parent.name
    assert own_lines(course / "submitted" / "echo" / CH) & secret, "echo wrote a hidden-test line itself"
    assert not own_lines(course / "submitted" / "full" / CH) & secret, "the hidden tests are no student's own"
    assert graded["outcome"].feedback_withheld == []
    stub = (course / "feedback" / "stub" / CH / "a.html").read_text()
    assert "Hidden tests of tiny-add: failed (NotImplementedError" in stub
    wrong = (course / "feedback" / "wrong" / CH / "a.html").read_text()
    assert "Hidden tests of tiny-add: failed (AssertionError: floats too)" in wrong      # the message, not the line
    assert "Hidden tests of tiny-add: passed" in (course / "feedback" / "full" / CH / "a.html").read_text()
    echo = course / "feedback" / "echo" / CH / "a.html"
    assert echo.exists() and "Hidden tests of tiny-add: passed" in echo.read_text(), "honest feedback must reach the student"
    # the kernel never held a test: the input history it prints holds the student's cells only
    history = (course / "feedback" / "history" / CH / "b.html").read_text()
    assert "output withheld from feedback" not in history and "def mul" in history


def test_no_test_reaches_the_students_kernel(graded):
    """The leaker printed its whole input history, base64-encoded: no test line is in it."""
    import base64
    import re

    nb = nbformat.read(graded["course"] / "autograded" / "leaker" / CH / "b.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    [blob] = re.findall(r"LEAK (\S+)", printed)
    history = base64.b64decode(blob).decode()
    assert "def mul" in history, "the history was printed"
    tests = [c.source for nb in graded["sol"].values() for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    for line in "\n".join(tests).splitlines():
        if "assert" in line:
            assert line.strip() not in history, f"a test line reached the student's kernel: {line.strip()}"


def test_regrading_is_idempotent_and_takes_resubmissions(own):
    course, inbox = own["course"], own["inbox"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        before = len(gb.assignment_submissions(CH))
    # stub re-submits the full solution: only that student runs again
    for name in "ab":
        shutil.copy(inbox / "full" / CH / f"{name}.ipynb", inbox / "stub" / CH / f"{name}.ipynb")
    archive = course.parent / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in inbox.rglob("*"):
            zf.write(p, Path("export") / p.relative_to(inbox))
    again = autograde(course, CH, archive, own["opts"])
    assert again.graded == ["stub"]
    assert len(again.unchanged) == len(own["scores"]) - 1
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert len(gb.assignment_submissions(CH)) == before
        assert gb.find_submission(CH, "stub").score == 7
        assert gb.find_submission(CH, "full").score == 7
    assert list((course / "submitted-history" / "stub" / CH).iterdir())


def test_refuses_without_the_sandbox(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="--no-sandbox"):
        autograde(tmp_path, CH, None, Options(sandbox=True))


def test_report_command_rewrites_the_reports(own):
    from dlcourse import cli

    course = own["course"]
    grades = course / "reports" / CH / "grades.csv"
    grades.unlink()
    assert cli.main(["report", CH, "--course", str(course)]) == 0
    rows = list(csv.DictReader(open(grades)))
    assert len(rows) == len(own["scores"])
    assert cli.main(["report", CH, "--course", str(course / "nowhere")]) == 2


def test_autograde_command_refuses_loudly_without_bubblewrap(tmp_path, monkeypatch, capsys):
    from dlcourse import cli

    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    assert cli.main(["autograde", CH, "--course", str(tmp_path)]) == 2
    assert "REFUSING TO GRADE" in capsys.readouterr().err


def test_a_hand_grade_reaches_the_reports_and_the_feedback(own):
    """What the instructor page's formgrader steps do: a manual score, then dlcourse report --feedback."""
    from dlcourse import cli

    course = own["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade("tiny-why", "b", CH, "full")
        grade.manual_score, grade.needs_manual_grade = 2, False    # as the formgrader's score box does
        comment = gb.find_comment("tiny-why", "b", CH, "full")
        comment.manual_comment = "Distributivity, well put."
        gb.db.commit()
    assert cli.main(["report", CH, "--course", str(course), "--feedback"]) == 0
    rows = {r["student"]: r for r in csv.DictReader(open(course / "reports" / CH / "grades.csv"))}
    assert float(rows["full"]["score"]) == 9 and rows["full"]["awaiting_manual_grading"] == ""
    page = (course / "feedback" / "full" / CH / "b.html").read_text()
    assert "Distributivity, well put." in page
    assert "mul must handle floats" not in page          # still no hidden-test text
