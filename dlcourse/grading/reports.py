"""Grade reports from the nbgrader gradebook: ``reports/<chapter>/`` holds

- ``grades.csv``: one row per student: timestamp, each notebook's score, total, maximum, percent,
  late penalty (``late.py``), the score after it (what the feedback and ``dlcourse export`` give), the answers still awaiting manual grading (free-text "explain" answers: their points
  count only once graded in the formgrader), and the problems found while grading (missing notebooks,
  dead kernels, ...);
- ``exercises.csv``: one row per graded cell: points, mean score, share of students with full
  marks and with zero (where a class struggled), and how many answers still await manual grading
  (left out of the mean until graded);
- ``scores.png``: a histogram of the total scores;
- ``similarity.csv`` and ``similarity.html``: answers that look copied, from another student or from a
  reference (``dlcourse.grading.similarity``), read from ``submitted/``.

``dlcourse report CHAPTER`` rewrites them from the gradebook at any time.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from dlcourse.grading.similarity import similarity_report


def _problems_by_student(course: Path, chapter: str) -> dict[str, list[str]]:
    done = course / ".autograde" / chapter / "done"
    out: dict[str, list[str]] = {}
    if done.is_dir():
        for marker in sorted(done.glob("*.json")):
            out[marker.stem] = json.loads(marker.read_text()).get("problems", [])
    return out


def _answer(notebook: str, grade) -> str:
    """An answer awaiting manual grading, as the reports name it: ``notebook/cell (points)``."""
    return f"{notebook}/{grade.name} ({grade.max_score:g})"


def awaiting_manual(course: Path, chapter: str, db_url: str | None = None) -> dict[str, list[str]]:
    """Student -> the answers of ``chapter`` still to be graded by hand (``notebook/cell (points)``), from
    the gradebook ``db_url`` (default: the course's SQLite file)."""
    from nbgrader.api import Gradebook

    from dlcourse.grading.gradebook import url

    out: dict[str, list[str]] = {}
    with Gradebook(db_url or url(course)) as gb:
        for sub in gb.find_assignment(chapter).submissions:
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.needs_manual_grade:
                        out.setdefault(sub.student_id, []).append(_answer(nb.name, grade))
    return {student: sorted(cells) for student, cells in sorted(out.items())}


def write_reports(course: Path, chapter: str, extra_problems: list[str] | None = None,
                  db_url: str | None = None) -> Path:
    """Write the reports for ``chapter`` from the gradebook ``db_url`` (default: the course's SQLite file);
    return their folder."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nbgrader.api import Gradebook

    from dlcourse.grading.gradebook import url

    course = Path(course)
    folder = course / "reports" / chapter
    folder.mkdir(parents=True, exist_ok=True)
    problems = _problems_by_student(course, chapter)
    for line in extra_problems or []:
        student, _, what = line.partition(": ")
        if what and what not in problems.setdefault(student, []):
            problems[student].append(what)
    with Gradebook(db_url or url(course)) as gb:
        assignment = gb.find_assignment(chapter)
        notebooks = [nb.name for nb in assignment.notebooks]
        cells = [(nb.name, c.name, c.max_score) for nb in assignment.notebooks for c in nb.grade_cells]
        rows, totals, per_cell = [], [], {(n, c): [] for n, c, _ in cells}
        pending = {(n, c): 0 for n, c, _ in cells}
        for sub in sorted(assignment.submissions, key=lambda s: s.student_id):
            by_nb = {nb.name: nb for nb in sub.notebooks}
            row = {"student": sub.student_id, "timestamp": sub.timestamp.isoformat() if sub.timestamp else ""}
            waiting = []
            for name in notebooks:
                row[name] = by_nb[name].score if name in by_nb else 0
                for grade in (by_nb[name].grades if name in by_nb else []):
                    if grade.needs_manual_grade:
                        pending[(name, grade.name)] += 1
                        waiting.append(_answer(name, grade))
                    else:
                        per_cell[(name, grade.name)].append(grade.score)
            row.update(score=sub.score, max_score=sub.max_score,
                       percent=round(100 * sub.score / sub.max_score, 1) if sub.max_score else 0.0,
                       late_penalty=sub.late_submission_penalty,
                       score_after_penalty=round(sub.score - sub.late_submission_penalty, 6),
                       awaiting_manual_grading="; ".join(sorted(waiting)),
                       problems="; ".join(problems.get(sub.student_id, [])))
            rows.append(row)
            totals.append(sub.score)
        max_total = assignment.max_score
    fields = ["student", "timestamp", *notebooks, "score", "max_score", "percent", "late_penalty", "score_after_penalty",
              "awaiting_manual_grading",
              "problems"]
    with open(folder / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    with open(folder / "exercises.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["notebook", "cell", "points", "mean", "full_marks", "zero", "students", "awaiting_manual"])
        for name, cell, points in cells:
            scores = per_cell[(name, cell)]
            n = len(scores)
            writer.writerow([name, cell, points, round(sum(scores) / n, 2) if n else "",
                             round(sum(s == points for s in scores) / n, 2) if n else "",
                             round(sum(s == 0 for s in scores) / n, 2) if n else "", n, pending[(name, cell)]])
    fig, ax = plt.subplots(figsize=(6, 3.5))
    bins = max(1, min(20, int(max_total) + 1))
    ax.hist(totals, bins=bins, range=(0, max_total or 1), color="tab:blue", edgecolor="white")
    ax.set_xlabel(f"score (out of {max_total:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{chapter}: {len(totals)} submissions, mean {sum(totals) / max(1, len(totals)):.1f}")
    fig.tight_layout()
    fig.savefig(folder / "scores.png", dpi=100)
    plt.close(fig)
    similarity_report(course, chapter)
    return folder
