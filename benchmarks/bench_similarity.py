"""Time of the similarity report on a synthetic class (target: seconds for 60 students).

    .venv/bin/python benchmarks/bench_similarity.py                       # 60 students, 03-training
    .venv/bin/python benchmarks/bench_similarity.py --students 120 --copied 0.1

Every student submits the instructor's notebooks of the chapter. A share ``--copied`` of them hand in
the instructor's solutions with about a third of the names renamed (copies: flagged against each
other and the reference); the others hand in the released stub, with one answer of their own per
exercise written as a few distinct lines (not flagged). ``--copied 1`` is the worst case: every pair
of every exercise is flagged and compared in full.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from dlcourse.grading.similarity import similarity_report

ROOT = Path(__file__).resolve().parents[1]
KEEP = {"return", "for", "in", "if", "def", "else", "elif", "and", "or", "not", "is", "None", "torch", "import",
        "with", "lambda", "raise", "True", "False", "range", "len", "float", "int", "dtype", "self", "while"}


def _renamed(source: str, rng: random.Random) -> str:
    def rename(m: re.Match) -> str:
        name = m.group(1)
        return name if name in KEEP or rng.random() > 0.3 else f"{name}_{rng.randint(0, 9)}"
    return re.sub(r"\b([a-z_]{2,})\b", rename, source)


def _own(rng: random.Random) -> str:
    names = rng.sample(["a", "b", "c", "d", "e", "f", "g", "h"], 4)
    ops = rng.sample(["+", "-", "*", "/"], 3)
    return "\n".join([f"{names[0]} = x {ops[0]} {rng.randint(1, 99)}",
                      f"for {names[1]} in range({rng.randint(2, 9)}):",
                      f"    {names[0]} = {names[0]} {ops[1]} {names[1]} ** {rng.randint(2, 5)}",
                      f"{names[2]} = [{names[0]}] * {rng.randint(2, 7)}",
                      f"return sum({names[2]}) {ops[2]} {rng.random():.3f}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--chapter", default="03-training")
    parser.add_argument("--copied", type=float, default=1.0, help="share of students who hand in renamed copies")
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        shutil.copytree(ROOT / "solutions" / args.chapter, course / "solutions" / args.chapter)
        sources = sorted((course / "solutions" / args.chapter).glob("*.ipynb"))
        exercises = 0
        for i in range(args.students):
            copier = i < round(args.copied * args.students)
            folder = course / "submitted" / f"student{i:03d}" / args.chapter
            folder.mkdir(parents=True)
            for path in sources:
                nb = nbformat.read(path, as_version=4)
                for cell in nb.cells:
                    if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                        exercises += i == 0
                        cell.source = _renamed(cell.source, rng) if copier else _own(rng)
                nbformat.write(nb, folder / path.name)
        start = time.perf_counter()
        out = similarity_report(course, args.chapter)
        seconds = time.perf_counter() - start
        rows = sum(1 for _ in open(out / "similarity.csv", encoding="utf-8")) - 1
        size = (out / "similarity.html").stat().st_size
    print(f"{args.students} students x {exercises} exercises of {args.chapter}, {args.copied:.0%} copied: "
          f"{seconds:.1f} s, {rows} flagged pairs, similarity.html {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
