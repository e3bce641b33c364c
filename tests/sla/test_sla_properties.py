"""Hypothesis properties of the clock engine over random event histories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from sp4n.sla import (
    ClockStatus,
    Overlay,
    SlaClock,
    Unit,
    WorkingCalendar,
    evaluate_clocks,
    load_policy,
)

WIB = ZoneInfo("Asia/Jakarta")
CAL = WorkingCalendar.indonesia()
POLICY = load_policy()
PAUSING = {"held", "info_requested"}


@dataclass(frozen=True)
class Ev:
    type: str
    occurred_at: dt.datetime
    payload: Mapping[str, Any] = field(default_factory=dict)


TYPES = [
    "verified",
    "held",
    "forwarded",
    "returned",
    "info_requested",
    "info_provided",
    "followed_up",
    "reporter_replied",
    "admin_replied",
    "extended",
    "completed",
    "escalated",
]


@st.composite
def histories(draw: st.DrawFn) -> list[Ev]:
    start = draw(st.dates(dt.date(2025, 1, 1), dt.date(2027, 6, 30)))
    hour = draw(st.integers(0, 23))
    when = dt.datetime.combine(start, dt.time(hour), tzinfo=WIB)
    service = start - dt.timedelta(days=draw(st.integers(0, 60)))
    events = [Ev("submitted", when, {"service_received_on": service.isoformat()})]
    for _ in range(draw(st.integers(0, 12))):
        when += dt.timedelta(hours=draw(st.integers(0, 24 * 9)))
        kind = draw(st.sampled_from(TYPES))
        payload: dict[str, Any] = {}
        if kind == "verified":
            payload["tier"] = draw(st.sampled_from(["simple", "dispute", "field_examination"]))
        elif kind == "extended":
            payload["reason"] = "perlu waktu"
            choice = draw(st.integers(0, 2))
            if choice == 1:
                payload["working_days"] = draw(st.integers(1, 12))
            elif choice == 2:
                payload["tier"] = draw(st.sampled_from(["simple", "dispute", "field_examination"]))
        elif kind == "followed_up" and draw(st.booleans()):
            payload["decided_on"] = (when.date() - dt.timedelta(days=3)).isoformat()
        events.append(Ev(kind, when, payload))
    return events


def nows(events: list[Ev]) -> st.SearchStrategy[dt.datetime]:
    last = events[-1].occurred_at
    return st.integers(0, 24 * 120).map(lambda h: last + dt.timedelta(hours=h))


def cycles(clock: SlaClock) -> list[SlaClock]:
    return [*clock.previous, clock]


@given(st.data())
def test_replaying_the_same_history_gives_the_same_result(data: st.DataObject) -> None:
    events = data.draw(histories())
    now = data.draw(nows(events))
    first = evaluate_clocks(POLICY, events, CAL, now=now)
    assert evaluate_clocks(POLICY, list(events), CAL, now=now) == first
    assert evaluate_clocks(POLICY, tuple(events), CAL, now=now + dt.timedelta(0)) == first


@given(st.data())
def test_deadlines_are_consistent_with_the_counting_convention(data: st.DataObject) -> None:
    events = data.draw(histories())
    now = data.draw(nows(events))
    for clock in evaluate_clocks(POLICY, events, CAL, now=now):
        if clock.status is ClockStatus.NOT_STARTED:
            assert clock.deadline is None
            continue
        for cycle in cycles(clock):
            deadline = cycle.deadline
            assert deadline is not None
            assert deadline.due_date >= deadline.base_due_date > deadline.start_date
            assert deadline.due_at == CAL.start_of_day(deadline.due_date + dt.timedelta(days=1))
            assert deadline.explanation.due == deadline.due_date
            if cycle.rule.unit is Unit.WORKING_DAYS:
                assert CAL.is_working_day(deadline.due_date)
                counted = CAL.working_days_between(deadline.start_date, deadline.due_date)
                assert (
                    counted == cycle.rule.length + deadline.paused + deadline.extended_working_days
                )
            if cycle is clock and cycle.status is ClockStatus.RUNNING:
                assert CAL.local_date(now) <= deadline.due_date
            if cycle.status in (ClockStatus.BREACHED, ClockStatus.EXPIRED):
                assert CAL.local_date(now) > deadline.due_date
            granted = [e.granted for e in cycle.extensions if e.granted]
            cap = cycle.rule.extension
            if cap is None:
                assert granted == []
            else:
                assert len(granted) <= cap.max_times
                assert all(g <= cap.max_working_days for g in granted)
            if cycle.status is ClockStatus.STOPPED and cycle.stopped_by in cycle.rule.stops:
                assert cycle.stopped_at is not None
                if cycle.met is False:
                    assert CAL.local_date(cycle.stopped_at) > deadline.due_date


@given(st.data())
def test_a_pause_never_shortens_a_deadline(data: st.DataObject) -> None:
    events = data.draw(histories())
    now = data.draw(nows(events))
    without = [e for e in events if e.type not in PAUSING]
    paused = {c.rule.id: c for c in evaluate_clocks(POLICY, events, CAL, now=now)}
    plain = {c.rule.id: c for c in evaluate_clocks(POLICY, without, CAL, now=now)}
    for rule_id in ("T1", "T2", "uu25_decision"):
        a, b = cycles(paused[rule_id]), cycles(plain[rule_id])
        assert len(a) == len(b)
        for with_pause, no_pause in zip(a, b, strict=True):
            if with_pause.deadline is None or no_pause.deadline is None:
                continue
            assert with_pause.deadline.due_date >= no_pause.deadline.due_date


@given(st.data())
def test_adding_a_holiday_never_moves_a_deadline_earlier(data: st.DataObject) -> None:
    events = data.draw(histories())
    now = data.draw(nows(events))
    day = events[0].occurred_at.date() + dt.timedelta(days=data.draw(st.integers(-5, 90)))
    closure = Overlay(
        date=day,
        end=day + dt.timedelta(days=data.draw(st.integers(0, 4))),
        kind="closure",
        reason="Kantor tutup (banjir)",
        reason_en="Office closed (flood)",
        source="test",
        revision="flood-1",
    )
    closed = CAL.with_overlays(closure)
    before = evaluate_clocks(POLICY, events, CAL, now=now)
    after = evaluate_clocks(POLICY, events, closed, now=now)
    for old, new in zip(before, after, strict=True):
        assert len(cycles(old)) == len(cycles(new))
        for a, b in zip(cycles(old), cycles(new), strict=True):
            if a.deadline is not None and b.deadline is not None:
                assert b.deadline.due_date >= a.deadline.due_date
                assert b.deadline.calendar_version != a.deadline.calendar_version


def test_a_holiday_inside_a_pause_begun_on_the_due_date_keeps_the_deadline() -> None:
    """Regression (found by the property above): paused on the due date, the closure of the
    day the clock resumes must not pull the deadline before that day."""
    from sp4n.lifecycle import Actor, Event, Role
    from sp4n.sla import Overlay, WorkingCalendar, evaluate_clocks, load_policy

    wib = ZoneInfo("Asia/Jakarta")
    actor = Actor(id="a", role=Role.ADMIN)

    def event(seq: int, kind: str, day: int) -> Event:
        at = dt.datetime(2025, 1, day, tzinfo=wib)
        return Event(complaint_id="c", seq=seq, type=kind, occurred_at=at, actor=actor)

    events = [event(1, "submitted", 5), event(2, "held", 8)]  # T1 is due on 8 January 2025
    now = dt.datetime(2025, 1, 30, 9, 0, tzinfo=wib)
    plain = WorkingCalendar.indonesia()
    closed = plain.with_overlays(
        Overlay(
            date=dt.date(2025, 1, 30),
            kind="closure",
            reason="Banjir",
            reason_en="Flood",
            source="test",
            revision="flood-1",
        )
    )
    policy = load_policy("lapor")

    def t1(calendar: WorkingCalendar) -> dt.date:
        [clock] = [
            c for c in evaluate_clocks(policy, events, calendar, now=now) if c.rule.id == "T1"
        ]
        assert clock.deadline is not None
        return clock.deadline.due_date

    assert t1(plain) == dt.date(2025, 1, 30)
    assert t1(closed) == dt.date(2025, 1, 31)
