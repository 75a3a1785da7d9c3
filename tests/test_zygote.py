"""Warm kernels (``dlcourse/grading/zygote.py``): every kernel is a fresh fork with the preloaded modules,
inherits nothing from an earlier kernel, obeys the memory and wall limits, and dies with its launcher.

The zygote runs unsandboxed here (the sandbox around it is tested in test_sandbox.py and, end to end,
in test_autograde.py), so these tests need no bubblewrap.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jupyter_client import KernelManager

from dlcourse.grading import sandbox


@pytest.fixture
def zygote(tmp_path, monkeypatch):
    """Start a zygote with ``wave`` preloaded, a 4 s wall limit and a 1.5 GB memory limit; return a
    function that starts a kernel through it in a folder of its own."""
    ipc = tmp_path / "ipc"
    ipc.mkdir()
    sock = ipc / sandbox.ZYGOTE_SOCKET
    proc = subprocess.Popen([sys.executable, "-m", "dlcourse.grading.zygote", "--socket", str(sock),
                             "--memory", str(1_500_000_000), "--wall", "4", "wave"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not sock.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the zygote did not come up"
        time.sleep(0.05)
    spec = tmp_path / "jupyter" / "kernels" / "warm"
    spec.mkdir(parents=True)
    (spec / "config.json").write_text(json.dumps({"zygote": str(sock)}))
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-I", sandbox.__file__, "--config", str(spec / "config.json"), "{connection_file}"],
        "language": "python", "interrupt_mode": "message"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    started = []

    def start(name: str):
        folder = tmp_path / name
        folder.mkdir()
        km = KernelManager(kernel_name="warm", transport="ipc", ip=str(ipc / name))
        km.start_kernel(cwd=str(folder))
        kc = km.blocking_client()
        kc.start_channels()
        kc.wait_for_ready(timeout=30)
        started.append((km, kc))
        return km, kc

    yield start, proc.pid
    for km, kc in started:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)
    proc.kill()
    proc.wait()


def run(kc, code: str):
    """Execute ``code``; return the value of its last line (``repr`` round-tripped through eval)."""
    out = []
    reply = kc.execute_interactive(code, timeout=20, output_hook=lambda msg: out.append(msg))
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"]
    return eval(results[-1]) if results else None


def gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_each_kernel_is_a_fresh_fork_with_the_modules_preloaded(zygote, tmp_path):
    start, zygote_pid = zygote
    _, first = start("first")
    pid1, parent1, cwd1, preloaded = run(first, "import os, sys\n"
                                                "preloaded = 'wave' in sys.modules\n"
                                                "import wave; wave.left_behind = 1\n"
                                                "os.getpid(), os.getppid(), os.getcwd(), preloaded")
    assert preloaded and parent1 == zygote_pid and cwd1 == str(tmp_path / "first")
    _, second = start("second")
    pid2, parent2, cwd2, inherited, names = run(second, "import os, wave\n"
                                                        "os.getpid(), os.getppid(), os.getcwd(), "
                                                        "hasattr(wave, 'left_behind'), sorted(dir())")
    assert pid2 != pid1 and parent2 == zygote_pid and cwd2 == str(tmp_path / "second")
    assert not inherited                       # the first kernel's changes stayed in the first kernel
    assert "preloaded" not in names            # and so did its variables


@pytest.mark.slow
def test_memory_limit_holds_in_a_forked_kernel(zygote):
    start, _ = zygote
    _, kc = start("bomb")
    assert run(kc, "try:\n    x = bytearray(4 * 10**9)\n    r = 'allocated'\n"
                   "except MemoryError:\n    r = 'MemoryError'\nr") == "MemoryError"


@pytest.mark.slow
def test_wall_limit_kills_a_kernel(zygote):
    start, _ = zygote
    km, kc = start("sleeper")
    pid = run(kc, "import os\nos.getpid()")
    kc.execute("import time\nwhile True:\n    time.sleep(0.1)")
    assert gone(pid, within=15), "the kernel outlived the 4 s wall limit"
    deadline = time.monotonic() + 10
    while km.is_alive() and time.monotonic() < deadline:   # and its launcher ended with it
        time.sleep(0.1)
    assert not km.is_alive()


@pytest.mark.slow
def test_kernel_dies_with_its_launcher(zygote):
    start, _ = zygote
    km, kc = start("orphan")
    pid = run(kc, "import os\nos.getpid()")
    km.provisioner.process.kill()             # what a kernel manager does to a kernel that will not stop
    assert gone(pid, within=10), "the forked kernel survived its launcher"
