"""The similarity report: a renamed copy is flagged, distinct answers, stubs and one-liners are not."""

import csv
import os
import subprocess
import sys
import time

import nbformat

from dlcourse.grading import authoring as a
from dlcourse.grading.similarity import (REFERENCE, answers, flagged_pairs, instructor_parts, package_sources,
                                         similarity_report)

SIGNATURE = 'def mse(pred, target, reduction="mean"):\n    """Mean squared error with a reduction."""\n'
SOLUTION = """\
if pred.shape != target.shape:
    raise ValueError(f"shapes {tuple(pred.shape)} and {tuple(target.shape)} differ")
sq = (pred - target) ** 2
if reduction == "none":
    return sq
if reduction == "sum":
    return sq.sum()
return sq.mean()
"""
OTHER_HONEST = """\
assert pred.shape == target.shape, "shape mismatch"
diff = pred.sub(target)
per_element = diff * diff
reducers = {"none": lambda t: t, "sum": torch.sum, "mean": torch.mean}
return reducers[reduction](per_element)
"""
RENAMED_COPY = """\
# first make sure the shapes agree

if pred.shape != target.shape:
    raise ValueError(f"shapes {tuple(pred.shape)} and {tuple(target.shape)} differ")   # tell the user

squared_errors = (pred - target) ** 2
if reduction == "none":
    return squared_errors
if reduction == "sum":      # total
    return squared_errors.sum()
return squared_errors.mean()
"""
THIRD_HONEST = """\
n = pred.numel()
if pred.size() != target.size():
    raise ValueError("pred and target must have the same size")
total = torch.zeros((), dtype=pred.dtype)
for p, t in zip(pred.flatten(), target.flatten()):
    total = total + (p - t) * (p - t)
out = {"sum": total, "mean": total / n}
return out[reduction] if reduction != "none" else (pred - target).pow(2)
"""
STUB = "# YOUR CODE HERE\nraise NotImplementedError()\n"
ONE_LINER = "return ((pred - target) ** 2).mean()\n"


def _answer(body: str) -> str:
    return SIGNATURE + "".join("    " + line + "\n" for line in body.splitlines())


def _instructor():
    lesson = a.code("import torch\nx = torch.randn(3)\nprint(x.shape)")
    solution = a.exercise("losses-mse", SIGNATURE + "    ### BEGIN SOLUTION\n"
                          + "".join("    " + line + "\n" for line in SOLUTION.splitlines()) + "    ### END SOLUTION")
    visible = a.visible_tests("losses-mse", "assert mse(torch.ones(2), torch.ones(2)) == 0")
    hidden = a.hidden_tests("losses-mse", "assert mse(torch.zeros(2), torch.ones(2), 'sum') == 2")
    return a.notebook([lesson, solution, visible, hidden])


def _class(**bodies: str) -> dict[str, dict[str, str]]:
    return {student: {"losses-mse": _answer(body)} for student, body in bodies.items()}


def test_a_renamed_copy_is_flagged_and_distinct_answers_are_not(tmp_path):
    nbformat.write(_instructor(), tmp_path / "03-losses.ipynb")
    boilerplate, solutions = instructor_parts([tmp_path / "03-losses.ipynb"])
    assert "raise NotImplementedError()" in boilerplate, "the stub is given to everyone"
    assert "sq.mean()" not in boilerplate
    assert "sq.mean()" in solutions["losses-mse"] and "torch.randn(3)" in boilerplate
    submitted = _class(ann=OTHER_HONEST, bob=THIRD_HONEST, cat=RENAMED_COPY, dan=STUB, eve=ONE_LINER, fay=ONE_LINER,
                       gus=SOLUTION)
    pairs = flagged_pairs(submitted, boilerplate, {"losses-mse": {"instructor's solution": solutions["losses-mse"]}})
    found = {(p.student, p.other) for p in pairs}
    assert ("cat", "gus") in found, "renamed variables, comments and blank lines must not hide a copy"
    assert ("cat", REFERENCE) in found and ("gus", REFERENCE) in found
    assert not {s for pair in found for s in pair} & {"ann", "bob", "dan", "eve", "fay"}, found
    copy = next(p for p in pairs if (p.student, p.other) == ("cat", "gus"))
    assert copy.similarity >= 0.9 and copy.marks[0] and copy.marks[1]


def test_report_files_and_package_references(tmp_path):
    course = tmp_path
    nbformat.write(_instructor(), (course / "solutions" / "01-x").mkdir(parents=True) or
                   course / "solutions" / "01-x" / "03-losses.ipynb")
    package = package_sources()
    assert any(name.startswith("dlcourse/nn/") for name in package), "the reference implementations are references"
    relu_like = next(code for name, code in package.items() if len(code) > 400)
    for student, body in {"ann": OTHER_HONEST, "cat": RENAMED_COPY, "gus": SOLUTION}.items():
        nb = _instructor()
        nb.cells[1].source = _answer(body)
        folder = course / "submitted" / student / "01-x"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "03-losses.ipynb")
    (course / "submitted" / "bad" / "01-x").mkdir(parents=True)
    (course / "submitted" / "bad" / "01-x" / "03-losses.ipynb").write_text("{not json")
    thief = _instructor()
    thief.cells[1].source = relu_like
    (course / "submitted" / "tom" / "01-x").mkdir(parents=True)
    nbformat.write(thief, course / "submitted" / "tom" / "01-x" / "03-losses.ipynb")
    assert answers(course / "submitted" / "bad" / "01-x" / "03-losses.ipynb") == {}
    for text in ["[]", '{"cells": [1, "x"]}', '{"cells": [{"cell_type": "code", "metadata": []}]}']:
        (tmp_path / "odd.ipynb").write_text(text)
        assert answers(tmp_path / "odd.ipynb") == {}, text

    start = time.perf_counter()
    out = similarity_report(course, "01-x")
    seconds = time.perf_counter() - start
    rows = list(csv.DictReader(open(out / "similarity.csv", encoding="utf-8")))
    assert set(rows[0]) == {"exercise", "student", "other", "similarity"}
    pairs = {(r["student"], r["other"]) for r in rows}
    assert ("cat", "gus") in pairs and ("tom", REFERENCE) in pairs
    assert not any("ann" in pair or "bad" in pair for pair in pairs), pairs
    page = (out / "similarity.html").read_text(encoding="utf-8")
    assert "<mark>" in page and "dlcourse/" in page and "cat and gus" in page
    assert seconds < 60, f"similarity report of 6 students took {seconds:.1f} s"
    # the same class gives the same report in another process (Python salts str hashes per process)
    first = (out / "similarity.csv").read_text()
    for salt in ("1", "2"):
        subprocess.run([sys.executable, "-c", "import sys; from dlcourse.grading.similarity import similarity_report; "
                        "similarity_report(sys.argv[1], '01-x')", str(course)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": salt})
        assert (out / "similarity.csv").read_text() == first, f"the report changed with PYTHONHASHSEED={salt}"
