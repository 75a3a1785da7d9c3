"""Which answers of a class look copied: per exercise, pairs of students, and students against the references.

Each student's answer to an exercise is the source of that exercise's solution cell (nbgrader's
``solution`` cell with its ``grade_id``). Answers are compared by **winnowed fingerprints**, the
method of MOSS (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms for document
fingerprinting", SIGMOD 2003), as implemented by ``copydetect``:

1. the code is tokenised and every name becomes one symbol (``V``), strings ``S``; comments and
   whitespace are dropped, so renamed variables, new comments and blank lines change nothing;
2. the hashes of all k-grams of that token string are taken (``K`` tokens; a stable hash, so a re-run
   flags the same pairs), and winnowing keeps the smallest hash of every window of ``WINDOW`` of them:
   any run of ``K + WINDOW - 1`` tokens two answers share is guaranteed to leave a common fingerprint;
3. fingerprints of code everyone was given (the lesson, the stub, the visible tests: everything of
   the instructor notebook outside the solution and hidden-test regions) are boilerplate and dropped.

The similarity of a pair is the smaller of the two shares of fingerprinted tokens they have in
common: a one-sided copy padded with extra code still scores high on one side, so a copy is flagged
when both sides score at least ``THRESHOLD``. Answers whose fingerprints cover fewer than ``MIN_SIZE``
characters of normalised code (a one-line call, the unchanged stub) are too short to tell copying
from the obvious answer and are never flagged.

The references are the instructor's solution of the same exercise and each function and class of
the ``dlcourse`` package (the reference implementations an exercise re-derives); a pair with one of
them is reported with ``other`` = ``reference`` and named on the HTML page.

``reports/<chapter>/similarity.csv`` has one row per flagged pair (``exercise,student,other,similarity``);
``similarity.html`` shows the pairs side by side, most similar first, with the shared code marked.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
from copydetect import compare_files
from copydetect.utils import filter_code, get_token_coverage, winnow

from dlcourse.grading.notebooks import source_folder
from dlcourse.grading.secrets import region_lines, without_regions
from dlcourse.grading.submissions import json_cells

K, WINDOW = 15, 6          # k-gram length and winnowing window, in characters of normalised code (a name is 1)
THRESHOLD = 0.7            # both answers share at least this fraction of their fingerprinted tokens
MIN_SIZE = 60              # size an answer needs beyond boilerplate to be flagged (normalised characters; a name is 1)
REFERENCE = "reference"
MAX_SHOWN = 200            # pairs on the HTML page, most similar first (the CSV has every pair)
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"      # what nbgrader puts in place of a solution
PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Pair:
    """One flagged pair: ``student``'s answer to ``exercise`` and ``other``'s (a student, or a reference)."""

    exercise: str
    student: str
    other: str
    similarity: float
    source: str = ""             # which reference, for the HTML page
    code: tuple[str, str] = ("", "")
    marks: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])


def answers(notebook: Path) -> dict[str, str]:
    """{grade_id: source} of the solution cells of a (student's) notebook; {} for a file that is no notebook.
    Read as plain JSON (``json_cells``): nbformat's schema validation would cost half the report's time."""
    out = {}
    for cell in json_cells(notebook):
        meta, source = cell["metadata"]["nbgrader"], cell.get("source", "")
        if cell.get("cell_type") == "code" and meta.get("solution") and isinstance(meta.get("grade_id"), str):
            out[meta["grade_id"]] = "".join(source) if isinstance(source, list) else str(source)
    return out


def instructor_parts(notebooks: Iterable[Path]) -> tuple[str, dict[str, str]]:
    """(boilerplate, {grade_id: solution}) of instructor notebooks: the boilerplate is all code a student is given
    (every code cell without its solution and hidden-test regions), a solution is the code of its region."""
    given, solutions = [], {}
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            given.append(without_regions(cell.source))
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution") and meta.get("grade_id"):
                given.append(STUB)
                solutions[meta["grade_id"]] = "\n".join(region_lines([cell.source], ("SOLUTION",)))
    return "\n".join(given), solutions


def package_sources(package: Path = PACKAGE) -> dict[str, str]:
    """{"dlcourse/<module>.py:<name>": source} of every top-level function and class of the package."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        if "grading" in path.relative_to(package).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for node in ast.parse(text).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out[f"{path.relative_to(package.parent)}:{node.name}"] = ast.get_source_segment(text, node) or ""
    return out


@dataclass(frozen=True)
class Fingerprint:
    """One answer's winnowed fingerprints, with what ``copydetect.compare_files`` reads of them."""

    raw_code: str
    filtered_code: str          # names -> V, strings -> S, no comments or whitespace
    offsets: np.ndarray         # where filtering removed characters, to map slices back to raw_code
    hashes: set[int]
    hash_idx: dict[int, list[int]]
    k: int
    token_coverage: int         # characters of filtered_code that fingerprints cover


def _kgram_hashes(text: str) -> np.ndarray:
    """A hash of each ``K``-gram of ``text``. Stable from run to run: copydetect hashes with Python's ``hash()``,
    which is salted per process, so the same class would be flagged slightly differently each time."""
    return np.array([int.from_bytes(hashlib.blake2b(text[i:i + K].encode(), digest_size=8).digest(), "little",
                                    signed=True) for i in range(len(text) - K + 1)], dtype=np.int64)


def _winnowed(filtered: str) -> tuple[np.ndarray, np.ndarray]:
    hashes = _kgram_hashes(filtered)
    if len(hashes) == 0:
        return hashes, np.array([], dtype=np.int64)
    return winnow(hashes, WINDOW, remove_duplicates=False)


def fingerprint(code: str, boilerplate: np.ndarray) -> Fingerprint:
    """Tokenise ``code``, winnow its k-gram hashes and drop those of ``boilerplate`` (code everyone was given)."""
    filtered, offsets = filter_code(code, "answer.py", "python")
    hashes, idx = _winnowed(filtered)
    keep = ~np.isin(hashes, boilerplate)
    hash_idx: dict[int, list[int]] = {}
    for h, i in zip(hashes[keep].tolist(), idx[keep].tolist()):
        hash_idx.setdefault(h, []).append(i)
    return Fingerprint(code, filtered, offsets, set(hash_idx), hash_idx, K,
                       int(get_token_coverage(hash_idx, K, len(filtered))))


def boilerplate_hashes(code: str) -> np.ndarray:
    """The winnowed fingerprints of code everyone was given."""
    return np.unique(_winnowed(filter_code(code, "given.py", "python")[0])[0])


def _slices(slices) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in zip(*slices)] if len(slices) and len(slices[0]) else []


