"""nbgrader configuration: nbgrader's "source" is our solutions/, its "release" our notebooks/."""

from dlcourse.grading.preprocessors import pipeline

c = get_config()  # noqa: F821  (injected by nbgrader)

c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# Per-cell time limit of nbgrader's own commands, among them the students' Validate button: generous, so a busy
# laptop never fails an honest notebook (the slowest cell takes well under 30 s on an idle machine). A test judged
# outside the student's kernel has the same limit. `dlcourse autograde` passes its own --cell-timeout (60 s by
# default, on a grading machine that runs one kernel per core), and `dlcourse check` allows 300 s and names any
# cell slower than 60 s.
c.Execute.timeout = 300
# Hidden tests are judged outside the student's kernel (dlcourse/grading/judge.py): the same preprocessor
# lists as `dlcourse autograde`.
c.Autograde.sanitize_preprocessors, c.Autograde.autograde_preprocessors = pipeline("execute")
