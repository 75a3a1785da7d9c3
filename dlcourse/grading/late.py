r"""Late penalties: a share of the score taken off for each started day a submission is late.

A submission ``s`` seconds after its due date (plus the student's extension, if any) loses

.. math::

    \text{fraction}(s) = \begin{cases}
        0 & s \le 60 \, g \\
        \min\left(c,\; p \cdot \lceil s / 86400 \rceil\right) & \text{otherwise}
    \end{cases}

of its score, with ``p`` the penalty per day (``per_day``), ``c`` the cap and ``g`` the grace period in
minutes. Days count from the due date and each started day counts in full; the grace period only decides
whether a submission is late at all (16 minutes late is one day late).

nbgrader applies it: ``AssignLatePenalties`` calls ``LatePenalty.late_submission_penalty`` for every
notebook of a late submission with that notebook's score, and stores the returned points in the
gradebook (``SubmittedNotebook.late_submission_penalty``). The policy and the due dates live in the
course's ``nbgrader_config.py``::

    c.AssignLatePenalties.plugin_class = "dlcourse.grading.late.LatePenalty"
    c.LatePenalty.per_day = 0.10
    c.LatePenalty.cap = 0.50
    c.LatePenalty.grace_minutes = 15
    c.LatePenalty.due_dates = {"01-basics": "2027-01-15 23:59:00 Europe/Berlin"}

``set_due_date`` writes a chapter's due date from there into the gradebook before grading, since
nbgrader measures lateness against the assignment's due date in the gradebook.
"""

from __future__ import annotations

import math
import re
from contextlib import nullcontext
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Dict, Float, validate

from dlcourse.grading import gradebook

SECONDS_PER_DAY = 86400
EXAMPLE = "'2027-01-15 23:59:00 Europe/Berlin' or '2027-01-15T23:59:00+01:00'"
_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})$")


def check_policy(per_day: float, cap: float, grace_minutes: float) -> None:
    """Raise ``ValueError`` unless ``per_day >= 0``, ``0 <= cap <= 1`` and ``grace_minutes >= 0``."""
    if not per_day >= 0:                       # written so that NaN fails too
        raise ValueError(f"per_day is the share of the score lost per day late, a number >= 0; got {per_day!r}")
    if not 0 <= cap <= 1:
        raise ValueError(f"cap is the largest share of the score a late submission can lose, between 0 and 1; "
                         f"got {cap!r}")
    if not grace_minutes >= 0:
        raise ValueError(f"grace_minutes is a number of minutes >= 0; got {grace_minutes!r}")


def penalty_fraction(seconds_late: float, per_day: float, cap: float, grace_minutes: float) -> float:
    """The share of the score lost by a submission ``seconds_late`` seconds after its due date (see the module
    docstring): 0 within the grace period, else ``per_day`` for each started day, at most ``cap``."""
    check_policy(per_day, cap, grace_minutes)
    if math.isnan(seconds_late):
        raise ValueError("seconds_late is not a number (NaN)")
    if seconds_late <= grace_minutes * 60:
        return 0.0
    days = math.ceil(seconds_late / SECONDS_PER_DAY)
    return min(cap, round(per_day * days, 12))        # round: 0.1 * 3 is 0.30000000000000004 in floats


class LatePenalty(LateSubmissionPlugin):
    """nbgrader's late-submission plugin with the course's policy: ``per_day`` of the score per started day
    late, at most ``cap``, nothing within ``grace_minutes``. ``due_dates`` maps chapters to due dates (see
    ``due_date``); ``set_due_date`` copies them into the gradebook."""

    per_day = Float(0.10, help="Share of the score lost per started day late (0.10: 10 %).").tag(config=True)
    cap = Float(0.50, help="Largest share of the score a late submission can lose (0 to 1).").tag(config=True)
    grace_minutes = Float(15.0, help="Minutes after the due date that still count as on time.").tag(config=True)
    due_dates = Dict({}, help="Chapter -> due date, e.g. {'01-basics': '2027-01-15 23:59:00 Europe/Berlin'}; "
                              "written into the gradebook when the chapter is graded.").tag(config=True)

    @validate("per_day", "cap", "grace_minutes")
    def _valid_policy(self, proposal):
        name, value = proposal["trait"].name, proposal["value"]
        policy = {"per_day": 0.0, "cap": 0.0, "grace_minutes": 0.0, name: value}
        try:
            check_policy(**policy)
        except ValueError as exc:
            raise ValueError(f"c.LatePenalty.{name} in nbgrader_config.py: {exc}") from None
        return value

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        """The points (not the share) that a notebook scoring ``score`` loses for being ``total_seconds_late``."""
        fraction = penalty_fraction(total_seconds_late, self.per_day, self.cap, self.grace_minutes)
        points = round((score or 0.0) * fraction, 6)
        self.log.info("%s: %.0f s late, late penalty %g of %g points", student_id, total_seconds_late, points,
                      score or 0.0)
        return points


