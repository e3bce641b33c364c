"""Banyuwangi's own timing rules, checked date by date with sp4n.testing's assertions.

Each expected date below was counted by hand from the calendar of the year (a failing
assertion prints the same count, day by day, for comparison).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sp4n.sla import DayKind, Policy, WorkingCalendar
from sp4n.testing import assert_due, assert_not_working_day, assert_working_day

WIB = ZoneInfo("Asia/Jakarta")


def test_the_override_is_applied_and_recorded(policy: Policy, national_policy: Policy) -> None:
    t2 = policy.rule("T2")
    assert (t2.length, t2.unit.value, t2.certainty.value) == (30, "working_days", "inferred")
    assert t2.citation.startswith("EXAMPLE SOP of Kabupaten Banyuwangi")
    assert policy.version == f"{national_policy.version}+35.10-banyuwangi-example@example-1"
    assert policy.samples == ("35.10-banyuwangi-example",)
    assert policy.rule("T1") == national_policy.rule("T1")  # only T2 changes


def test_the_anniversary_is_a_regional_day_off(
    regency: WorkingCalendar, national: WorkingCalendar
) -> None:
    day = assert_not_working_day(regency, "2026-12-18", kind=DayKind.REGIONAL)
    assert day.reason == "Hari Jadi Banyuwangi (contoh hari libur daerah)"
    assert_not_working_day(regency, "2025-12-18", kind="regional")
    assert_working_day(national, "2026-12-18")  # only the regency's own calendar has it
    assert "banyuwangi-example-2026" in regency.version


def test_follow_up_takes_30_working_days_and_the_anniversary_adds_one(
    policy: Policy, regency: WorkingCalendar, national: WorkingCalendar
) -> None:
    # Forwarded Mon 9 Nov 2026: Nov 10-13 (4), 16-20 (9), 23-27 (14), 30 (15), Dec 1-4 (19),
    # 7-11 (24), 14-17 (28), [Fri 18 Dec: Hari Jadi], 21 (29), Tue 22 Dec: day 30.
    assert_due(policy, "2026-11-09", "2026-12-22", calendar=regency, rule_id="T2")
    assert_due(policy, "2026-11-09", "2026-12-21", calendar=national, rule_id="T2")


def test_the_national_rules_still_hold_in_the_regency(
    policy: Policy, regency: WorkingCalendar
) -> None:
    # T1, 3 working days from Wed 17 Dec 2025: Thu 18 is Hari Jadi, Fri 19 day 1,
    # Mon 22 day 2, Tue 23 day 3 (24 Dec is cuti bersama, 25 Christmas).
    assert_due(policy, "2025-12-17", "2025-12-23", calendar=regency, rule_id="T1")
    # T3, 10 working days of silence after a follow-up on Mon 7 Dec 2026: Dec 8-11 (4),
    # 14-17 (8), [Fri 18: Hari Jadi], Mon 21 (9), Tue 22 Dec: day 10.
    assert_due(policy, "2026-12-07", "2026-12-22", calendar=regency, rule_id="T3")


def test_a_saturday_submission_counts_from_monday(policy: Policy, regency: WorkingCalendar) -> None:
    saturday_night = dt.datetime(2026, 11, 7, 22, 30, tzinfo=WIB)
    explanation = assert_due(policy, saturday_night, "2026-11-11", calendar=regency, rule_id="T1")
    assert [s.date.weekday() for s in explanation.skipped] == [6]  # only the Sunday skipped


def test_a_wrong_expectation_explains_itself(policy: Policy, regency: WorkingCalendar) -> None:
    # What a reviewer sees when the SOP was misread (forgetting the anniversary):
    with pytest.raises(AssertionError) as caught:
        assert_due(policy, "2026-11-09", "2026-12-21", calendar=regency, rule_id="T2")
    message = str(caught.value)
    assert "expected due Mon 2026-12-21, but sp4n computes Tue 2026-12-22" in message
    assert "Fri 2026-12-18  not counted: regional, Hari Jadi Banyuwangi" in message
    assert "Mon 2026-12-21  day 29  <- expected" in message
