"""Root pytest configuration.

- Every kernel nbval starts inherits the execution environment under which the stored notebook
  outputs were produced (CPU, progress bars off, default scale).
- The kernel ``python3-x86-64-baseline`` (``dlcourse.grading.notebooks.BASELINE_KERNEL``) is registered for this
  run: Python 3 on an emulated x86-64 baseline CPU. ``make test`` runs nbval with it
  (``--nbval-kernel-name``), so each notebook is executed once, on the machine farthest from the one its outputs
  were recorded on; the process running the tests keeps this machine's CPU.
- Under ``pytest -n 2 --dist loadscope`` (``make test``) work is handed out in smaller units than
  xdist's modules, so that the long nbgrader round trips of different chapters run in parallel:
  each test is its own unit, except the cells of one notebook under nbval (they run in order in one
  kernel) and the modules in ``SHARED_FIXTURE_MODULES`` (their tests share a module-scoped fixture).
  The nbgrader round trips and the portability runs take minutes each: they are handed out first, and a
  worker that holds one is given other work next, so two of them never queue on the same worker.
- nbval compares the outputs of a cell that states a tolerance in its metadata (the figures of a training run)
  number by number within it, and every other cell exactly (``dlcourse.grading.tolerance``).
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from dlcourse.grading.notebooks import BASELINE_CPU, BASELINE_KERNEL, use_execution_env, write_kernelspec
from dlcourse.grading.tolerance import Tolerance, cell_tolerance, reconcile

use_execution_env()

# the book is built once, and the class of test_autograde graded once, by one worker each
SHARED_FIXTURE_MODULES = {"tests/test_book.py", "tests/test_autograde.py"}
# prefixes of the node ids of the longest tests: the nbgrader round trips, nbval under emulated CPUs
SLOW_TESTS = ("tests/test_grading_roundtrip.py::", "tests/test_portable.py::")


def pytest_configure(config):
    kernels = Path(tempfile.mkdtemp(prefix="dlcourse-kernels-"))  # one per process: xdist workers run this too
    atexit.register(shutil.rmtree, kernels, ignore_errors=True)
    write_kernelspec(kernels, BASELINE_KERNEL, BASELINE_CPU, "Python 3 (x86-64 baseline CPU)")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(kernels), os.environ.get("JUPYTER_PATH")]))


def pytest_collection_modifyitems(items):
    for item in items:
        cell = getattr(item, "cell", None)          # nbval's IPyNbCell: one notebook cell
        if cell is not None and hasattr(item, "compare_outputs"):
            tolerance = cell_tolerance(cell)
            if tolerance is not None:
                item.compare_outputs = _compare_within(item, item.compare_outputs, tolerance)


def _compare_within(item, compare_exactly, tolerance: Tolerance):
    """nbval's comparison of ``item``, after each re-computed text within ``tolerance`` is taken as the stored one."""
    def compare(test, ref, skip_compare=None):
        same = compare_exactly(reconcile(ref, test, tolerance), ref, skip_compare)
        if not same:
            item.comparison_traceback.append(
                f"(this cell's figures are checked within {tolerance}: a number is outside it, or the text "
                "around the numbers differs)")
        return same
    return compare


@pytest.hookimpl(optionalhook=True)  # the hook exists only when pytest-xdist is loaded
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        """xdist's scope scheduler with the course's units of work (see the module docstring)."""

        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".ipynb") or path in SHARED_FIXTURE_MODULES else nodeid

        def _assign_work_unit(self, node) -> None:
            # xdist pops the front of the queue; put there the latest chapter's round trip, unless this
            # node already has one pending (then the first other unit: a worker only starts a test once
            # it knows the next one, so a node is never left holding a single test)
            holds_slow = any(not done and nodeid.startswith(SLOW_TESTS)
                             for unit in self.assigned_work.get(node, {}).values() for nodeid, done in unit.items())
            slow = sorted(scope for scope in self.workqueue if scope.startswith(SLOW_TESTS))
            fast = next((scope for scope in self.workqueue if not scope.startswith(SLOW_TESTS)), None)
            if slow and not (holds_slow and fast is not None):
                self.workqueue.move_to_end(slow[-1], last=False)
            elif fast is not None:
                self.workqueue.move_to_end(fast, last=False)
            super()._assign_work_unit(node)

    return CourseScheduling(config, log)
