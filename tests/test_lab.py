"""The students' JupyterLab (``make lab``) hides nbgrader's instructor tools; the instructors' keeps them."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser import lab_server

ROOT = Path(__file__).resolve().parents[1]
INSTRUCTOR_PLUGINS = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:menu"}

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _lab(tmp_path: Path, student: bool) -> dict:
    """Start JupyterLab as `make lab` (student) or `make formgrader` would; what its pages say."""
    token = "t0k3n"
    with lab_server(tmp_path, token, student=student) as base:
        status, page = _get(f"{base}lab?token={token}")
        assert status == 200, f"JupyterLab answered {status}"
        match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
        config = json.loads(match.group(1))
        return {"disabled": set(config.get("disabledExtensions", [])),
                "formgrader": _get(f"{base}formgrader?token={token}")[0]}


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
