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


def test_continuation_backslash_is_not_part_of_a_secret(tmp_path):
    """A hidden ``assert ..., \\`` line that a visible test repeats with its message is public, and JSON's
    escaped quote (``, \\"msg\\"``) in a student copy must not read as that line; a real leak still shows."""
    nb = A.notebook([
        A.md("# T"),
        A.exercise("t-f", "def f(x):\n    ### BEGIN SOLUTION\n    return torch.clamp_min(x, 0.0)\n    ### END SOLUTION"),
        A.visible_tests("t-f", 'assert torch.allclose(_ours, _ref), "values differ"'),
        A.hidden_tests("t-f", 'assert torch.allclose(_ours, _ref), \\\n    "hidden values differ"\n'
                              'assert torch.allclose(_other_secret_name, _ref), \\\n    "x"'),
    ])
    nbformat.write(nb, tmp_path / "a.ipynb")
    secrets = secret_lines([tmp_path / "a.ipynb"])
    assert "assert torch.allclose(_ours, _ref)," not in secrets
    assert "assert torch.allclose(_other_secret_name, _ref)," in secrets
    site = tmp_path / "site"
    site.mkdir()
    (site / "student.ipynb").write_text('{"source": ["assert torch.allclose(_ours, _ref), \\"values differ\\""]}')
    (site / "leak.ipynb").write_text('{"source": ["assert torch.allclose(_other_secret_name, _ref), \\\\\\n"]}')
    found = {leak.path.name for leak in scan(site, secrets)}
    assert found == {"leak.ipynb"}
