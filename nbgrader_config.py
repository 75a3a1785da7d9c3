"""nbgrader configuration: nbgrader's "source" is our solutions/, its "release" our notebooks/."""

from dlcourse.grading.preprocessors import pipeline

c = get_config()  # noqa: F821  (injected by nbgrader)

c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# Per-cell time limit while autograding (the slowest training cell takes well under 30 s); a hidden test,
# judged outside the student's kernel, has the same limit.
c.Execute.timeout = 60
# Hidden tests are judged outside the student's kernel (dlcourse/grading/judge.py): the same preprocessor
# lists as `dlcourse autograde`.
c.Autograde.sanitize_preprocessors, c.Autograde.autograde_preprocessors = pipeline("execute")
