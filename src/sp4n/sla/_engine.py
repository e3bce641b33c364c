"""The clock engine: fold a complaint's event history into one clock per rule.

Each rule is walked over the events in the order given (the stream order). The
engine keeps a *context*, the latest value of every payload key seen so far, which
a rule's ``when`` conditions are checked against (``tier`` comes from ``verified``
or ``extended``). Only events at or before ``now`` count, so the same history
evaluated at an earlier instant shows the clocks as they stood then.

Semantics (ARCHITECTURE.md counting convention, decisions 0020-0024):

* start: the first ``starts`` event whose context matches ``when``. If a start event
  happened while ``when`` did not hold and a later event makes it hold (a tier is
  reclassified), the clock starts retroactively at that first start event.
* a running clock whose ``when`` stops holding is closed as ``superseded``.
* pause/resume: the working days in ``(pause date, resume date]`` are added to the due
  date (calendar days for a calendar-day rule). A working-day clock is never due before
  the first working day from the resume date (one paused on its due date and resumed on
  a holiday is due the next working day). A pause that begins after the due date does
  not undo the breach.
* extension: an ``extended`` event adds working days (its ``working_days``, else the
  cap) to every open extendable clock, or the one named by ``rule_id``; at most
  ``max_times`` per cycle and ``max_working_days`` each; refused once the due date passed.
* restart/reopen: a new cycle from zero; the earlier cycle is kept in ``previous``.
* kept deadline (decision 0083): a ``deadline_moved`` event naming the rule (its
  ``rule_id``) during a cycle puts a floor under that cycle's due date: its ``new_due``,
  the date last communicated. A calendar revision that computes an earlier date therefore
  never shortens it, for every reader of the clock (decision 0150).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from sp4n._time import parse_date, require_aware
from sp4n.errors import InvalidDateError
from sp4n.sla._calendar import WorkingCalendar
from sp4n.sla._clock_values import (
    ClockStatus,
    Deadline,
    Extension,
    SlaClock,
    TimedEvent,
    expiry_status,
)
from sp4n.sla._policy import Policy
from sp4n.sla._sla_rules import OnExpiry, Rule, Unit

__all__ = ["evaluate_clock", "evaluate_clocks", "kept_date"]

_DAY = dt.timedelta(days=1)
EXTENDED = "extended"
DEADLINE_MOVED = "deadline_moved"


@attrs.define
class _Cycle:
    """Mutable state of one clock cycle while the history is walked."""

    number: int
    started_at: dt.datetime
    start_date: dt.date
    pauses: list[tuple[dt.date, dt.date | None]] = attrs.Factory(list)
    # extended events in order: (local date, event, refusal note or None)
    adjustments: list[tuple[dt.date, TimedEvent, str | None]] = attrs.Factory(list)
    stopped_at: dt.datetime | None = None
    stop_date: dt.date | None = None
    stopped_by: str | None = None
    stopped_while_paused: bool = False
    note: str | None = None
    kept: dt.date | None = None  # the latest due date a deadline_moved event recorded

    @property
    def is_open(self) -> bool:
        return self.stopped_at is None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None


class _Walker:
    """Walks one rule over the events."""

    def __init__(
        self,
        rule: Rule,
        calendar: WorkingCalendar,
        events: Sequence[TimedEvent],
        days: Sequence[dt.date],
    ) -> None:
        self.rule = rule
        self.calendar = calendar
        self.events = events
        self.days = days
        self.watched = rule.events | {EXTENDED, DEADLINE_MOVED}
        self.conditional = bool(rule.when)
        self.cycle: _Cycle | None = None
        self.done: list[_Cycle] = []
        self.pending: int | None = None  # index of a start event seen while `when` failed
        self.note: str | None = None

    # -- transitions ----------------------------------------------------------------------

    def _start(self, index: int, *, number: int) -> bool:
        rule, event = self.rule, self.events[index]
        started_at = event.occurred_at
        start_date = self.days[index]
        if rule.anchor is not None:
            raw = event.payload.get(rule.anchor)
            if raw is None:
                self.note = f"payload key {rule.anchor!r} absent: the clock did not start"
                return False
            try:
                start_date = parse_date(rule.anchor, raw)
            except InvalidDateError:
                self.note = f"payload {rule.anchor} = {raw!r} is not a date: not started"
                return False
            started_at = self.calendar.start_of_day(start_date)
        if self.cycle is not None:
            self._close(index, by=event.type)
            self.done.append(self.cycle)
        self.cycle = _Cycle(number=number, started_at=started_at, start_date=start_date)
        self.note = None
        return True

    def _close(self, index: int, *, by: str) -> None:
        cycle = self.cycle
        if cycle is None or not cycle.is_open:
            return
        day = self.days[index]
        if cycle.paused:
            cycle.pauses[-1] = (cycle.pauses[-1][0], max(day, cycle.pauses[-1][0]))
            cycle.stopped_while_paused = True
        cycle.stopped_at = self.events[index].occurred_at
        cycle.stop_date = day
        cycle.stopped_by = by

    def _apply(self, index: int) -> None:
        """Stop/pause/resume/extend an open cycle (no starting here)."""
        event = self.events[index]
        cycle, rule, kind = self.cycle, self.rule, event.type
        if cycle is None or not cycle.is_open:
            return
        day = self.days[index]
        if kind in rule.stops:
            self._close(index, by=kind)
        elif kind in rule.pauses and not cycle.paused:
            cycle.pauses.append((max(day, cycle.start_date), None))
        elif kind in rule.resumes and cycle.paused:
            cycle.pauses[-1] = (cycle.pauses[-1][0], max(day, cycle.pauses[-1][0]))
        if kind == EXTENDED:
            self._extend(cycle, event, day)
        elif kind == DEADLINE_MOVED:
            self._keep(cycle, event)

    def _keep(self, cycle: _Cycle, event: TimedEvent) -> None:
        kept = kept_date(event, self.rule.id)
        if kept is not None:
            cycle.kept = kept if cycle.kept is None else max(cycle.kept, kept)

    def _extend(self, cycle: _Cycle, event: TimedEvent, day: dt.date) -> None:
        payload = event.payload
        target = payload.get("rule_id")
        if target is not None and target != self.rule.id:
            return
        if self.rule.extension is None:
            if target == self.rule.id:
                cycle.adjustments.append((day, event, "this rule allows no extension"))
            return
        if "working_days" not in payload and payload.get("tier") is not None:
            return  # a reclassification, not an extension of this clock
        cycle.adjustments.append((day, event, None))

    def step(self, index: int, context: Mapping[str, Any]) -> None:
        rule, kind = self.rule, self.events[index].type
        if not self.conditional:
            if kind not in self.watched:
                return  # fast path: nothing here concerns this rule
            matches = True
        else:
            matches = rule.when.matches(context)
        cycle = self.cycle
        if cycle is not None and cycle.is_open and not matches:
            self._close(index, by="superseded")
            return
        if cycle is None and self.pending is not None and matches:
            first = self.pending
            self.pending = None
            if self._start(first, number=1):
                for later in range(first + 1, index):
                    self._apply(later)
            cycle = self.cycle
        started = False
        if kind in rule.starts and cycle is None:
            if matches:
                started = self._start(index, number=1)
            elif self.pending is None:
                self.pending = index
        elif (
            cycle is not None
            and matches
            and (kind in rule.restarts or (kind in rule.reopens and not cycle.is_open))
            and cycle.stopped_by != "superseded"
        ):
            started = self._start(index, number=cycle.number + 1)
        if started:
            if rule.anchor is not None and kind in rule.stops:
                self._close(index, by=kind)
            return
        self._apply(index)

    # -- results --------------------------------------------------------------------------

    def results(self, now: dt.datetime) -> SlaClock:
        if self.cycle is None:
            return SlaClock(rule=self.rule, status=ClockStatus.NOT_STARTED, note=self.note)
        today = self.calendar.local_date(now)
        previous = tuple(_evaluate_cycle(self.rule, self.calendar, c, today) for c in self.done)
        return _evaluate_cycle(
            self.rule, self.calendar, self.cycle, today, previous=previous, note=self.note
        )


def kept_date(event: TimedEvent, rule_id: str) -> dt.date | None:
    """The due date a ``deadline_moved`` event communicated for ``rule_id``, else ``None``.

    The engine never lets a clock of that rule fall due before it in the same cycle
    (decision 0083, 0150); readers that count deadlines outside the engine (the
    compliance report) apply it the same way.
    """
    if event.type != DEADLINE_MOVED or event.payload.get("rule_id") != rule_id:
        return None
    try:
        return parse_date("new_due", event.payload.get("new_due"))
    except InvalidDateError:
        return None  # not a date: nothing was communicated by it


def _shift(
    rule: Rule, calendar: WorkingCalendar, due: dt.date, raw: dt.date, units: int
) -> tuple[dt.date, dt.date]:
    """Move a due date out by ``units`` of the rule's unit; return (due, raw due)."""
    if units <= 0:
        return due, raw
    if rule.unit is Unit.WORKING_DAYS:
        due = calendar.add_working_days(due, units)
        return due, due
    raw = raw + dt.timedelta(days=units)
    return calendar.add_days(raw, 0, roll_forward=rule.roll_forward), raw


