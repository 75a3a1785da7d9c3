"""nbgrader configuration: nbgrader's "source" is our solutions/, its "release" our notebooks/."""

c = get_config()  # noqa: F821  (injected by nbgrader)

c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# Per-cell time limit while autograding (the slowest training cell takes well under 30 s).
c.Execute.timeout = 60
