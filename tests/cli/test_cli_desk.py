"""The Desk's command line: demo, submit, show, history, list and the officer actions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sp4n.cli import COMMANDS, main


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)  # type: ignore[no-any-return]


def test_demo_prints_the_whole_story_and_can_run_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", url]) == 0
    out = capsys.readouterr().out
    for label in (
        "Belum Terverifikasi",
        "Terverifikasi",
        "Diteruskan",
        "Dikembalikan (Bukan Wewenang)",
        "Menunggu Informasi Pelapor",
        "Diproses Instansi",
        "Ditindaklanjuti",
        "Selesai (completed)",
    ):
        assert label in out
    assert "Provinsi Kalimantan Barat" in out
    assert "Kabupaten Bengkayang" in out
    assert "Senin 17-08-2026: Hari Kemerdekaan Republik Indonesia" in out
    assert "Selasa 25-08-2026: Maulid Nabi Muhammad" in out
    assert "-> Selasa 01-09-2026" in out  # T3: 10 working days after Fri 14 Aug
    assert "-> Kamis 06-08-2026" in out  # T1: 3 working days after Mon 3 Aug
    assert re.search(r"\[9\] Rabu 02-09-2026 08:00 WIB", out)
    assert "Dicatat oleh sistem (completed) pada Rabu 02-09-2026 00:00 WIB" in out
    assert out.rstrip().endswith("Akhir cerita: Selesai (completed).")
    # a second run starts afresh on the same file
    first = _json(capsys, "demo", "--db", url)
    second = _json(capsys, "demo", "--db", url)
    assert first == second
    assert first["final_status"] == "completed"
    assert len(first["steps"]) == 9
    t3 = first["steps"][-1]["deadline"]
    assert t3["rule_id"] == "T3"
    assert t3["due_date"] == "2026-09-01"
    assert {
        "date": "2026-08-17",
        "reason": "Hari Kemerdekaan Republik Indonesia",
        "kind": "holiday",
    } in t3["skipped"]
    listing = _json(capsys, "list", "--db", url)
    assert [c["status"] for c in listing["complaints"]] == ["completed"]
    assert main(["list", "--db", url]) == 0
    listed = capsys.readouterr().out
    assert "Selesai" in listed
    assert "61.07-pupr" in listed


def test_officer_actions_on_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'x.db'}"]
    new = _json(
        capsys,
        "submit",
        "--title", "Lampu jalan mati",
        "--body", "Sudah seminggu gelap.",
        "--region", "61.07",
        "--topic", "road",
        "--email", "warga@example.org",
        "--visibility", "anonymous",
        *db,
    )  # fmt: skip
    ref = new["tracking_id"]
    assert new["status"] == "submitted"
    assert new["next_due"]
    assert _json(capsys, "verify", ref, *db)["status"] == "verified"
    forwarded = _json(capsys, "forward", ref, "--attr", "road_status=provinsi", *db)
    assert forwarded["agency"] == "61-pupr"
    returned = _json(
        capsys, "return", ref, "--reason", "jalan kabupaten", "--role", "liaison",
        "--agency", "61-pupr", *db,
    )  # fmt: skip
    assert returned["status"] == "returned"
    again = _json(capsys, "forward", ref, "--attr", "road_status=provinsi", *db)
    assert again["agency"] != "61-pupr"
    assert _json(capsys, "request-info", ref, "--question", "Di mana?", *db)["status"] == (
        "awaiting_reporter"
    )
    assert _json(capsys, "provide-info", ref, "--text", "km 3", *db)["status"] == "in_progress"
    assert _json(capsys, "follow-up", ref, "--text", "Diperbaiki", *db)["status"] == ("followed_up")
    assert _json(capsys, "complete", ref, *db)["status"] == "completed"
    assert _json(capsys, "rate", ref, "--score", "4", *db)["status"] == "completed"
    shown = _json(capsys, "show", ref, *db)
    assert shown["reporter"] == {"anonymous": True, "handle": f"pelapor@{ref}"}
    assert "warga@example.org" not in json.dumps(shown)
    history = _json(capsys, "history", ref, *db)
    assert [e["type"] for e in history["events"]][-2:] == ["completed", "rated"]
    assert main(["show", ref, *db]) == 0
    text = capsys.readouterr().out
    assert "Selesai" in text
    assert ref in text


def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'x.db'}"]
    assert main(["show", "LAPOR-2026-0000-00000", *db]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "does not exist" in err  # a read creates no store (tests/cli/test_cli_newcomer.py)
    assert main(["submit", "--title", "x", "--body", "y", "--region", "61.07", *db]) == 2
    assert "--email" in capsys.readouterr().err
    assert main(["submit", "--title", "x", "--body", "y", "--region", "9", "--email",
                 "a@b.org", *db]) == 2  # fmt: skip
    assert "region" in capsys.readouterr().err
    new = _json(capsys, "submit", "--title", "x", "--body", "y", "--region", "61.07",
                "--email", "a@b.org", *db)  # fmt: skip
    assert main(["show", "LAPOR-2026-0000-00000", *db]) == 2
    assert "no complaint" in capsys.readouterr().err
    assert main(["follow-up", new["tracking_id"], "--text", "t", *db]) == 2
    assert "not allowed" in capsys.readouterr().err
    assert main(["verify", new["tracking_id"], "--role", "reporter", "--actor", "a@b.org",
                 *db]) == 2  # fmt: skip
    assert "may not" in capsys.readouterr().err
    assert main(["verify", new["tracking_id"], "--agency", "x", *db]) == 2
    assert "--role" in capsys.readouterr().err
    assert main(["list", "--overdue-as-of", "not-a-date", *db]) == 2
    assert main(["forward", new["tracking_id"], "--attr", "nonsense", *db]) == 2


def test_every_desk_command_is_registered() -> None:
    names = (
        "demo submit show history list verify forward return request-info provide-info "
        "follow-up reply complete archive hold escalate merge rate reopen extend acknowledge"
    )
    for name in names.split():
        assert name in COMMANDS


def test_demo_runs_twice_on_postgresql(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _json(capsys, "demo", "--db", postgres_url)
    second = _json(capsys, "demo", "--db", postgres_url)
    assert first["final_status"] == second["final_status"] == "completed"
    listing = _json(capsys, "list", "--db", postgres_url, "--status", "completed")
    assert len(listing["complaints"]) == 2


def test_demo_on_memory_store(capsys: pytest.CaptureFixture[str]) -> None:
    result = _json(capsys, "demo", "--db", "memory://")
    statuses = [step["status"] for step in result["steps"]]
    assert statuses == [
        "submitted",
        "verified",
        "forwarded",
        "returned",
        "forwarded",
        "awaiting_reporter",
        "in_progress",
        "followed_up",
        "completed",
    ]
    agencies = [step["agency"] for step in result["steps"]]
    assert agencies[2] == "61-pupr"
    assert agencies[4] == "61.07-pupr"
    assert result["steps"][5]["paused"] == ["T2", "uu25_decision"]


def test_demo_default_store_is_a_file_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.count("penyimpanan: sqlite:///sp4n-demo.db") == 2
    assert (tmp_path / "sp4n-demo.db").exists()
    listing = _json(capsys, "list", "--db", "sqlite:///sp4n-demo.db")
    assert len(listing["complaints"]) == 1
