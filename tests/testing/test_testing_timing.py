"""sp4n.testing's timing assertions: they pass on true facts and fail with a day-by-day count."""

from __future__ import annotations

import datetime as dt
import doctest
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from sp4n.errors import InvalidInputError, NaiveDatetimeError, UnknownRuleError
from sp4n.lifecycle import Actor, ComplaintDraft, Reporter, Role, apply, submit
from sp4n.sla import DayKind, Overlay, WorkingCalendar, load_policy
from sp4n.testing import (
    assert_deadline,
    assert_due,
    assert_not_working_day,
    assert_working_day,
    count_day_by_day,
)

NATIONAL = WorkingCalendar.indonesia()
LAPOR = load_policy("lapor")
ANNIVERSARY = Overlay(
    date="2026-12-18",
    kind="regional",
    reason="Hari Jadi Kabupaten (contoh)",
    reason_en="Regency anniversary (example)",
    source="example",
    revision="test-anniversary",
    certainty="inferred",
)


def test_the_module_examples_run() -> None:
    import sp4n.testing._timing as module

    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_importing_the_assertions_does_not_import_hypothesis() -> None:
    code = "import sys, sp4n.testing as t; t.assert_due; print('hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_assert_due_passes_and_returns_the_explanation() -> None:
    explanation = assert_due(LAPOR, "2026-03-17", "2026-03-27", calendar=NATIONAL, rule_id="T1")
    assert explanation.due == dt.date(2026, 3, 27)
    assert len(explanation.skipped) == 7  # Nyepi, Idul Fitri, cuti bersama and a weekend
    assert assert_due(LAPOR.rule("T2"), dt.date(2026, 1, 9), "2026-01-19", calendar=NATIONAL)


def test_a_wrong_expectation_fails_with_the_count_day_by_day() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_due(LAPOR, "2026-03-17", "2026-03-20", calendar=NATIONAL, rule_id="T1")
    message = str(caught.value)
    first, rule, header, *days = message.splitlines()
    assert first == (
        "T1 started on Tue 2026-03-17: expected due Fri 2026-03-20, "
        "but sp4n computes Fri 2026-03-27"
    )
    assert rule.startswith("rule T1 (Verification and forwarding by the admin): 3 working days")
    assert "read: SP4N-LAPOR! official app listing" in rule
    assert header.startswith("counting 3 working days from Tue 2026-03-17 on calendar holidays-")
    assert days[0] == "  Tue 2026-03-17  start (not counted)"
    assert days[2] == "  Thu 2026-03-19  not counted: holiday, Hari Suci Nyepi / Day of Silence"
    assert days[3].endswith("<- expected")
    assert "not counted: joint_leave, Cuti Bersama Hari Raya Idul Fitri" in days[3]
    assert days[-3:] == [
        "  Wed 2026-03-25  day 1",
        "  Thu 2026-03-26  day 2",
        "  Fri 2026-03-27  day 3  <- due",
    ]


def test_an_expectation_later_than_the_due_date_is_shown_past_it() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_due(LAPOR, "2026-01-09", "2026-01-19", calendar=NATIONAL, rule_id="T1")
    lines = str(caught.value).splitlines()
    assert "  Wed 2026-01-14  day 3  <- due" in lines
    assert "  Fri 2026-01-16  not counted: holiday, Isra Mikraj Nabi Muhammad" in lines[-4]
    assert lines[-1] == "  Mon 2026-01-19  day 5  <- expected"


def test_a_calendar_day_rule_shows_its_roll_forward() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_due(LAPOR, "2026-03-09", "2026-03-23", calendar=NATIONAL, rule_id="tier_dispute")
    lines = str(caught.value).splitlines()
    assert "14 days, roll forward" in lines[1]
    assert lines[2].startswith("counting 14 calendar days from Mon 2026-03-09, rolled forward")
    assert lines[-3].startswith("  Mon 2026-03-23  day 14 (joint_leave, Cuti Bersama")
    assert lines[-3].endswith("<- expected")
    assert lines[-2].startswith("  Tue 2026-03-24  rolled over: joint_leave")
    assert lines[-1] == "  Wed 2026-03-25  next working day  <- due"


def test_an_instant_counts_from_its_local_date() -> None:
    papua = WorkingCalendar.indonesia("94")
    thursday_evening = dt.datetime(2026, 1, 8, 16, 0, tzinfo=dt.UTC)  # 23:00 WIB, Fri 01:00 WIT
    assert_due(LAPOR, thursday_evening, "2026-01-13", calendar=NATIONAL, rule_id="T1")
    assert_due(LAPOR, thursday_evening, "2026-01-14", calendar=papua, rule_id="T1")
    with pytest.raises(NaiveDatetimeError):
        assert_due(LAPOR, dt.datetime(2026, 1, 9, 16), "2026-01-14", calendar=papua, rule_id="T1")


def test_bad_arguments_raise_typed_errors() -> None:
    with pytest.raises(InvalidInputError, match="name the rule of policy 'lapor'"):
        assert_due(LAPOR, "2026-01-09", "2026-01-14", calendar=NATIONAL)
    with pytest.raises(UnknownRuleError):
        assert_due(LAPOR, "2026-01-09", "2026-01-14", calendar=NATIONAL, rule_id="T9")
    with pytest.raises(InvalidInputError, match="does not name the rule given"):
        assert_due(LAPOR.rule("T1"), "2026-01-09", "2026-01-14", calendar=NATIONAL, rule_id="T2")
    with pytest.raises(InvalidInputError, match="WorkingCalendar"):
        assert_due(LAPOR, "2026-01-09", "2026-01-14", calendar="61.07", rule_id="T1")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="expected_due"):
        assert_due(LAPOR, "2026-01-09", "14/01/2026", calendar=NATIONAL, rule_id="T1")


