"""The book as readers get it: offline, legible at any width.

A Sphinx extension (listed in ``_config.yml`` after :mod:`dlcourse.grading.bookview`, which rewrites each lesson's
notebook: the exercises as students get them, and under the title a link that downloads the lesson's *student*
notebook, the only notebook a lesson page offers). This one does three things:

- **Offline, without errors.** ``sphinx-thebe``, which Jupyter Book always loads, adds its configuration script twice
  (``const THEBE_JS_URL`` declared twice is a JavaScript error on every page) and points at a CDN; the book has
  no live code (``launch_buttons.thebe: false``), so both of its scripts are dropped from every page.
- **A column for the course's code.** ``static/dlcourse.css`` gives the article the width of a 120-character code
  line at 1280 px (the page's table of contents moves behind its button below 1600 px; ``static/dlcourse.js`` makes
  that button open it, which the theme's own script leaves undone), lets display equations, inline formulas and wide
  tables scroll inside the column, and lets long words in prose, headings and inline code wrap, so that the page
  does not scroll sideways down to 390 px.
- **Figures whose text stays legible.** A figure is shrunk to the column's width only as far as keeps its smallest
  text at :data:`MIN_TEXT_PX` CSS pixels; past that it keeps that width and scrolls inside its output. The smallest
  text is computed from the figure's cell: the smallest font size its code asks for (``fontsize=``,
  ``labelsize=``, named sizes such as ``"small"``, and those of the :mod:`dlcourse.plot` helpers it calls), else
  matplotlib's default of 10 pt, at the dots per inch the PNG records.

``tests/test_browser.py`` checks all of this in Chromium at 1280 and 390 px; ``tests/test_book_site.py`` checks the
pieces without a browser.
"""

from __future__ import annotations

import base64
import functools
import inspect
import math
import re
import struct
from pathlib import Path
from typing import Any

import nbformat

STATIC = Path(__file__).parent / "static"
MIN_TEXT_PX = 8.0        # the smallest text a reader should have to read, in CSS pixels
DEFAULT_FONT_PT = 10.0   # matplotlib's rcParams["font.size"]; the course never changes it
NAMED_SIZES = {"xx-small": 0.579, "x-small": 0.694, "small": 0.833, "medium": 1.0, "large": 1.2, "x-large": 1.44,
               "xx-large": 1.728, "smaller": 0.833, "larger": 1.2}
_FONT = re.compile(r"""\b(?:fontsize|labelsize|titlesize)\s*=\s*(?:([0-9]+(?:\.[0-9]+)?)|["']([a-z-]+)["'])"""
                   r"""|["']fontsize["']\s*:\s*([0-9]+(?:\.[0-9]+)?)""")
_FIGURE_CLASS = re.compile(r"\bdlc-text-(\d+)\b")


def font_sizes(source: str) -> list[float]:
    """Every font size (pt) that ``source`` asks for: ``fontsize=9``, ``labelsize="small"``, ``{"fontsize": 8}``."""
    sizes = []
    for number, name, key in _FONT.findall(source):
        if number or key:
            sizes.append(float(number or key))
        elif name in NAMED_SIZES:
            sizes.append(NAMED_SIZES[name] * DEFAULT_FONT_PT)
    return sizes


@functools.cache
def _helper_fonts() -> dict[str, float]:
    """The smallest font each plotting helper of :mod:`dlcourse.plot` asks for, by name (read once per build)."""
    from dlcourse import plot

    helpers = {}
    for name, fn in inspect.getmembers(plot, inspect.isfunction):
        if fn.__module__ == plot.__name__ and (sizes := font_sizes(inspect.getsource(fn))):
            helpers[name] = min(sizes)
    return helpers


def smallest_font_pt(source: str, helpers: dict[str, float] | None = None) -> float:
    """The smallest font size (pt) of a cell's figures: the smallest it or a helper it calls asks for, at most 10."""
    helpers = _helper_fonts() if helpers is None else helpers
    sizes = font_sizes(source) + [pt for name, pt in helpers.items() if re.search(rf"\b{name}\s*\(", source)]
    return min([DEFAULT_FONT_PT, *sizes])


