"""The ``sp4n deadline`` and ``sp4n calendar`` commands, run in-process."""

from __future__ import annotations

import json

import pytest

from sp4n.cli import main


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON object
    result: dict[str, object] = json.loads(out)
    return result


def test_deadline_json_shape_idul_fitri_2025(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "deadline", "2025-03-24", "--working-days", "5")
    assert list(result) == [
        "start",
        "due_date",
        "unit",
        "n",
        "region",
        "timezone",
        "provisional",
        "provisional_reason",
        "skipped",
    ]
    assert result["start"] == "2025-03-24"
    assert result["due_date"] == "2025-04-09"
    assert result["unit"] == "working_days"
    assert result["n"] == 5
    assert result["region"] is None
    assert result["timezone"] == "Asia/Jakarta"
    assert result["provisional"] is False
    skipped = result["skipped"]
    assert isinstance(skipped, list)
    assert len(skipped) == 11
    assert skipped[0] == {"date": "2025-03-28", "reason": "Cuti Bersama Hari Suci Nyepi"}


def test_deadline_aware_datetime_uses_the_region_time_zone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 16:30 UTC is 23:30 WIB (still 2 March) but 01:30 WIT (3 March).
    jakarta = run_json(capsys, "deadline", "2026-03-02T16:30:00Z", "--working-days", "3")
    papua = run_json(
        capsys, "deadline", "2026-03-02T16:30:00Z", "--working-days", "3", "--region", "94"
    )
    assert (jakarta["start"], jakarta["due_date"]) == ("2026-03-02", "2026-03-05")
    assert (papua["start"], papua["due_date"]) == ("2026-03-03", "2026-03-06")
    assert papua["timezone"] == "Asia/Jayapura"
    assert papua["region"] == "94"


def test_deadline_calendar_days_with_roll_forward(capsys: pytest.CaptureFixture[str]) -> None:
    plain = run_json(capsys, "deadline", "2025-03-17", "--days", "14")
    rolled = run_json(capsys, "deadline", "2025-03-17", "--days", "14", "--roll-forward")
    assert (plain["unit"], plain["due_date"], plain["skipped"]) == ("days", "2025-03-31", [])
    assert rolled["due_date"] == "2025-04-08"


def test_deadline_provisional_flag(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "deadline", "2027-03-05", "--working-days", "3")
    assert result["provisional"] is True


def test_deadline_text_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "2026-01-10", "--working-days", "1"]) == 0
    out = capsys.readouterr().out
    assert "2026-01-12 (Senin)" in out
    assert "Hari Minggu" in out


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["deadline", "2026-03-02T09:00", "--working-days", "3"], "start"),  # naive
        (["deadline", "yesterday", "--working-days", "3"], "start"),
        (["deadline", "2026-02-30", "--working-days", "3"], "start"),
        (["deadline", "2026-03-02", "--working-days", "-1"], "n"),
        (["deadline", "1999-03-02", "--working-days", "1"], "start"),
        (["deadline", "2026-03-02", "--working-days", "1", "--region", "5x"], "region"),
        (["deadline", "2026-03-02", "--working-days", "1", "--region", "51.69"], "region"),
        (["calendar", "1999"], "year"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], field: str
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert f"{field} = " in captured.err


def test_argument_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["deadline", "2026-03-02", "--working-days", "3", "--days", "3"])
    assert info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit) as info:
        main(["calendar", "twenty"])
    assert info.value.code == 2


def test_calendar_json_shape_bali_2026(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "calendar", "2026", "--region", "51")
    assert list(result) == ["year", "region", "timezone", "decreed", "non_working"]
    assert (result["year"], result["region"], result["timezone"]) == (2026, "51", "Asia/Makassar")
    assert result["decreed"] is True
    days = result["non_working"]
    assert isinstance(days, list)
    by_date = {day["date"]: day for day in days}
    assert all(list(day) == ["date", "reason", "kind"] for day in days)
    assert by_date["2026-03-19"]["kind"] == "holiday"
    assert by_date["2026-03-18"]["kind"] == "joint_leave"
    assert by_date["2026-06-17"]["kind"] == "regional"
    assert by_date["2026-01-03"] == {
        "date": "2026-01-03",
        "reason": "Hari Sabtu",
        "kind": "weekend",
    }
    assert {day["kind"] for day in days} == {"weekend", "holiday", "joint_leave", "regional"}
    # Hand count: 104 Saturdays and Sundays; 13 national holidays on weekdays (17 minus
    # 21, 22 Mar, 5 Apr, 31 May); 8 cuti bersama; Bali days on weekdays not already national:
    # 8 Apr, 17, 18, 26 Jun, 4 Nov. 104 + 13 + 8 + 5 = 130.
    assert len(days) == 130


def test_calendar_national_2025_counts(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "calendar", "2025")
    days = result["non_working"]
    assert isinstance(days, list)
    joint = [day["date"] for day in days if day["kind"] == "joint_leave"]
    # Keppres 2/2025: 10 days, plus 18 August added later
    assert joint == [
        "2025-01-28",
        "2025-03-28",
        "2025-04-02",
        "2025-04-03",
        "2025-04-04",
        "2025-04-07",
        "2025-05-13",
        "2025-05-30",
        "2025-06-09",
        "2025-08-18",
        "2025-12-26",
    ]


def test_text_names_the_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "2026-03-18", "--working-days", "3", "--region", "61.07"]) == 0
    out = capsys.readouterr().out
    assert "61.07 Kabupaten Bengkayang (Asia/Pontianak)" in out
    assert main(["calendar", "2026", "--region", "51"]) == 0
    assert "51 Bali (Asia/Makassar)" in capsys.readouterr().out


def test_calendar_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "2026"]) == 0
    out = capsys.readouterr().out
    assert "2026-03-19 Kamis" in out
    assert "Hari Suci Nyepi" in out
    assert "Hari Sabtu" not in out  # weekends are counted, not listed, in text
