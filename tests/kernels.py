"""A real Jupyter kernel for the judge's tests: start one, run a cell in it as nbgrader does, talk to it."""

from __future__ import annotations

from pathlib import Path

from dlcourse.grading import judge


def start_kernel(tmp: Path):
    """A kernel working in ``tmp/work``, over Unix sockets in ``tmp``; returns (manager, blocking client)."""
    from jupyter_client.manager import KernelManager

    (tmp / "work").mkdir()
    km = KernelManager(transport="ipc", ip=str(tmp / "kernel"))
    km.start_kernel(cwd=str(tmp / "work"))
    client = km.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return km, client


def stop_kernel(km, client) -> None:
    client.stop_channels()
    km.shutdown_kernel(now=True)


def run_cell(client, code: str) -> str:
    """Execute a cell as nbgrader does (stored in the history); return its stdout and errors."""
    msg_id = client.execute(code, store_history=True)
    out = []
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append(msg["content"]["ename"] + ": " + msg["content"]["evalue"])
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    client.get_shell_msg(timeout=10)
    return "".join(out)


def remote(km, client) -> judge.Remote:
    """The judge's view of the kernel."""
    return judge.Remote(client, km.is_alive, km.interrupt_kernel, {})
