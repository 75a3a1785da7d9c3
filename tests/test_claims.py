"""Every figure quoted in a notebook's prose is shown by that notebook (or cited).

The course's rule (brief, "Every claim is shown"): a number stated in a markdown cell appears in an output of
the same notebook, or says where it comes from. This guard checks the part of that rule a program can check:
the *figures*. It cannot check that a sentence draws the right conclusion from a printed number (that "0.20 is
close to 0.25", that a model is "invariant"); reviewers still read the prose.

What counts as a figure in a markdown cell:

- a decimal number (``0.25``, ``.25``, ``1.5``, ``3e-4``), optionally with a multiplier sign (``1.5x``, ``1.5×``);
- a percentage, integer or not (``93 %``, ``93%``, ``2.5 percent``).

Integers without ``%`` (epochs, sizes, points, ``8×8``) are not figures here: they are counts the code sets.

What is skipped before looking for figures: LaTeX math (``$...$``, ``$$...$$``, ``\\begin{..}..\\end{..}``: a
formula or a definition such as ``$\\beta_1 = 0.9$``), inline code and fenced code, links' targets and URLs,
version and section numbers (``3.11``, ``1.2.3``, a number after "Python", "PyTorch", "version", "Section",
"Chapter", "Eq.", "Figure", "Table", "arXiv"), and every sentence that cites its source (a ``{cite:...}`` role).

A figure is *shown* when

- an output (stream, text/plain, text/markdown) of a code cell of the notebook prints a value that rounds to it,
  or
- the source of a code cell contains a number that rounds to it: a hyperparameter, a constant, a value in a
  comment next to the code that computes it, or a threshold that an exercise's (visible or hidden) test sets and
  the prompt states.

Rounding: a figure quoted with d decimals stands for the open interval of half a unit in its last digit, so
"0.2" is shown by 0.2, 0.20 or 0.2049, and "93 %" by 0.93, 0.9349, "93%" or "92.6%", but "0.23" is not shown by a
printed 0.2 (a printed value with fewer decimals than the quote does not show it), nor "0.3" by a printed 0.25
(exactly halfway rounds either way). Numbers are normalised before comparing: ``.25`` = ``0.25`` = ``25 %`` = ``25.0 %``; a printed
percentage is also compared as a fraction and a quoted percentage also with a printed bare number in percent
units (a column headed "acc (%)", values of at least 1); a number in the code shows a percentage only as a fraction (``p=0.5`` shows
"50 %", a ``figsize=(8, 40)`` does not show "40 %"). Signs are ignored (prose writes "a drop of 0.3" for a printed -0.3).

Loose quotes: a range "a to b" (also "a-b", "a–b", "between a and b") is shown when both ends round to printed
values (typically the smallest and largest of a printed list; a number in the code does not show a range); a bound "below / under / less than / at most q" is shown by a printed value v with q/10 <= v <= q,
"above / over / more than / at least / exceeds q" by q <= v <= 10 q (a value on the right side of it, of the
same order, so that an unrelated tiny or huge number does not count).

Matching is by value, not by meaning: any output or code number of the notebook counts (a ``width=0.4`` in a
plotting call shows "0.4"). The guard errs on the side of passing; what it catches is a figure that nothing in
the notebook produces, such as a number typed from a run made while writing or from memory.

The test is parametrised per notebook, so each notebook passes or fails on its own and the failure lists every
figure that nothing shows, with its cell.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from dlcourse.grading.notebooks import ROOT

NOTEBOOKS = sorted((ROOT / "solutions").glob("*/*.ipynb"))

# --- what is removed from prose before looking for figures -------------------------------------------------
_SKIPPED = [
    re.compile(r"```.*?```", re.S),                                  # fenced code
    re.compile(r"\$\$.*?\$\$", re.S),                                # display math
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),          # LaTeX environments
    re.compile(r"(?<!\\)\$(?:\\\$|[^$])+?(?<!\\)\$", re.S),          # inline math
    re.compile(r"`[^`]*`"),                                          # inline code (and a role's target)
    re.compile(r"\]\([^)]*\)"),                                      # a link's target
    re.compile(r"https?://\S+"),                                     # a bare URL
    re.compile(r"<!--.*?-->", re.S),                                 # HTML comments
    re.compile(r"\*\*|__"),                                           # bold markers (keep "at least **90 %**" a bound)
]
_VERSIONISH = re.compile(r"(?:python|pytorch|torch|numpy|version|v|section|sections|chapter|chapters|eq|eqs|"
                         r"equation|figure|fig|table|arxiv|§)\.?:?\s*$", re.I)
_NUMBER = r"(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?"
_FIGURE = re.compile(rf"(?<![\w.\-/]){_NUMBER}(?:\s*(?:%|percent\b)|\s?[x×](?![\w]))?(?![\w.]\d)")
_RANGE = re.compile(rf"(?:between\s+)?(?P<a>{_NUMBER})\s*(?P<pa>%)?\s*(?:to|and|-|–|—)\s*(?P<b>{_NUMBER})\s*(?P<pb>%)?")
_BELOW = re.compile(r"(?:below|under|less than|at most|fewer than|smaller than|lower than|within|<|≤)\s*(?:about\s+|roughly\s+)?$", re.I)
_ABOVE = re.compile(r"(?:above|over|more than|at least|exceeds?|greater than|higher than|beyond|>|≥)\s*(?:about\s+|roughly\s+)?$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[A-Z(*\-])|\n\s*\n|\n\s*[-*]\s|\n\s*\d+\.\s")

# --- what counts as shown --------------------------------------------------------------------------------
_SHOWN_NUMBER = re.compile(rf"(?<![\w.]){_NUMBER}(?:\s*%)?|(?<=[\w(\[=])(?:\d+\.\d+|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Figure:
    """A quoted figure: its value as a fraction (93 % -> 0.93), half a unit of its last digit, its text."""

    value: float
    tol: float
    text: str
    percent: bool


def _parse(text: str) -> Figure | None:
    raw = text.strip()
    percent = raw.endswith("%") or raw.endswith("percent")
    number = re.match(_NUMBER, raw).group(0)
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    is_figure = percent or "." in mantissa or exponent
    if not is_figure:
        return None
    tol = 0.5 * 10.0 ** (-decimals) * 10.0 ** int(exponent or 0)
    value = float(number)
    if percent:
        value, tol = value / 100, tol / 100
    return Figure(abs(value), tol, raw, percent)


def strip_prose(source: str) -> str:
    """The markdown ``source`` with math, code, link targets and URLs blanked (kept as spaces)."""
    for pattern in _SKIPPED:
        source = pattern.sub(lambda m: " " * len(m.group(0)), source)
    return source


def sentences(source: str) -> list[str]:
    """Sentences and list items of a markdown cell (the unit a citation covers)."""
    return [s for s in _SENTENCE_END.split(source) if s.strip()]


def figures_in(sentence_text: str) -> list[tuple[str, list[Figure], str]]:
    """[(kind, figures, context)] quoted in one sentence: kind is "point", "range", "below" or "above"."""
    text = strip_prose(sentence_text)
    found, taken = [], []
    for m in _RANGE.finditer(text):
        a, b = _parse(m.group("a") + (m.group("pb") or m.group("pa") or "")), _parse(m.group("b") + (m.group("pb") or ""))
        if a is not None and b is not None and a.value < b.value and not _versionish(text, m.start()):
            found.append(("range", [a, b], m.group(0)))
            taken.append(m.span())
    for m in _FIGURE.finditer(text):
        if any(s <= m.start() < e for s, e in taken) or _versionish(text, m.start()):
            continue
        fig = _parse(m.group(0).rstrip("x× ").strip())
        if fig is None:
            continue
        before = text[max(0, m.start() - 25):m.start()]
        kind = "below" if _BELOW.search(before) else "above" if _ABOVE.search(before) else "point"
        found.append((kind, [fig], m.group(0)))
    return found


def _versionish(text: str, start: int) -> bool:
    return bool(_VERSIONISH.search(text[max(0, start - 12):start])) or bool(re.match(r"\d+\.\d+\.\d", text[start:]))


def shown_values(nb) -> tuple[list[float], list[float]]:
    """(values printed by outputs, numbers in the code) of ``nb``; a percentage also as a fraction."""
    printed, in_code = [], []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        in_code += _numbers(cell.source)
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                printed += _numbers(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                for mime in ("text/plain", "text/markdown"):
                    printed += _numbers(out.get("data", {}).get(mime, ""))
    return printed, in_code


def _numbers(text: str) -> list[float]:
    values = []
    for m in _SHOWN_NUMBER.finditer(text):
        token = m.group(0)
        value = abs(float(token.rstrip("% ")))
        values.append(value / 100 if token.endswith("%") else value)
    return values


def is_shown(kind: str, figs: list[Figure], printed: list[float], in_code: list[float]) -> bool:
    """Whether ``figs`` (one figure, or a range's two ends) is shown by a printed value or a number in the code."""
    def rounds_to(fig: Figure, values: list[float], percent_units: bool = True) -> bool:
        slack = fig.tol * (1 - 1e-9)  # a value exactly halfway (0.25 for "0.3") rounds either way: not shown
        if any(abs(v - fig.value) < slack for v in values):
            return True
        # a bare number in percent units ("acc (%)  93.5") is at least 1: a printed 0.44 does not show "0.4 %"
        return percent_units and fig.percent and any(v >= 1 and abs(v - 100 * fig.value) < 100 * slack for v in values)

    def scaled(values: list[float], fig: Figure) -> list[float]:
        return values + [v / 100 for v in values if fig.percent and v > 1]

    if kind == "point":
        return rounds_to(figs[0], printed) or rounds_to(figs[0], in_code, percent_units=False)
    if kind == "range":
        return all(rounds_to(end, printed) for end in figs)
    (fig,) = figs
    if rounds_to(fig, in_code, percent_units=False):
        return True
    if kind == "below":
        return any(fig.value / 10 <= v <= fig.value + fig.tol for v in scaled(printed, fig))
    return any(fig.value - fig.tol <= v <= 10 * fig.value for v in scaled(printed, fig))


def unshown_figures(nb) -> list[str]:
    """One line per figure in a markdown cell that no output or code of ``nb`` shows and no citation covers."""
    printed, in_code = shown_values(nb)
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for sentence in sentences(strip_prose(cell.source)):
            if "{cite:" in sentence:  # the role's name survives strip_prose, its `key` does not
                continue
            for kind, figs, quoted in figures_in(sentence):
                if not is_shown(kind, figs, printed, in_code):
                    context = " ".join(sentence.split())
                    problems.append(f"cell {index} (id {cell.get('id')}): {quoted.strip()!r} ({kind}) in "
                                    f"{context[:160]!r}")
    return problems


# --- the guard --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_quoted_figure_is_shown(path: Path):
    problems = unshown_figures(nbformat.read(path, as_version=4))
    assert not problems, (f"{path.relative_to(ROOT)}: {len(problems)} figure(s) in the prose that no output or code "
                          "of the notebook shows; print them, quote what is printed, or cite the source:\n  "
                          + "\n  ".join(problems))


# --- the rule itself, on small examples (each can fail: change a rule above and one of these breaks) --------
def _nb(markdown: str, printed: str = "", code: str = "pass"):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), cell]
    return nb


