"""The command line as a newcomer meets it: defaults, warnings and nothing created by a read.

`sp4n report` without a period, `sp4n deliver` with no notifier configured, read-only commands
on a SQLite file that does not exist, `sp4n forward` that falls to manual disposition, the
sample directory's placeholder addresses and `sweep --progress` when stderr is not a terminal.
These commands run on the wall clock (the command line is the edge), so the complaints here are
submitted at the current instant.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.cli import main
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.testing import FrozenClock


def _draft(topic: str = "road", n: int = 1) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=f"Jalan berlubang {n}",
        body="Sejak Juli.",
        region="61.07",
        topic=topic,
        channel="web",
        reporter=Reporter(id=f"warga-{n}", email=f"warga{n}@example.org"),
    )


def _submitted(url: str, topic: str = "road", n: int = 1) -> str:
    with Desk.open(url) as desk:
        return desk.verify(desk.submit(_draft(topic, n)).tracking_id).tracking_id


def test_report_without_a_period_covers_this_year_to_today_and_says_so(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _submitted(sqlite_url)
    capsys.readouterr()
    assert main(["report", "--db", sqlite_url, "--region", "61.07", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    today = dt.datetime.now(ZoneInfo("Asia/Pontianak")).date()  # 61.07's time zone
    assert (data["from"], data["to"]) == (f"{today.year}-01-01", today.isoformat())
    assert data["default_period"] is True
    assert [row["received"] for row in data["rows"]] == [1]
    assert main(["report", "--db", sqlite_url, "--region", "61.07"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        f"periode bawaan / default period: {today.year}-01-01 .. {today} "
        "(tahun ini sampai hari ini / this year to today; --from/--to to choose)"
    )
    assert main(["report", "--db", sqlite_url, "--from", f"{today.year}-01-01"]) == 0
    out = capsys.readouterr().out
    assert "periode bawaan" in out
    assert f"{today.year}-01-01 .. {today}" in out


def test_report_with_only_to_starts_on_the_first_of_that_year(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _submitted(sqlite_url)
    capsys.readouterr()
    assert main(["report", "--db", sqlite_url, "--to", "2025-06-30", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["from"], data["to"]) == ("2025-01-01", "2025-06-30")
    assert main(["report", "--db", sqlite_url, "--to", "2025-02-30"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "2025-02-30" in err


def test_deliver_without_notifiers_says_the_log_is_no_recipient_and_lists_each_message(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SP4N_NOTIFIERS", raising=False)
    _submitted(sqlite_url)
    capsys.readouterr()
    assert main(["deliver", "--db", sqlite_url]) == 0
    captured = capsys.readouterr()
    (warning,) = [line for line in captured.err.splitlines() if "no notifier" in line]
    assert warning.startswith("sp4n deliver: no notifier configured")
    assert "--notifiers FILE" in warning
    assert "reach no recipient" in warning
    lines = captured.out.splitlines()
    assert lines[0].startswith("deliver: ")
    assert "via log" in lines[0]
    listed = [line for line in lines[1:] if line.startswith("  log -> ")]
    assert listed, captured.out
    assert any("reporter <warga1@example.org>" in line for line in listed)
    assert len(listed) == int(lines[0].split()[1])  # one line per delivered message

    _submitted(sqlite_url, n=2)
    assert main(["deliver", "--db", sqlite_url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["delivered"]
    assert data["warning"].startswith("no notifier configured")
    assert [sent["notifier"] for sent in data["sent"]] == ["log"] * len(data["delivered"])
    assert {sent["key"] for sent in data["sent"]} == set(data["delivered"])
    assert all(
        set(sent) == {"key", "notifier", "role", "address", "subject"} for sent in data["sent"]
    )


def test_deliver_with_notifiers_configured_does_not_warn(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "notifiers.toml"
    config.write_text('[log]\ntype = "log"\n', encoding="utf-8")
    _submitted(sqlite_url)
    capsys.readouterr()
    assert main(["deliver", "--db", sqlite_url, "--notifiers", str(config)]) == 0
    captured = capsys.readouterr()
    assert "no notifier configured" not in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["show", "LAP-0000"],
        ["history", "LAP-0000"],
        ["report"],
        ["outbox"],
    ],
)
def test_read_only_commands_on_a_missing_sqlite_file_exit_2_and_create_nothing(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.db"
    assert main([*argv, "--db", f"sqlite:///{missing}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(missing) in err
    assert "does not exist" in err
    assert not missing.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_read_only_commands_still_read_an_existing_file(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = _submitted(sqlite_url)
    capsys.readouterr()
    assert main(["list", "--db", sqlite_url]) == 0
    assert ref in capsys.readouterr().out
    assert main(["list", "--db", "memory://"]) == 0  # an in-memory store is no file to miss


def test_forward_that_falls_to_manual_disposition_says_so(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = _submitted(sqlite_url, topic="other")
    capsys.readouterr()
    assert main(["forward", ref, "--db", sqlite_url, "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["manual"] is True
    assert data["status"] == "forwarded"
    assert any("by hand" in reason["text_en"] for reason in data["routing_reasons"])
    assert all(reason["citation"] for reason in data["routing_reasons"])
    ref2 = _submitted(sqlite_url, topic="other", n=2)
    capsys.readouterr()
    assert main(["forward", ref2, "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert "disposisi manual / manual disposition" in out
    assert "must dispose of it by hand" in out


def test_forward_by_the_router_with_a_clear_answer_is_not_manual(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = _submitted(sqlite_url)
    capsys.readouterr()
    assert (
        main(["forward", ref, "--attr", "road_status=kabupaten", "--db", sqlite_url, "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["manual"] is False
    assert data["agency"] == "61.07-pupr"


def test_placeholder_addresses_of_the_sample_directory_warn_once(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SP4N_NOTIFIERS", raising=False)
    refs = [_submitted(sqlite_url, n=n) for n in (1, 2)]
    for ref in refs:
        assert main(["forward", ref, "--attr", "road_status=kabupaten", "--db", sqlite_url]) == 0
    err = capsys.readouterr().err
    assert err.count("placeholder") == 2  # once per command, each naming the agency
    assert "61.07-pupr" in err
    assert ".example" in err
    assert main(["deliver", "--db", sqlite_url]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "placeholder" in line]
    assert len(lines) == 1, err  # once, however many messages went to such addresses
    assert "sample directory" in lines[0]


def _overdue(url: str) -> None:
    """A complaint verified a month ago: past its forwarding deadline, a sweep candidate."""
    month_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    with Desk.open(url, clock=FrozenClock(month_ago)) as desk:
        desk.verify(desk.submit(_draft()).tracking_id)


def test_sweep_progress_on_a_pipe_prints_lines_not_carriage_returns(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _overdue(sqlite_url)
    capsys.readouterr()
    assert main(["sweep", "--db", sqlite_url, "--progress"]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.splitlines()[-1] == "sweep: 1/1"


def test_sweep_progress_on_a_terminal_rewrites_one_line(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    _overdue(sqlite_url)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["sweep", "--db", sqlite_url, "--progress"]) == 0
    assert terminal.getvalue() == "\rsweep: 1/1\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["policy"],
        ["policy", "--json"],
        ["route", "--region", "61.07", "--topic", "other"],
        ["route", "--region", "61.07", "--topic", "other", "--json"],
    ],
)
def test_citations_point_at_the_docs_page_not_the_research_notes(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "regulation.md" not in out
    assert "docs/sources.md §" in out
    page = Path(__file__).parents[2] / "docs" / "sources.md"
    headings = page.read_text(encoding="utf-8")
    for section in set(re.findall(r"docs/sources\.md §(\d+)", out)):
        assert f"\n## §{section} " in headings  # every cited section is on the page
