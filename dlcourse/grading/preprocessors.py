"""Two nbgrader preprocessors that ``dlcourse autograde`` adds to nbgrader's autograder.

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