@pytest.mark.parametrize("markdown, printed", [
    ("The training MSE reaches about 0.20.", "MSE: 0.2049"),
    ("The loss is .25 here.", "loss 0.25"),
    ("It reaches 97 % on the test set.", "test accuracy: 97%"),
    ("It reaches 97.0 % on the test set.", "accuracy 0.9702"),
    ("The accuracy is 0.97.", "test accuracy: 97%"),
    ("A table in percent: 93.5 %.", "acc (%)   93.5"),
    ("Fakes are called real with probability 0.3 to 0.5.", "D(G(z)) at steps 10, 50, 100: 0.33 0.41 0.47"),
    ("The model must classify at least **90 %** of them.", "accuracy on shifted digits: 94%"),
    ("A fenced block is code:\n\n```python\nerr  # about 1e-9\n```\n", ""),
    ("The error stays below 1 %.", "max relative error 0.3%"),
    ("Accuracy above 90 % everywhere.", "accuracies [0.93, 0.95]"),
    ("The ratio is 1.5x.", "ratio 1.52"),
    ("Math is skipped: $\\sigma^2 = 0.25$ and $$\\beta_1 = 0.9$$.", ""),
    ("Code is skipped: `lr=0.123`.", ""),
    ("Adam's default is 0.999 {cite:p}`kingma2015adam`.", ""),
    ("Runs on Python 3.11 and PyTorch 2.13, see Section 3.2.", ""),
    ("An 8×8 image, 10 classes, 64 pixels.", ""),
    ("The drop is 0.3.", "change: -0.30"),
])
def test_shown_figures_pass(markdown, printed):
    assert unshown_figures(_nb(markdown, printed)) == []


