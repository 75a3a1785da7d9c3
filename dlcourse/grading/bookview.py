"""What the book shows of an instructor notebook: the lesson, and each exercise as the student receives it.

The book is built from ``solutions/`` (the stored outputs live there), where every answer and test cell is
tagged ``remove-cell``. Left at that, a reader would see an exercise's prompt and then nothing. This Sphinx
extension (listed in ``_config.yml``) rewrites each instructor notebook while Sphinx reads it, before myst-nb
parses it:

- the answer cells go through nbgrader's own ``ClearSolutions``, the preprocessor that makes the student copies,
  so the book shows exactly the stub a student gets (signature, docstring, ``# YOUR CODE HERE``), without
  outputs; an answer written in prose (an explanation graded by hand) stays hidden;
- ``ClearHiddenTests`` empties the hidden tests, which stay hidden with the visible ones;
- after each stub, a short note links the student notebook, where the exercise is done and checked;
- under the title, a line offers the lesson's student notebook for download (the page's only notebook link
  besides the exercise notes, which link the same file).

Nothing is written to disk: the rewrite happens in memory, on Sphinx's ``source-read`` event.
``tests/test_book.py`` checks that every exercise shows its stub and link, and that no file of the site holds
solution or hidden-test text.
"""

from __future__ import annotations

import posixpath
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

from dlcourse.grading.authoring import BOOK_HIDDEN

SOLUTIONS, STUDENTS = "solutions", "notebooks"


def student_copy_link(docname: str) -> str:
    """The path, relative to the page of ``solutions/<ch>/<nb>``, of the student copy ``notebooks/<ch>/<nb>.ipynb``."""
    folder = posixpath.dirname(docname)
    target = STUDENTS + docname[len(SOLUTIONS):] + ".ipynb"
    return posixpath.relpath(target, folder)


def _note(docname: str, after: NotebookNode) -> NotebookNode:
    name = posixpath.basename(docname) + ".ipynb"
    return nbformat.v4.new_markdown_cell(id=f"{after.get('id', 'cell')[:58]}-note", source=
        f"*Exercise notebook:* {{download}}`{name} <{student_copy_link(docname)}>`. *Write your answer there, "
        "run its visible tests, and check the whole notebook with* `dlcourse check` *(see "
        "[For students](../../book/students.md)).*")


def _download(docname: str) -> NotebookNode:
    name = posixpath.basename(docname) + ".ipynb"
    return nbformat.v4.new_markdown_cell(id="dlcourse-download", source=
        f"*This lesson as a notebook, with its exercises:* {{download}}`{name} <{student_copy_link(docname)}>` "
        "*(open it in JupyterLab: see [For students](../../book/students.md)).*")


def book_view(nb: NotebookNode, docname: str) -> NotebookNode:
    """A copy of instructor notebook ``nb`` (page ``docname``) with the exercises as the student copy has them."""
    nb = nbformat.from_dict(nb)  # a deep copy: nbgrader's preprocessors change cells in place
    nb, _ = ClearSolutions().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    cells = []
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        shown = cell.cell_type == "code" and grading.get("solution", False)
        if shown:
            cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t not in BOOK_HIDDEN]
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        if shown:
            cells.append(_note(docname, cell))
    title = next((i for i, c in enumerate(cells)
                  if c.cell_type == "markdown" and c.source.lstrip().startswith("# ")), -1)
    cells.insert(title + 1, _download(docname))
    nb.cells = cells
    return nb


def _on_source_read(app: Any, docname: str, source: list[str]) -> None:
    if not docname.startswith(SOLUTIONS + "/") or not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    nb = nbformat.reads(source[0], as_version=4)
    source[0] = nbformat.writes(book_view(nb, docname))


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", _on_source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
