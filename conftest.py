"""Root pytest configuration.

- Every kernel nbval starts inherits the execution environment under which the stored notebook
  outputs were produced (CPU, progress bars off, default scale).
- Under ``pytest -n 2 --dist loadscope`` (``make test``) work is handed out in smaller units than
  xdist's modules, so that the long nbgrader round trips of different chapters run in parallel:
  each test is its own unit, except the cells of one notebook under nbval (they run in order in one
  kernel) and the modules in ``SHARED_FIXTURE_MODULES`` (their tests share a module-scoped fixture).
"""

import pytest

from dlcourse.grading.notebooks import use_execution_env

use_execution_env()

SHARED_FIXTURE_MODULES = {"tests/test_book.py"}   # the book is built once, by one worker


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

    return CourseScheduling(config, log)