def _zone(name: str):
    """The timezone a due date names at its end (``Europe/Berlin``, ``UTC``, ``+0100``), or None if unknown."""
    offset = _OFFSET.match(name)
    if offset:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _is_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _has_time(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return True
    return False


def due_date(value: str) -> datetime:
    """The moment ``value`` names, as nbgrader stores due dates: a naive datetime in UTC.

    ``value`` is an ISO date and time with an offset (``2027-01-15T23:59:00+01:00``) or a date and time
    followed by a timezone name or offset (``2027-01-15 23:59:00 Europe/Berlin``, ``... UTC``,
    ``... +0100``). A timezone is required: nbgrader would read a bare time as UTC. (nbgrader's own
    ``parse_utc`` reads ``+0100`` after a space as 100 seconds, and an unknown zone name as UTC.)
    """
    if not isinstance(value, str):
        raise ValueError(f"a due date is a string such as {EXAMPLE}; got {value!r}")
    text = " ".join(value.split())
    head, _, last = text.rpartition(" ")
    zone = _zone(last) if head else None
    local = head if zone is not None else text
    try:
        moment = datetime.fromisoformat(local)
    except ValueError:
        if head and _is_datetime(head):
            raise ValueError(f"due date {value!r}: unknown timezone {last!r}; use a name such as Europe/Berlin, "
                             f"America/New_York or UTC, or an offset such as +01:00") from None
        raise ValueError(f"due date {value!r} is not a date and time; write it as {EXAMPLE}") from None
    if not _has_time(local):
        raise ValueError(f"due date {value!r} has no time of day (it would mean midnight at the start of that "
                         f"day); write it as {EXAMPLE}")
    if zone is not None:
        if moment.tzinfo is not None:
            raise ValueError(f"due date {value!r} has both an offset and a timezone; give one of them")
        moment = moment.replace(tzinfo=zone)
    if moment.tzinfo is None:
        raise ValueError(f"due date {value!r} has no timezone, so it is ambiguous; write it as {EXAMPLE}")
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def set_due_date(db_url: str, chapter: str, config, *, lock: bool = False) -> datetime | None:
    """Write ``chapter``'s due date from ``config.LatePenalty.due_dates`` (the course's nbgrader_config.py,
    a traitlets ``Config``) onto its assignment in the gradebook ``db_url``; return it (naive UTC). A chapter
    without a configured due date keeps the gradebook's: return that, or None.

    The write must happen under ``gradebook.writer_lock(db_url)``. ``autograde.prepare`` already holds it
    when it calls this, and the lock is not re-entrant (taking it again in the same process would wait
    forever), so by default this function does not take it; pass ``lock=True`` from a caller that does not
    hold it. The policy is checked here too, so a bad ``per_day``, ``cap`` or ``grace_minutes`` stops grading
    before any notebook runs.
    """
    from nbgrader.api import Gradebook, MissingEntry

    configured = LatePenalty(config=config).due_dates.get(chapter)
    when = None if configured is None else due_date(configured)     # a bad string fails before any write
    if lock:
        gradebook.open_gradebook(db_url).close()                     # the tables, if new (takes the lock)
    with gradebook.writer_lock(db_url) if lock else nullcontext():
        with Gradebook(db_url) as gb:
            if when is not None:
                gb.update_or_create_assignment(chapter, duedate=when)
                return when
            try:
                return gb.find_assignment(chapter).duedate
            except MissingEntry:
                return None



def reassign(db_url: str, chapter: str, config) -> int:
    """Work every late submission's penalties of ``chapter`` out again from the scores it has now, with the
    plugin ``config`` names (``AssignLatePenalties.plugin_class``), as nbgrader's ``AssignLatePenalties`` does
    when it grades; return how many notebooks' penalties changed. nbgrader works a penalty out only when it
    grades a notebook: points given later in the formgrader would otherwise leave it as it was (``dlcourse
    report`` calls this first). Nothing is executed; the writes happen under the gradebook's writer lock."""
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import AssignLatePenalties

    assigner = AssignLatePenalties(config=config)
    assigner.init_plugin()
    changed = 0
    with gradebook.writer_lock(db_url), Gradebook(db_url) as gb:
        for sub in gb.find_assignment(chapter).submissions:
            late = sub.total_seconds_late
            for nb in sub.notebooks:
                penalty = None
                if late > 0:
                    points = assigner.plugin_inst.late_submission_penalty(sub.student_id, nb.score, late)
                    penalty = None if points is None else assigner._check_late_penalty(nb, points)
                if (penalty or 0.0) != (nb.late_submission_penalty or 0.0):
                    nb.late_submission_penalty = penalty
                    changed += 1
        gb.db.commit()
    return changed
