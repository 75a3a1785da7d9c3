"""The students' JupyterLab (``make lab``) hides nbgrader's instructor tools; the instructors' keeps them."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTRUCTOR_PLUGINS = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:menu"}

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _lab(tmp_path: Path, student: bool) -> dict:
    """Start JupyterLab as `make lab` (student) or `make formgrader` would; what its pages say."""
    port, token = _free_port(), "t0k3n"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    env.pop("JUPYTER_CONFIG_PATH", None)
    if student:
        env["JUPYTER_CONFIG_PATH"] = str(ROOT / "dlcourse" / "lab")
    exe = Path(sys.executable).parent / "jupyter"
    proc = subprocess.Popen([str(exe), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
                             f"--IdentityProvider.token={token}", "--allow-root", f"--ServerApp.root_dir={tmp_path}"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            time.sleep(0.5)
            try:
                status, page = _get(f"{base}/lab?token={token}")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                continue
            if status == 200:
                break
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
        config = json.loads(match.group(1))
        return {"disabled": set(config.get("disabledExtensions", [])),
                "formgrader": _get(f"{base}/formgrader?token={token}")[0]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_students_lab_hides_the_instructor_tools(tmp_path):
    lab = _lab(tmp_path, student=True)
    assert INSTRUCTOR_PLUGINS <= lab["disabled"], f"still shown to students: {INSTRUCTOR_PLUGINS - lab['disabled']}"
    assert "@jupyter/nbgrader:validate-assignment" not in lab["disabled"]   # the Validate button stays
    assert "@jupyterlab/apputils-extension:announcements" in lab["disabled"]  # no news to fetch: the course is offline
    assert lab["formgrader"] == 404


def test_instructors_lab_keeps_the_formgrader(tmp_path):
    lab = _lab(tmp_path, student=False)
    assert not INSTRUCTOR_PLUGINS & lab["disabled"]
    assert lab["formgrader"] != 404


def test_make_lab_uses_the_students_configuration():
    dry = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True)
    line = next(line for line in dry.stdout.splitlines() if "jupyter lab" in line)
    assert f"JUPYTER_CONFIG_PATH={ROOT}/dlcourse/lab" in line