def compare(a: Fingerprint, b: Fingerprint) -> tuple[float, list, list]:
    """The pair's similarity (the smaller share of shared tokens) and the shared slices of each side's code."""
    if a.token_coverage < MIN_SIZE or b.token_coverage < MIN_SIZE or not a.hashes & b.hashes:
        return 0.0, [], []
    _, (sim_a, sim_b), (slices_a, slices_b) = compare_files(a, b)
    return float(min(sim_a, sim_b)), _slices(slices_a), _slices(slices_b)


def flagged_pairs(submitted: Mapping[str, Mapping[str, str]], boilerplate: str,
                  references: Mapping[str, Mapping[str, str]], threshold: float = THRESHOLD) -> list[Pair]:
    """Every pair at or above ``threshold``: {student: {exercise: code}} against each other and against
    ``references`` ({exercise: {name: code}}, names of package code under the key ``"*"`` apply to every exercise)."""
    given = boilerplate_hashes(boilerplate)
    prints = {s: {e: fingerprint(code, given) for e, code in by_ex.items()} for s, by_ex in submitted.items()}
    ref_prints = {e: {name: fingerprint(code, given) for name, code in refs.items()}
                  for e, refs in references.items()}
    pairs = []
    exercises = sorted({e for by_ex in prints.values() for e in by_ex})
    students = sorted(prints)
    for exercise in exercises:
        for i, student in enumerate(students):
            mine = prints[student].get(exercise)
            if mine is None:
                continue
            for other in students[i + 1:]:
                theirs = prints[other].get(exercise)
                if theirs is not None:
                    sim, marks_a, marks_b = compare(mine, theirs)
                    if sim >= threshold:
                        pairs.append(Pair(exercise, student, other, round(sim, 3), "",
                                          (mine.raw_code, theirs.raw_code), (marks_a, marks_b)))
            best = None
            for name, ref in {**ref_prints.get(exercise, {}), **ref_prints.get("*", {})}.items():
                sim, marks_a, marks_b = compare(mine, ref)
                if sim >= threshold and (best is None or sim > best.similarity):
                    best = Pair(exercise, student, REFERENCE, round(sim, 3), name,
                                (mine.raw_code, ref.raw_code), (marks_a, marks_b))
            if best is not None:
                pairs.append(best)
    return pairs


