"""The command line under bad input: exit status 2 and one line on stderr, never a traceback.

Limits, undecodable or control characters in argv, malformed store URLs, ports out of
range or busy, hosts that do not resolve, regions that do not exist (decision 0142).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sp4n import Desk
from sp4n.cli import main


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with Desk.open(url):  # read-only commands refuse a missing file before reading options
        pass
    return url


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], *needles: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err
    return err


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--limit", str(10**20)),
        ("--offset", str(10**20)),
        ("--limit", str(2**63)),
        ("--offset", "-1"),
        ("--limit", "0"),
    ],
)
def test_list_limits_beyond_what_a_store_holds_exit_2(
    capsys: pytest.CaptureFixture[str], db: str, option: str, value: str
) -> None:
    _fails(capsys, ["list", "--db", db, option, value], option.lstrip("-"), value)


@pytest.mark.parametrize("command", [["deliver"], ["outbox"]])
def test_outbox_limits_beyond_what_a_store_holds_exit_2(
    capsys: pytest.CaptureFixture[str], db: str, command: list[str]
) -> None:
    _fails(capsys, [*command, "--db", db, "--limit", str(10**20)], "limit")


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["list", "--title", "jalan\udcff"], "--title"),
        (["list", "--agency", "dpu\x00"], "--agency"),
        (["list", "--status", "\ud800"], "--status"),
        (["submit", "--title", "Jalan\x08", "--body", "b", "--region", "61.07"], "--title"),
        (["submit", "--title", "Jalan", "--body", "b\udcc3", "--region", "61.07"], "--body"),
        (["show", "LAPOR\x1b"], "REF"),
    ],
)
def test_argv_with_surrogates_or_control_characters_exits_2(
    capsys: pytest.CaptureFixture[str], db: str, argv: list[str], option: str
) -> None:
    err = _fails(capsys, [*argv, "--db", db], option, "must not contain U+")
    err.encode("utf-8")  # printable: the surrogate is escaped, not written raw


_SP4N = (sys.executable, "-m", "sp4n")


def test_undecodable_argv_bytes_from_a_real_process_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [*_SP4N, "list", "--db", f"sqlite:///{tmp_path}/x.db", "--title", os.fsdecode(b"a\xff")],
        capture_output=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count(b"\n") == 1
    assert b"--title" in done.stderr
    assert b"Traceback" not in done.stderr


def test_region_prefix_of_the_last_code_point_exits_2(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    _fails(capsys, ["list", "--db", db, "--region", "\U0010ffff"], "--region")


@pytest.mark.parametrize(
    "url",
    ["sqlite:///x%00.db", "sqlite:///x\x00.db", "postgresql://u@h%00/db", "sqlite:///x%1b.db"],
)
def test_store_urls_with_nul_or_controls_exit_2(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    _fails(capsys, ["list", "--db", url], "db =", "must not contain U+")


@pytest.mark.parametrize("port", ["99999", "-1", "65536", "http"])
def test_serve_port_out_of_range_exits_2(
    capsys: pytest.CaptureFixture[str], db: str, port: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["serve", "--db", db, "--port", port])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--port" in err
    assert "0-65535" in err


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_serve_on_a_busy_port_exits_2(
    capsys: pytest.CaptureFixture[str], db: str, busy_port: int
) -> None:
    _fails(
        capsys,
        ["serve", "--db", db, "--port", str(busy_port)],
        "--port",
        str(busy_port),
        "another program listens there",
    )


@pytest.mark.parametrize("host", ["no-such-host.invalid", "10.255.255.254", "\udcff"])
def test_serve_on_an_unknown_host_exits_2(
    capsys: pytest.CaptureFixture[str], db: str, host: str
) -> None:
    _fails(capsys, ["serve", "--db", db, "--host", host, "--port", "0"], "--host")


@pytest.mark.parametrize(
    ("region", "rule"), [("99", "no region"), ("61.99", "no region"), ("6x", "form")]
)
def test_serve_for_a_region_that_does_not_exist_exits_2(
    capsys: pytest.CaptureFixture[str], db: str, region: str, rule: str
) -> None:
    _fails(capsys, ["serve", "--db", db, "--region", region, "--port", "0"], "--region", rule)


@pytest.mark.parametrize(
    ("hub", "needle"),
    [
        ("http://[::1/open311/v2", "not a valid URL"),
        ("http://127.0.0.1:99999/open311/v2", "not a valid URL"),
        ("http://hub\x00.example/open311/v2", "must not contain U+"),
    ],
)
def test_relay_hub_urls_that_cannot_be_parsed_exit_2(
    capsys: pytest.CaptureFixture[str], db: str, hub: str, needle: str
) -> None:
    _fails(capsys, ["relay", "--db", db, "--hub", hub, "--sync"], needle)


@pytest.mark.parametrize("timeout", ["nan", "-1", "inf", "0"])
def test_relay_timeouts_that_make_no_sense_exit_2(
    capsys: pytest.CaptureFixture[str], db: str, timeout: str
) -> None:
    hub = "http://127.0.0.1:9/open311/v2"
    _fails(capsys, ["relay", "--db", db, "--hub", hub, "--sync", "--timeout", timeout], "timeout")


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_deadline_from_an_instant_at_the_edge_of_time_exits_2(
    capsys: pytest.CaptureFixture[str], start: str
) -> None:
    _fails(capsys, ["deadline", start, "--working-days", "3"], "0001-01-01 and 9999-12-31")
