"""Shared fixtures for the unit tests."""

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch


@pytest.fixture
def gen() -> torch.Generator:
    """A seeded generator, so each test draws the same random inputs on every run."""
    return torch.Generator().manual_seed(1234)


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs CUDA")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One real kernel for a test module (tests/kernels.py)."""
    from tests.kernels import start_kernel, stop_kernel

    km, client = start_kernel(tmp_path_factory.mktemp("kernel"))
    yield km, client
    stop_kernel(km, client)


@pytest.fixture
def fresh_kernel(tmp_path):
    """A kernel of its own, for a test that damages it."""
    from tests.kernels import start_kernel, stop_kernel

    km, client = start_kernel(tmp_path)
    yield km, client
    stop_kernel(km, client)


@pytest.fixture(scope="session")
def book_site(tmp_path_factory) -> Path:
    """The book built once for the whole run (``jupyter-book build -W -n --keep-going``): its ``_build/html``.

    Under xdist the workers share one build: the first to arrive builds it under a lock in the run's common
    temporary folder, the others wait and reuse it (or report the same failure)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    out = tmp_path_factory.getbasetemp().parent / f"book-{run}" if run else tmp_path_factory.mktemp("book")
    out.mkdir(exist_ok=True)
    html, failed = out / "_build" / "html", out / "build-failed.txt"
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (html / "index.html").exists() and not failed.exists():
            root = Path(__file__).resolve().parents[1]
            jb = Path(sys.executable).parent / "jupyter-book"
            proc = subprocess.run([str(jb), "build", str(root), "--path-output", str(out), "-W", "-n", "--keep-going"],
                                  cwd=root, capture_output=True, text=True,
                                  env={**os.environ, "PATH": f"{jb.parent}{os.pathsep}{os.environ['PATH']}"})
            if proc.returncode != 0 or not (html / "index.html").exists():
                failed.write_text(f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    if failed.exists():
        pytest.fail(f"book build failed:\n{failed.read_text()}")
    return html
