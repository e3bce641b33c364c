"""Assertions for a region's timing rules: due dates, clock deadlines and days off.

Each assertion computes with sp4n's own calendar and clock engine and, when the expectation
is wrong, fails with an :class:`AssertionError` whose message counts the days one by one
(which day is day 1, which days did not count and why, where the computed and the expected
due dates fall), so a failing regional test says what the rule really does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sp4n._time import parse_date
from sp4n.errors import InvalidInputError
from sp4n.sla import (
    DayKind,
    Deadline,
    Explanation,
    Policy,
    Rule,
    SkippedDay,
    SlaClock,
    TimedEvent,
    WorkingCalendar,
    evaluate_clocks,
)

__all__ = [
    "assert_deadline",
    "assert_due",
    "assert_not_working_day",
    "assert_working_day",
    "count_day_by_day",
]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MAX_LINES = 120
"""Longer counts keep their first and last lines; the middle is summarised."""


def _calendar(value: object) -> WorkingCalendar:
    if not isinstance(value, WorkingCalendar):
        raise InvalidInputError(
            "calendar",
            value,
            "must be an sp4n.sla.WorkingCalendar",
            hint="WorkingCalendar.indonesia(region)",
        )
    return value


def _start_date(start: object, calendar: WorkingCalendar) -> dt.date:
    """A date, an ISO date string, or an aware instant read in the calendar's zone."""
    if isinstance(start, dt.datetime):
        return calendar.local_date(start)  # rejects a naive datetime with NaiveDatetimeError
    return parse_date("start", start)


def _rule(rule_or_policy: object, rule_id: str | None) -> Rule:
    if isinstance(rule_or_policy, Rule):
        if rule_id is not None and rule_id != rule_or_policy.id:
            raise InvalidInputError(
                "rule_id", rule_id, f"does not name the rule given ({rule_or_policy.id!r})"
            )
        return rule_or_policy
    if isinstance(rule_or_policy, Policy):
        if rule_id is None:
            raise InvalidInputError(
                "rule_id",
                None,
                f"name the rule of policy {rule_or_policy.name!r} to check",
                hint=f"one of: {', '.join(rule_or_policy.ids)}",
            )
        return rule_or_policy.rule(rule_id)
    raise InvalidInputError(
        "rule", rule_or_policy, "must be an sp4n.sla.Rule, or a Policy with rule_id=..."
    )


def _where(calendar: WorkingCalendar) -> str:
    region = calendar.region or "national"
    return f"calendar {calendar.version} (region {region}, {calendar.timezone.key})"