@pytest.mark.parametrize("markdown, printed, code", [
    ("The training MSE reaches 0.25.", "MSE: 0.20", "pass"),
    ("The loss is .25 here.", "loss 0.26", "pass"),
    ("It reaches 93 % on the test set.", "test accuracy: 97%", "pass"),
    ("The accuracy is 0.973.", "test accuracy: 97%", "pass"),
    ("Fakes are called real with probability 0.3 to 0.5.", "D(G(z)): 0.41 and 0.5", "beta1 = 0.3"),
    ("The error stays below 1 %.", "error 0.00001", "pass"),
    ("The ratio is 1.5x.", "ratio 1.2", "pass"),
    ("It is about 0.3.", "value 0.25", "pass"),
    ("One image moves the error by 0.4 %.", "validation loss 0.44", "pass"),
])
def test_unshown_figures_fail(markdown, printed, code):
    assert len(unshown_figures(_nb(markdown, printed, code))) == 1


def test_a_number_in_the_code_shows_a_figure():
    assert unshown_figures(_nb("We train with a learning rate of 0.05.", "", "optimizer = SGD(lr=0.05)")) == []
    assert unshown_figures(_nb("Dropout drops 50 % of the units.", "", "dnn.Dropout(p=0.5)")) == []
    assert len(unshown_figures(_nb("We train with a learning rate of 0.05.", "", "optimizer = SGD(lr=0.1)"))) == 1
    assert len(unshown_figures(_nb("It reaches 40 % after 20 steps.", "", "plt.figure(figsize=(8, 40))"))) == 1
