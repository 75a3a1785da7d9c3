"""Run one exercise's visible tests against any answer, in this process, from the instructor notebook.

A *slice* is the part of a notebook an exercise's visible test needs: the lesson cells that define
the names the test and the answer read (found backwards through the cells, by name), the answers
of earlier exercises it uses (their solutions), and every import. Training runs and plots that the
test does not read are left out, so a slice runs in a fraction of the notebook's time.

    s = Slice.of(path, "losses-mse")
    s.run_answer(wrong_source)   # None if the visible test passed, else its error, one line

Used by ``tests/test_wrong_answers.py``: every plausible wrong answer must fail the visible tests,
which is what makes ``dlcourse check`` truthful. A slice runs instructor code only (trusted).
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from dlcourse.grading.authoring import VISIBLE
from dlcourse.grading.judge import defined_names, free_names, parse_code


def _code(source: str) -> str:
    """A cell as plain Python: IPython's ``%`` and ``!`` lines left out."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def _imports_only(source: str) -> bool:
    tree = parse_code(source)
    return tree is not None and bool(tree.body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)


def _reads(source: str) -> set[str]:
    try:
        return free_names(_code(source))
    except SyntaxError:
        return set()


def _imports(source: str) -> str:
    tree = parse_code(source)
    return "\n".join(ast.unparse(n) for n in (tree.body if tree else []) if isinstance(n, (ast.Import, ast.ImportFrom)))


@dataclass
class Slice:
    """The cells one exercise's visible test needs, and how to run them."""

    notebook: Path
    stem: str
    setup: list[str]          # lesson cells and earlier solutions, in notebook order
    solution: str             # the instructor's answer cell
    test: str                 # the visible test cell

    @classmethod
    def of(cls, notebook: Path, stem: str, extra_reads: set[str] = frozenset()) -> Slice:
        nb = nbformat.read(notebook, as_version=4)
        cells = [c for c in nb.cells if c.cell_type == "code"]
        ids = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in cells]
        at_test, at_solution = ids.index(stem + VISIBLE), ids.index(stem)
        needed = _reads(cells[at_test].source) | _reads(cells[at_solution].source) | set(extra_reads)
        chosen: list[int] = []
        for i in range(at_test - 1, -1, -1):
            meta = cells[i].metadata.get("nbgrader", {})
            if i == at_solution or meta.get("grade"):
                continue
            defines = set(defined_names(cells[i].source))
            if defines & needed:
                chosen.append(i)
                needed |= _reads(cells[i].source)
        imports = [_imports(cells[i].source) for i in range(at_test) if i not in chosen
                   and not cells[i].metadata.get("nbgrader", {}).get("grade")]
        setup = [x for x in imports if x] + [_code(cells[i].source) for i in sorted(chosen)]
        return cls(notebook, stem, setup, _code(cells[at_solution].source), _code(cells[at_test].source))

    def namespace(self) -> dict:
        """A fresh namespace with the slice's setup run in it (in the notebook's folder, output swallowed)."""
        os.environ.setdefault("TQDM_DISABLE", "1")
        os.environ.setdefault("DLCOURSE_DEVICE", "cpu")
        import matplotlib
        matplotlib.use("Agg")
        ns: dict = {"__name__": "__main__"}
        with _in(self.notebook.parent), contextlib.redirect_stdout(io.StringIO()):
            for source in self.setup:
                exec(compile(source, f"<{self.notebook.name} setup>", "exec"), ns)
        return ns

    def run_answer(self, answer: str, ns: dict | None = None) -> str | None:
        """Run ``answer`` in place of the solution, then the visible test: None if it passed, else why not."""
        ns = dict(self.namespace() if ns is None else ns)
        try:
            with _in(self.notebook.parent), contextlib.redirect_stdout(io.StringIO()):
                exec(compile(answer, f"<{self.stem} answer>", "exec"), ns)
                exec(compile(self.test, f"<{self.stem}-visible>", "exec"), ns)
        except Exception as exc:  # any failure of the visible test (or of the answer) is a failure
            return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        return None


@contextlib.contextmanager
def _in(folder: Path):
    """In the notebook's folder, with one CPU thread as the notebooks run (``EXECUTION_ENV``): time budgets of
    training exercises hold only without two test workers' threads fighting over the cores."""
    import torch

    cwd, threads = os.getcwd(), torch.get_num_threads()
    os.chdir(folder)
    torch.set_num_threads(1)
    try:
        yield
    finally:
        os.chdir(cwd)
        torch.set_num_threads(threads)
