"""The day the sweep next has something to do for a complaint (decision 0181).

The sweep (decision 0080) sends, for each clock owed by the agency's liaison or an admin, a
warning ``warn_working_days`` before the due date, a breach notice the day after it, and an
escalation once it is ``escalate_after_working_days`` working days late. Each stage is a
local date in the complaint's calendar, known as soon as the due date is known, so the
projection row stores the earliest stage not yet recorded (``ComplaintRow.next_action``)
and the sweep reads only rows whose day has come: an overdue complaint already escalated is
not read again until something happens to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

from sp4n.desk._hours import SweepConfig
from sp4n.errors import Sp4nError
from sp4n.lifecycle import Complaint, Event, EventType
from sp4n.sla import ClockStatus, OnExpiry, SlaClock, WorkingCalendar

__all__ = ["STAGES", "next_action", "notice_recorded", "owed_clocks", "stage_days"]

STAGES = ("warning", "breach", "escalation")
"""The sweep's notices for one clock, in the order they fall due."""

_DAY = dt.timedelta(days=1)
_NOTICE_EVENTS = frozenset({EventType.REMINDED, EventType.ESCALATED})  # notice_recorded's
_WALK = 400  # days searched for a stage; a calendar ends before a longer walk would


OWERS = ("liaison", "admin", "unit")
"""Roles whose running-out clocks the sweep warns about (a unit's: warning and breach only)."""


def owed_clocks(complaint: Complaint, clocks: Sequence[SlaClock]) -> Iterator[SlaClock]:
    """The clocks the sweep watches: escalating rules owed by a liaison (once an agency
    holds the complaint), a work unit (once disposed to it) or an admin, counting or
    breached, with a deadline."""
    for clock in clocks:
        rule = clock.rule
        if rule.on_expiry is not OnExpiry.ESCALATE or rule.role not in OWERS:
            continue
        if clock.deadline is None or clock.status not in (
            ClockStatus.RUNNING,
            ClockStatus.BREACHED,
        ):
            continue
        if rule.role == "liaison" and complaint.agency is None:
            continue
        if rule.role == "unit" and complaint.unit is None:
            continue
        yield clock


def notice_recorded(
    history: Sequence[Event], rule_id: str, stage: str, due: dt.date, calendar: WorkingCalendar
) -> bool:
    """Whether a notice of ``stage`` for ``rule_id`` due ``due`` is in the history already."""
    iso = due.isoformat()
    for event in history:
        payload = event.payload
        if payload.get("rule_id") != rule_id:
            continue
        if event.type == EventType.REMINDED:
            if payload.get("due") == iso and payload.get("stage") == stage:
                return True
        elif (
            stage == "escalation"
            and event.type == EventType.ESCALATED
            and event.occurred_at.astimezone(calendar.timezone).date() > due
        ):
            return True
    return False


def stage_days(due: dt.date, calendar: WorkingCalendar, config: SweepConfig) -> dict[str, dt.date]:
    """The first local date of each stage for a clock due ``due``: the same tests the
    sweep applies (``lead <= warn_working_days``; ``today > due``; ``late >
    escalate_after_working_days``), solved for the day. No warning when the lead is 0."""
    days: dict[str, dt.date] = {}
    if config.warn_working_days:
        days["warning"] = _walk(
            due,
            -_DAY,
            lambda day: calendar.working_days_between(day - _DAY, due) > config.warn_working_days,
        )
    days["breach"] = due + _DAY
    days["escalation"] = _walk(
        due + _DAY,
        _DAY,
        lambda day: calendar.working_days_between(due, day) > config.escalate_after_working_days,
    )
    return days


def _walk(day: dt.date, step: dt.timedelta, stop: Callable[[dt.date], bool]) -> dt.date:
    """Step from ``day`` until ``stop(day)``; the day reached when the calendar ends first
    (the sweep cannot count beyond the calendar either)."""
    for _ in range(_WALK):
        try:
            if stop(day):
                return day
        except Sp4nError:
            return day
        day += step
    return day


def next_action(
    complaint: Complaint,
    clocks: Sequence[SlaClock],
    calendar: WorkingCalendar,
    config: SweepConfig,
) -> dt.date | None:
    """The earliest local date on which the sweep has a notice to record, ``None`` if none.

    Per watched clock, the stage after the last one recorded (a warning missed because the
    sweep did not run is not owed any more once the breach notice is out); the earliest
    over all clocks. ``clocks`` are those at the complaint's last event.
    """
    if complaint.status.is_closed:
        return None
    found: list[dt.date] = []
    # only these two event types record a notice: the rest of the history is read once
    notices = [e for e in complaint.history if e.type in _NOTICE_EVENTS]
    for clock in owed_clocks(complaint, clocks):
        assert clock.deadline is not None  # owed_clocks made sure
        due = clock.deadline.due_date
        days = stage_days(due, calendar, config)
        stages = [stage for stage in STAGES if stage in days]
        recorded = [
            index
            for index, stage in enumerate(stages)
            if notices and notice_recorded(notices, clock.rule.id, stage, due, calendar)
        ]
        rest = stages[max(recorded) + 1 :] if recorded else stages
        if rest:
            found.append(days[rest[0]])
    return min(found) if found else None