def test_assert_not_working_day_and_its_kind() -> None:
    regency = WorkingCalendar.indonesia("35.10", overlays=[ANNIVERSARY])
    day = assert_not_working_day(regency, "2026-12-18", kind="regional")
    assert (day.kind, day.reason) == (DayKind.REGIONAL, "Hari Jadi Kabupaten (contoh)")
    assert assert_not_working_day(regency, dt.date(2026, 12, 19)).kind is DayKind.WEEKEND
    assert_working_day(regency, "2026-12-17")


def test_a_working_day_expected_off_fails_naming_the_overlays() -> None:
    regency = WorkingCalendar.indonesia("35.10", overlays=[ANNIVERSARY])
    with pytest.raises(AssertionError) as caught:
        assert_not_working_day(regency, "2026-12-17")
    message = str(caught.value)
    assert message.startswith("Thu 2026-12-17 is a working day on calendar holidays-")
    assert "+test-anniversary (region 35.10, Asia/Jakarta)" in message
    assert (
        "  2026-12-18 regional: Hari Jadi Kabupaten (contoh) [test-anniversary, inferred]"
        in message
    )
    assert "  Fri 2026-12-18  regional: Hari Jadi Kabupaten (contoh)" in message
    assert "  Thu 2026-12-24  joint_leave: Cuti Bersama Hari Raya Natal" in message


def test_a_day_off_of_another_kind_fails() -> None:
    with pytest.raises(
        AssertionError, match=r"of kind 'holiday' \(Hari Suci Nyepi\), not 'regional'"
    ):
        assert_not_working_day(NATIONAL, "2026-03-19", kind="regional")
    with pytest.raises(AssertionError, match=r"Thu 2026-03-19 is not a working day .*: holiday"):
        assert_working_day(NATIONAL, "2026-03-19")
    with pytest.raises(ValueError, match="'bank_holiday' is not a valid DayKind"):
        assert_not_working_day(NATIONAL, "2026-03-19", kind="bank_holiday")


def _history() -> list[object]:
    zone = ZoneInfo("Asia/Pontianak")
    draft = ComplaintDraft(
        kind="pengaduan",
        title="Jalan rusak",
        body="Berlubang.",
        region="61.07",
        topic="road",
        channel="web",
        reporter=Reporter(id="w-1", email="w1@example.org"),
    )
    admin = Actor("admin-61", Role.ADMIN, region="61")
    liaison = Actor("penghubung", Role.LIAISON, agency="61.07-pupr")
    c = submit(draft, actor=Actor("w-1", Role.REPORTER), at=dt.datetime(2026, 3, 2, 9, tzinfo=zone))
    c = apply(c, "verified", actor=admin, at=dt.datetime(2026, 3, 2, 10, tzinfo=zone))
    c = apply(
        c,
        "forwarded",
        actor=admin,
        at=dt.datetime(2026, 3, 3, 10, tzinfo=zone),
        payload={"agency": "61.07-pupr"},
    )
    c = apply(
        c,
        "info_requested",
        actor=liaison,
        at=dt.datetime(2026, 3, 4, 10, tzinfo=zone),
        payload={"question": "Lokasi?"},
    )
    c = apply(
        c,
        "info_provided",
        actor=Actor("w-1", Role.REPORTER),
        at=dt.datetime(2026, 3, 9, 10, tzinfo=zone),
        payload={"text": "Km 12"},
    )
    return list(c.history)


def test_assert_deadline_follows_the_clock_engine_with_a_pause() -> None:
    calendar = WorkingCalendar.indonesia("61.07")
    events = _history()
    # T2: 5 working days from forwarding (Tue 3 March) = Tue 10 March, plus the 3 working
    # days paused (Thu 5 .. Mon 9 March: Thu, Fri, Mon) = Fri 13 March.
    deadline = assert_deadline(LAPOR, events, "2026-03-13", rule_id="T2", calendar=calendar)  # type: ignore[arg-type]
    assert (deadline.base_due_date, deadline.paused) == (dt.date(2026, 3, 10), 3)


def test_assert_deadline_fails_with_the_events_and_the_count() -> None:
    calendar = WorkingCalendar.indonesia("61.07")
    with pytest.raises(AssertionError) as caught:
        assert_deadline(LAPOR, _history(), "2026-03-10", rule_id="T2", calendar=calendar)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(
        "T2 after 5 event(s): expected due Tue 2026-03-10, but sp4n computes Fri 2026-03-13"
    )
    assert "clock: status running, cycle 1, counted from Tue 2026-03-03, " in message
    assert "base due Tue 2026-03-10, +3 paused" in message
    assert "(Wed 2026-03-04 local)  info_requested {'question': 'Lokasi?'}" in message
    assert "  Tue 2026-03-10  day 5  <- expected" in message
    assert "  Fri 2026-03-13  day 8  <- due" in message


def test_assert_deadline_of_a_clock_that_has_not_started() -> None:
    calendar = WorkingCalendar.indonesia("61.07")
    with pytest.raises(AssertionError, match="but sp4n computes no deadline") as caught:
        assert_deadline(LAPOR, _history()[:2], "2026-03-10", rule_id="T2", calendar=calendar)  # type: ignore[arg-type]
    assert "clock: status not_started" in str(caught.value)


def test_count_day_by_day_for_a_zero_length_rule() -> None:
    text = count_day_by_day(NATIONAL, dt.date(2026, 3, 21), 0)
    assert text.splitlines()[-1] == "  Wed 2026-03-25  day 0 (first working day)  <- due"
