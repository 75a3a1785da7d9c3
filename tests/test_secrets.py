"""The leak scanner finds planted leaks (so a clean scan means something) and knows public text."""

from pathlib import Path

import nbformat

from dlcourse.grading import authoring as A
from dlcourse.grading.secrets import scan, secret_lines


def _instructor_notebook(path: Path) -> Path:
    nb = A.notebook([
        A.md("# T"),
        A.code("def g(x):\n    return torch.clamp_min(x, 0.0)"),
        A.exercise("t-f", "def f(x):\n    ### BEGIN SOLUTION\n    return torch.clamp_min(x, 0.0)\n"
                          "    y = some_secret_helper(x, alpha=0.5)\n    ### END SOLUTION"),
        A.hidden_tests("t-f", "assert torch.equal(f(torch.tensor([-1.0])), torch.tensor([0.0])), 'hidden'"),
    ])
    nbformat.write(nb, path)
    return path


def test_secret_lines_exclude_public_text(tmp_path):
    secrets = secret_lines([_instructor_notebook(tmp_path / "a.ipynb")])
    assert "y = some_secret_helper(x, alpha=0.5)" in secrets
    assert any(s.startswith("assert torch.equal(f(") for s in secrets)
    assert "return torch.clamp_min(x, 0.0)" not in secrets  # it appears in the lesson prose


def test_scan_finds_highlighted_escaped_and_marker_leaks(tmp_path):
    secrets = secret_lines([_instructor_notebook(tmp_path / "a.ipynb")])
    site = tmp_path / "site"
    (site / "deep").mkdir(parents=True)
    (site / "clean.html").write_text("<p>nothing to see</p>")
    (site / "deep" / "page.html").write_text(
        '<span class="n">y</span> <span class="o">=</span> <span class="n">some_secret_helper</span>'
        '<span class="p">(</span>x, alpha<span class="o">=</span>0.5)')
    (site / "searchindex.js").write_text("Search.setIndex({x: '### BEGIN HIDDEN TESTS'})")
    (site / "quoted.html").write_text("assert torch.equal(f(torch.tensor([-1.0])), torch.tensor([0.0])), &#39;hidden&#39;")
    found = {(leak.path.name, leak.secret[:20]) for leak in scan(site, secrets)}
    assert ("page.html", "y = some_secret_help") in found
    assert ("searchindex.js", "BEGIN HIDDEN TESTS") in found
    assert any(name == "quoted.html" for name, _ in found)
    assert not any(name == "clean.html" for name, _ in found)
