"""Root pytest configuration: every kernel nbval starts inherits the execution environment
under which the stored notebook outputs were produced (CPU, progress bars off, default scale)."""

from dlcourse.grading.notebooks import use_execution_env

use_execution_env()
