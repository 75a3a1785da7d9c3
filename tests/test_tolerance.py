"""Tolerance-checked stored outputs: the comparison itself, and nbval applying it through the root conftest."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import nbformat
import pytest

from dlcourse.grading.notebooks import ROOT
from dlcourse.grading.tolerance import Tolerance, cell_tolerance, numbers, reconcile, within

POINTS = Tolerance(abs=1.5)


def test_numbers_are_taken_out_but_names_stay_words():
    text, found = numbers("L2, λ = 0.003: F1 0.723, 1,280 FLOPs, 3.0e-10, x10, (-0.70, .5) and 97%")
    assert found == [(0.003, False), (0.723, False), (1280.0, False), (3.0e-10, False), (-0.70, False), (0.5, False),
                     (97.0, True)]
    assert "L2" in text and "F1" in text and "x10" in text and "0" not in text.replace("x10", "")


@pytest.mark.parametrize("stored, computed, ok", [
    ("runs: 93.1, 88.6", "runs: 93.3, 88.6", True),       # the case seen on an AVX-512 machine
    ("runs: 93.1, 88.6", "runs: 94.7, 88.6", False),      # 1.6 points: outside
    ("runs: 93.1, 88.6", "runs: 91.6, 90.1", True),       # both ends of the band
    ("acc  9.9 %\n", "acc 10.0 %\n", True),               # a wider figure moves the padding
    ("best: L1 0.5", "best: L2 0.5", False),              # a name is a word, not a figure
    ("loss nan", "loss 0.1", False),                      # nan is a word
    ("3 runs: 1.0 2.0", "3 runs: 1.0", False),            # fewer figures
    ("gain +1.7", "gain -0.2", False),                    # the sign counts
    ("accuracy 93.1", "precision 93.1", False),           # other words
])
def test_within_points(stored, computed, ok):
    assert within(stored, computed, POINTS) is ok


def test_relative_and_combined_tolerances():
    assert within("loss 0.150", "loss 0.160", Tolerance(rel=0.1))
    assert not within("loss 0.150", "loss 0.170", Tolerance(rel=0.1))
    assert within("loss 0.000", "loss 0.004", Tolerance(abs=0.005, rel=0.1))
    assert str(Tolerance(abs=0.005, rel=0.1)) == "±0.005 + ±10 %"


def test_percentages_get_their_own_points():
    loss_and_accuracy = Tolerance(abs=0.02, points=2)
    assert within("test loss 0.14, test accuracy 97%", "test loss 0.15, test accuracy 95%", loss_and_accuracy)
    assert not within("test loss 0.14, test accuracy 97%", "test loss 0.14, test accuracy 94%", loss_and_accuracy)
    assert not within("test loss 0.14, test accuracy 97%", "test loss 0.17, test accuracy 97%", loss_and_accuracy)
    assert within("97%", "98%", Tolerance(abs=1.5)), "without points, a percentage has the abs tolerance"
    assert str(loss_and_accuracy) == "±0.02, percentages ±2 points"


@pytest.mark.parametrize("spec", [{"abs": -1}, {"abs": 0}, {"abs": "1"}, {"abs": True}, {"abs": float("nan")},
                                  {"points": -2}, {"tol": 1}, {}, 1.5])
def test_bad_tolerances_are_refused_with_a_reason(spec):
    with pytest.raises(ValueError, match="tolerance"):
        cell_tolerance({"metadata": {"dlcourse": {"tolerance": spec}}})


def test_a_cell_without_a_tolerance_is_exact():
    assert cell_tolerance({"metadata": {}}) is None
    assert cell_tolerance({"metadata": {"dlcourse": {}}}) is None


def test_reconcile_takes_the_stored_text_only_where_it_is_within():
    stream = nbformat.v4.new_output("stream", name="stdout", text="acc 93.1\n")
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "0.50", "text/html": "<b>0.50</b>",
                                                            "image/png": "iVBOR"}, execution_count=1)
    computed = [nbformat.v4.new_output("stream", name="stdout", text="acc 93.4\n"),
                nbformat.v4.new_output("execute_result", data={"text/plain": "0.52", "text/html": "<b>7.0</b>",
                                                               "image/png": "iVBOR"}, execution_count=1)]
    out = reconcile([stream, result], computed, Tolerance(abs=0.05))
    assert out[0]["text"] == "acc 93.4\n"                          # 0.3 > 0.05: left for nbval to report
    assert out[1]["data"]["text/plain"] == "0.50"                   # within: taken as stored
    assert out[1]["data"]["text/html"] == "<b>7.0</b>"
    assert computed[1]["data"]["text/plain"] == "0.52", "reconcile must not change its input"
    swapped = reconcile([stream], [nbformat.v4.new_output("stream", name="stderr", text="acc 93.1\n")], POINTS)
    assert swapped[0]["name"] == "stderr" and swapped[0]["text"] == "acc 93.1\n"


@pytest.mark.slow
def test_nbval_applies_the_tolerance_of_the_cell_and_no_other(tmp_path):
    """Three stored cells printed 93.1; re-executed, they print a figure 0.2 or 2.0 away."""
    def cell(source, stored, tolerance=None):
        c = nbformat.v4.new_code_cell(source, execution_count=1,
                                      outputs=[nbformat.v4.new_output("stream", name="stdout", text=stored)])
        if tolerance:
            c.metadata["dlcourse"] = {"tolerance": tolerance}
        return c

    nb = nbformat.v4.new_notebook(cells=[
        cell("print('test accuracy 93.3 %')", "test accuracy 93.1 %\n", {"abs": 1.5}),
        cell("print('test accuracy 95.1 %')", "test accuracy 93.1 %\n", {"abs": 1.5}),
        cell("print('test accuracy 93.3 %')", "test accuracy 93.1 %\n"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "probe.ipynb")
    report = tmp_path / "report.xml"
    # the root conftest, loaded as a plugin, is what `make test` runs with
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "--nbval", "-p", "no:xdist",
                           "--rootdir", str(tmp_path), "-c", os.devnull, f"--junitxml={report}", "probe.ipynb"],
                          cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    outcome = {case.get("name"): "failed" if case.find("failure") is not None else "passed"
               for case in ET.parse(report).iter("testcase")}
    assert outcome == {"Cell 0": "passed", "Cell 1": "failed", "Cell 2": "failed"}, proc.stdout[-3000:]
    assert "checked within ±1.5" in proc.stdout


def test_the_instructors_page_lists_every_tolerance_checked_cell():
    stated = [(str(path.relative_to(ROOT / "solutions")), str(tolerance))
              for path in sorted((ROOT / "solutions").glob("*/*.ipynb"))
              for cell in nbformat.read(path, as_version=4).cells
              if (tolerance := cell_tolerance(cell)) is not None]
    assert len(stated) >= 5, "the figures of training runs state their tolerance"
    page = (ROOT / "book" / "instructors.md").read_text()
    rows = [[col.strip().strip("`") for col in line.strip("|").split("|")]
            for line in page.splitlines() if line.startswith("| `") and ".ipynb" in line]
    assert [(row[0], row[2]) for row in rows] == stated, \
        "book/instructors.md, 'Stored outputs': the table must list the tolerance-checked cells in notebook order"
