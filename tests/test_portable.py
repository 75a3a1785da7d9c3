"""The stored outputs hold on other machines: nbval passes on every instructor notebook under CPU variants.

A reader's or a CI machine's CPU differs from the one the outputs were recorded on: other vector
instructions in PyTorch's own kernels (``ATEN_CPU_CAPABILITY``), in MKL's and oneDNN's (matrix
products, convolutions) and in OpenBLAS's (numpy, scikit-learn), or another thread count. Each
changes the order in which floating-point sums are taken, never the mathematics. Every variant
re-runs the whole nbval suite of ``solutions/`` in a fresh pytest process, in which a variable set
here reaches every kernel (``use_execution_env`` keeps ``OMP_NUM_THREADS`` when it is set). The
machine running the suite is the variant "as is" (``make test`` itself).

``make test`` runs the emulated machine farthest from the one the outputs were recorded on, the x86-64 baseline
(one thread per kernel, as on the machine itself); ``make test-portable`` adds, as ``nightly``, the AVX2 machine,
which lies between the two, PyTorch's kernels alone at each lower ceiling, and two threads. With Chapter 4 each
variant re-runs 28 notebooks (about 8 minutes of one core), and ``make test`` has to stay within 30 minutes on two.
"""

import os
import platform
import subprocess
import sys

import pytest

from dlcourse.grading.notebooks import ROOT

X86 = platform.machine().lower() in ("x86_64", "amd64")
# a machine is a set of instruction-set ceilings: ATen, MKL (torch's BLAS), oneDNN (torch's convolutions), OpenBLAS
VARIANTS = {
    "x86-64 baseline": {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
                        "ONEDNN_MAX_CPU_ISA": "SSE41", "OPENBLAS_CORETYPE": "Nehalem"},
    "AVX2": {"ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2",
             "OPENBLAS_CORETYPE": "Haswell"},
    # nightly: PyTorch's own kernels alone at a lower ceiling, and a second thread per kernel
    "ATen default": {"ATEN_CPU_CAPABILITY": "default"},
    "ATen AVX2": {"ATEN_CPU_CAPABILITY": "avx2"},
    "2 threads": {"OMP_NUM_THREADS": "2"},
}
NIGHTLY = {"AVX2", "ATen default", "ATen AVX2", "2 threads"}
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