def _evaluate_cycle(
    rule: Rule,
    calendar: WorkingCalendar,
    cycle: _Cycle,
    today: dt.date,
    *,
    previous: tuple[SlaClock, ...] = (),
    note: str | None = None,
) -> SlaClock:
    start = cycle.start_date
    if rule.unit is Unit.WORKING_DAYS:
        base = calendar.add_working_days(start, rule.length)
        raw = base
    else:
        raw = start + dt.timedelta(days=rule.length)
        base = calendar.add_days(start, rule.length, roll_forward=rule.roll_forward)
    due = base
    paused_units = paused_wd = extended = granted_times = 0
    late_pause = paused_in_time = False
    extensions: list[Extension] = []
    # pauses sort before extensions recorded on the same day
    timeline: list[tuple[dt.date, int, int]] = [
        (p, 0, i) for i, (p, _r) in enumerate(cycle.pauses)
    ] + [(d, 1, i) for i, (d, _e, _n) in enumerate(cycle.adjustments)]
    for day, kind, index in sorted(timeline):
        if kind == 0:
            pause_day, resume_day = cycle.pauses[index]
            is_last = index == len(cycle.pauses) - 1
            if pause_day > due:  # the clock had already run out: the pause changes nothing
                late_pause = late_pause or (is_last and resume_day is None)
                continue
            if is_last:
                paused_in_time = True
            end = resume_day if resume_day is not None else max(today, pause_day)
            wd = calendar.working_days_between(pause_day, end)
            units = wd if rule.unit is Unit.WORKING_DAYS else (end - pause_day).days
            paused_wd += wd
            paused_units += units
            due, raw = _shift(rule, calendar, due, raw, units)
            if rule.unit is Unit.WORKING_DAYS:
                # A clock paused on its due date is due again no earlier than the first
                # working day from the resume date (or today, while still paused): with a
                # non-working resume date the shifted date would otherwise fall before it.
                # The extra days count as paused, so due = start + length + paused holds.
                floor = calendar.add_working_days(end, 0)
                if due < floor:
                    extra = calendar.working_days_between(due, floor)
                    paused_wd += extra
                    paused_units += extra
                    due = raw = floor
            continue
        _day, event, refusal = cycle.adjustments[index]
        cap = rule.extension
        requested = event.payload.get("working_days", cap.max_working_days if cap else 0)
        if refusal is not None or cap is None:
            extensions.append(_record(event, requested, 0, refusal))
            continue
        if isinstance(requested, bool) or not isinstance(requested, int) or requested < 1:
            extensions.append(_record(event, 0, 0, f"working_days = {requested!r} is not >= 1"))
            continue
        if day > due:
            extensions.append(_record(event, requested, 0, f"the clock ran out on {due}"))
            continue
        if granted_times >= cap.max_times:
            limit = f"at most {cap.max_times} extension(s) per clock"
            extensions.append(_record(event, requested, 0, limit))
            continue
        granted = min(requested, cap.max_working_days)
        note = None if granted == requested else f"capped at {cap.max_working_days} working days"
        extensions.append(_record(event, requested, granted, note))
        granted_times += 1
        extended += granted
        due = calendar.add_working_days(due, granted)
        raw = due
    kept_from = None
    if cycle.kept is not None and cycle.kept > due:
        kept_from, due = due, cycle.kept
    if rule.unit is Unit.WORKING_DAYS or kept_from is not None:
        explanation = calendar.explain(start, calendar.working_days_between(start, due))
    elif extended == 0:
        explanation = calendar.explain(
            start, (raw - start).days, unit="days", roll_forward=rule.roll_forward
        )
    else:
        explanation = calendar.explain(start, (due - start).days, unit="days")
    provisional = explanation.provisional or (
        extended > 0 and calendar.is_provisional_between(start, due)
    )
    deadline = Deadline(
        rule_id=rule.id,
        start_date=start,
        due_date=due,
        due_at=calendar.start_of_day(due + _DAY),
        unit=rule.unit,
        n=rule.length,
        provisional=provisional,
        calendar_version=calendar.version,
        explanation=explanation,
        base_due_date=base,
        paused=paused_units,
        extended_working_days=extended,
        kept_from=kept_from,
    )
    status, met = _status(rule, cycle, due, today, late_pause)
    if met is False and cycle.stopped_while_paused and paused_in_time:
        met = True  # stopped while paused, and the pause began in time
    return SlaClock(
        rule=rule,
        status=status,
        started_at=cycle.started_at,
        stopped_at=cycle.stopped_at,
        deadline=deadline,
        paused_working_days=paused_wd,
        extensions=tuple(extensions),
        met=met,
        stopped_by=cycle.stopped_by,
        cycle=cycle.number,
        previous=previous,
        note=cycle.note or note,
    )


