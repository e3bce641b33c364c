"""Properties of Banyuwangi's timing rules over the dates and histories hypothesis draws.

The strategies come from ``sp4n.testing.strategies``; the assertions from ``sp4n.testing``.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from region_timing_data import REGION, regional_overlays

from sp4n.lifecycle import Event
from sp4n.sla import Policy, WorkingCalendar, evaluate_clocks
from sp4n.testing import assert_deadline, assert_due, assert_working_day
from sp4n.testing.strategies import (
    complaint_histories,
    dates_in,
    rule_lengths,
    submission_instants,
    working_days,
)

# Strategies are built at import time, so the calendar is built here too (it is cached: the
# fixtures get the same object).
REGENCY = WorkingCalendar.indonesia(REGION, overlays=regional_overlays())
ANNIVERSARIES = {overlay.date for overlay in regional_overlays()}
WORKING_DAY_RULES = ("T1", "T2", "T3")


@given(start=dates_in("2025-01-01", "2026-12-31"), rule_id=st.sampled_from(WORKING_DAY_RULES))
def test_the_anniversary_is_never_a_due_date(
    policy: Policy, regency: WorkingCalendar, start: dt.date, rule_id: str
) -> None:
    due = regency.explain(start, policy.rule(rule_id).length).due
    assert due not in ANNIVERSARIES
    assert_working_day(regency, due)


@given(start=dates_in("2025-11-01", "2026-12-31"), n=rule_lengths())
def test_no_working_day_count_ends_on_the_anniversary(
    regency: WorkingCalendar, start: dt.date, n: int
) -> None:
    assert regency.add_working_days(start, n) not in ANNIVERSARIES


@given(start=working_days(REGENCY, "2025-01-01", "2026-12-31"))
def test_follow_up_is_never_due_before_the_national_deadline(
    policy: Policy,
    national_policy: Policy,
    regency: WorkingCalendar,
    national: WorkingCalendar,
    start: dt.date,
) -> None:
    local = assert_due(
        policy, start, regency.add_working_days(start, 30), calendar=regency, rule_id="T2"
    )
    national_due = national.explain(start, national_policy.rule("T2").length).due
    assert local.due >= national_due


SATURDAY_SUBMISSIONS = complaint_histories(
    REGION,
    submitted=submission_instants(REGENCY).filter(lambda instant: instant.weekday() == 5),
)


@given(history=SATURDAY_SUBMISSIONS)
def test_a_saturday_submission_counts_from_monday(
    policy: Policy, regency: WorkingCalendar, history: tuple[Event, ...]
) -> None:
    submitted = history[0].occurred_at
    saturday = regency.local_date(submitted)
    monday = saturday + dt.timedelta(days=2)
    n = policy.rule("T1").length
    # Monday is day 1 when it is a working day; else the first working day after it is.
    day_one = monday if regency.is_working_day(monday) else regency.add_working_days(monday, 1)
    expected = day_one if n == 1 else regency.add_working_days(day_one, n - 1)
    assert saturday.weekday() == 5
    assert_deadline(policy, history[:1], expected, rule_id="T1", calendar=regency)


@given(history=complaint_histories(REGION))
def test_histories_keep_follow_up_off_the_anniversary_and_not_before_national(
    policy: Policy,
    national_policy: Policy,
    regency: WorkingCalendar,
    national: WorkingCalendar,
    history: tuple[Event, ...],
) -> None:
    now = history[-1].occurred_at
    local = {c.rule.id: c for c in evaluate_clocks(policy, history, regency, now=now)}["T2"]
    plain = {c.rule.id: c for c in evaluate_clocks(national_policy, history, national, now=now)}
    if local.deadline is None:
        assert plain["T2"].deadline is None  # T2 starts on the same event everywhere
        return
    assert local.deadline.due_date not in ANNIVERSARIES
    national_deadline = plain["T2"].deadline
    assert national_deadline is not None
    assert local.deadline.due_date >= national_deadline.due_date