def _marked(code: str, marks: list[tuple[int, int]]) -> str:
    out, at = [], 0
    for start, end in sorted(marks):
        start = max(start, at)
        if end <= start:
            continue
        out += [html.escape(code[at:start]), "<mark>", html.escape(code[start:end]), "</mark>"]
        at = end
    return "".join(out) + html.escape(code[at:])


def write_similarity(folder: Path, chapter: str, pairs: list[Pair]) -> None:
    """``similarity.csv`` and ``similarity.html`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "similarity.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["exercise", "student", "other", "similarity"])
        writer.writerows([p.exercise, p.student, p.other, p.similarity] for p in pairs)
    shown = sorted(pairs, key=lambda p: (-p.similarity, p.exercise, p.student, p.other))[:MAX_SHOWN]
    rows = []
    for p in shown:
        other = f"{REFERENCE} ({html.escape(p.source)})" if p.other == REFERENCE else html.escape(p.other)
        rows.append(f"<h2>{html.escape(p.exercise)}: {html.escape(p.student)} and {other}, "
                    f"similarity {p.similarity:.0%}</h2>\n<div class='pair'>"
                    f"<pre>{_marked(p.code[0], p.marks[0])}</pre><pre>{_marked(p.code[1], p.marks[1])}</pre></div>")
    body = "\n".join(rows) or "<p>No pair of answers reached the threshold.</p>"
    if len(pairs) > len(shown):
        body += f"<p>{len(pairs) - len(shown)} more pair(s), less similar, are listed in similarity.csv.</p>"
    (folder / "similarity.html").write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(chapter)}: similar answers</title>"
        "<style>body{font-family:sans-serif;margin:1em 2em}.pair{display:flex;gap:1em}"
        "pre{flex:1;background:#f6f6f6;padding:.5em;overflow:auto;font-size:13px}mark{background:#ffd54f}</style>"
        f"</head><body><h1>{html.escape(chapter)}: answers that look copied</h1>"
        f"<p>{len(pairs)} pair(s) whose shared code covers at least {THRESHOLD:.0%} of both answers "
        "(names, comments and blank lines ignored; code given to everyone and answers of fewer than "
        f"{MIN_SIZE} characters of normalised code left out). Shared code is marked. A flag is a reason to look, "
        "not a verdict. This page shows your solutions: keep it with the grades, never hand it out."
        f"</p>{body}</body></html>", encoding="utf-8")


def similarity_report(course: Path, chapter: str) -> Path:
    """Compare the answers in ``submitted/<student>/<chapter>/`` and write ``reports/<chapter>/similarity.*``."""
    course = Path(course)
    folder = source_folder(course, chapter)
    sources = sorted(folder.glob("*.ipynb")) if folder else []
    boilerplate, solutions = instructor_parts(sources)
    submitted = {}
    base = course / "submitted"
    for folder in sorted(base.glob(f"*/{chapter}")) if base.is_dir() else []:
        submitted[folder.parent.name] = {e: code for nb in sorted(folder.glob("*.ipynb"))
                                         for e, code in answers(nb).items()}
    references = {e: {"instructor's solution": code} for e, code in solutions.items()}
    references["*"] = package_sources()
    out = course / "reports" / chapter
    write_similarity(out, chapter, flagged_pairs(submitted, boilerplate, references))
    return out
