"""``sp4n dispose``, ``sp4n draft-follow-up`` and ``sp4n approve-follow-up`` on a SQLite store,
with the sample directory's work units of Dinas PUPR Kabupaten Bengkayang (decision 0201)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sp4n.cli import COMMANDS, main


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_dispose_draft_and_approve_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'x.db'}"]
    new = _json(
        capsys, "submit", "--title", "Jalan berlubang", "--body", "Di Sebalo.",
        "--region", "61.07", "--topic", "road", "--email", "warga@example.org", *db,
    )  # fmt: skip
    ref = new["tracking_id"]
    _json(capsys, "verify", ref, *db)
    assert _json(capsys, "forward", ref, "--attr", "road_status=kabupaten", *db)["agency"] == (
        "61.07-pupr"
    )
    _json(capsys, "acknowledge", ref, *db)
    assert main(["dispose", ref, "--unit", "jalan-tol", *db]) == 2
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1
    assert "jalan-tol" in error
    assert "bina-marga, cipta-karya" in error
    assert _json(capsys, "dispose", ref, "--unit", "bina-marga", *db)["status"] == "in_progress"
    assert main(["approve-follow-up", ref, *db]) == 2
    assert "no work unit's draft" in capsys.readouterr().err
    wrong_unit = ["--role", "unit", "--agency", "61.07-pupr", "--unit-of-actor", "cipta-karya"]
    assert main(["draft-follow-up", ref, "--text", "x", *wrong_unit, *db]) == 2
    assert "disposed to it" in capsys.readouterr().err
    unit = ["--role", "unit", "--agency", "61.07-pupr", "--unit-of-actor", "bina-marga"]
    drafted = _json(capsys, "draft-follow-up", ref, "--text", "Sudah ditambal.", *unit, *db)
    assert drafted["status"] == "in_progress"
    assert _json(capsys, "approve-follow-up", ref, *db)["status"] == "followed_up"
    history = _json(capsys, "history", ref, *db)
    assert [e["type"] for e in history["events"]][-3:] == [
        "disposed",
        "follow_up_drafted",
        "followed_up",
    ]


def test_the_disposition_commands_are_registered() -> None:
    for name in ("dispose", "draft-follow-up", "approve-follow-up"):
        assert name in COMMANDS
