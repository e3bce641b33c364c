"""The console's CSV is what `sp4n report` prints, and `python -m sp4n_console serve` serves.

Both sides read the system clock here (the command line is the edge), over one SQLite file
whose story happened in 2025, so "now" can only be later than every event.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from console_support import AGENCY, PASSWORD, REPORTER, WIB, Browser, Server
from sp4n_console import OfficerBook

from sp4n import Desk
from sp4n.cli import main as sp4n_main
from sp4n.lifecycle import ComplaintDraft


def day(d: int, month: int = 3) -> datetime:
    return datetime(2025, month, d, 10, tzinfo=WIB)


def story(desk: Desk) -> None:
    for n, (topic, visibility) in enumerate(
        [("drainage", "public"), ("drainage", "anonymous"), ("puskesmas", "public")]
    ):
        draft = ComplaintDraft(
            kind="pengaduan",
            title=f"Laporan {n}",
            body="Isi laporan.",
            region="61.07",
            topic=topic,
            channel="web",
            reporter=REPORTER,
            visibility=visibility,
        )
        tracking = desk.submit(draft, at=day(3 + n)).tracking_id
        desk.verify(tracking, at=day(4 + n))
        desk.forward(tracking, AGENCY if topic == "drainage" else "61.07-dinkes", at=day(10 + n))
        if n == 0:
            desk.follow_up(tracking, "Selesai dikerjakan.", at=day(12))


def test_console_csv_equals_sp4n_report(
    tmp_path: Path, officers: OfficerBook, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'report.db'}"
    with Desk.open(url) as desk:  # the system clock, as `sp4n report` has
        story(desk)
        served = Server(desk, officers)
        try:
            client = Browser(served.url)
            assert client.login("pengawas") == 303
            for query, args in (
                ("", []),
                ("&by=region", ["--region", "61"]),
                ("&by=topic", ["--by", "topic"]),
                ("&by=channel", ["--by", "channel"]),
            ):
                status, _, console = client.get(f"/dasbor.csv?from=2025-03-01&to=2025-03-31{query}")
                assert status == 200
                assert (
                    sp4n_main(
                        [
                            "report",
                            "--db",
                            url,
                            "--from",
                            "2025-03-01",
                            "--to",
                            "2025-03-31",
                            "--format",
                            "csv",
                            *args,
                        ]
                    )
                    == 0
                )
                assert console == capsys.readouterr().out.rstrip("\n") + "\n"
            assert (
                sp4n_main(
                    ["report", "--db", url, "--from", "2025-03-01", "--to", "2025-03-31", "--json"]
                )
                == 0
            )
            rows = json.loads(capsys.readouterr().out)["rows"]
            assert [r["group"] for r in rows] == ["61.07-dinkes", AGENCY, "*"]
            assert rows[1]["received"] == 2
            assert rows[1]["followed_up_in_5wd"] == 1
        finally:
            served.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_runner_serves_on_waitress(tmp_path: Path, officers: OfficerBook) -> None:
    file = tmp_path / "officers.json"
    officers.save(file)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    command = [
        sys.executable,
        "-m",
        "sp4n_console",
        "serve",
        "--db",
        f"sqlite:///{tmp_path / 'run.db'}",
        "--officers",
        str(file),
        "--port",
        str(port),
    ]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as run:
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk", timeout=2) as r:
                        assert r.status == 200
                        assert r.headers["Server"] == "sp4n"  # sp4n.serving's waitress
                        break
                except OSError:
                    assert run.poll() is None, run.stderr.read() if run.stderr else ""
                    assert time.monotonic() < deadline, "the console did not start"
                    time.sleep(0.2)
            client = Browser(f"http://127.0.0.1:{port}")
            assert client.login("admin61", PASSWORD) == 303
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                assert json.loads(r.read())["status"] == "ok"  # the same /healthz as sp4n serve
        finally:
            run.terminate()
            assert run.wait(timeout=15) == 0  # SIGTERM drains and exits cleanly


def test_the_runner_refuses_bad_input_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    bad = tmp_path / "officers.json"
    bad.write_text("[]")
    for args in (
        ["serve", "--officers", str(bad)],
        ["serve", "--officers", str(tmp_path / "none.json"), "--port", "70000"],
        ["serve", "--officers", str(tmp_path / "none.json"), "--port", "x"],
        ["add-officer"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "sp4n_console", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.count("\n") == 1, (args, done.stderr)
        assert "Traceback" not in done.stderr
