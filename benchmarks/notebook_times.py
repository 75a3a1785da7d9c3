"""Wall time of every instructor notebook, executed top to bottom in a fresh kernel, as a table.

    .venv/bin/python benchmarks/notebook_times.py            # every notebook under solutions/
    .venv/bin/python benchmarks/notebook_times.py solutions/01-basics/02-activations.ipynb

Notebooks run on copies (the stored outputs are left alone), one at a time, with the same environment
as the test suite but the machine's default number of threads. Budget: 30 s per notebook on 2 CPU cores
(kernel start and imports included). Exit status 1 when a notebook is over budget.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from dlcourse.grading.notebooks import EXECUTION_ENV, ROOT

BUDGET_S = 30.0


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        for f in path.parent.iterdir():  # the notebook's folder, in case it reads files beside it
            if f.is_file():
                shutil.copy(f, tmp)
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp}}).execute()
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.paths or sorted((ROOT / "solutions").glob("*/*.ipynb"))
    os.environ.update({k: v for k, v in EXECUTION_ENV.items() if k != "OMP_NUM_THREADS"})
    os.environ.pop("OMP_NUM_THREADS", None)
    print(f"{'notebook':<45} {'seconds':>8}  budget {BUDGET_S:.0f} s   ({os.cpu_count()} CPUs)")
    over = 0
    total = 0.0
    for path in paths:
        seconds = run(path)
        total += seconds
        over += seconds > BUDGET_S
        name = f"{path.parent.name}/{path.name}"
        print(f"{name:<45} {seconds:>8.1f}  {'OK' if seconds <= BUDGET_S else 'OVER BUDGET'}", flush=True)
    print(f"{'total':<45} {total:>8.1f}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
