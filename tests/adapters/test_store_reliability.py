"""Reliability, tested with real processes: racing writers and a writer killed mid-stream."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

import sp4n
from sp4n.adapters import Store, open_store

HERE = Path(__file__).resolve().parents[1]  # tests/, where store_worker.py is
sys.path.insert(0, str(HERE))
from store_worker import fold  # noqa: E402

WORKER = HERE / "store_worker.py"
TRANSITIONS = 1000
COMPLAINTS = 4
FAR = datetime(2100, 1, 1, tzinfo=UTC)


def _env() -> dict[str, str]:
    src = str(Path(sp4n.__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": src + (os.pathsep + path if path else "")}


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _check_consistent(store: Store, complaint_ids: list[str]) -> int:
    """Every stream is gap-free and its replay equals its projection row; return the events."""
    total = 0
    for complaint_id in complaint_ids:
        events = store.load(complaint_id)
        if not events:
            assert store.get(complaint_id) is None
            continue
        assert [event.seq for event in events] == list(range(1, len(events) + 1))
        assert store.version(complaint_id) == len(events)
        assert store.get(complaint_id) == fold(events)
        total += len(events)
    return total


def race(url: str) -> None:
    open_store(url).close()  # create the schema once, before the race
    per_worker = TRANSITIONS // 2
    workers = [_spawn("race", url, tag, str(per_worker), str(COMPLAINTS)) for tag in ("a", "b")]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "ready", worker.stderr
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err  # any error other than ConcurrencyError fails here
        results.append(json.loads(out.strip().splitlines()[-1]))
    written = [event_id for result in results for event_id in result["written"]]
    assert len(written) == TRANSITIONS
    assert len(set(written)) == TRANSITIONS
    store = open_store(url)
    try:
        ids = [f"c{i}" for i in range(COMPLAINTS)]
        assert _check_consistent(store, ids) == TRANSITIONS
        stored = Counter(event.id for cid in ids for event in store.load(cid))
        assert stored == Counter(written)  # none lost, none duplicated
        assert len(store.pending_outbox(now=FAR, limit=5000)) == TRANSITIONS
    finally:
        store.close()
    conflicts = sum(result["conflicts"] for result in results)
    retried = sum(result["retried_ok"] for result in results)
    assert conflicts > 0, "the two writers never collided; the race proved nothing"
    assert retried > 0


def kill_mid_stream(url: str) -> None:
    open_store(url).close()
    committed: dict[str, int] = {}
    for round_ in range(3):
        writer = _spawn("stream", url, f"w{round_}")
        assert writer.stdout is not None
        lines = 0
        deadline = time.monotonic() + 0.4 + 0.25 * round_
        while time.monotonic() < deadline or lines < 20:
            line = writer.stdout.readline()
            assert line, writer.stderr.read() if writer.stderr else "writer died"
            _, complaint_id, version = line.split()
            committed[complaint_id] = max(committed.get(complaint_id, 0), int(version))
            lines += 1
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        assert writer.returncode == -signal.SIGKILL
        writer.stdout.close()
        if writer.stderr:
            writer.stderr.close()
        if writer.stdin:
            writer.stdin.close()
        store = open_store(url)
        try:
            ids = [f"s{i}" for i in range(50)]
            assert _check_consistent(store, ids) > 0
            for complaint_id, version in committed.items():
                assert store.version(complaint_id) >= version  # nothing reported lost
            for message in store.pending_outbox(now=FAR, limit=100_000):
                assert message.event_seq <= store.version(message.complaint_id)
        finally:
            store.close()


@pytest.mark.slow
def test_sqlite_two_processes_race_without_losing_or_duplicating(sqlite_url: str) -> None:
    race(sqlite_url)


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_two_processes_race_without_losing_or_duplicating(postgres_url: str) -> None:
    race(postgres_url)


@pytest.mark.slow
def test_sqlite_writer_killed_mid_stream_leaves_nothing_half_written(sqlite_url: str) -> None:
    kill_mid_stream(sqlite_url)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_writer_killed_mid_stream_leaves_nothing_half_written(postgres_url: str) -> None:
    kill_mid_stream(postgres_url)
