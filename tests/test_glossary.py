"""Every term the course introduces with its Chinese name is in the glossary, under one spelling.

What counts as a term pair. The markdown cells of ``solutions/*/*.ipynb`` and the pages ``book/**/*.md`` are
scanned for a parenthesis, on one line and without nested parentheses, that holds at least one CJK ideograph
(U+3400-U+9FFF), e.g. ``(激活函数)`` or ``(均方误差, MSE)``. The parenthesis is split at ``,``, ``;`` and ``:``;
each part holding a CJK ideograph is a Chinese name (``(receiver operating characteristic, ROC曲线)`` gives
``ROC曲线``). The English side is read in one of two ways:

* **bold** -- ``**English term** (中文)`` (the bold span ends right before the parenthesis, only spaces between) or
  ``(**English term**, 中文)``: the English term is the bold text. Both names are checked.
* **plain** -- any other such parenthesis, e.g. ``a game (博弈)`` or a table cell ``Model selection (模型选择)``:
  where the term starts is not marked, so only the Chinese name is checked; the words before it are reported.

A parenthesis with several Chinese parts (``(前向传播, 损失计算, 反向传播)``) checks each Chinese name only.
A paragraph is read as one line, so a term wrapped onto the next line is still seen. Level-1 headings (a page's
title, which quotes the source article's section title) and the headwords of the glossary itself are not scanned;
the definitions in the glossary are.

The glossary's headwords are ``English[, alias ...] (中文)`` lines inside its ``{glossary}`` blocks. A pair is in
the glossary when its Chinese name is a headword's Chinese name and, for a bold pair, its English term is one of that
headword's English names. English names are compared after ``_english_key`` (case, British spellings, plurals and
-ing/-ed/-ation endings); Chinese names exactly. Two spellings are inconsistent when one Chinese name is written two
ways that differ only in spaces ("ROC 曲线", "ROC曲线"; the course writes none, as the source articles do), or when one
English term is given two Chinese names.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"

CJK = re.compile(r"[\u3400-\u9fff]")
PAREN = r"\((?P<inner>[^()\n]*[\u3400-\u9fff][^()\n]*)\)"
BOLD_BEFORE = re.compile(r"\*\*(?P<bold>[^*\n]+)\*\* *" + PAREN)
BOLD_INSIDE = re.compile(r"\(\*\*(?P<bold>[^*\n]+)\*\*, *(?P<inner>[^()\n]*[\u3400-\u9fff][^()\n]*)\)")
ANY_PAREN = re.compile(PAREN)
HEADWORD = re.compile(r"^(?P<en>[^\s(][^(]*?)(?: *\((?P<inner>[^()]*)\))?\s*$")

# Spellings in notebooks that another part of the course owns, tolerated until those notebooks are edited.
# To be emptied: each entry is (notebook file name, English as written, Chinese as written).
ALLOWED: set[tuple[str, str, str]] = set()


@dataclass(frozen=True)
class Pair:
    english: str | None  # None for a plain pair or one of several Chinese names: only the Chinese is checked
    chinese: str
    where: str
    context: str


def _english_key(term: str) -> str:
    """Case, a parenthesised aside, British -ise/-our spellings, plurals and -ing/-ed/-ation endings."""
    term = re.sub(r"\s*\([^)]*\)", "", term.lower()).strip()
    term = re.sub(r"^(?:the|a|an) ", "", term)
    term = term.replace("isation", "ization").replace("ised", "ized").replace("ising", "izing")
    term = term.replace("colour", "color")
    words = []
    for word in re.split(r"[\s]+", term):
        for ending in ("ation", "ing", "ed"):
            if word.endswith(ending) and len(word) > len(ending) + 3:
                word = word[: -len(ending)]
                if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "ls":
                    word = word[:-1]  # fitting -> fitt -> fit
                break
        if word.endswith(("ches", "shes", "xes")):
            word = word[:-2]
        elif word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


def _chinese_key(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _chinese_parts(inner: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;:]", inner) if CJK.search(part)]


def _pairs_in(text: str, where: str) -> list[Pair]:
    text = "\n".join(line for line in text.splitlines() if not line.startswith("# "))
    text = re.sub(r"(?<!\n)\n(?!\n)", " ", text)  # a term wrapped onto the next line of its paragraph
    pairs, taken = [], []
    for rx in (BOLD_INSIDE, BOLD_BEFORE):
        for m in rx.finditer(text):
            if CJK.search(m["bold"]):
                continue
            taken.append((m.start() if rx is BOLD_INSIDE else m.start("inner") - 1, m.end()))
            parts = _chinese_parts(m["inner"])
            english = m["bold"].strip() if len(parts) == 1 else None
            pairs += [Pair(english, zh, where, m.group(0)) for zh in parts]
    for m in ANY_PAREN.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        before = " ".join(text[: m.start()].split()[-3:])
        pairs += [Pair(None, zh, where, f"{before} ({m['inner']})") for zh in _chinese_parts(m["inner"])]
    return pairs


def _glossary() -> tuple[dict[str, set[str]], list[Pair], str]:
    """The headwords (Chinese key -> English keys), the headwords as pairs, and the definitions' text."""
    text = GLOSSARY.read_text(encoding="utf-8")
    entries: dict[str, set[str]] = defaultdict(set)
    heads, definitions = [], []
    for block in re.findall(r"```\{glossary\}\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if not line.strip():
                continue
            if line[0].isspace():
                definitions.append(line)
                continue
            m = HEADWORD.match(line)
            assert m, f"glossary headword not understood: {line!r}"
            names = [name.strip() for name in m["en"].split(",")]
            for zh in _chinese_parts(m["inner"] or ""):
                entries[_chinese_key(zh)] |= {_english_key(name) for name in names}
                heads += [Pair(name, zh, "book/glossary.md", line) for name in names]
    return entries, heads, "\n".join(definitions)


def _course_pairs() -> list[Pair]:
    pairs = []
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                pairs += _pairs_in(cell.source, path.name)
    for path in sorted((ROOT / "book").rglob("*.md")):
        if path != GLOSSARY:
            pairs += _pairs_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    _, _, definitions = _glossary()
    return pairs + _pairs_in(definitions, "book/glossary.md")


def _allowed(pair: Pair) -> bool:
    return (pair.where, pair.english or "", pair.chinese) in ALLOWED


def missing(pairs: list[Pair], entries: dict[str, set[str]]) -> list[Pair]:
    out = []
    for pair in pairs:
        english = entries.get(_chinese_key(pair.chinese))
        if english is None or (pair.english is not None and _english_key(pair.english) not in english):
            out.append(pair)
    return out


def inconsistent(pairs: list[Pair]) -> list[str]:
    spellings: dict[str, set[str]] = defaultdict(set)
    chinese_of: dict[str, set[str]] = defaultdict(set)
    for pair in pairs:
        spellings[_chinese_key(pair.chinese)].add(pair.chinese)
        if pair.english is not None:
            chinese_of[_english_key(pair.english)].add(_chinese_key(pair.chinese))
    out = [f"Chinese name written {len(s)} ways: {sorted(s)}" for s in spellings.values() if len(s) > 1]
    out += [f"English {en!r} given {len(zh)} Chinese names: {sorted(zh)}" for en, zh in chinese_of.items()
            if len(zh) > 1]
    return sorted(out)


def test_the_scan_reads_bold_plain_and_listed_pairs():
    pairs = _pairs_in("A **neural network** (神经网络) and a game (博弈). The **ROC curve** "
                      "(receiver operating characteristic, ROC曲线), (**exploitation**, 利用), "
                      "(前向传播, 损失计算) and $x$ (no Chinese).\n# Title (标题)", "x.md")
    got = {(p.english, p.chinese) for p in pairs}
    assert got == {("neural network", "神经网络"), (None, "博弈"), ("ROC curve", "ROC曲线"),
                   ("exploitation", "利用"), (None, "前向传播"), (None, "损失计算")}, got


def test_the_checks_can_fail():
    entries = {"神经网络": {_english_key("Neural network")}}
    pairs = [Pair("neural networks", "神经网络", "a", ""), Pair("network", "神经网络", "b", ""),
             Pair(None, "博弈", "c", ""), Pair("ROC curve", "ROC 曲线", "d", ""), Pair(None, "ROC曲线", "e", ""),
             Pair("ROC curve", "曲线", "f", "")]
    assert [p.where for p in missing(pairs, entries)] == ["b", "c", "d", "e", "f"]
    found = inconsistent(pairs)
    assert any("ROC 曲线" in line for line in found) and any("'roc curve'" in line for line in found), found
    assert _english_key("Regularisation") == _english_key("regularization")
    assert _english_key("overfitting") == _english_key("overfits") == _english_key("Overfit")


def test_every_term_is_in_the_glossary():
    entries, _, _ = _glossary()
    gaps = [p for p in missing(_course_pairs(), entries) if not _allowed(p)]
    listed = sorted({f"{p.english or '-'} ({p.chinese})  in {p.where}: ...{p.context}" for p in gaps})
    assert not listed, f"{len(listed)} term pairs missing from book/glossary.md:\n" + "\n".join(listed)


def test_spellings_are_consistent():
    _, heads, _ = _glossary()
    pairs = [p for p in _course_pairs() if not _allowed(p)] + heads
    found = inconsistent(pairs)
    assert not found, "inconsistent spellings:\n" + "\n".join(found)


@pytest.mark.parametrize("name", ["ROC曲线", "L1正则化", "F1分数"])
def test_latin_and_chinese_are_written_together(name):
    """The source articles write ROC曲线, L1正则化, Adam优化器: the glossary does too."""
    entries, _, _ = _glossary()
    assert name in entries
