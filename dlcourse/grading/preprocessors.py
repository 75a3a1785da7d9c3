"""nbgrader's autograder as dlcourse runs it: the preprocessor lists, and two preprocessors of our own.

``pipeline(phase)`` is the one place that says which nbgrader preprocessors grade a notebook, for the
course's ``nbgrader_config.py`` (plain ``nbgrader autograde``) and for ``dlcourse autograde``'s phases:

- ``"execute"``: restore what the student must not change, run the notebook with hidden tests judged
  outside the kernel (``judge.JudgedExecute``), cap outputs, score;
- ``"record"``: score notebooks that were already executed (the executed copies come back from the
  workers, and only this phase, in one process, writes the gradebook).

The two preprocessors:

- ``RestoreCellOrder`` (sanitising step): puts the exercise and test cells back in the order of the
  released notebook when a student moved them. Each graded cell keeps the student's own cells that
  followed it, so scratch work travels with its exercise. A test cell dragged above its exercise
  would otherwise fail for a reason that has nothing to do with the answer.
- ``LimitOutputSize`` (after execution): caps the characters of each output. nbgrader's
  ``LimitOutput`` counts lines, so one 100 MB line (``print("x" * 10**8)``) would otherwise be
  stored in the gradebook's notebooks and in the feedback.
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Integer


def pipeline(phase: str = "execute") -> tuple[list[type], list[type]]:
    """nbgrader's ``(Autograde.sanitize_preprocessors, Autograde.autograde_preprocessors)`` for ``phase``."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,
                                        IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec,
                                        SaveAutoGrades)

    from dlcourse.grading.judge import JudgedExecute

    if phase == "execute":
        return ([ClearOutput, DeduplicateIds, RestoreCellOrder, OverwriteKernelspec, OverwriteCells, CheckCellMetadata],
                [JudgedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, LimitOutputSize,
                 SaveAutoGrades, AssignLatePenalties, CheckCellMetadata])
    if phase == "record":   # outputs are the executed ones: nothing cleared, nothing run
        return ([DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata],
                [LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata])
    raise ValueError(f"unknown grading phase {phase!r} (expected 'execute' or 'record')")


class RestoreCellOrder(NbGraderPreprocessor):
    """Reorder graded cells to ``order[notebook]`` (grade ids in release order), keeping attached cells."""

    order = Dict({}, help="notebook name -> grade ids in the released order").tag(config=True)

    def preprocess(self, nb, resources):
        wanted = self.order.get(resources["nbgrader"]["notebook"])
        if not wanted:
            return nb, resources
        rank = {gid: i for i, gid in enumerate(wanted)}
        segments: list[tuple[int, list]] = [(-1, [])]        # (rank of the head cell, cells)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in rank:
                segments.append((rank[gid], [cell]))
            else:
                segments[-1][1].append(cell)
        ordered = sorted(segments, key=lambda seg: seg[0])    # stable: the leading cells stay first
        if [s[0] for s in ordered] != [s[0] for s in segments]:
            self.log.warning("Detected change in cell order of %s; restored the released order",
                             resources["nbgrader"]["notebook"])
            nb.cells = [cell for _, cells in ordered for cell in cells]
        return nb, resources


class LimitOutputSize(NbGraderPreprocessor):
    """Truncate every text in a cell's outputs to ``max_chars`` characters."""

    max_chars = Integer(100_000, help="characters kept per output text").tag(config=True)

    def _cut(self, text):
        if isinstance(text, list):
            text = "".join(text)
        if len(text) > self.max_chars:
            return text[:self.max_chars] + f"\n... output truncated ({len(text):,} characters) ...\n"
        return text

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if "text" in output:
                output.text = self._cut(output.text)
            for key, value in output.get("data", {}).items():
                if isinstance(value, (str, list)) and key.startswith("text/"):
                    output.data[key] = self._cut(value)
        return cell, resources
