"""sp4n.testing's hypothesis strategies draw what they promise, and histories replay."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sp4n.errors import InvalidInputError
from sp4n.lifecycle import Event, replay
from sp4n.sla import DayKind, Overlay, WorkingCalendar, evaluate_clocks, load_policy
from sp4n.testing import (
    assert_not_working_day,
    assert_working_day,
    complaint_histories,
    dates_in,
    non_working_days,
    rule_lengths,
    strategies,
    submission_instants,
    working_days,
)

BALI = WorkingCalendar.indonesia("51")
CLOSED = WorkingCalendar.indonesia(
    "61.07",
    overlays=[
        Overlay(
            date="2026-02-02",
            end="2026-02-06",
            kind="closure",
            reason="Kantor tutup karena banjir",
            reason_en="Office closed by flood",
            source="test",
            revision="flood",
        )
    ],
)


def test_strategies_import_hypothesis_only_when_used() -> None:
    code = (
        "import sys, sp4n.testing as t; a = 'hypothesis' in sys.modules; "
        "t.working_days; print(a, 'hypothesis' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_without_hypothesis_the_error_says_what_to_install() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "import sp4n.testing as t; t.assert_due\n"
        "try:\n    t.working_days\nexcept ModuleNotFoundError as e:\n    print(e)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "need hypothesis: pip install 'sp4n[test]'" in out.stdout


def test_the_namespace_and_the_names_are_the_same_objects() -> None:
    assert strategies.working_days is working_days
    assert strategies.INDONESIAN_ZONES == (
        "Asia/Jakarta",
        "Asia/Pontianak",
        "Asia/Makassar",
        "Asia/Jayapura",
    )


@given(working_days(BALI))
def test_working_days_are_working_days_in_range(day: dt.date) -> None:
    assert dt.date(2025, 1, 1) <= day <= dt.date(2026, 12, 31)
    assert_working_day(BALI, day)


@given(working_days(CLOSED, "2026-01-31", "2026-02-09"))
def test_working_days_skip_a_closure(day: dt.date) -> None:
    assert day == dt.date(2026, 2, 9)  # 31 Jan..8 Feb: a weekend, the closure, a weekend


@given(working_days(WorkingCalendar.indonesia(), "2000-01-01", "2000-01-10"))
def test_working_days_from_the_first_day_of_the_calendar(day: dt.date) -> None:
    assert dt.date(2000, 1, 1) <= day <= dt.date(2000, 1, 10)
    assert WorkingCalendar.indonesia().is_working_day(day)


@given(non_working_days(BALI, kinds=["regional"]))
def test_non_working_days_of_a_kind(day: dt.date) -> None:
    assert assert_not_working_day(BALI, day, kind=DayKind.REGIONAL).kind is DayKind.REGIONAL


@given(dates_in("2026-03-01", "2026-03-31"), rule_lengths(max_value=5))
def test_dates_and_lengths_in_their_bounds(day: dt.date, n: int) -> None:
    assert day.month == 3
    assert 1 <= n <= 5


@given(submission_instants())
def test_submission_instants_are_aware_in_an_indonesian_zone(instant: dt.datetime) -> None:
    assert isinstance(instant.tzinfo, ZoneInfo)
    assert instant.tzinfo.key in strategies.INDONESIAN_ZONES
    assert dt.date(2025, 1, 1) <= instant.date() <= dt.date(2026, 12, 31)


@given(submission_instants(BALI, "2026-06-01", "2026-06-30"))
def test_submission_instants_in_a_calendar_zone(instant: dt.datetime) -> None:
    assert instant.tzinfo == ZoneInfo("Asia/Makassar")
    assert BALI.local_date(instant).month == 6


@given(complaint_histories("61.07"))
def test_histories_replay_and_the_clock_engine_reads_them(history: tuple[Event, ...]) -> None:
    complaint = replay(history)
    assert complaint.region == "61.07"
    types = [event.type for event in history]
    assert types[0] == "submitted"
    assert types.count("info_requested") - types.count("info_provided") in (0, 1)
    calendar = WorkingCalendar.indonesia("61.07")
    clocks = {
        c.rule.id: c
        for c in evaluate_clocks(load_policy(), history, calendar, now=history[-1].occurred_at)
    }
    assert clocks["T1"].started_at == history[0].occurred_at
    if "forwarded" in types:
        t2 = clocks["T2"].deadline
        assert t2 is not None
        assert calendar.is_working_day(t2.due_date)
        assert t2.paused >= 0


@given(st.data())
def test_histories_use_the_given_instants_and_tiers(data: st.DataObject) -> None:
    start = dt.datetime(2026, 3, 2, 8, tzinfo=ZoneInfo("Asia/Jayapura"))
    history = data.draw(
        complaint_histories("94.71", submitted=st.just(start), tiers=["dispute"], max_pauses=0)
    )
    assert history[0].occurred_at == start
    assert "info_requested" not in [event.type for event in history]
    verified = [event for event in history if event.type == "verified"]
    assert all(event.payload["tier"] == "dispute" for event in verified)


def test_bad_arguments_raise_typed_errors() -> None:
    with pytest.raises(InvalidInputError, match="must not be before first"):
        dates_in("2026-03-31", "2026-03-01")
    with pytest.raises(InvalidInputError, match="calendar's range"):
        dates_in("1999-12-31", "2000-01-05")
    with pytest.raises(InvalidInputError, match="no working day between"):
        working_days(CLOSED, "2026-02-02", "2026-02-08")
    with pytest.raises(InvalidInputError, match="each must be one of"):
        non_working_days(BALI, kinds=["bank_holiday"])
    with pytest.raises(InvalidInputError, match="not one string"):
        non_working_days(BALI, kinds="regional")
    with pytest.raises(InvalidInputError, match="no such day off"):
        non_working_days(BALI, "2026-01-05", "2026-01-09", kinds=["closure"])
    with pytest.raises(InvalidInputError, match="one of Asia/Jakarta"):
        submission_instants("Europe/Amsterdam")
    with pytest.raises(InvalidInputError, match="at least 1"):
        rule_lengths(min_value=1, max_value=0)
    with pytest.raises(InvalidInputError, match="must be None or one of"):
        complaint_histories(tiers=["urgent"])
    with pytest.raises(InvalidInputError, match="WorkingCalendar"):
        working_days("51")  # type: ignore[arg-type]
