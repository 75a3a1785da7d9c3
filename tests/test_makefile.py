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


def test_serve_serves_only_the_built_site_on_this_machine():
    dry = _make("-n", "serve")
    assert dry.returncode == 0, dry.stderr
    line = next(line for line in dry.stdout.splitlines() if "http.server" in line)
    assert "--bind 127.0.0.1" in line and line.endswith("--directory _build/html"), line
    assert "jupyter-book build" in dry.stdout, "make serve rebuilds the book first"


def test_tests_install_the_browser_and_the_pages_workflow_publishes_only_the_site():
    dry = _make("-n", "test")
    assert "apt-get install -y -q chromium" in dry.stdout and "playwright install" not in dry.stdout
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uploads = [step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert [step["with"]["path"] for step in uploads] == ["_build/html"]
    assert any("make book" in step.get("run", "") for step in steps)