def _day(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def _off(skipped: SkippedDay) -> str:
    reason = (
        skipped.reason
        if skipped.reason == skipped.reason_en
        else (f"{skipped.reason} / {skipped.reason_en}")
    )
    mark = " (provisional)" if skipped.provisional else ""
    return f"not counted: {skipped.kind.value}, {reason}{mark}"


def count_day_by_day(
    calendar: WorkingCalendar,
    start: dt.date,
    n: int,
    *,
    unit: str = "working_days",
    roll_forward: bool = False,
    expected: dt.date | None = None,
) -> str:
    """Explain a count of ``n`` units from ``start`` one day per line (the failure messages).

    The start day is never counted; for working days each working day after it is "day k"
    and every other day says why it did not count (weekend, holiday, joint leave, regional
    holiday, closure, with the reason); for calendar days every day counts and a roll-forward
    is shown. The computed due date is marked ``<- due``, ``expected`` (when given and
    different) ``<- expected``.

    >>> import datetime as dt
    >>> from sp4n.sla import WorkingCalendar
    >>> text = count_day_by_day(WorkingCalendar.indonesia(), dt.date(2026, 1, 9), 1)
    >>> print(text.split("\\n", 1)[1])
      Fri 2026-01-09  start (not counted)
      Sat 2026-01-10  not counted: weekend, Hari Sabtu / Saturday
      Sun 2026-01-11  not counted: weekend, Hari Minggu / Sunday
      Mon 2026-01-12  day 1  <- due
    """
    calendar = _calendar(calendar)
    explanation = calendar.explain(start, n, unit=unit, roll_forward=roll_forward)
    return _count_lines(calendar, explanation, expected)


def _count_lines(
    calendar: WorkingCalendar, explanation: Explanation, expected: dt.date | None
) -> str:
    start, due, n = explanation.start, explanation.due, explanation.n
    unit = "working day" if explanation.unit == "working_days" else "calendar day"
    plural = "" if n == 1 else "s"
    roll = ", rolled forward to a working day" if explanation.roll_forward else ""
    header = f"counting {n} {unit}{plural} from {_day(start)}{roll} on {_where(calendar)}:"
    last = max(due, expected or due)
    off = {s.date: s for s in calendar.non_working_days(start, last)}
    lines: list[str] = []
    counted = 0
    day = start
    while day <= last:
        text = ""
        if day == start and n > 0:
            text = "start (not counted)"
        elif explanation.unit == "days":
            plain_due = start + dt.timedelta(days=n)
            if day <= plain_due:
                counted = (day - start).days
                text = f"day {counted}" if counted else "start (day 0)"
                if day in off:
                    text += f" ({_off(off[day])[len('not counted: ') :]})"
            elif day in off:
                text = "rolled over: " + _off(off[day])[len("not counted: ") :]
            else:
                text = "next working day"
        elif day in off:
            text = _off(off[day])
        else:
            counted += 1
            text = f"day {counted}" if n > 0 else "day 0 (first working day)"
        marks = []
        if day == due:
            marks.append("<- due")
        if expected is not None and day == expected and expected != due:
            marks.append("<- expected")
        lines.append(f"  {_day(day)}  {text}" + (f"  {' '.join(marks)}" if marks else ""))
        day += dt.timedelta(days=1)
    if len(lines) > _MAX_LINES:
        keep = _MAX_LINES // 2
        hidden = len(lines) - 2 * keep
        lines = [*lines[:keep], f"  ... {hidden} more days ...", *lines[-keep:]]
    return "\n".join([header, *lines])


def _describe_rule(rule: Rule) -> str:
    unit = "working days" if rule.unit.value == "working_days" else "days"
    roll = ", roll forward" if rule.roll_forward else ""
    return (
        f"rule {rule.id} ({rule.title_en}): {rule.length} {unit}{roll}; "
        f"{rule.certainty.value}: {rule.citation}"
    )


def assert_due(
    rule_or_policy: Rule | Policy,
    start: dt.date | dt.datetime | str,
    expected_due: dt.date | str,
    *,
    calendar: WorkingCalendar,
    rule_id: str | None = None,
) -> Explanation:
    """Assert that ``rule`` started on ``start`` falls due on ``expected_due``.

    :param rule_or_policy: an :class:`~sp4n.sla.Rule`, or a :class:`~sp4n.sla.Policy` with
        ``rule_id`` naming one of its rules (e.g. ``load_policy("lapor", region="35.10")``).
    :param start: the start date (the day the clock starts; it never counts), an ISO string,
        or an aware instant (read in the calendar's time zone; naive ones are rejected).
    :param expected_due: the due date the region's SOP says.
    :param calendar: the working calendar to count on, e.g. ``WorkingCalendar.indonesia(code)``.
    :returns: the :class:`~sp4n.sla.Explanation` (due date and skipped days) when it holds.
    :raises AssertionError: with the count day by day when the due date differs.
    """
    calendar = _calendar(calendar)
    rule = _rule(rule_or_policy, rule_id)
    day = _start_date(start, calendar)
    expected = parse_date("expected_due", expected_due)
    explanation = calendar.explain(
        day, rule.length, unit=rule.unit.value, roll_forward=rule.roll_forward
    )
    if explanation.due != expected:
        raise AssertionError(
            f"{rule.id} started on {_day(day)}: expected due {_day(expected)}, "
            f"but sp4n computes {_day(explanation.due)}\n"
            f"{_describe_rule(rule)}\n{_count_lines(calendar, explanation, expected)}"
        )
    return explanation


def _events_lines(events: Sequence[TimedEvent], calendar: WorkingCalendar) -> list[str]:
    return [
        f"  {event.occurred_at.isoformat()} ({_day(calendar.local_date(event.occurred_at))} "
        f"local)  {event.type}" + (f" {dict(event.payload)}" if event.payload else "")
        for event in events
    ]


def _clock_summary(clock: SlaClock, deadline: Deadline | None) -> str:
    parts = [f"status {clock.status.value}", f"cycle {clock.cycle}"]
    if deadline is not None:
        parts.append(f"counted from {_day(deadline.start_date)}")
        parts.append(f"base due {_day(deadline.base_due_date)}")
        if deadline.paused:
            parts.append(f"+{deadline.paused} paused")
        if deadline.extended_working_days:
            parts.append(f"+{deadline.extended_working_days} extended working days")
    if clock.note:
        parts.append(f"note: {clock.note}")
    return ", ".join(parts)


def assert_deadline(
    policy: Policy,
    events: Sequence[TimedEvent],
    expected_due: dt.date | str,
    *,
    rule_id: str,
    calendar: WorkingCalendar,
    now: dt.datetime | None = None,
) -> Deadline:
    """Assert that, after ``events``, the clock of ``rule_id`` falls due on ``expected_due``.

    Unlike :func:`assert_due`, this runs sp4n's clock engine over a complaint's history, so
    pauses (``info_requested`` ... ``info_provided``), extensions, restarts and anchors count.

    :param policy: the policy in force (with the region's overrides).
    :param events: the complaint's events in order (``sp4n.lifecycle.Event`` or any
        :class:`~sp4n.sla.TimedEvent`).
    :param expected_due: the due date expected for the rule's current cycle.
    :param rule_id: the rule whose clock is checked.
    :param calendar: the working calendar of the handling agency.
    :param now: evaluate the clocks as they stand at this aware instant (default: the last
        event's instant).
    :returns: the clock's :class:`~sp4n.sla.Deadline` when it holds.
    :raises AssertionError: when the clock has no deadline or a different one; the message
        lists the events and the count day by day.
    """
    calendar = _calendar(calendar)
    if not isinstance(policy, Policy):
        raise InvalidInputError("policy", policy, "must be an sp4n.sla.Policy")
    rule = policy.rule(rule_id)
    history = tuple(events)
    if not history:
        raise InvalidInputError("events", (), "a complaint history has at least one event")
    at = now if now is not None else max(event.occurred_at for event in history)
    expected = parse_date("expected_due", expected_due)
    (clock,) = [
        c for c in evaluate_clocks(policy, history, calendar, now=at) if c.rule.id == rule.id
    ]
    deadline = clock.deadline
    if deadline is not None and deadline.due_date == expected:
        return deadline
    got = "no deadline" if deadline is None else _day(deadline.due_date)
    lines = [
        f"{rule.id} after {len(history)} event(s): expected due {_day(expected)}, "
        f"but sp4n computes {got}",
        _describe_rule(rule),
        f"clock: {_clock_summary(clock, deadline)}",
        f"events (evaluated at {at.isoformat()}):",
        *_events_lines(history, calendar),
    ]
    if deadline is not None:
        lines.append(_count_lines(calendar, deadline.explanation, expected))
    raise AssertionError("\n".join(lines))


def _nearby(calendar: WorkingCalendar, day: dt.date) -> list[str]:
    first = max(day - dt.timedelta(days=7), calendar.first_date)
    last = min(day + dt.timedelta(days=7), calendar.last_date)
    return [
        f"  {_day(s.date)}  {s.kind.value}: {s.reason}"
        for s in calendar.non_working_days(first, last)
        if s.kind is not DayKind.WEEKEND
    ]


def assert_not_working_day(
    calendar: WorkingCalendar,
    day: dt.date | str,
    *,
    kind: DayKind | str | None = None,
) -> SkippedDay:
    """Assert that ``day`` is not a working day on ``calendar`` (optionally of ``kind``).

    :param kind: ``weekend``, ``holiday``, ``joint_leave``, ``regional`` or ``closure``.
    :returns: the :class:`~sp4n.sla.SkippedDay` (kind, reason, source) when it holds.
    :raises AssertionError: naming the calendar version, the overlays in force and the days
        off near ``day``, when it is a working day or a day off of another kind.
    """
    calendar = _calendar(calendar)
    checked = parse_date("day", day)
    wanted = None if kind is None else DayKind(kind)
    if calendar.is_working_day(checked):
        overlays = [
            f"  {o.date}{'..' + str(o.end) if o.end else ''} {o.kind.value}: {o.reason} "
            f"[{o.revision}, {o.certainty}]"
            for o in calendar.overlays
        ]
        nearby = _nearby(calendar, checked)
        raise AssertionError(
            f"{_day(checked)} is a working day on {_where(calendar)}: no national holiday, "
            "cuti bersama or overlay makes it a day off\n"
            + "overlays given to this calendar:\n"
            + ("\n".join(overlays) if overlays else "  (none)")
            + "\ndays off within a week of it (weekends left out):\n"
            + ("\n".join(nearby) if nearby else "  (none)")
        )
    (off,) = calendar.non_working_days(checked, checked)
    if wanted is not None and off.kind is not wanted:
        raise AssertionError(
            f"{_day(checked)} is a day off on {_where(calendar)}, but of kind "
            f"{off.kind.value!r} ({off.reason}), not {wanted.value!r}"
        )
    return off


def assert_working_day(calendar: WorkingCalendar, day: dt.date | str) -> None:
    """Assert that ``day`` is a working day on ``calendar``.

    :raises AssertionError: saying which kind of day off it is and why (its reason and source).
    """
    calendar = _calendar(calendar)
    checked = parse_date("day", day)
    if not calendar.is_working_day(checked):
        (off,) = calendar.non_working_days(checked, checked)
        source = f" (source: {off.source})" if off.source else ""
        raise AssertionError(
            f"{_day(checked)} is not a working day on {_where(calendar)}: "
            f"{off.kind.value}, {off.reason}{source}"
        )
