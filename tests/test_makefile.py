"""The Makefile's own checks: the Python version it needs, and `make lab` as root."""

import os
import shutil
import subprocess
import sys

import pytest

from dlcourse.grading.notebooks import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True)


def test_python_check_says_which_python_it_found(tmp_path):
    ok = _make("python", f"PYTHON={sys.executable}", f"BIN={tmp_path}/none")
    assert ok.returncode == 0 and ok.stdout.startswith(f"Python {sys.version.split()[0]} ("), ok.stdout + ok.stderr


def test_python_check_stops_on_another_version(tmp_path):
    other = tmp_path / "python3"
    other.write_text("#!/bin/sh\necho 3.12.1\n")
    other.chmod(0o755)
    proc = _make("python", f"PYTHON={other}", f"BIN={tmp_path}/none")
    assert proc.returncode != 0
    assert "needs Python 3.11" in proc.stdout and f"found Python 3.12.1 at {other}" in proc.stdout, proc.stdout
    missing = _make("python", f"PYTHON={tmp_path}/nowhere/python3", f"BIN={tmp_path}/none")
    assert missing.returncode != 0 and "no Python at" in missing.stdout, missing.stdout


def test_lab_allows_root_only_as_root():
    dry = _make("-n", "lab")
    assert dry.returncode == 0, dry.stderr
    line = next(line for line in dry.stdout.splitlines() if "jupyter lab" in line)
    assert line.endswith("work/")
    assert ("--allow-root" in line) == (os.getuid() == 0), line
