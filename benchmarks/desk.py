"""Desk speed: submissions and officer actions per second through ``sp4n.Desk``.

One run, one table. For each store (memory, SQLite file, PostgreSQL when ``initdb`` is on
the PATH or in /usr/lib/postgresql/*/bin) it measures:

- submit: ``Desk.submit`` of distinct web-form drafts (lifecycle submit, clocks, projection
  row, rendered outbox for reporter and admin, one transaction each);
- verify+forward: ``Desk.verify`` then ``Desk.forward`` (router suggestion) per complaint,
  each reloading and replaying the complaint before acting.

The sweep over 100,000 open complaints that issue 7 also asks for belongs to the sweep work
and is not measured here yet.

Run: ``PYTHONPATH=src python benchmarks/desk.py [N]`` (N submissions per store, default 500)
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar module
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from sp4n.adapters import plugin_manager  # noqa: E402
from sp4n.desk import Desk  # noqa: E402
from sp4n.lifecycle import ComplaintDraft, Reporter  # noqa: E402

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


class Clock:
    """A clock that moves one second per call (so every complaint gets its own instant)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def draft(number: int) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=f"Jalan rusak nomor {number}",
        body="Berlubang dan tergenang saat hujan.",
        region="61.07",
        topic="road",
        channel="web",
        reporter=Reporter(id=f"warga-{number}", email=f"warga{number}@example.org"),
    )


def measure(url: str, n: int) -> tuple[float, float]:
    with Desk.open(url, pm=plugin_manager(load_entrypoints=False), clock=Clock()) as desk:
        drafts = [draft(i) for i in range(n)]
        t0 = time.perf_counter()
        refs = [desk.submit(d).complaint_id for d in drafts]
        submit_rate = n / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        for ref in refs:
            desk.verify(ref)
            desk.forward(ref, attributes={"road_status": "kabupaten"})
        action_rate = 2 * n / (time.perf_counter() - t0)
    return submit_rate, action_rate


def stores(tmp: Path) -> list[tuple[str, Callable[[], str]]]:
    found: list[tuple[str, Callable[[], str]]] = [
        ("memory://", lambda: "memory://"),
        ("sqlite (file)", lambda: f"sqlite:///{tmp / 'bench.db'}"),
    ]
    try:
        from sp4n.testing._postgres import TemporaryPostgres, find_postgres_bin

        bindir = find_postgres_bin()
    except Exception:  # PostgreSQL is optional for the benchmark
        bindir = None
    if bindir is not None:
        server = TemporaryPostgres(bindir).start()
        found.append(("postgresql (local)", server.create_database))
        STOP.append(server.stop)
    return found


STOP: list[Callable[[], None]] = []


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for name, make_url in stores(Path(tmp)):
                submit_rate, action_rate = measure(make_url(), n)
                rows.append((name, submit_rate, action_rate))
        finally:
            for stop in STOP:
                stop()
    print(f"sp4n.Desk, {n} complaints per store (one run)")
    print(f"{'store':<20} {'submit /s':>10} {'verify+forward actions /s':>27}")
    for name, submit_rate, action_rate in rows:
        print(f"{name:<20} {submit_rate:>10.0f} {action_rate:>27.0f}")


if __name__ == "__main__":
    main()
