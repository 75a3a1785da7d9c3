"""Root pytest configuration.

- Every kernel nbval starts inherits the execution environment under which the stored notebook
  outputs were produced (CPU, progress bars off, default scale).
- Under ``pytest -n 2 --dist loadscope`` (``make test``) work is handed out in smaller units than
  xdist's modules, so that the long nbgrader round trips of different chapters run in parallel:
  each test is its own unit, except the cells of one notebook under nbval (they run in order in one
  kernel) and the modules in ``SHARED_FIXTURE_MODULES`` (their tests share a module-scoped fixture).
  The nbgrader round trips take minutes each: they are handed out first, latest chapter first, and a
  worker that holds one is given other work next, so two of them never queue on the same worker.
"""

import pytest

from dlcourse.grading.notebooks import use_execution_env

use_execution_env()

# the book is built once, and the class of test_autograde graded once, by one worker each
SHARED_FIXTURE_MODULES = {"tests/test_book.py", "tests/test_autograde.py"}
SLOW_TESTS = "tests/test_grading_roundtrip.py::"   # prefix of the node ids of the round trips


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
