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
# Late penalties (dlcourse/grading/late.py): a submission loses per_day of its score for each started day after
# its due date (plus the student's extension), at most cap; one within grace_minutes of the due date is on time.
# A chapter's due date is written into the gradebook when `dlcourse autograde` prepares it; a chapter without
# one here keeps the gradebook's (none: no penalty). Give a timezone; a bare time is refused.
c.AssignLatePenalties.plugin_class = "dlcourse.grading.late.LatePenalty"
c.LatePenalty.per_day = 0.10
c.LatePenalty.cap = 0.50
c.LatePenalty.grace_minutes = 15
c.LatePenalty.due_dates = {
    # "01-basics": "2027-01-15 23:59:00 Europe/Berlin",
}
