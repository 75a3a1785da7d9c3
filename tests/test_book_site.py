"""dlcourse.book, the site's Sphinx extension, without a browser: fonts read from code, PNG sizes, the figure rules,
the scripts it drops. (tests/test_browser.py checks the built site in Chromium.)"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from sphinx.builders.html._assets import _JavaScript  # noqa: E402

from dlcourse import book  # noqa: E402


def _png(width_in: float, dpi: int) -> bytes:
    fig, ax = plt.subplots(figsize=(width_in, 2), dpi=dpi)
    ax.plot([0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def test_font_sizes_reads_numbers_names_and_dicts_but_not_other_sizes():
    source = ('ax.set_title("a", fontsize=9)\nax.tick_params(labelsize="small")\n'
              'ax.text(0, 0, "b", **{"fontsize": 7.5})\nfig, ax = plt.subplots(figsize=(12, 3))\n'
              'x = rng.normal(size=8)\nmarkersize=2')
    assert book.font_sizes(source) == pytest.approx([9.0, 8.33, 7.5])
    assert book.font_sizes("plt.plot(x)") == []


def test_smallest_font_is_the_default_unless_the_cell_or_a_helper_asks_for_less():
    assert book.smallest_font_pt("plt.plot(x)") == book.DEFAULT_FONT_PT
    assert book.smallest_font_pt("ax.legend(fontsize=12)") == book.DEFAULT_FONT_PT   # larger text is not smaller
    assert book.smallest_font_pt("ax.legend(fontsize=8)") == 8
    assert book.smallest_font_pt("fig = show_images(x, labels=y)") == 9      # dlcourse.plot.show_images' titles
    assert book.smallest_font_pt("fig = my_show_images(x)", {"show_images": 9}) == book.DEFAULT_FONT_PT


def test_png_size_reads_width_height_and_dpi():
    width, height, dpi = book.png_size(_png(4, 100))
    assert (width, height) == (400, 200) and dpi == pytest.approx(100, abs=0.1)
    assert book.png_size(_png(3, 72))[2] == pytest.approx(72, abs=0.1)
    with pytest.raises(ValueError, match="not a PNG"):
        book.png_size(b"GIF89a" + b"\0" * 30)


def test_a_figure_shrinks_only_as_far_as_its_text_stays_legible():
    text_px = 10 * 100 / 72                           # 10 pt at 100 dpi
    narrowest = book.min_display_width(1200, text_px)
    assert narrowest == math.ceil(1200 * 8 / text_px)
    assert narrowest / 1200 * text_px >= book.MIN_TEXT_PX
    rules = book.figure_rules([("dlc-figure dlc-text-138", 1200), ("dlc-figure dlc-text-60", 300), ("other", 99)])
    assert ".dlc-w1200-138{width:clamp(696px,100%,1200px)" in rules
    assert ".dlc-w300-60{width:clamp(400px,100%,400px)" in rules     # 6 px text: shown larger than it was drawn
    assert "dlc-w99" not in rules


def test_mark_figures_tags_cells_with_figures_with_their_smallest_text():
    nb = nbformat.v4.new_notebook()
    import base64

    png = base64.b64encode(_png(4, 100)).decode()
    plot = nbformat.v4.new_code_cell("ax.set_xlabel('x', fontsize=8)")
    plot.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})]
    text = nbformat.v4.new_code_cell("print(1)")
    text.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    nb.cells = [plot, text, nbformat.v4.new_markdown_cell("# Title")]
    book.mark_figures(nb)
    assert plot.metadata["mystnb"]["image"]["classes"] == "dlc-figure dlc-text-111"     # 8 pt at 100 dpi = 11.1 px
    assert "mystnb" not in text.metadata


def test_thebe_scripts_are_dropped_and_the_figure_rules_added():
    context = {"script_files": [_JavaScript("_static/sphinx-thebe.js"),
                                _JavaScript(None, body='const THEBE_JS_URL = "https://unpkg.com/thebe"'),
                                _JavaScript("_static/dlcourse.js"), "_static/doctools.js"],
               "metatags": ""}

    class App:
        class env:
            metadata = {"page": {"dlcourse-figure-css": ".dlc-w10-80{width:10px}"}}

    book._on_page_context(App, "page", "page.html", context, None)
    assert [str(getattr(s, "filename", s)) for s in context["script_files"]] == ["_static/dlcourse.js",
                                                                                 "_static/doctools.js"]
    assert context["metatags"].endswith("<style>.dlc-w10-80{width:10px}</style>")
