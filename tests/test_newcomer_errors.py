"""The first errors a newcomer meets say what went wrong and what to do next.

Each case is checked both as the typed error a library user catches and as the line the
command line prints, since those are the two doors a newcomer comes in by.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sp4n import cli
from sp4n._time import parse_date
from sp4n.adapters import open_store
from sp4n.errors import (
    InvalidDateError,
    MalformedRegionCodeError,
    StoreUnavailableError,
    UnknownRegionError,
    UnknownTopicError,
)
from sp4n.routing import find_regions, get_region, route
from sp4n.sla import WorkingCalendar


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = cli.main(list(argv))
    assert code != 0
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2026-02-30", "February 2026 has 28 days; pick a day from 1 to 28"),
        ("2028-02-30", "February 2028 has 29 days"),
        ("2026-04-31", "April 2026 has 30 days"),
        ("23/03/2026", "Write the year first: '2026-03-23'"),
        ("17.08.2025", "Write the year first: '2025-08-17'"),
        ("2026-13-01", "There is no month 13"),
        ("2026-3-5", "Write it as '2026-03-05'"),
        ("besok", "Write dates as YYYY-MM-DD"),
    ],
)
def test_a_bad_date_names_the_fix(text: str, hint: str) -> None:
    with pytest.raises(InvalidDateError) as info:
        parse_date("start", text)
    assert info.value.field == "start"
    assert info.value.value == text
    assert info.value.hint is not None
    assert hint in info.value.hint
    assert str(info.value).startswith(f"start = {text!r}: must be a date")


def test_a_day_first_date_that_is_not_a_day_gets_the_general_hint() -> None:
    with pytest.raises(InvalidDateError, match="Write dates as YYYY-MM-DD"):
        parse_date("start", "31/02/2026")


def test_a_bad_date_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    err = run_cli(capsys, "deadline", "30/03/2026", "--working-days", "3")
    assert "start = '30/03/2026'" in err
    assert "Write the year first: '2026-03-30'" in err


def test_a_naive_time_on_the_command_line_names_the_offsets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = run_cli(capsys, "deadline", "2026-03-02T09:00", "--working-days", "3")
    assert "must be timezone-aware" in err
    assert "+07:00 (WIB), +08:00 (WITA) or +09:00 (WIT)" in err


@pytest.mark.parametrize(
    ("code", "suggestion"),
    [
        ("61.7", "'61.07'"),
        ("61 07", "'61.07'"),
        ("61-07-01", "'61.07.01'"),
        ("32.73.1", "'32.73.01'"),
    ],
)
def test_a_code_without_its_zeros_gets_the_padded_code(code: str, suggestion: str) -> None:
    with pytest.raises(MalformedRegionCodeError) as info:
        WorkingCalendar.indonesia(region=code)
    assert info.value.field == "region"
    assert f"Did you mean {suggestion}?" in str(info.value)


def test_a_shapeless_code_points_to_the_name_search() -> None:
    with pytest.raises(MalformedRegionCodeError, match=r"sp4n region 'Bengkayang'"):
        get_region("Bengkayang")


def test_an_unknown_code_names_its_nearest_parent(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UnknownRegionError) as info:
        get_region("61.99")
    message = str(info.value)
    assert "no region has this code in Kepmendagri 300.2.2-2138/2025" in message
    assert "61 (Kalimantan Barat) exists but has no 61.99" in message
    assert "sp4n region NAME" in message
    assert "python -m sp4n.routing.refresh" in message
    err = run_cli(capsys, "deadline", "2026-03-18", "--working-days", "3", "--region", "61.99")
    assert "61 (Kalimantan Barat) exists" in err


def test_an_unknown_province_gives_the_range() -> None:
    with pytest.raises(UnknownRegionError, match=r"from 11 \(Aceh\) to 96 \(Papua Barat Daya\)"):
        get_region("99")


def test_a_misspelled_name_still_prefers_the_level_it_names() -> None:
    assert find_regions("Kota Bandng")[0].region.code == "32.73"
    assert find_regions("Kab Bandng")[0].region.code == "32.04"


@pytest.mark.parametrize(
    ("topic", "suggestion"),
    [("roads", "'road'"), ("Road", "'road'"), ("skool", "'school'"), ("jalan_rusak", "'road'")],
)
def test_an_unknown_topic_suggests_the_closest(topic: str, suggestion: str) -> None:
    with pytest.raises(UnknownTopicError) as info:
        route("61.07", topic)
    assert info.value.field == "topic"
    assert f"Did you mean {suggestion}?" in str(info.value)
    assert "sp4n topics" in str(info.value)


def test_an_unknown_topic_with_nothing_close_lists_the_topics(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = run_cli(capsys, "route", "--region", "61.07", "--topic", "xyz")
    assert "known topics: civil_servant_conduct, court," in err
    assert "(see: sp4n topics)" in err


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_postgres_says_to_start_it_or_use_sqlite() -> None:
    url = f"postgresql://sp4n@127.0.0.1:{closed_port()}/sp4n?connect_timeout=2"
    with pytest.raises(StoreUnavailableError) as info:
        open_store(url)
    message = str(info.value)
    assert message.startswith(f"db = {url!r}: cannot open the store:")
    assert "Is the PostgreSQL server running" in message
    assert "sqlite:///sp4n.db" in message


def test_a_missing_sqlite_directory_says_to_create_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/missing/sp4n.db"
    with pytest.raises(StoreUnavailableError, match=r"Create it first \(mkdir -p .*/missing\)"):
        open_store(url)
    err = run_cli(capsys, "list", "--db", url)
    assert "mkdir -p" in err


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 100)
    with pytest.raises(StoreUnavailableError, match=r"not a database.*give the path of"):
        open_store(f"sqlite:///{path}")
