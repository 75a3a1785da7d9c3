"""Collecting submissions into nbgrader's layout: three source layouts, renamed/missing/stray files,
unicode names, zip safety, idempotence and re-submissions."""

import zipfile
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest

from dlcourse.grading import authoring as A
from dlcourse.grading.submissions import collect, grade_ids

CH = "01-ch"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def _nb(stem: str, answer: str = "return 1") -> nbformat.NotebookNode:
    return A.notebook([A.md(f"# {stem}"),
                       A.exercise(f"{stem}-f", f"def f():\n    ### BEGIN SOLUTION\n    {answer}\n    ### END SOLUTION"),
                       A.visible_tests(f"{stem}-f", "assert f() == 1")])


@pytest.fixture
def release(tmp_path) -> Path:
    folder = tmp_path / "release" / CH
    folder.mkdir(parents=True)
    nbformat.write(_nb("alpha"), folder / "01-alpha.ipynb")
    nbformat.write(_nb("beta"), folder / "02-beta.ipynb")
    return folder


def _student(root: Path, name: str, files: dict[str, nbformat.NotebookNode | str]) -> None:
    folder = root / name / CH
    folder.mkdir(parents=True)
    for fname, content in files.items():
        if isinstance(content, str):
            (folder / fname).write_text(content)
        else:
            nbformat.write(content, folder / fname)


def _class(root: Path) -> None:
    _student(root, "alice", {"01-alpha.ipynb": _nb("alpha"), "02-beta.ipynb": _nb("beta")})
    _student(root, "bob", {"Copy of 02-beta.ipynb": _nb("beta"), "notes.ipynb": A.notebook([A.md("# mine")])})
    _student(root, "José Núñez", {"01-alpha.ipynb": _nb("alpha"), "02-beta.ipynb": '{"cells": ['})


def test_flat_layout_with_renamed_missing_stray_and_unicode(tmp_path, release):
    _class(tmp_path / "in")
    got = collect(tmp_path / "in", CH, release, tmp_path / "course", now=NOW)
    assert sorted(got.students) == ["José Núñez", "alice", "bob"]
    assert got.renamed == ["bob: Copy of 02-beta.ipynb -> 02-beta.ipynb"]
    assert "bob: 01-alpha.ipynb is missing" in got.problems
    assert "bob: notes.ipynb is not a notebook of 01-ch" in got.problems
    sub = tmp_path / "course" / "submitted"
    assert sorted(p.name for p in (sub / "bob" / CH).iterdir()) == ["02-beta.ipynb", "collected.txt"]
    assert grade_ids(sub / "bob" / CH / "02-beta.ipynb") == {"beta-f", "beta-f-visible"}
    # a malformed notebook under its own name is collected as is: the autograder reports it by name
    assert (sub / "José Núñez" / CH / "02-beta.ipynb").read_text() == '{"cells": ['
    # no submission time came with the files: none is made up (it would count as late), the collection time is kept
    assert (sub / "alice" / CH / "collected.txt").read_text() == "2026-11-23 12:00:00.000000 UTC"
    assert not (sub / "alice" / CH / "timestamp.txt").exists()


def test_nbgrader_layout_and_zip_give_the_same_result(tmp_path, release):
    _class(tmp_path / "course-a" / "submitted")
    a = collect(tmp_path / "course-a", CH, release, tmp_path / "out-a", now=NOW)
    _class(tmp_path / "export" / "class-of-2026")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in (tmp_path / "export").rglob("*"):
            zf.write(f, f.relative_to(tmp_path / "export"))
    b = collect(archive, CH, release, tmp_path / "out-b", now=NOW)
    assert sorted(a.students) == sorted(b.students) and a.problems == b.problems
    files = lambda root: sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())  # noqa: E731
    assert files(tmp_path / "out-a") == files(tmp_path / "out-b")


def test_zip_members_cannot_escape(tmp_path, release):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../outside.ipynb", "{}")
    with pytest.raises(ValueError, match="outside the extraction folder"):
        collect(archive, CH, release, tmp_path / "course", now=NOW)
    assert not (tmp_path.parent / "outside.ipynb").exists()


def test_collecting_twice_changes_nothing_and_resubmission_keeps_history(tmp_path, release):
    _class(tmp_path / "in")
    course = tmp_path / "course"
    collect(tmp_path / "in", CH, release, course, now=NOW)
    again = collect(tmp_path / "in", CH, release, course, now=datetime(2026, 11, 24, tzinfo=timezone.utc))
    assert again.resubmitted == []
    assert (course / "submitted" / "alice" / CH / "collected.txt").read_text().startswith("2026-11-23")
    nbformat.write(_nb("alpha", answer="return 2"), tmp_path / "in" / "alice" / CH / "01-alpha.ipynb")
    later = collect(tmp_path / "in", CH, release, course, now=datetime(2026, 11, 25, tzinfo=timezone.utc))
    assert later.resubmitted == ["alice"]
    assert "return 2" in (course / "submitted" / "alice" / CH / "01-alpha.ipynb").read_text()
    kept = list((course / "submitted-history" / "alice" / CH).iterdir())
    assert len(kept) == 1 and "return 1" in (kept[0] / "01-alpha.ipynb").read_text()


def test_bad_sources(tmp_path, release):
    with pytest.raises(FileNotFoundError, match="not a folder of submissions or a zip"):
        collect(tmp_path / "nothing", CH, release, tmp_path / "course")
    with pytest.raises(FileNotFoundError, match="release the chapter first"):
        collect(tmp_path, CH, tmp_path / "empty", tmp_path / "course")


def test_cell_changes_name_real_edits_only(tmp_path):
    from dlcourse.grading.notebooks import ROOT
    from dlcourse.grading.submissions import cell_changes

    release = ROOT / "notebooks" / "01-basics" / "03-losses.ipynb"
    source = ROOT / "solutions" / "01-basics" / "03-losses.ipynb"
    assert cell_changes(release, release, source) == [], "the student copy as released changes nothing"
    assert cell_changes(source, release, source) == [], "nor the instructor's notebook, hidden tests included"
    nb = nbformat.read(release, as_version=4)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("locked")]
    tests[0].source += "\nprint('mine')"
    gid = tests[0].metadata.nbgrader.grade_id
    nb.cells.remove(tests[1])
    nbformat.write(nb, tmp_path / "edited.ipynb")
    assert cell_changes(tmp_path / "edited.ipynb", release, source) == [
        f"test cell {gid} was edited; the original was put back",
        f"cell {tests[1].metadata.nbgrader.grade_id} is missing; the original was put back"]
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert cell_changes(tmp_path / "broken.ipynb", release) == []
