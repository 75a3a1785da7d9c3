"""The book and JupyterLab in a real browser: Debian's Chromium, driven by Playwright (tests/browser.py).

Over the built site served on 127.0.0.1, at a laptop's width (1280 px) and a phone's (390 px), every page must load
with no request leaving the host, no JavaScript error and no failed response; all its math typeset without TeX
errors; no broken image; no display equation cut off; nothing pushed out of the column where no scrollbar reaches
it; no figure whose text is shown smaller than 8 px; and, at 1280 px, at most 2 % of code lines behind a scrollbar. Each
lesson page's notebook link must download the student copy. In JupyterLab, a student runs the first exercise of a
notebook and reads the visible test's message. Every test skips, saying why, only where Chromium cannot run.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest

from tests.browser import (AUDIT, SCREENSHOT_DIR, SCREENSHOTS, Watched, audit_site, chromium_problem, lab_server,
                           launch, screenshots, serve)

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
MIN_TEXT_PX = 8.0
MAX_HIDDEN_CODE_LINES = 0.02   # at 1280 px


@pytest.fixture(scope="module")
def chromium() -> None:
    if problem := chromium_problem():
        pytest.skip(problem)


@pytest.fixture(scope="module")
def browser(chromium):
    with launch() as b:
        yield b


@pytest.fixture(scope="module")
def served(book_site):
    with serve(book_site) as base:
        yield base


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_offline_typeset_and_legible(browser, served, book_site, width):
    totals, problems = audit_site(browser, served, book_site, width, MIN_TEXT_PX)
    assert not problems, "\n".join(problems[:25])
    # the checks saw the book (a page that failed to render would pass them vacuously)
    assert totals["pages"] >= 50 and totals["math"] > 2000 and totals["displayMath"] > 100, totals
    assert totals["images"] > 100 and totals["figures"] == totals["images"], totals
    if width == 1280:
        assert totals["hiddenLines"] <= MAX_HIDDEN_CODE_LINES * totals["codeLines"], \
            f"{totals['hiddenLines']} of {totals['codeLines']} code lines need horizontal scrolling at 1280 px"


def test_each_lesson_page_downloads_its_student_notebook(browser, served, book_site):
    watched = Watched(browser, served, 1280)
    lessons = sorted((ROOT / "solutions").glob("*/*.ipynb"))
    try:
        for nb in lessons:
            watched.open(f"{served}solutions/{nb.parent.name}/{nb.stem}.html")
            links = watched.page.eval_on_selector_all("article a[href$='.ipynb']", "as => as.map(a => a.href)")
            assert links, f"{nb.stem}: no notebook to download"
            names = {link.rsplit("/", 1)[-1] for link in links}
            assert names == {nb.name}, f"{nb.stem} offers {sorted(names)}: only its own student notebook"
            assert len(set(links)) == 1, f"{nb.stem}: its links lead to different files {sorted(set(links))}"
            with watched.page.expect_download() as info:
                watched.page.locator("article a[href$='.ipynb']").first.click()
            got = Path(info.value.path()).read_bytes()
            assert got == (ROOT / "notebooks" / nb.parent.name / nb.name).read_bytes(), \
                f"{nb.stem}: the download is not the student copy notebooks/{nb.parent.name}/{nb.name}"
    finally:
        watched.close()


def test_contents_button_opens_the_page_contents(browser, served):
    """Below 1600 px the page's contents are behind the article header's button, which must open them."""
    watched = Watched(browser, served, 1280)
    try:
        watched.open(served + "solutions/02-model-types/02-cnn.html")
        assert not watched.page.locator("#pst-secondary-sidebar").is_visible()
        watched.page.locator(".bd-header-article button.secondary-toggle").click()
        toc = watched.page.locator("#pst-secondary-sidebar-modal nav.page-toc a")
        toc.first.wait_for(state="visible", timeout=10_000)
        assert toc.count() >= 5
        assert not watched.errors, watched.errors
    finally:
        watched.close()


def test_readme_screenshots_come_from_the_helper(browser, book_site, tmp_path):
    made = screenshots(book_site, tmp_path, browser)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in made:
        _, width, height, _ = SCREENSHOTS[path.name]
        assert struct.unpack(">II", path.read_bytes()[16:24]) == (width, height), path.name
        committed = SCREENSHOT_DIR / path.name
        assert committed.exists(), f"{committed.relative_to(ROOT)}: run make screenshots"
        assert f"]({committed.relative_to(ROOT).as_posix()})" in readme, f"README.md does not show {path.name}"


def test_a_student_runs_the_first_exercise_in_jupyterlab(browser, tmp_path):
    """JupyterLab on a copy of notebooks/ (as make lab starts it): Run All stops at the first exercise's visible
    test (the stub raises NotImplementedError); a wrong answer typed into the exercise cell then gets the visible
    test's own message, read from the page."""
    chapter = "00-introduction"
    shutil.copytree(ROOT / "notebooks" / chapter, tmp_path / chapter)
    with lab_server(tmp_path) as base:
        watched = Watched(browser, base, 1280)
        page = watched.page
        page.goto(f"{base}lab/tree/{chapter}/01-what-is-deep-learning.ipynb?token=dlcourse-test", wait_until="load")
        page.get_by_text("| Idle").wait_for(timeout=120_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        test = page.locator(".jp-CodeCell").filter(has_text="from_scratch('deep-features'")
        test.locator(".jp-OutputArea-output").filter(has_text="NotImplementedError").wait_for(timeout=120_000)
        exercise = page.locator(".jp-CodeCell").filter(has_text="def radius_features(X):")
        exercise.locator(".cm-content").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text("def radius_features(X):\n    return X\n")   # forgets the third feature
        page.keyboard.press("Shift+Enter")
        page.keyboard.press("Shift+Enter")
        message = test.locator(".jp-OutputArea-output").filter(has_text="AssertionError")
        message.wait_for(timeout=60_000)
        assert "two points give features of shape (N, 3) = (2, 3), got (2, 2)" in message.inner_text()
        assert not watched.off_host, f"JupyterLab asked for {watched.off_host[:3]}"
        watched.close()


def test_the_audit_sees_what_a_reader_would(browser, tmp_path):
    """A page with one of each problem: the checks above must report every one (they are not vacuous)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 1), dpi=100)        # 1000 px wide
    fig.savefig(tmp_path / "figure.png", dpi=100)
    plt.close(fig)
    (tmp_path / "page.html").write_text("""<!doctype html><html><body><article class="bd-article">
      <script src="https://cdn.example.org/widgets.js"></script>
      <script>throw new Error("boom")</script>
      <p><span class="math">\\(x^2\\)</span></p>
      <mjx-container display="true" style="display:block; overflow:hidden; width:100px">
        <span style="display:inline-block; width:500px">a very wide equation</span></mjx-container>
      <img src="missing.png">
      <img class="dlc-figure dlc-text-139" src="figure.png" style="width:300px">
      <div class="highlight"><pre style="width:200px; overflow:auto">""" + "x" * 200 + """</pre></div>
      <div style="width:3000px">a banner wider than any screen</div>
    </article></body></html>""")
    with serve(tmp_path) as base:
        watched = Watched(browser, base, 390)
        watched.open(base + "page.html")
        found = watched.page.evaluate(AUDIT, MIN_TEXT_PX)
        assert watched.off_host == ["https://cdn.example.org/widgets.js"]
        assert any("boom" in error for error in watched.errors), watched.errors
        assert any("missing.png" in failure for failure in watched.failed), watched.failed
        watched.close()
    assert found["untypeset"] == ["\\(x^2\\)"]
    assert found["clipped"] and found["broken"] == ["missing.png"]
    assert found["illegible"] == ["figure.png: 4.2 px"]        # 13.9 px text shown at 300 / 1000 of its size
    assert found["hiddenLines"] == found["codeLines"] == 1
    assert any("banner" in item for item in found["overflowing"]) and found["pageScroll"] > 2000
