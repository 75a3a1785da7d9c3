"""The stored outputs hold on other machines: nbval passes on every instructor notebook under CPU variants.

A reader's or a CI machine's CPU differs from the one the outputs were recorded on: other vector
instructions in PyTorch's own kernels (``ATEN_CPU_CAPABILITY``), in MKL's and oneDNN's (matrix
products, convolutions) and in OpenBLAS's (numpy, scikit-learn), or another thread count. Each
changes the order in which floating-point sums are taken, never the mathematics. Every variant
re-runs the whole nbval suite of ``solutions/`` in a fresh pytest process, in which a variable set
here reaches every kernel (``use_execution_env`` keeps ``OMP_NUM_THREADS`` when it is set).

``make test`` itself runs nbval once, with the kernel of the emulated machine farthest from the one the outputs
were recorded on, the x86-64 baseline (one thread per kernel; see ``conftest.py``): each notebook is executed once
there, not once per machine. ``make test-portable`` runs these variants, all ``nightly``: the machine as it is (the
outputs as recorded), the baseline again in a fresh process, the AVX2 machine, which lies between the two,
PyTorch's kernels alone at each lower ceiling, and two threads. Each re-runs every notebook (about 10 minutes of
one core with Chapter 5), which ``make test``, bound to 30 minutes on two cores, cannot afford.
"""

import os
import platform
import subprocess
import sys

import pytest

from dlcourse.grading.notebooks import BASELINE_CPU, BASELINE_KERNEL, ROOT

X86 = platform.machine().lower() in ("x86_64", "amd64")
# a machine is a set of instruction-set ceilings: ATen, MKL (torch's BLAS), oneDNN (torch's convolutions), OpenBLAS
VARIANTS = {
    "as recorded": {},
    "x86-64 baseline": BASELINE_CPU,
    "AVX2": {"ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2",
             "OPENBLAS_CORETYPE": "Haswell"},
    # nightly: PyTorch's own kernels alone at a lower ceiling, and a second thread per kernel
    "ATen default": {"ATEN_CPU_CAPABILITY": "default"},
    "ATen AVX2": {"ATEN_CPU_CAPABILITY": "avx2"},
    "2 threads": {"OMP_NUM_THREADS": "2"},
}
NIGHTLY = set(VARIANTS)  # make test runs the baseline through its nbval kernel
NEEDS_X86 = {"x86-64 baseline", "AVX2", "ATen default", "ATen AVX2"}
NEEDS_AVX2 = {"AVX2", "ATen AVX2"}


def _has_avx2() -> bool:
    try:
        return " avx2 " in open("/proc/cpuinfo").read().replace("\n", " ")
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("variant", [pytest.param(v, marks=pytest.mark.nightly) if v in NIGHTLY else v
                                     for v in VARIANTS])
def test_stored_outputs_hold_on_another_cpu(variant):
    if variant in NEEDS_X86 and not X86:
        pytest.skip(f"the {variant} variant emulates an x86-64 CPU")
    if variant in NEEDS_AVX2 and not _has_avx2():
        pytest.skip("this CPU has no AVX2")
    env = {**os.environ, **VARIANTS[variant]}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "--no-header", "-rf", "--nbval",
                           "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "solutions"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"nbval failed with {VARIANTS[variant]}:\n{proc.stdout[-8000:]}{proc.stderr[-2000:]}"
    assert " passed" in proc.stdout.splitlines()[-1], proc.stdout[-2000:]


@pytest.mark.skipif(not X86, reason="the baseline kernel emulates an x86-64 CPU")
def test_make_test_runs_nbval_on_the_baseline_kernel():
    """``make test``'s nbval kernel exists in this run and its PyTorch sees the baseline CPU, not this one."""
    import nbformat
    from nbclient import NotebookClient

    makefile = (ROOT / "Makefile").read_text()
    assert "--nbval-kernel-name $(NBVAL_KERNEL)" in makefile and BASELINE_KERNEL in makefile
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os, torch\n"
                                          "print(os.environ['OPENBLAS_CORETYPE'], torch.backends.cpu.get_cpu_capability())")]
    NotebookClient(nb, kernel_name=BASELINE_KERNEL, timeout=60).execute()
    assert nb.cells[0].outputs[0].text.split() == ["Nehalem", "DEFAULT"]
