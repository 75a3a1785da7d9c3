"""Warm kernels: import the heavy modules once per student, then fork one fresh kernel per notebook.

A kernel for a Chapter-1 notebook spends about half of its CPU time before the first cell runs: Python,
IPython, torch, matplotlib and scikit-learn take ~5 s to import on one core. ``dlcourse autograde`` starts
one *zygote* per student inside that student's sandbox (see ``sandbox.py``): it imports those modules
and then waits on a Unix socket. Each kernel the grader asks for is a ``fork()`` of it, so every notebook
still gets a fresh process and a fresh namespace, but the imports are paid once per student, not once
per notebook.

Protocol, one connection per kernel (the client is ``sandbox._from_zygote``, which is what the kernel manager
sees as "the kernel process"):

1. the client sends one JSON line ``{"connection": <the connection file's content>, "cwd": ...}`` (the
   file itself may lie anywhere, e.g. in the grader's /tmp, which the sandbox replaces);
2. the zygote forks; the child writes the connection file into its private /tmp, moves to ``cwd``,
   takes the address-space limit and runs ipykernel;
3. when the child exits the zygote sends ``{"exit": <status>}`` and closes the connection;
4. if the client goes away first (the grader killed it), the child is killed; a child still running
   ``wall`` seconds after it started is killed too (the per-notebook time limit).

The zygote is single-threaded (a ``select`` loop) so that ``fork()`` never copies a lock held by
another thread, and it never runs a torch operation, so no thread pool exists before a fork.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import select
import signal
import socket
import sys
import time
import traceback
from pathlib import Path


def _preload(modules: list[str]) -> None:
    """Import ``modules``; those that fail are skipped (the notebook will report them itself)."""
    # the backend a kernel would choose; matplotlib reads it when it is first imported
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in ["ipykernel.kernelapp", "ipykernel.ipkernel", *modules, "matplotlib_inline.backend_inline",
                 "dlcourse.grading.agent"]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001  (a module the sandbox lacks; the kernel will say so itself)
            pass
    # before any student code: the from-scratch rules' audit hook, which no later code can remove
    from dlcourse.grading.rules import install_audit_hook

    install_audit_hook()


def _kernel(connection: dict, cwd: str, memory: int) -> int:
    """Run ipykernel in this (forked) process until it shuts down; return the exit status."""
    import tempfile

    fd, connection_file = tempfile.mkstemp(prefix="kernel-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(connection, f)
    os.chdir(cwd)
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    import ipykernel_launcher  # noqa: F401  (only for its path: what a kernel's sys.argv[0] normally is)
    from ipykernel.kernelapp import IPKernelApp

    sys.argv = [ipykernel_launcher.__file__, "-f", connection_file]
    try:
        IPKernelApp.launch_instance(argv=["-f", connection_file])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0


def _fork(request: dict, memory: int, close: list[socket.socket]) -> int:
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        for s in close:
            s.close()
        status = _kernel(request["connection"], request["cwd"], memory)
    except BaseException:  # noqa: BLE001  (anything: report it on stderr and leave with status 1)
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _status(wait_status: int) -> int:
    if os.WIFSIGNALED(wait_status):
        return -os.WTERMSIG(wait_status)
    return os.WEXITSTATUS(wait_status)


def serve(path: Path, memory: int, wall: float | None, modules: list[str]) -> None:
    """Preload ``modules``, then serve kernels on the Unix socket ``path`` until killed."""
    _preload(modules)
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd():
        del sys.path[0]            # as ipykernel_launcher does; IPython puts the notebook's folder back
    os.chdir("/")                  # each kernel moves to its notebook's folder; the zygote holds none open
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    server.bind(str(tmp))
    server.listen(16)
    os.rename(tmp, path)           # the socket appears only once the zygote is ready
    clients: dict[socket.socket, int] = {}   # connection -> child pid
    children: dict[int, tuple[socket.socket, float]] = {}   # child pid -> (connection, deadline)
    while True:
        ready, _, _ = select.select([server, *clients], [], [], 0.2)
        for s in ready:
            if s is server:
                conn, _ = server.accept()
                conn.settimeout(10)
                try:
                    line = conn.makefile("r").readline()
                    request = json.loads(line)
                except (OSError, ValueError):
                    conn.close()
                    continue
                pid = _fork(request, memory, [server, conn, *clients])
                clients[conn] = pid
                children[pid] = (conn, time.monotonic() + wall if wall else float("inf"))
            elif not s.recv(1):    # the client is gone: so must its kernel be
                pid = clients.pop(s)
                s.close()
                if pid in children:
                    os.kill(pid, signal.SIGKILL)
        now = time.monotonic()
        for pid, (_, deadline) in list(children.items()):
            if now > deadline:
                os.kill(pid, signal.SIGKILL)
        while children:
            pid, wait_status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            conn, _ = children.pop(pid, (None, 0))
            if conn is not None and conn in clients:
                clients.pop(conn)
                try:
                    conn.sendall(json.dumps({"exit": _status(wait_status)}).encode() + b"\n")
                except OSError:
                    pass
                conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="serve forked Jupyter kernels with preloaded modules")
    parser.add_argument("--socket", required=True, type=Path)
    parser.add_argument("--memory", type=int, default=0, help="address-space limit of each kernel, bytes")
    parser.add_argument("--wall", type=float, default=None, help="seconds after which a kernel is killed")
    parser.add_argument("modules", nargs="*", help="modules to import before the first fork")
    args = parser.parse_args(argv)
    serve(args.socket, args.memory, args.wall, args.modules)


if __name__ == "__main__":
    main()
