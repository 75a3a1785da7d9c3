"""A Jupyter kernel that runs a student's code in a bubblewrap sandbox.

The kernel sees the machine read-only, with these exceptions:

- every folder in ``hide`` (the course folder with solutions/, the gradebook and all submissions; the
  course repository) is replaced by an empty in-memory folder;
- inside those, only the paths in ``expose`` come back, read-only (the Python environment, the
  editable ``dlcourse`` package), and the kernel's working folder comes back writable: the copy of
  the one notebook being graded, where nbgrader starts the kernel;
- ``/tmp`` is a private empty folder and ``HOME`` points there;
- there is no network (a new network namespace with only a loopback device), so the kernel talks to
  nbgrader over IPC sockets in a folder made for that;
- it has its own process namespace: ``/proc`` shows only the sandbox, not the grader's processes
  (whose ``/proc/<pid>/root`` would otherwise lead back into the hidden folders);
- the address space is limited (``prlimit --as``): a memory bomb raises ``MemoryError``.

``dlcourse autograde`` runs one *zygote* per student in such a sandbox (``zygote_command``, with the
student's grading folder writable): the kernel launcher asks it for a kernel first, forked with the
chapter's modules already imported (``zygote.py``), and starts a cold sandboxed kernel only if no
zygote answers.

Usage (what ``dlcourse autograde`` does)::

    spec_dir, ipc_dir = kernelspec(tmp, hide=[course, repo], expose=[venv, repo / "dlcourse"], memory=2 * 2**30)
    # run nbgrader / nbclient with JUPYTER_PATH=spec_dir, kernel_name=KERNEL_NAME,
    # KernelManager.transport="ipc" and KernelManager.ip=str(ipc_dir / "kernel")

The kernelspec's argv runs this file as an isolated script (``python -I .../sandbox.py --config <json>
{connection_file}``; importing the ``dlcourse`` package would import torch for nothing). It asks the
zygote named in the config, or builds the ``bwrap`` command line and replaces itself with it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

KERNEL_NAME = "dlcourse-sandbox"
ZYGOTE_SOCKET = "zygote.sock"


def bwrap() -> str | None:
    """Path of the ``bwrap`` executable (Debian package ``bubblewrap``), or None."""
    return shutil.which("bwrap")


def usable() -> tuple[bool, str]:
    """Whether bubblewrap is installed and can create its namespaces here; if not, why."""
    exe = bwrap()
    if exe is None:
        return False, "bubblewrap is not installed (Debian: apt-get install bubblewrap, or `make sandbox`)"
    proc = subprocess.run([exe, "--ro-bind", "/", "/", "--unshare-net", "--die-with-parent", "true"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return False, f"bubblewrap cannot create its sandbox here: {proc.stderr.strip()[:200]}"
    return True, ""


def kernelspec(workdir: Path, hide: list[Path], expose: list[Path], memory: int,
               wall: int | None = None, zygote: bool = False) -> tuple[Path, Path]:
    """Write the sandbox kernelspec under ``workdir``; return (folder for JUPYTER_PATH, folder for IPC sockets).

    ``memory`` is the address-space limit in bytes (importing torch needs about 1.5 GB of it);
    ``wall``, if given, the seconds after which the kernel is killed (a per-notebook time limit);
    ``zygote``: ask a warm kernel server at ``<ipc>/zygote.sock`` first (see ``zygote_command``).
    """
    exe = bwrap()
    if exe is None:
        raise FileNotFoundError("bubblewrap is not installed (Debian: apt-get install bubblewrap); "
                                "without it student code can read solutions and other submissions")
    workdir = Path(workdir).resolve()
    spec_root = workdir / "jupyter"
    ipc_dir = workdir / "ipc"
    ipc_dir.mkdir(parents=True, exist_ok=True)
    config = {"bwrap": exe, "hide": [str(Path(p).resolve()) for p in hide],
              "expose": [str(Path(p).resolve()) for p in expose], "memory": int(memory), "ipc": str(ipc_dir),
              "wall": int(wall) if wall else None,
              "zygote": str(ipc_dir / ZYGOTE_SOCKET) if zygote else None,
              "python": sys.executable}
    spec = spec_root / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "sandbox.json").write_text(json.dumps(config, indent=1))
    (spec / "kernel.json").write_text(json.dumps({
        # this file run as a script, isolated (-I): importing the dlcourse package would import torch,
        # two seconds per kernel spent outside the sandbox for nothing
        "argv": [sys.executable, "-I", str(Path(__file__).resolve()), "--config", str(spec / "sandbox.json"),
                 "{connection_file}"],
        "display_name": "Python 3 (dlcourse sandbox)",
        "language": "python",
        # interrupt by message: a SIGINT to the process group would reach bwrap, which exits and takes
        # the kernel with it (--die-with-parent); ipykernel interrupts itself on an interrupt_request
        "interrupt_mode": "message",
    }, indent=1))
    return spec_root, ipc_dir


def _sandbox(config: dict, writable: list[str], readonly: list[str], cwd: str) -> list[str]:
    """The bwrap options shared by a kernel and a zygote: hide, expose, then bind ``writable`` and
    ``readonly`` folders back in, no network, own pid namespace."""
    args = [config["bwrap"], "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in sorted(config["hide"], key=len):       # outer folders first: later mounts cover earlier ones
        args += ["--tmpfs", path]
    for path in sorted(config["expose"], key=len):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    for path in writable:
        args += ["--bind", path, path]
    for path in readonly:
        args += ["--ro-bind", path, path]
    args += ["--bind", config["ipc"], config["ipc"],
             "--chdir", cwd, "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp",
             # its own pid namespace: without it, /proc/<pid>/root and /proc/<pid>/cwd of the grader's
             # processes lead back into the hidden folders. Host pids mean nothing in there, so the
             # kernel must not poll its parent: ipykernel skips that for pid 1 (--die-with-parent ends
             # it with its parent instead)
             "--setenv", "JPY_PARENT_PID", "1",
             "--unshare-net", "--unshare-pid", "--die-with-parent"]
    return args


def command(config: dict, connection_file: str, cwd: str) -> list[str]:
    """The bwrap command line that starts ipykernel for ``connection_file`` in ``cwd``."""
    conn = os.path.abspath(connection_file)
    return [*_sandbox(config, [cwd], [conn], cwd),     # the notebook's own folder, writable
            *(["timeout", "--signal=KILL", str(config["wall"])] if config.get("wall") else []),
            "prlimit", f"--as={config['memory']}",
            config["python"], "-m", "ipykernel_launcher", "-f", conn]


def zygote_command(config: dict, folder: Path, modules: list[str]) -> list[str]:
    """The bwrap command line of a zygote (``zygote.py``) for one student: ``folder`` (where that
    student's notebooks run) writable, the same limits as ``command``; it preloads ``modules`` and
    serves kernels on ``config["zygote"]``."""
    folder = str(Path(folder).resolve())
    return [*_sandbox(config, [folder], [], "/"),      # no process sits in the student's folder but kernels
            config["python"], "-m", "dlcourse.grading.zygote", "--socket", config["zygote"],
            "--memory", str(config["memory"]), *(["--wall", str(config["wall"])] if config.get("wall") else []),
            *modules]


def _from_zygote(path: Path, connection_file: str, cwd: str, wait: float = 60) -> int | None:
    """Have the zygote at ``path`` run the kernel and wait until it ends; its exit status, or None if no
    zygote answers (while ``<path>.starting`` exists, one is on its way: wait up to ``wait`` seconds)."""
    import socket
    import time

    starting = path.with_name(path.name + ".starting")
    deadline = time.monotonic() + wait
    while not path.exists() and starting.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(str(path))
        connection = json.loads(Path(connection_file).read_text())
        client.sendall(json.dumps({"connection": connection, "cwd": cwd}).encode() + b"\n")
    except (OSError, ValueError):
        client.close()
        return None
    reply = client.makefile("r").readline()      # blocks while the kernel runs
    try:
        return int(json.loads(reply)["exit"])
    except (ValueError, KeyError, TypeError):
        return 1                                  # the zygote died under its kernel


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="start an ipykernel inside the dlcourse bubblewrap sandbox")
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("connection_file")
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text())
    conn = os.path.abspath(args.connection_file)
    if config.get("zygote"):
        status = _from_zygote(Path(config["zygote"]), conn, os.getcwd())
        if status is not None:
            sys.exit(status if status >= 0 else 128 - status)
    cmd = command(config, conn, os.getcwd())
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