def _status(
    rule: Rule, cycle: _Cycle, due: dt.date, today: dt.date, late_pause: bool
) -> tuple[ClockStatus, bool | None]:
    if cycle.stop_date is not None:
        if rule.on_expiry is OnExpiry.COMPLETE:
            return ClockStatus.STOPPED, None
        if cycle.stopped_by == "superseded":
            return ClockStatus.STOPPED, (False if cycle.stop_date > due else None)
        return ClockStatus.STOPPED, cycle.stop_date <= due
    if cycle.paused and not late_pause:
        return ClockStatus.PAUSED, None
    if today > due:
        return expiry_status(rule), None
    return ClockStatus.RUNNING, None


def _record(event: TimedEvent, requested: Any, granted: int, note: str | None) -> Extension:
    reason = event.payload.get("reason")
    return Extension(
        at=event.occurred_at,
        reason=str(reason) if reason else "",
        requested=requested if isinstance(requested, int) else 0,
        granted=granted,
        note=note,
    )


def _walkers(
    rules: Sequence[Rule],
    events: Sequence[TimedEvent],
    calendar: WorkingCalendar,
    now: dt.datetime,
) -> list[_Walker]:
    """Walk every rule over the events at or before ``now``."""
    now = require_aware("now", now)
    kept: list[TimedEvent] = []
    for number, event in enumerate(events):
        when = require_aware(f"events[{number}].occurred_at", event.occurred_at)
        if when <= now:
            kept.append(event)
    days = [calendar.local_date(event.occurred_at) for event in kept]
    walkers = [_Walker(rule, calendar, kept, days) for rule in rules]
    context: dict[str, Any] = {}
    for index, event in enumerate(kept):
        context.update((k, v) for k, v in event.payload.items() if v is not None)
        for walker in walkers:
            walker.step(index, context)
    return walkers


def evaluate_clock(
    rule: Rule, events: Sequence[TimedEvent], calendar: WorkingCalendar, *, now: dt.datetime
) -> SlaClock:
    """Evaluate one rule's clock over ``events`` as it stands at ``now``."""
    (walker,) = _walkers((rule,), events, calendar, now)
    return walker.results(now)


def evaluate_clocks(
    policy: Policy, events: Sequence[TimedEvent], calendar: WorkingCalendar, *, now: dt.datetime
) -> tuple[SlaClock, ...]:
    """Every clock of ``policy`` over a complaint's ``events``, as they stand at ``now``.

    ``events`` are in stream order, each with ``type``, an aware ``occurred_at`` and a
    ``payload``; those after ``now`` are ignored. Dates are read in ``calendar``'s time
    zone (the handling agency's). Returns one :class:`SlaClock` per rule, in policy order.
    """
    return tuple(walker.results(now) for walker in _walkers(policy.rules, events, calendar, now))
