"""The grading sandbox: a kernel that cannot read solutions, the gradebook or other submissions, has no
network and a memory limit, yet imports the course's packages and writes its own folder."""

import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient

from dlcourse.grading import sandbox
from dlcourse.grading.notebooks import ROOT

pytestmark = pytest.mark.slow

PROBE = r'''
import json, os, socket
def attempt(path):
    try:
        with open(path) as f:
            return f.read()[:40]
    except OSError as exc:
        return type(exc).__name__
result = {
    "relative solution": attempt("../../../solutions/ch/nb.ipynb"),
    "absolute solution": attempt(SOLUTION),
    "repository solution": attempt(REPO_SOLUTION),
    "other student": attempt(OTHER),
    "gradebook": attempt(GRADEBOOK),
    "course listing": sorted(os.listdir(COURSE)),
}
with open("own.txt", "w") as f:
    f.write("mine")
result["own folder"] = sorted(os.listdir("."))
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
    result["network"] = "open"
except OSError as exc:
    result["network"] = type(exc).__name__
import torch, dlcourse.nn
result["torch"] = float(dlcourse.nn.relu(torch.tensor([-1.0, 2.0])).sum())
try:
    block = bytearray(16 * 2**30)
    result["memory"] = "allocated"
except MemoryError:
    result["memory"] = "MemoryError"
print(json.dumps(result))
'''


def test_student_code_sees_only_its_own_folder(tmp_path, monkeypatch):
    ok, why = sandbox.usable()
    if not ok:   # like the GPU tests: the machine lacks the tool (make test tries to install it first)
        pytest.skip(why)
    course = tmp_path / "course"
    secrets = {"SOLUTION": course / "solutions" / "ch" / "nb.ipynb",
               "OTHER": course / "submitted" / "bob" / "ch" / "nb.ipynb",
               "GRADEBOOK": course / "gradebook.db"}
    for path in secrets.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("SECRET")
    own = course / "autograded" / "alice" / "ch"
    own.mkdir(parents=True)
    repo_solution = next((ROOT / "solutions").glob("*/*.ipynb"))
    spec, ipc = sandbox.kernelspec(tmp_path / "sandbox", hide=[course, ROOT],
                                   expose=[Path(sys.prefix), ROOT / "dlcourse"], memory=3 * 2**30)
    nb = nbformat.v4.new_notebook()
    header = "".join(f"{k} = {str(v)!r}\n" for k, v in secrets.items())
    header += f"COURSE = {str(course)!r}\nREPO_SOLUTION = {str(repo_solution)!r}\n"
    nb.cells = [nbformat.v4.new_code_cell(header + PROBE)]
    monkeypatch.setenv("JUPYTER_PATH", str(spec))
    km = KernelManager(kernel_name=sandbox.KERNEL_NAME, transport="ipc", ip=str(ipc / "kernel"))
    NotebookClient(nb, km=km, timeout=120, resources={"metadata": {"path": str(own)}}).execute()
    out = json.loads(next(o.text for o in nb.cells[0].outputs if o.get("name") == "stdout"))
    for key in ("relative solution", "absolute solution", "repository solution", "other student", "gradebook"):
        assert out[key] == "FileNotFoundError", f"{key}: the sandboxed kernel read {out[key]!r}"
    assert out["course listing"] == ["autograded"]          # only the path down to its own folder
    assert out["own folder"] == ["own.txt"] and (own / "own.txt").read_text() == "mine"
    assert out["network"] != "open"
    assert out["torch"] == 2.0
    assert out["memory"] == "MemoryError"


def test_kernelspec_refuses_without_bubblewrap(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    assert sandbox.usable() == (False, "bubblewrap is not installed (Debian: apt-get install bubblewrap, "
                                       "or `make sandbox`)")
    with pytest.raises(FileNotFoundError, match="bubblewrap is not installed"):
        sandbox.kernelspec(tmp_path, hide=[tmp_path], expose=[], memory=2**30)


def _mounts(cmd: list[str]) -> list[tuple[str, str]]:
    """bwrap's mount operations in the order they apply, as (option, destination) pairs."""
    mounts, i = [], 1
    while i < len(cmd):
        if cmd[i] in ("--ro-bind", "--bind"):            # --bind SRC DEST
            mounts.append((cmd[i], cmd[i + 2]))
            i += 3
        elif cmd[i] in ("--tmpfs", "--dev", "--proc"):   # --tmpfs DEST
            mounts.append((cmd[i], cmd[i + 1]))
            i += 2
        else:
            i += 1
    return mounts


def test_command_hides_before_it_exposes(tmp_path):
    course = tmp_path / "course"
    venv, inner, folder = course / "venv", course / "inner", str(course / "autograded" / "a" / "ch")
    venv.mkdir(parents=True)                               # an exposed folder is bound only if it exists
    config = {"bwrap": "/usr/bin/bwrap", "hide": [str(inner), str(course)], "expose": [str(venv)],
              "memory": 2**31, "ipc": "/run/ipc", "python": str(venv / "bin" / "python")}
    cmd = sandbox.command(config, "/rt/kernel-1.json", folder)
    mounts = _mounts(cmd)
    at = {mount: i for i, mount in enumerate(mounts)}
    assert len(at) == len(mounts), f"a mount is repeated: {mounts}"
    assert cmd[:4] == ["/usr/bin/bwrap", "--ro-bind", "/", "/"] and mounts[0] == ("--ro-bind", "/")
    hide_course, hide_inner = at[("--tmpfs", str(course))], at[("--tmpfs", str(inner))]
    assert at[("--tmpfs", "/tmp")] < hide_course < hide_inner                  # after the root; outer folders first
    assert hide_inner < at[("--ro-bind", str(venv))]                           # exposed after every hiding
    assert hide_inner < at[("--bind", folder)]                                 # its folder comes back after the hiding
    assert hide_inner < at[("--ro-bind", "/rt/kernel-1.json")] and hide_inner < at[("--bind", "/run/ipc")]
    assert cmd[cmd.index("--chdir") + 1] == folder
    assert "--unshare-net" in cmd and "--unshare-pid" in cmd and f"--as={2**31}" in cmd
