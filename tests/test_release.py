"""notebooks/ is exactly what nbgrader generates from solutions/ today (no drift), and holds no secrets."""

import json
import shutil
from pathlib import Path

import pytest

from dlcourse.grading.notebooks import ROOT, chapters, nbgrader
from dlcourse.grading.secrets import scan, secret_lines

CHAPTERS = chapters()


def test_there_are_chapters():
    assert CHAPTERS, "no chapter under solutions/"


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_copies_in_sync(chapter, tmp_path):
    shutil.copytree(ROOT / "solutions" / chapter, tmp_path / "solutions" / chapter)
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    nbgrader(["generate_assignment", chapter, "--CourseDirectory.db_url=sqlite:///" + str(tmp_path / "gb.db")],
             cwd=tmp_path)
    fresh = {p.relative_to(tmp_path / "notebooks"): p for p in (tmp_path / "notebooks" / chapter).rglob("*") if p.is_file()}
    committed = {p.relative_to(ROOT / "notebooks"): p for p in (ROOT / "notebooks" / chapter).rglob("*") if p.is_file()}
    assert sorted(committed) == sorted(fresh), "notebooks/ has other files than the release: run `make release`"
    for rel, path in fresh.items():
        same = json.loads(path.read_text()) == json.loads(committed[rel].read_text()) if path.suffix == ".ipynb" \
            else path.read_bytes() == committed[rel].read_bytes()
        assert same, f"notebooks/{rel} drifted from solutions/: run `make release` and commit the result"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_copies_have_no_secrets_and_no_outputs(chapter):
    sources = sorted((ROOT / "solutions" / chapter).glob("*.ipynb"))
    copies = sorted((ROOT / "notebooks" / chapter).glob("*.ipynb"))
    assert [p.name for p in copies] == [p.name for p in sources]
    leaks = scan(ROOT / "notebooks" / chapter, secret_lines(sources))
    assert not leaks, f"secret text in student copies: {leaks[:5]}"
    for path in copies:
        for cell in json.loads(path.read_text())["cells"]:
            assert not cell.get("outputs"), f"{path.name} ships outputs; release clears them"
