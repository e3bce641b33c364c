"""Properties of the working-day calendar, and agreement with numpy's busday functions."""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sp4n.sla import WorkingCalendar
from strategies import any_dates, calendars, counts, dates, positive_counts


@given(calendars, any_dates, positive_counts)
def test_counting_inverts_adding(cal: WorkingCalendar, start: dt.date, n: int) -> None:
    assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


@given(calendars, any_dates, positive_counts)
def test_due_date_is_a_working_day_after_the_start(
    cal: WorkingCalendar, start: dt.date, n: int
) -> None:
    due = cal.add_working_days(start, n)
    assert due > start
    assert cal.is_working_day(due)
    assert cal.next_working_day(start) == cal.add_working_days(start, 1)


@given(calendars, any_dates, counts)
def test_monotonic_in_n(cal: WorkingCalendar, start: dt.date, n: int) -> None:
    later, earlier = cal.add_working_days(start, n + 1), cal.add_working_days(start, n)
    # n = 0 from a non-working day is the next working day, i.e. the same as n = 1.
    assert later > earlier if n >= 1 or cal.is_working_day(start) else later == earlier


@given(calendars, any_dates, st.integers(min_value=1, max_value=30), counts)
def test_monotonic_in_start(cal: WorkingCalendar, start: dt.date, later: int, n: int) -> None:
    assert cal.add_working_days(start + dt.timedelta(days=later), n) >= cal.add_working_days(
        start, n
    )


@given(calendars, any_dates, any_dates)
def test_between_is_antisymmetric(cal: WorkingCalendar, a: dt.date, b: dt.date) -> None:
    assert cal.working_days_between(a, b) == -cal.working_days_between(b, a)


@given(calendars, any_dates, counts)
def test_explain_accounts_for_every_day(cal: WorkingCalendar, start: dt.date, n: int) -> None:
    explanation = cal.explain(start, n)
    assert explanation.due == cal.add_working_days(start, n)
    days = [start + dt.timedelta(days=k) for k in range(1, (explanation.due - start).days + 1)]
    if n == 0:
        days = [start + dt.timedelta(days=k) for k in range((explanation.due - start).days)]
    skipped = {s.date for s in explanation.skipped}
    assert skipped == {day for day in days if not cal.is_working_day(day)}
    if n > 0:
        assert n + len(explanation.skipped) == (explanation.due - start).days
    assert all(not cal.is_working_day(s.date) for s in explanation.skipped)
    if n > 0:
        assert explanation.provisional == cal.is_provisional_between(start, explanation.due)
        undecreed = cal.joint_leave_is_working is False and any(
            not cal.decreed(year) for year in range(start.year, explanation.due.year + 1)
        )  # a year without its cuti bersama decree is an estimate (decision 0154)
        estimated = any(s.provisional for s in explanation.skipped)
        assert explanation.provisional == (estimated or undecreed)


@given(calendars, st.lists(any_dates, max_size=20), counts)
def test_bulk_agrees_with_scalar(cal: WorkingCalendar, starts: list[dt.date], n: int) -> None:
    assert cal.add_working_days_many(starts, n) == [cal.add_working_days(s, n) for s in starts]


@given(calendars, any_dates, counts, st.booleans())
def test_calendar_days_rule(
    cal: WorkingCalendar, start: dt.date, n: int, roll_forward: bool
) -> None:
    due = cal.add_days(start, n, roll_forward=roll_forward)
    if roll_forward:
        assert cal.is_working_day(due)
        assert due == cal.add_working_days(start + dt.timedelta(days=n), 0)
    else:
        assert due == start + dt.timedelta(days=n)


# Agreement with numpy over 2000-2100, given the same holiday set.

NATIONAL = WorkingCalendar.indonesia()
# The holiday set comes straight from the holidays package, not from our tables, so the
# comparison checks our tables and arithmetic against numpy's independently.
HOLIDAYS = np.array(
    sorted(
        day.isoformat()
        for day in holidays.country_holidays(
            "ID", categories=("public", "government"), years=range(2000, 2101)
        )
        if day.weekday() < 5
    ),
    dtype="datetime64[D]",
)
NUMPY_CALENDAR = np.busdaycalendar(weekmask="1111100", holidays=HOLIDAYS)


def test_holiday_set_is_not_trivial() -> None:
    # 2000-2100 has hundreds of weekday holidays and cuti bersama.
    assert len(HOLIDAYS) > 1000


@given(dates, counts)
def test_add_agrees_with_numpy_busday_offset(start: dt.date, n: int) -> None:
    day = np.datetime64(start.isoformat(), "D")
    if n == 0:
        expected = np.busday_offset(day, 0, roll="forward", busdaycal=NUMPY_CALENDAR)
    else:
        # numpy counts from a working day; roll back first so day 1 is strictly after start.
        rolled = np.busday_offset(day, 0, roll="backward", busdaycal=NUMPY_CALENDAR)
        expected = np.busday_offset(rolled, n, busdaycal=NUMPY_CALENDAR)
    assert NATIONAL.add_working_days(start, n) == expected.astype(dt.date)


@given(dates, dates)
def test_between_agrees_with_numpy_busday_count(a: dt.date, b: dt.date) -> None:
    # numpy counts [a, b); ours counts (a, b]: shift both by one day.
    low, high = sorted((a, b))
    start = np.datetime64((low + dt.timedelta(days=1)).isoformat(), "D")
    end = np.datetime64((high + dt.timedelta(days=1)).isoformat(), "D")
    expected = int(np.busday_count(start, end, busdaycal=NUMPY_CALENDAR))
    sign = 1 if b >= a else -1
    assert NATIONAL.working_days_between(a, b) == sign * expected


def test_whole_range_agrees_with_numpy_is_busday() -> None:
    every = np.arange(
        np.datetime64("2000-01-01"), np.datetime64("2101-01-01"), dtype="datetime64[D]"
    )
    expected = np.is_busday(every, busdaycal=NUMPY_CALENDAR)
    ours = [
        NATIONAL.is_working_day(NATIONAL.first_date + dt.timedelta(days=k))
        for k in range(len(every))
    ]
    assert ours == expected.tolist()
