"""The officer's queues and each complaint's nearest deadline, explained day by day.

Rows come from the Desk's projection (``Desk.list``) limited to the officer's scope: an
admin's region, a liaison's agency, a supervisor's region and agency. Which complaint an
officer may open or act on is still decided by the Desk (``Desk.view`` and the verbs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from sp4n import Desk
from sp4n.adapters import ComplaintRow
from sp4n.lifecycle import Actor, Role, Status
from sp4n.sla import ClockStatus, SlaClock

__all__ = [
    "QUEUES",
    "ROLE_QUEUES",
    "DayLine",
    "Nearest",
    "nearest_deadline",
    "queues",
    "scoped_rows",
]

QUEUES = ("triage", "due", "overdue", "awaiting")
"""Queue ids in the order the console shows them (an admin's and a supervisor's)."""

ROLE_QUEUES = {
    Role.LIAISON: ("triage", "drafted", "due", "overdue", "awaiting"),
    Role.UNIT: ("disposed", "due", "overdue", "awaiting"),
}
"""The queues of a liaison (with the unit drafts awaiting approval) and of a unit officer
(complaints disposed to the unit and not yet drafted); other roles have :data:`QUEUES`."""

_TRIAGE = frozenset({Status.SUBMITTED, Status.VERIFIED, Status.RETURNED})
_TO_ANSWER = frozenset({Status.FORWARDED, Status.IN_PROGRESS})  # a liaison's triage
_AWAITING = frozenset({Status.AWAITING_REPORTER, Status.ON_HOLD})
_OPEN = [s for s in Status if not s.is_closed]
_LIVE = frozenset({ClockStatus.RUNNING, ClockStatus.PAUSED, ClockStatus.BREACHED})


def scoped_rows(desk: Desk, actor: Actor, *, open_only: bool = True) -> Iterator[ComplaintRow]:
    """Projection rows inside ``actor``'s scope (open complaints unless ``open_only=False``)."""
    agency = actor.agency if actor.role in (Role.LIAISON, Role.SUPERVISOR, Role.UNIT) else None
    statuses: list[Status | None] = list(_OPEN) if open_only else [None]
    for status in statuses:
        offset = 0
        while True:
            page = desk.list(
                status=None if status is None else status.value,
                agency=agency,
                region_prefix=actor.region,
                limit=500,
                offset=offset,
            )
            yield from page
            if len(page) < 500:
                break
            offset += 500


def queues(desk: Desk, actor: Actor, now: dt.datetime) -> dict[str, list[ComplaintRow]]:
    """The rows of each queue of ``actor``'s role (:data:`QUEUES`, :data:`ROLE_QUEUES`),
    nearest due date first.

    ``triage`` holds, for an admin or supervisor, complaints to verify or (re)forward
    (submitted, verified, returned); for a liaison, those forwarded to their agency and not
    yet answered (forwarded, in progress). A liaison's ``drafted`` holds the complaints whose
    unit drafted a follow-up awaiting approval. A unit officer sees only the complaints
    disposed to their unit; ``disposed`` holds those not yet drafted.
    ``due`` holds rows due today or tomorrow and ``overdue`` rows whose due date passed,
    both in the complaint region's local calendar at ``now``.
    """
    names = ROLE_QUEUES.get(actor.role, QUEUES)
    out: dict[str, list[ComplaintRow]] = {name: [] for name in names}
    for row in scoped_rows(desk, actor):
        status = Status(row.status)
        if actor.role is Role.UNIT or (actor.role is Role.LIAISON and status is Status.IN_PROGRESS):
            complaint = desk.get(row.complaint_id)  # the unit and draft are not in the row
            if actor.role is Role.UNIT:
                if complaint.unit != actor.unit:
                    continue  # another unit's, or not disposed at all
                if status is Status.IN_PROGRESS and complaint.draft is None:
                    out["disposed"].append(row)
            elif complaint.draft is not None:
                out["drafted"].append(row)
        if "triage" in out and status in (_TO_ANSWER if actor.role is Role.LIAISON else _TRIAGE):
            out["triage"].append(row)
        if status in _AWAITING:
            out["awaiting"].append(row)
        if row.next_due is None:
            continue
        today = desk.rules.calendar_for_region(row.region).local_date(now)
        if row.next_due < today:
            out["overdue"].append(row)
        elif row.next_due <= today + dt.timedelta(days=1):
            out["due"].append(row)
    far = dt.date.max
    for rows in out.values():
        rows.sort(key=lambda r: (r.next_due or far, r.tracking_id))
    return out


@attrs.frozen
class DayLine:
    """One day between a deadline's start and its due date: a working day or why not."""

    date: dt.date
    working_day: int | None
    reason: str | None
    reason_en: str | None


@attrs.frozen
class Nearest:
    """The running clock due first, with the days from its start to its due date."""

    clock: SlaClock
    due: dt.date
    days: tuple[DayLine, ...]


def nearest_deadline(desk: Desk, ref: str, now: dt.datetime) -> Nearest | None:
    """The complaint's live clock with the earliest due date, explained day by day."""
    live = [c for c in desk.clocks(ref, now=now) if c.status in _LIVE and c.deadline is not None]
    if not live:
        return None
    clock = min(live, key=lambda c: c.deadline.due_date if c.deadline else dt.date.max)
    deadline = clock.deadline
    assert deadline is not None
    skipped = {s.date: s for s in deadline.explanation.skipped}
    lines = [DayLine(deadline.start_date, 0, None, None)]
    count = 0
    day = deadline.start_date
    while day < deadline.due_date and len(lines) < 400:
        day += dt.timedelta(days=1)
        if day in skipped and deadline.unit == "working_days":
            lines.append(DayLine(day, None, skipped[day].reason, skipped[day].reason_en))
        else:
            count += 1
            lines.append(DayLine(day, count, None, None))
    return Nearest(clock, deadline.due_date, tuple(lines))
