"""Hand-checked deadlines from the official SKB lists (regulation.md §7.2), in domain words.

Each case was counted by hand on a printed calendar of the SKB's holidays (libur nasional)
and joint leave (cuti bersama); comments show the count.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sp4n.errors import (
    InvalidDateError,
    InvalidInputError,
    MalformedRegionCodeError,
    NaiveDatetimeError,
    OutOfCalendarRangeError,
    UnknownRegionError,
)
from sp4n.sla import DayKind, Overlay, WorkingCalendar

NATIONAL = WorkingCalendar.indonesia()


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def assert_deadline(
    due: str,
    *,
    received: str,
    working_days: int,
    calendar: WorkingCalendar = NATIONAL,
) -> None:
    """The complaint received on ``received`` is due on ``due``, and counting back agrees."""
    assert calendar.add_working_days(d(received), working_days) == d(due)
    assert calendar.working_days_between(d(received), d(due)) == working_days


# Idul Fitri 2025: 28 Mar cuti (Nyepi), 29 Mar Nyepi, 31 Mar-1 Apr Idul Fitri,
# 2, 3, 4, 7 Apr cuti bersama (SKB 1017/2024, 2/2024, 2/2024).


def test_idul_fitri_week_2025_five_working_days() -> None:
    # Tue 25 (1), Wed 26 (2), Thu 27 (3), [28 Mar .. 7 Apr off], Tue 8 (4), Wed 9 (5)
    assert_deadline("2025-04-09", received="2025-03-24", working_days=5)


def test_idul_fitri_2025_one_working_day_from_the_last_day_before_the_break() -> None:
    assert_deadline("2025-04-08", received="2025-03-27", working_days=1)


def test_idul_fitri_2025_every_skipped_day_has_its_reason() -> None:
    explanation = NATIONAL.explain(d("2025-03-24"), 5)
    kinds = {s.date.isoformat(): s.kind for s in explanation.skipped}
    assert kinds == {
        "2025-03-28": DayKind.JOINT_LEAVE,
        "2025-03-29": DayKind.HOLIDAY,
        "2025-03-30": DayKind.WEEKEND,
        "2025-03-31": DayKind.HOLIDAY,
        "2025-04-01": DayKind.HOLIDAY,
        "2025-04-02": DayKind.JOINT_LEAVE,
        "2025-04-03": DayKind.JOINT_LEAVE,
        "2025-04-04": DayKind.JOINT_LEAVE,
        "2025-04-05": DayKind.WEEKEND,
        "2025-04-06": DayKind.WEEKEND,
        "2025-04-07": DayKind.JOINT_LEAVE,
    }
    first = explanation.skipped[0]
    assert first.reason == "Cuti Bersama Hari Suci Nyepi"
    assert "Joint Holiday" in first.reason_en
    assert explanation.provisional is False
    assert explanation.version == NATIONAL.version


# Idul Fitri and Nyepi 2026: 18 Mar cuti, 19 Mar Nyepi, 20 Mar cuti, 21-22 Mar Idul Fitri
# (a weekend), 23-24 Mar cuti (SKB 1497/2025, 2/2025, 5/2025).


def test_idul_fitri_week_2026_one_working_day() -> None:
    # Wed 18 .. Tue 24 all off: day 1 is Wed 25
    assert_deadline("2026-03-25", received="2026-03-17", working_days=1)


def test_idul_fitri_week_2026_three_working_days() -> None:
    assert_deadline("2026-03-27", received="2026-03-17", working_days=3)


def test_nyepi_2026_is_a_holiday_and_its_eve_joint_leave() -> None:
    assert not NATIONAL.is_working_day(d("2026-03-19"))
    days = {s.date: s for s in NATIONAL.non_working_days(d("2026-03-18"), d("2026-03-19"))}
    assert days[d("2026-03-18")].kind is DayKind.JOINT_LEAVE
    assert days[d("2026-03-19")].kind is DayKind.HOLIDAY
    assert days[d("2026-03-19")].reason == "Hari Suci Nyepi"
    assert days[d("2026-03-19")].reason_en == "Day of Silence"


def test_nyepi_2026_in_bali_for_a_unit_that_works_cuti_bersama() -> None:
    # Nationally such a unit works Wed 18 (cuti bersama). In Bali, 18 Mar is Tawur Kesanga and
    # 20 Mar Ngembak Geni (libur fakultatif), so day 1 is Mon 23.
    national = WorkingCalendar.indonesia(joint_leave_is_working=True)
    bali = WorkingCalendar.indonesia("51", joint_leave_is_working=True)
    assert_deadline("2026-03-18", received="2026-03-17", working_days=1, calendar=national)
    assert_deadline("2026-03-23", received="2026-03-17", working_days=1, calendar=bali)
    kinds = [s.kind for s in bali.explain(d("2026-03-17"), 1).skipped]
    assert kinds == [
        DayKind.REGIONAL,
        DayKind.HOLIDAY,
        DayKind.REGIONAL,
        DayKind.HOLIDAY,
        DayKind.HOLIDAY,
    ]


def test_galungan_2026_in_bali_adds_two_days() -> None:
    # 16 Jun is 1 Muharam nationally; Bali adds Galungan (17) and Umanis Galungan (18).
    assert_deadline("2026-06-19", received="2026-06-15", working_days=3)
    bali = WorkingCalendar.indonesia("51.71")  # Kota Denpasar inherits the province's file
    assert_deadline("2026-06-23", received="2026-06-15", working_days=3, calendar=bali)
    galungan = bali.non_working_days(d("2026-06-17"), d("2026-06-17"))[0]
    assert galungan.kind is DayKind.REGIONAL
    assert "Galungan" in galungan.reason
    assert galungan.source is not None
    assert "Pawukon" in galungan.source


# 18 August 2025: cuti bersama added after the first SKB (Keppres / revised SKB).


def test_18_august_2025_is_joint_leave() -> None:
    # Fri 15 Aug; 17 Aug is a Sunday, Mon 18 cuti bersama: day 1 is Tue 19
    assert_deadline("2025-08-19", received="2025-08-15", working_days=1)
    assert NATIONAL.non_working_days(d("2025-08-18"), d("2025-08-18"))[0].kind is (
        DayKind.JOINT_LEAVE
    )


def test_18_august_2025_revision_moves_the_deadline_and_says_so() -> None:
    first_skb = NATIONAL.with_overlays(
        Overlay(
            date="2025-08-18",
            kind="workday",
            reason="Hari kerja (SKB 1017/2024 awal)",
            reason_en="Working day (first SKB 1017/2024)",
            source="SKB 1017/2024, 2/2024, 2/2024 as signed 14 Oct 2024",
            revision="skb-2025.1",
        )
    )
    revised = first_skb.with_overlays(
        Overlay(
            date="2025-08-18",
            kind="joint_leave",
            reason="Cuti Bersama Hari Kemerdekaan Republik Indonesia",
            reason_en="Independence Day Joint Holiday",
            source="SKB revision adding 18 Aug 2025",
            revision="skb-2025.2",
        )
    )
    before = first_skb.explain(d("2025-08-15"), 1)
    assert before.due == d("2025-08-18")
    change = revised.recompute(before)
    assert change.moved
    assert (change.old_due, change.new_due) == (d("2025-08-18"), d("2025-08-19"))
    assert change.revisions == ("skb-2025.2",)
    assert (
        change.message("en")
        == "due date moved from 2025-08-18 to 2025-08-19 by revision skb-2025.2"
    )
    assert (
        change.message()
        == "tenggat bergeser dari 2025-08-18 ke 2025-08-19 karena revisi skb-2025.2"
    )
    assert change.as_payload() == {
        "old_due": "2025-08-18",
        "new_due": "2025-08-19",
        "revision": "skb-2025.2",
    }
    assert first_skb.version == f"{NATIONAL.version}+skb-2025.1"
    assert revised.version == f"{NATIONAL.version}+skb-2025.1+skb-2025.2"


def test_recompute_under_the_same_calendar_does_not_move() -> None:
    change = NATIONAL.recompute(NATIONAL.explain(d("2025-08-15"), 1))
    assert not change.moved
    assert change.revisions == ()
    assert "unchanged" in change.message("en")


# Christmas and New Year: 25 Dec 2025 (Thu) Natal, 26 Dec cuti, 1 Jan 2026 (Thu).


def test_christmas_new_year_stretch() -> None:
    # Mon 29 (1), Tue 30 (2), Wed 31 (3), [Thu 1 Jan], Fri 2 (4), Mon 5 (5)
    assert_deadline("2026-01-05", received="2025-12-24", working_days=5)
    reasons = [s.reason for s in NATIONAL.explain(d("2025-12-24"), 5).skipped]
    assert reasons[:2] == ["Hari Raya Natal", "Cuti Bersama Hari Raya Natal"]
    assert "Tahun Baru Masehi" in reasons


def test_christmas_2026_eve_is_joint_leave() -> None:
    assert_deadline("2026-12-28", received="2026-12-23", working_days=1)


# A Saturday submission counts Monday as day 1.


def test_saturday_submission_counts_monday_as_day_one() -> None:
    assert_deadline("2026-01-12", received="2026-01-10", working_days=1)
    assert NATIONAL.add_working_days(d("2026-01-10"), 0) == d("2026-01-12")
    assert NATIONAL.add_working_days(d("2026-01-12"), 0) == d("2026-01-12")


def test_saturday_submission_after_idul_adha_2025() -> None:
    # Fri 6 Jun Idul Adha, Sat 7 received, Mon 9 cuti bersama: day 1 is Tue 10
    assert_deadline("2025-06-10", received="2025-06-07", working_days=1)


def test_six_and_seven_day_units() -> None:
    six = WorkingCalendar.indonesia(workweek=6)
    seven = WorkingCalendar.indonesia(workweek=7)
    assert six.add_working_days(d("2026-01-09"), 1) == d("2026-01-10")  # Saturday works
    assert six.add_working_days(d("2026-01-10"), 1) == d("2026-01-12")  # Sunday does not
    assert seven.add_working_days(d("2026-01-10"), 1) == d("2026-01-11")
    assert not seven.is_working_day(d("2026-01-01"))  # holidays stay holidays
    assert six.version.endswith("+workweek-6")


def test_estimated_holidays_make_the_result_provisional() -> None:
    # Idul Fitri 2027 is estimated ("perkiraan") in the data: 10-11 Mar 2027.
    explanation = NATIONAL.explain(d("2027-03-05"), 3)
    assert explanation.provisional
    assert any(s.provisional and "perkiraan" in s.reason for s in explanation.skipped)
    assert NATIONAL.is_provisional_between(d("2027-03-01"), d("2027-03-31"))
    assert not NATIONAL.is_provisional_between(d("2026-03-01"), d("2026-03-31"))
    assert not NATIONAL.explain(d("2026-03-17"), 3).provisional


# Time zones: the start date is the instant's date where the agency is.

INSTANT = dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC)  # 23:30 WIB, 00:30 WITA, 01:30 WIT


@pytest.mark.parametrize(
    ("region", "zone", "local"),
    [
        (None, "Asia/Jakarta", "2026-03-02"),
        ("31.71", "Asia/Jakarta", "2026-03-02"),  # WIB
        ("61.07", "Asia/Pontianak", "2026-03-02"),  # WIB, Kalimantan Barat
        ("51", "Asia/Makassar", "2026-03-03"),  # WITA
        ("94", "Asia/Jayapura", "2026-03-03"),  # WIT
    ],
)
def test_each_time_zone_near_midnight_utc(region: str | None, zone: str, local: str) -> None:
    calendar = WorkingCalendar.indonesia(region)
    assert calendar.timezone == ZoneInfo(zone)
    start = calendar.local_date(INSTANT)
    assert start == d(local)
    due = calendar.add_working_days(start, 3)
    assert due == (d("2026-03-05") if local == "2026-03-02" else d("2026-03-06"))
    midnight = calendar.start_of_day(due)
    assert calendar.start_of_day(d("2101-01-01")).year == 2101  # due_at of a 2100-12-31 due date
    assert midnight.tzinfo == ZoneInfo(zone)
    assert (midnight.hour, midnight.minute) == (0, 0)


def test_calendars_are_cached() -> None:
    assert WorkingCalendar.indonesia("51") is WorkingCalendar.indonesia("5 1".replace(" ", ""))
    assert WorkingCalendar.indonesia("6107") is WorkingCalendar.indonesia("61.07")
    assert WorkingCalendar.indonesia() is NATIONAL


# Typed errors.


def test_out_of_range_dates_are_rejected() -> None:
    with pytest.raises(OutOfCalendarRangeError) as info:
        NATIONAL.add_working_days(d("1999-12-31"), 1)
    assert info.value.field == "start"
    assert "2000-01-01" in str(info.value)
    with pytest.raises(OutOfCalendarRangeError):
        NATIONAL.add_working_days(d("2100-12-30"), 5)
    with pytest.raises(OutOfCalendarRangeError):
        NATIONAL.working_days_between(d("2026-01-01"), d("2101-01-01"))
    assert NATIONAL.first_date == d("2000-01-01")
    assert NATIONAL.last_date == d("2100-12-31")


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        NATIONAL.local_date(dt.datetime(2026, 3, 2, 9, 0))
    assert info.value.field == "instant"


def test_negative_n_is_rejected() -> None:
    with pytest.raises(InvalidInputError) as info:
        NATIONAL.add_working_days(d("2026-03-02"), -1)
    assert (info.value.field, info.value.value) == ("n", -1)
    with pytest.raises(InvalidInputError):
        NATIONAL.add_days(d("2026-03-02"), -3)
    with pytest.raises(InvalidInputError):
        NATIONAL.add_working_days(d("2026-03-02"), True)  # type: ignore[arg-type]


def test_non_date_input_is_rejected() -> None:
    with pytest.raises(InvalidDateError) as info:
        NATIONAL.add_working_days(dt.datetime(2026, 3, 2, tzinfo=dt.UTC), 1)
    assert "not a datetime" in str(info.value)
    with pytest.raises(InvalidDateError):
        NATIONAL.is_working_day(20260302)  # type: ignore[arg-type]
    with pytest.raises(InvalidDateError):
        NATIONAL.add_working_days_many([d("2026-03-02"), "2026-03-03"], 1)  # type: ignore[list-item]
    assert NATIONAL.add_working_days("2026-03-02", 1) == d("2026-03-03")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["5", "51.7", "abc", "51.00", ""])
def test_malformed_region_codes_are_rejected(code: str) -> None:
    with pytest.raises(MalformedRegionCodeError):
        WorkingCalendar.indonesia(code)


@pytest.mark.parametrize("code", ["99", "51.69", "61.07.99"])
def test_unknown_regions_are_rejected(code: str) -> None:
    with pytest.raises(UnknownRegionError) as info:
        WorkingCalendar.indonesia(code)
    assert info.value.value == code


def test_bad_options_are_rejected() -> None:
    with pytest.raises(InvalidInputError):
        WorkingCalendar.indonesia(workweek=4)
    with pytest.raises(InvalidInputError):
        WorkingCalendar.indonesia(overlays=["2026-01-01"])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError):
        NATIONAL.explain(d("2026-01-01"), 1, unit="weeks")


# Calendar-day rules, closures, bulk.


def test_calendar_day_rule_with_and_without_roll_forward() -> None:
    # 14 days from Thu 2025-03-17 is Mon 31 Mar (Idul Fitri); rolled forward: Tue 8 Apr
    assert NATIONAL.add_days(d("2025-03-17"), 14) == d("2025-03-31")
    assert NATIONAL.add_days(d("2025-03-17"), 14, roll_forward=True) == d("2025-04-08")
    explanation = NATIONAL.explain(d("2025-03-17"), 14, unit="days", roll_forward=True)
    assert explanation.due == d("2025-04-08")
    assert explanation.skipped[0].date == d("2025-03-31")
    assert len(explanation.skipped) == 8


def test_a_closure_overlay_with_a_range() -> None:
    flood = Overlay(
        date="2026-02-02",
        end="2026-02-04",
        kind="closure",
        reason="Kantor tutup karena banjir",
        reason_en="Office closed by flood",
        source="SE Bupati 1/2026",
        revision="flood-2026-02",
    )
    calendar = WorkingCalendar.indonesia("33.73", overlays=[flood])
    assert calendar.add_working_days(d("2026-01-30"), 1) == d("2026-02-05")
    assert [s.kind for s in calendar.non_working_days(d("2026-02-02"), d("2026-02-04"))] == [
        DayKind.CLOSURE
    ] * 3
    assert calendar.version.endswith("+flood-2026-02")


def test_overlay_validation() -> None:
    with pytest.raises(InvalidInputError):
        Overlay(
            date="2026-02-02", kind="party", reason="x", reason_en="x", source="s", revision="r"
        )
    with pytest.raises(InvalidInputError):
        Overlay(
            date="2026-02-02", kind="closure", reason="", reason_en="x", source="s", revision="r"
        )
    with pytest.raises(InvalidInputError):
        Overlay(
            date="2026-02-02",
            end="2026-02-01",
            kind="closure",
            reason="x",
            reason_en="x",
            source="s",
            revision="r",
        )
    with pytest.raises(OutOfCalendarRangeError):
        Overlay(
            date="1990-01-01", kind="closure", reason="x", reason_en="x", source="s", revision="r"
        )


def test_bulk_agrees_with_scalar() -> None:
    starts = [d("2025-03-24"), d("2026-01-10"), d("2025-08-15"), d("2025-12-24")]
    for n in (0, 1, 5, 60):
        assert NATIONAL.add_working_days_many(starts, n) == [
            NATIONAL.add_working_days(s, n) for s in starts
        ]
    assert NATIONAL.add_working_days_many([], 3) == []
    with pytest.raises(OutOfCalendarRangeError):
        NATIONAL.add_working_days_many([d("2026-01-01"), d("2100-12-31")], 1)


def test_overlays_from_toml_mappings() -> None:
    defaults = {"kind": "regional", "certainty": "inferred", "revision": "x-2026.1"}
    overlay = Overlay.from_mapping(
        {"date": d("2026-06-17"), "reason": "Galungan", "reason_en": "Galungan", "source": "s"},
        defaults,
    )
    assert (overlay.kind.value, overlay.certainty, overlay.revision) == (
        "regional",
        "inferred",
        "x-2026.1",
    )
    with pytest.raises(InvalidInputError) as info:
        Overlay.from_mapping({"date": "2026-06-17", "colour": "red"}, defaults)
    assert info.value.value == "colour"
    with pytest.raises(InvalidInputError) as info:
        Overlay.from_mapping({"date": "2026-06-17", "reason": "x", "reason_en": "x"}, defaults)
    assert "source" in info.value.rule
    with pytest.raises(InvalidInputError):
        Overlay.from_mapping({**defaults, "certainty": "rumour"} | _texts("2026-06-17"))


def _texts(day: str) -> dict[str, str]:
    return {"date": day, "reason": "x", "reason_en": "x", "source": "s"}


def test_bali_shipped_overlays_are_cited_data() -> None:
    bali = WorkingCalendar.indonesia("51")
    assert bali.overlays  # shipped from sp4n/sla/data/overlays/51.toml
    assert all(o.certainty == "inferred" and o.source for o in bali.overlays)
    assert {o.revision for o in bali.overlays} == {"bali-2025.1", "bali-2026.1"}
    assert WorkingCalendar.indonesia("52").overlays == ()  # NTB: none shipped
    assert WorkingCalendar.indonesia("52").version == NATIONAL.version


def test_calendar_properties_and_records() -> None:
    unit = WorkingCalendar.indonesia("51", workweek=6, joint_leave_is_working=True)
    assert (unit.region, unit.workweek, unit.joint_leave_is_working) == ("51", 6, True)
    assert unit.version.endswith("+workweek-6+joint-leave-working")
    assert "51" in repr(unit)
    explanation = NATIONAL.explain(d("2026-01-10"), 1)
    assert explanation.as_dict() == {
        "start": "2026-01-10",
        "due_date": "2026-01-12",
        "unit": "working_days",
        "n": 1,
        "roll_forward": False,
        "provisional": False,
        "provisional_reason": None,
        "version": NATIONAL.version,
        "skipped": [
            {
                "date": "2026-01-11",
                "kind": "weekend",
                "reason": "Hari Minggu",
                "reason_en": "Sunday",
                "provisional": False,
                "source": None,
            }
        ],
    }


def test_range_queries_check_their_order() -> None:
    with pytest.raises(InvalidInputError) as info:
        NATIONAL.non_working_days(d("2026-02-01"), d("2026-01-01"))
    assert info.value.field == "end"
    assert NATIONAL.is_provisional_between(d("2027-03-31"), d("2027-03-01"))
    with pytest.raises(InvalidInputError):
        WorkingCalendar.indonesia(joint_leave_is_working="yes")  # type: ignore[arg-type]


def test_n_zero_explanation_lists_the_days_before_the_first_working_day() -> None:
    explanation = NATIONAL.explain(d("2026-03-21"), 0)  # Idul Fitri, a Saturday
    assert explanation.due == d("2026-03-25")
    assert [s.date.day for s in explanation.skipped] == [21, 22, 23, 24]
    assert NATIONAL.explain(d("2026-03-25"), 0).skipped == ()


def test_a_repeated_explanation_is_the_same_answer_and_never_another_calendars() -> None:
    # decision 0300: a calendar keeps the explanations it gave (complaints forwarded on the
    # same day share them); the checks still run for arguments it has not seen
    start = d("2025-03-24")
    first = NATIONAL.explain(start, 5)
    assert NATIONAL.explain(start, 5) is first
    assert NATIONAL.explain(start, 5, unit="days").due == d("2025-03-29")
    assert NATIONAL.explain(start, 5, unit="days", roll_forward=True).due == d("2025-04-08")
    with pytest.raises(InvalidInputError, match="n"):
        NATIONAL.explain(start, True)  # type: ignore[arg-type]  # equal to 1, not a count
    with pytest.raises(InvalidInputError, match="unit"):
        NATIONAL.explain(start, 5, unit="hours")
    revised = NATIONAL.with_overlays(
        Overlay(
            date="2025-03-27",
            kind="joint_leave",
            reason="Cuti bersama (uji)",
            reason_en="Joint leave (test)",
            source="a test revision",
            revision="test-2025.1",
        )
    )
    assert revised.explain(start, 5).due == d("2025-04-10")  # its own day off counts
    assert NATIONAL.explain(start, 5).due == d("2025-04-09")
    # past the bound the calendar starts afresh and still answers right
    day = d("2025-01-01")
    for n in range(5000):
        assert NATIONAL.explain(day, n % 7).due == NATIONAL.add_working_days(day, n % 7)
        day += dt.timedelta(days=1) if n % 7 == 6 else dt.timedelta(0)
