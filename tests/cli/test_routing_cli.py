"""``sp4n route``, ``sp4n topics`` and ``sp4n region``: JSON shapes and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

import sp4n.cli
from sp4n.cli import main
from sp4n.routing import load_affairs


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_commands_are_registered() -> None:
    assert {"route", "topics", "region"} <= set(sp4n.cli.COMMANDS)


def test_route_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys, "route", "--region", "61.07", "--topic", "road", "--attr", "road_status=provinsi"
    )
    assert list(data) == [
        "region",
        "topic",
        "agency",
        "level",
        "manual",
        "reasons",
        "alternatives",
    ]
    assert data["agency"] == {
        "id": "61-pupr",
        "name": "Dinas Pekerjaan Umum dan Penataan Ruang Provinsi Kalimantan Barat",
        "level": "provinsi",
        "region": "61",
    }
    assert (data["region"], data["topic"], data["level"], data["manual"]) == (
        "61.07",
        "road",
        "provinsi",
        False,
    )
    assert data["reasons"][0]["rule"] == "concurrent_affairs"
    assert data["reasons"][0]["certainty"] == "reported"
    assert isinstance(data["alternatives"], list)


def test_route_manual_and_exclude(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(
        capsys, "route", "--region", "61.07", "--topic", "police", "--exclude", "61.07-polres"
    )
    assert data["agency"]["id"] == "61-polda"
    data = _json(capsys, "route", "--region", "11.01", "--topic", "other")
    assert data["manual"] is True
    assert data["agency"]["id"] == "pusat-admin"


def test_route_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--region", "61.07", "--topic", "waste"]) == 0
    out = capsys.readouterr().out
    assert "Dinas Lingkungan Hidup Kabupaten Bengkayang" in out
    assert "alasan / reasons" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--region", "61.07", "--topic", "roads"], "topic = 'roads'"),
        (["--region", "61.07", "--topic", "road", "--attr", "road_status=x"], "road_status"),
        (["--region", "61.07", "--topic", "road", "--attr", "nokey"], "KEY=VALUE"),
        (["--region", "61-07", "--topic", "road"], "'61-07'"),
        (["--region", "61.68", "--topic", "road"], "'61.68'"),
        (
            [
                *("--region", "61.07", "--topic", "road"),
                *("--attr", "road_status=desa", "--attr", "road_status=kota"),
            ],
            "once",
        ),
    ],
)
def test_route_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    try:
        status = main(["route", *argv, "--json"])
    except SystemExit as exc:  # argparse errors
        status = int(exc.code or 0)
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert needle in captured.err
    assert captured.err.count("\n") == 1


def test_topics_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "topics")
    assert list(data) == ["topics"]
    topics = {topic["id"]: topic for topic in data["topics"]}
    assert set(topics) == set(load_affairs().topics)
    for topic in data["topics"]:
        assert list(topic) == ["id", "name", "level", "attributes"]
    assert topics["puskesmas"]["level"] == "kabupaten_kota"
    assert topics["police"]["level"] == "pusat"
    assert topics["road"]["level"] == "varies"
    assert topics["other"]["level"] == "none"
    (road_status,) = topics["road"]["attributes"]
    assert road_status["key"] == "road_status"
    assert "provinsi" in road_status["values"]
    assert main(["topics"]) == 0
    assert "road_status" in capsys.readouterr().out


def test_region_code_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "region", "61.07.01.2001")
    assert data == {
        "code": "61.07.01.2001",
        "name": "Sungai Duri",
        "level": "desa",
        "timezone": "Asia/Pontianak",
        "parents": [
            {"code": "61.07.01", "name": "Sungai Raya", "level": "kecamatan"},
            {"code": "61.07", "name": "Kabupaten Bengkayang", "level": "kabupaten"},
            {"code": "61", "name": "Kalimantan Barat", "level": "provinsi"},
        ],
    }


def test_region_name_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "region", "Kota Bandung", "--limit", "3")
    assert list(data) == ["query", "candidates"]
    assert data["query"] == "Kota Bandung"
    assert [c["code"] for c in data["candidates"]][:2] == ["32.73", "32.04"]
    assert list(data["candidates"][0]) == ["code", "name", "level", "score"]
    scores = [c["score"] for c in data["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert main(["region", "Kab. Sekadau"]) == 0
    assert "61.09" in capsys.readouterr().out


@pytest.mark.parametrize(("query", "needle"), [("61.99", "'61.99'"), ("Atlantis Zzz", "Atlantis")])
def test_region_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], query: str, needle: str
) -> None:
    assert main(["region", query, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert needle in captured.err


def test_module_entry_point_runs_route() -> None:
    argv = ["route", "--region", "64.08", "--topic", "land", "--json"]
    run = subprocess.run(
        [sys.executable, "-m", "sp4n", *argv], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["agency"]["id"] == "64.08-kantah"