def png_size(data: bytes) -> tuple[int, int, float]:
    """Width and height in pixels and dots per inch of a PNG (72 when it records none)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    dpi, i = 72.0, 8
    while i + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        if kind == b"pHYs":
            per_metre_x, _, unit = struct.unpack(">IIB", data[i + 8:i + 17])
            dpi = per_metre_x * 0.0254 if unit == 1 else dpi
            break
        if kind == b"IDAT":
            break
        i += 12 + length
    return width, height, dpi


def min_display_width(width: int, text_px: float) -> int:
    """The narrowest a figure ``width`` pixels wide may be shown so that text ``text_px`` high stays at MIN_TEXT_PX."""
    return math.ceil(width * MIN_TEXT_PX / text_px)


def mark_figures(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Tag each code cell with figures with the class ``dlc-text-<tenths of a px>`` of its smallest text (in place)."""
    helpers = _helper_fonts()
    for cell in nb.cells:
        pngs = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if cell.cell_type != "code" or not pngs:
            continue
        dpi = min(png_size(base64.b64decode(p))[2] for p in pngs)
        text_px = smallest_font_pt(cell.source, helpers) * dpi / 72
        image = cell.metadata.setdefault("mystnb", {}).setdefault("image", {})
        image["classes"] = f"{image.get('classes', '')} dlc-figure dlc-text-{int(text_px * 10)}".strip()
    return nb


def _on_source_read(app: Any, docname: str, source: list[str]) -> None:
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = nbformat.writes(mark_figures(nbformat.reads(source[0], as_version=4)))


def figure_rules(images: list[tuple[str, int]]) -> str:
    """CSS that shows each figure (class ``dlc-text-N``, ``width`` pixels wide) no narrower than legibility allows."""
    rules = {}
    for classes, width in images:
        if (found := _FIGURE_CLASS.search(classes)) is None:
            continue
        text_px = max(int(found.group(1)), 1) / 10
        narrowest = min_display_width(width, text_px)
        rules[f"dlc-w{width}-{found.group(1)}"] = (f"width:clamp({narrowest}px,100%,{max(width, narrowest)}px);"
                                                   "max-width:none;height:auto")
    return "".join(f".{name}{{{css}}}" for name, css in sorted(rules.items()))


def _on_doctree_resolved(app: Any, doctree: Any, docname: str) -> None:
    """Give each marked figure a class with its natural width, and the page a rule for each such class."""
    from docutils import nodes

    images = []
    for image in doctree.findall(nodes.image):
        classes = " ".join(image.get("classes", []))
        if "dlc-figure" not in classes:
            continue
        path = Path(app.srcdir) / image.get("candidates", {}).get("*", image["uri"])
        if not path.is_file():
            continue
        width = png_size(path.read_bytes()[:4096])[0]
        found = _FIGURE_CLASS.search(classes)
        image["classes"].append(f"dlc-w{width}-{found.group(1)}")
        images.append((classes, width))
    if images:
        app.env.metadata.setdefault(docname, {})["dlcourse-figure-css"] = figure_rules(images)


def _on_page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Drop sphinx-thebe's scripts (no live code in this book) and add the page's figure rules."""
    def thebe(script: Any) -> bool:
        filename = str(getattr(script, "filename", script) or "")
        body = str(getattr(script, "attributes", {}).get("body", ""))
        return "thebe" in filename or "THEBE_JS_URL" in body

    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not thebe(s)]
    css = app.env.metadata.get(pagename, {}).get("dlcourse-figure-css")
    if css:
        context["metatags"] = context.get("metatags", "") + f"\n<style>{css}</style>"


def _add_static(app: Any) -> None:
    app.config.html_static_path.append(str(STATIC))
    app.add_css_file("dlcourse.css")
    app.add_js_file("dlcourse.js")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _add_static)
    app.connect("source-read", _on_source_read, priority=600)   # after bookview's rewrite (priority 500)
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.connect("html-page-context", _on_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
