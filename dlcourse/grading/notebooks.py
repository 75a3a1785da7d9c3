"""Execute instructor notebooks in place, release student copies through nbgrader, and copy them to work/.

    python -m dlcourse.grading.notebooks execute solutions/01-basics/*.ipynb
    python -m dlcourse.grading.notebooks release 01-basics
    python -m dlcourse.grading.notebooks workspace      # make lab: students' own copies in work/

Execution uses the environment the test suite uses (``EXECUTION_ENV``): progress bars off,
CPU, one BLAS thread unless ``OMP_NUM_THREADS`` says otherwise (two kernels share 2 cores under
`pytest -n 2`), default scale. The stored outputs are what nbval re-checks and what the book shows;
the figures of training runs are compared within the tolerance their cell states
(``dlcourse.grading.tolerance``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXECUTION_ENV = {"TQDM_DISABLE": "1", "DLCOURSE_DEVICE": "cpu", "DLCOURSE_SCALE": "1", "OMP_NUM_THREADS": "1",
                 "PYTHONHASHSEED": "0"}


# The x86-64 baseline machine: PyTorch's own kernels (ATen), MKL (torch's BLAS), oneDNN (torch's convolutions) and
# OpenBLAS (numpy, scikit-learn) each limited to the oldest x86-64 vector instructions they support. It is the machine
# farthest from the ones the outputs are recorded on; ``make test`` runs nbval on it (``BASELINE_KERNEL``).
BASELINE_CPU = {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2", "ONEDNN_MAX_CPU_ISA": "SSE41",
                "OPENBLAS_CORETYPE": "Nehalem"}
BASELINE_KERNEL = "python3-x86-64-baseline"


def write_kernelspec(where: Path, name: str, env: dict[str, str], display_name: str) -> Path:
    """A Jupyter kernel ``name`` under ``where/kernels``: this Python's ipykernel, started with ``env`` added.

    Jupyter merges a kernelspec's ``env`` into the environment of every kernel started from it, so a notebook run
    with ``--nbval-kernel-name name`` (or ``NotebookClient(kernel_name=name)``) sees those variables from its first
    import, and nothing else in the process that starts it does. Put ``where`` on ``JUPYTER_PATH`` to use it.
    """
    folder = where / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],  # "python": this interpreter
            "display_name": display_name, "language": "python", "env": env}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
    return folder


def use_execution_env() -> None:
    """Set ``EXECUTION_ENV`` in this process, so kernels started from it inherit it.

    A thread count already set in the environment (``OMP_NUM_THREADS``) is kept: it changes only the summation
    order of CPU kernels, which tolerance-checked outputs absorb, and ``tests/test_portable.py`` varies it.
    """
    os.environ.update({k: v for k, v in EXECUTION_ENV.items() if k != "OMP_NUM_THREADS" or k not in os.environ})


def execute_in_place(path: Path, timeout: int = 120) -> float:
    """Execute ``path`` top to bottom in its own folder, save outputs, return seconds taken."""
    import nbformat  # imported here: the test suite's conftest imports this module on machines without Jupyter
    from nbclient import NotebookClient

    use_execution_env()
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def nbgrader(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` in ``cwd`` with this venv's ``bin/`` on PATH (nbgrader needs alembic)."""
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    proc = subprocess.run([os.path.join(bindir, "nbgrader"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        # nbgrader writes why it failed (a timed-out cell, a dead kernel) to stderr: keep it in the error
        raise RuntimeError(f"nbgrader {' '.join(args)} exited with {proc.returncode} in {cwd}:\n"
                           f"{proc.stderr[-6000:]}")
    return proc


def chapters(root: Path = ROOT) -> list[str]:
    """The chapter folders under ``solutions/`` (one nbgrader assignment each)."""
    return sorted(p.name for p in (root / "solutions").iterdir() if p.is_dir() and not p.name.startswith("."))


def source_folder(course: Path, chapter: str) -> Path | None:
    """The folder of ``chapter``'s instructor notebooks: ``solutions/`` (this course's name for nbgrader's source
    directory), or ``source/`` (nbgrader's default, in a course set up without our config); None if neither."""
    return next((d for d in (Path(course) / "solutions" / chapter, Path(course) / "source" / chapter) if d.is_dir()),
                None)


def release(chapter: str, root: Path = ROOT) -> None:
    """Regenerate ``notebooks/<chapter>`` from ``solutions/<chapter>`` with nbgrader."""
    if not (root / "solutions" / chapter).is_dir():
        raise FileNotFoundError(f"no chapter {chapter!r} under {root / 'solutions'}")
    nbgrader(["generate_assignment", chapter, "--force",
              "--CourseDirectory.db_url=sqlite:///" + str(root / ".release.db")], cwd=root)


def workspace(root: Path = ROOT) -> list[Path]:
    """Copy each student notebook ``notebooks/<chapter>/*.ipynb`` that ``work/`` lacks into ``work/<chapter>/``;
    return the copies made. A notebook already in ``work/`` is the student's and is never overwritten, so a course
    update (``git pull``, ``make release``) keeps every answer and ``notebooks/`` stays nbgrader's release."""
    made = []
    for src in sorted((root / "notebooks").glob("*/*.ipynb")):
        dest = root / "work" / src.relative_to(root / "notebooks")
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            made.append(dest)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlcourse.grading.notebooks", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("execute", help="execute instructor notebooks in place")
    ex.add_argument("paths", nargs="+", type=Path)
    rel = sub.add_parser("release", help="regenerate student copies of chapters (default: all)")
    rel.add_argument("chapters", nargs="*")
    sub.add_parser("workspace", help="copy the student notebooks that work/ lacks into it (never overwrites)")
    args = parser.parse_args(argv)
    if args.cmd == "execute":
        for path in args.paths:
            print(f"{path}: {execute_in_place(path):.1f} s", flush=True)
    elif args.cmd == "workspace":
        made = workspace()
        for path in made:
            print(f"new exercise notebook: {path.relative_to(ROOT)}")
        kept = len(list((ROOT / "work").glob("*/*.ipynb"))) - len(made)
        print(f"work/: {len(made)} new notebook(s), {kept} of yours kept as they are")
    else:
        for chapter in args.chapters or chapters():
            release(chapter)
            print(f"released notebooks/{chapter}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
