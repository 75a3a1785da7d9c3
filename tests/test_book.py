"""The book builds offline with warnings as errors, and no file of the site holds solution or hidden-test text."""

import re
from pathlib import Path

import pytest

from dlcourse.grading.notebooks import ROOT
from dlcourse.grading.secrets import scan, secret_lines

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(book_site) -> Path:
    """The built book (tests/conftest.py builds it once per run, shared with tests/test_browser.py)."""
    return book_site


def test_no_solution_or_hidden_test_text_anywhere(site):
    instructor = sorted((ROOT / "solutions").glob("*/*.ipynb"))
    students = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
    secrets = secret_lines(instructor, students)
    assert len(secrets) > 20, "suspiciously few secret lines: is the extraction broken?"
    leaks = scan(site, secrets)
    assert not leaks, "\n".join(f"{leak.path.relative_to(site)}: {leak.secret}" for leak in leaks[:20])


def test_no_source_copies_and_only_student_notebooks(site):
    assert not list(site.rglob("_sources")), "html_copy_source must stay off"
    students = {p.read_bytes() for p in (ROOT / "notebooks").glob("*/*.ipynb")}
    for nb in site.rglob("*.ipynb"):
        assert nb.read_bytes() in students, f"{nb.relative_to(site)} is not a student copy"


def test_pages_and_downloads_exist(site):
    for nb in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        page = site / "solutions" / nb.parent.name / f"{nb.stem}.html"
        assert page.exists(), f"no page for {nb.name}"
        text = page.read_text()
        assert "<img" in text or "image/png" in text, f"{page.name} shows no figure"
    downloads = list((site / "_downloads").rglob("*.ipynb"))
    assert len(downloads) == len(list((ROOT / "notebooks").glob("*/*.ipynb"))), "every student copy is downloadable"


def test_mathjax_is_local(site):
    page = (site / "solutions" / "01-basics" / "02-activations.html").read_text()
    assert "cdn.jsdelivr.net/npm/mathjax" not in page, "MathJax should load from _static/ (sphinx-mathjax-offline)"
    assert list((site / "_static").rglob("tex-chtml*.js")), "MathJax not shipped into _static/"


def test_pages_load_nothing_from_the_network(site):
    """The book reads offline: no page pulls a script or stylesheet from elsewhere. (A notebook's stored widget
    state made myst-nb add require.js from a CDN to its page.)"""
    external = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]+\"")
    for page in sorted(site.rglob("*.html")):
        found = external.findall(page.read_text(encoding="utf-8"))
        assert not found, f"{page.relative_to(site)} loads {found[0]}"


def test_every_exercise_shows_its_stub_and_the_exercise_notebook(site):
    """In the book an exercise is its prompt, the student's stub and a link to the exercise notebook."""
    import nbformat

    for nb in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        answers = [c for c in nbformat.read(nb, as_version=4).cells
                   if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
        text = (site / "solutions" / nb.parent.name / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert text.count("YOUR CODE HERE") == sum(c.source.count("YOUR CODE HERE") for c in answers), nb.name
        assert text.count("Exercise notebook:") == len(answers), f"{nb.name}: one link per exercise"
        assert text.count(f'/{nb.name}"') >= len(answers), f"{nb.name}: the links download the student copy"
