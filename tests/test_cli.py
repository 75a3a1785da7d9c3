"""The ``dlcourse`` command: ``check`` on small synthetic notebooks (passing, failing, edited, broken), ``release``."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import compute_checksum

from dlcourse.cli import main
from dlcourse.grading import authoring as A
from dlcourse.grading.notebooks import ROOT

pytestmark = pytest.mark.slow   # each check starts a kernel


def _notebook(path: Path, answer: str = "return 2 * x", extra: str = "", explain: bool = False) -> Path:
    """Two exercises: double (visible 1 + hidden 2) and square (visible 1 + hidden 3), checksums as released."""
    cells = [
        A.md("# Tiny"),
        A.exercise("tiny-double", f"def double(x):\n    ### BEGIN SOLUTION\n    {answer}\n    ### END SOLUTION"),
        A.visible_tests("tiny-double", 'assert double(3) == 6, "double(3) should be 6"'),
        A.hidden_tests("tiny-double", 'assert double(-1) == -2', points=2),
        A.exercise("tiny-square", "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"),
        A.visible_tests("tiny-square", 'assert square(3) == 9, "square(3) should be 9"'),
        A.hidden_tests("tiny-square", 'assert square(-2) == 4', points=3),
    ]
    if extra:
        cells.insert(1, A.code(extra))
    if explain:   # as released: nbgrader replaced the model answer with its template
        why = A.explain("tiny-why", "Doubling is linear.", [(1, "says linear"), (1, "gives a reason")])
        why.source = "YOUR ANSWER HERE"
        cells += [A.md("Why is doubling linear?"), why]
    nb = A.notebook(cells)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta:
            meta["checksum"] = compute_checksum(cell)
            meta["cell_type"] = cell.cell_type
    nbformat.write(nb, path)
    return path


def test_all_visible_tests_pass(tmp_path, capsys):
    assert main(["check", str(_notebook(tmp_path / "ok.ipynb"))]) == 0
    out = capsys.readouterr().out
    assert "tiny-double" in out and "PASS" in out and "FAIL" not in out
    assert "visible 1 + hidden 2 = 3 points" in out and "visible 1 + hidden 3 = 4 points" in out
    assert "Hidden tests worth 5 more points run only when your notebook is graded" in out


def test_kind_hidden_probes_and_answers_graded_by_hand(tmp_path, capsys, monkeypatch):
    from dlcourse.grading import catalog

    monkeypatch.setitem(catalog.CATALOG, "tiny-double", catalog.Entry(catalog.IMPLEMENT, hidden="negative numbers"))
    path = _notebook(tmp_path / "why.ipynb", explain=True)
    assert main(["check", str(path)]) == 0       # an empty hand-graded answer is reminded, not failed
    out = capsys.readouterr().out
    double = next(line for line in out.splitlines() if "tiny-double" in line)
    assert "PASS" in double and "[implement from scratch]" in double
    assert "hidden tests also try: negative numbers" in out
    assert "tiny-why" in out and "NOT ANSWERED YET: graded by hand, 2 points" in out
    assert "2 points are graded by hand after submission; still to answer: tiny-why." in out
    assert "Visible tests pass for 2 of 2 exercises" in out
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = "Because 2(x + y) = 2x + 2y."
    nbformat.write(nb, path)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "answered: graded by hand, 2 points" in out and "still to answer" not in out


def test_a_cell_slower_than_grading_allows_is_named_not_failed(tmp_path, capsys, monkeypatch):
    from dlcourse.grading import check

    monkeypatch.setattr(check, "GRADING_CELL_SECONDS", 1)
    path = _notebook(tmp_path / "slow.ipynb", extra="import time\ntime.sleep(1.5)")
    assert main(["check", str(path)]) == 0
    assert "Code cell 1 ran 2 s; grading allows 1 s per cell" in capsys.readouterr().out


def test_failure_names_the_exercise_and_the_assertion(tmp_path, capsys):
    assert main(["check", str(_notebook(tmp_path / "bad.ipynb", answer="return x + 2"))]) == 1
    out = capsys.readouterr().out
    double = next(line for line in out.splitlines() if "tiny-double" in line)
    assert "FAIL" in double
    assert "AssertionError: double(3) should be 6" in out
    assert "Visible tests pass for 1 of 2 exercises (1 of 2 visible points)" in out


def test_stub_says_not_done(tmp_path, capsys):
    assert main(["check", str(_notebook(tmp_path / "stub.ipynb", answer="raise NotImplementedError()"))]) == 1
    assert "not done yet" in capsys.readouterr().out


def test_edited_and_retyped_cells_are_reported(tmp_path, capsys):
    path = _notebook(tmp_path / "edited.ipynb", answer="return x + 2")
    nb = nbformat.read(path, as_version=4)
    visible = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "tiny-double-visible")
    visible.source = "assert True  # tests removed"
    square = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "tiny-square")
    square.cell_type = "markdown"
    del square["outputs"], square["execution_count"]
    nbformat.write(nb, path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Test cells you edited: tiny-double-visible" in out
    assert "Cells whose type you changed" in out and "tiny-square" in out


def test_infinite_loop_times_out_and_is_reported(tmp_path, capsys):
    path = _notebook(tmp_path / "loop.ipynb", answer="while True:\n        pass")
    assert main(["check", "--timeout", "3", str(path)]) == 1
    out = capsys.readouterr().out
    assert "timed out: a cell ran longer than 3 s" in out
    assert "tiny-square" in out and "1 of 2 exercises" in out   # the rest of the notebook still ran


def test_dead_kernel_is_reported(tmp_path, capsys):
    path = _notebook(tmp_path / "dies.ipynb", extra="import os\nos._exit(1)")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "did not run to the end" in out


def test_bad_input_exits_2_with_the_file_name(tmp_path, capsys):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [')
    assert main(["check", str(broken), str(tmp_path / "missing.ipynb")]) == 2
    err = capsys.readouterr().err
    assert "broken.ipynb: not a readable notebook" in err and "missing.ipynb: no such notebook" in err


def test_release_one_chapter_and_unknown_chapter(tmp_path, capsys):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "solutions" / "01-basics", course / "solutions" / "01-basics")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    assert main(["release", "99-nothing", "--root", str(course)]) == 2
    assert "no chapter 99-nothing" in capsys.readouterr().err
    assert main(["release", "01-basics", "--root", str(course)]) == 0
    released = sorted(p.name for p in (course / "notebooks" / "01-basics").glob("*.ipynb"))
    assert released == sorted(p.name for p in (ROOT / "notebooks" / "01-basics").glob("*.ipynb"))
    stub = json.loads((course / "notebooks" / "01-basics" / "03-losses.ipynb").read_text())
    assert "BEGIN SOLUTION" not in json.dumps(stub)


def test_console_script_help():
    exe = Path(sys.executable).parent / "dlcourse"
    for args in ([], ["release"], ["check"]):
        proc = subprocess.run([str(exe), *args, "--help"], capture_output=True, text=True)
        assert proc.returncode == 0 and "usage: dlcourse" in proc.stdout
