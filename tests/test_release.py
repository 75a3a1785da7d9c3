"""notebooks/ is exactly what nbgrader generates from solutions/ today (no drift), and holds no secrets."""

import json
import shutil
from fnmatch import fnmatch
from pathlib import Path

import pytest
from nbgrader.coursedir import CourseDirectory

from dlcourse.grading.notebooks import ROOT, chapters, nbgrader, workspace
from dlcourse.grading.secrets import scan, secret_lines

CHAPTERS = chapters()
# what nbgrader leaves out of a release (checkpoints, Python caches), and hidden files: JupyterLab, an editor or
# the OS put these beside the notebooks a student opens (.ipynb_checkpoints, .virtual_documents, .DS_Store)
IGNORED = [*CourseDirectory.class_traits()["ignore"].default(), ".*"]


def released_files(folder: Path) -> dict[Path, Path]:
    """The files under ``folder`` that belong to a release, by path relative to ``folder.parent``."""
    return {p.relative_to(folder.parent): p for p in sorted(folder.rglob("*")) if p.is_file()
            and not any(fnmatch(part, pattern) for part in p.relative_to(folder).parts for pattern in IGNORED)}


def test_there_are_chapters():
    assert CHAPTERS, "no chapter under solutions/"


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_copies_in_sync(chapter, tmp_path):
    shutil.copytree(ROOT / "solutions" / chapter, tmp_path / "solutions" / chapter)
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    nbgrader(["generate_assignment", chapter, "--CourseDirectory.db_url=sqlite:///" + str(tmp_path / "gb.db")],
             cwd=tmp_path)
    fresh = released_files(tmp_path / "notebooks" / chapter)
    committed = released_files(ROOT / "notebooks" / chapter)
    assert sorted(committed) == sorted(fresh), \
        "notebooks/ has other files than the release: run `make release` (students work in work/, see `make lab`)"
    for rel, path in fresh.items():
        same = json.loads(path.read_text()) == json.loads(committed[rel].read_text()) if path.suffix == ".ipynb" \
            else path.read_bytes() == committed[rel].read_bytes()
        assert same, (f"notebooks/{rel} differs from a fresh release of solutions/. If solutions/ changed, run "
                      "`make release` and commit the result. If you did exercises in notebooks/ itself, copy them "
                      "to work/ first (`make lab` opens work/), since `make release` overwrites notebooks/.")


def test_release_files_leave_out_what_jupyter_and_python_leave_behind(tmp_path):
    chapter = tmp_path / "01-x"
    for rel in ["01-a.ipynb", "data/t.csv", ".ipynb_checkpoints/01-a-checkpoint.ipynb", "__pycache__/m.cpython-311.pyc",
                ".virtual_documents/01-a.ipynb", "data/.DS_Store", "helper.pyc"]:
        (chapter / rel).parent.mkdir(parents=True, exist_ok=True)
        (chapter / rel).write_text("{}")
    assert sorted(map(str, released_files(chapter))) == ["01-x/01-a.ipynb", "01-x/data/t.csv"]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_copies_have_no_secrets_and_no_outputs(chapter):
    sources = sorted((ROOT / "solutions" / chapter).glob("*.ipynb"))
    copies = sorted((ROOT / "notebooks" / chapter).glob("*.ipynb"))
    assert [p.name for p in copies] == [p.name for p in sources]
    secrets = secret_lines(sources)
    leaks = [leak for path in released_files(ROOT / "notebooks" / chapter).values()
             for leak in scan(path, secrets)]
    assert not leaks, f"secret text in student copies: {leaks[:5]}"
    for path in copies:
        for cell in json.loads(path.read_text())["cells"]:
            assert not cell.get("outputs"), f"{path.name} ships outputs; release clears them"


def test_workspace_adds_new_notebooks_and_never_overwrites_a_students(tmp_path):
    release = tmp_path / "notebooks"
    for rel in ["01-x/01-a.ipynb", "01-x/02-b.ipynb", "01-x/.ipynb_checkpoints/01-a-checkpoint.ipynb"]:
        (release / rel).parent.mkdir(parents=True, exist_ok=True)
        (release / rel).write_text(f"release of {rel}")
    answer = tmp_path / "work" / "01-x" / "01-a.ipynb"
    answer.parent.mkdir(parents=True)
    answer.write_text("my answers")
    assert workspace(tmp_path) == [tmp_path / "work" / "01-x" / "02-b.ipynb"]
    assert answer.read_text() == "my answers"
    assert (tmp_path / "work" / "01-x" / "02-b.ipynb").read_text() == "release of 01-x/02-b.ipynb"
    assert workspace(tmp_path) == [], "a second run copies nothing"
    (release / "02-y").mkdir()
    (release / "02-y" / "01-c.ipynb").write_text("new chapter")
    (release / "01-x" / "02-b.ipynb").write_text("updated release")
    assert workspace(tmp_path) == [tmp_path / "work" / "02-y" / "01-c.ipynb"]
    assert (tmp_path / "work" / "01-x" / "02-b.ipynb").read_text() == "release of 01-x/02-b.ipynb"
