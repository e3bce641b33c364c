"""Desk speed: submissions and officer actions per second, and a sweep over 100,000 complaints.

One run, one table. For each store (memory, SQLite file, PostgreSQL when ``initdb`` is on
the PATH or in /usr/lib/postgresql/*/bin; its server keeps ``fsync`` on):

- submit: ``Desk.submit`` of distinct web-form drafts (lifecycle submit, clocks, projection
  row, rendered outbox for reporter and admin, one transaction each);
- verify+forward: ``Desk.verify`` then ``Desk.forward`` (router suggestion) per complaint,
  each reloading and replaying the complaint before acting;
- complaints/s: whole complaints through submit+verify+forward (issue 17 target: 2,000 /s
  on SQLite), from the two timings above;
- on PostgreSQL also WRITERS processes at once (default 4), each with its own Desk on the
  same database and its own drafts, each doing submit+verify+forward per complaint (issue 17
  target: 1,000 complaints/s), counted from the first start to the last finish.

Then on SQLite (issue 7 target: under 5 s):

- sweep 100k: ``Desk.sweep`` over a store holding 100,000 open complaints (submitted,
  verified, forwarded to a Kalimantan Timur agency) whose T2 due dates are spread over the
  next 60 working days, 1% of them due within a working day or overdue: the sweep reads the
  ``next_due`` index and replays only those (decision 0080);
- sweep again: the same sweep a minute later (cron), which finds everything done.

The 100,000 complaints are bulk-loaded through ``Store.append_many`` with events made by the
lifecycle and projection rows computed by the Desk (one clock evaluation per distinct
forwarding date), so the setup is not what is measured.

Run: ``PYTHONPATH=src python benchmarks/desk.py [N] [OPEN] [WRITERS]`` (N submissions per
store and per PostgreSQL writer, default 500; OPEN complaints for the sweep, default 100,000;
WRITERS PostgreSQL writer processes, default 4). The numbers of main before issue 17's
write-path work, measured on the same machine, are in docs/storage.md.
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

import datetime as dt
from zoneinfo import ZoneInfo

import attrs

from sp4n.adapters import AppendRequest, ComplaintRow, plugin_manager
from sp4n.desk import ADMIN, Desk
from sp4n.lifecycle import Actor, ComplaintDraft, Reporter, Role, apply, submit
from sp4n.sla import WorkingCalendar
from sp4n.testing import FrozenClock

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


def measure(url: str, n: int) -> tuple[float, float, float, float]:
    """Submissions/s, actions/s, whole complaints/s (submit+verify+forward) on ``url``, and
    whole complaints per CPU-second of this process (steadier on a shared machine)."""
    with Desk.open(url, pm=plugin_manager(load_entrypoints=False), clock=Clock()) as desk:
        for i in range(20):  # warm up: policies, calendars and statements loaded once
            ref = desk.submit(draft(-1 - i)).complaint_id
            desk.forward(desk.verify(ref).complaint_id, attributes={"road_status": "kabupaten"})
        drafts = [draft(i) for i in range(n)]
        cpu = time.process_time()
        t0 = time.perf_counter()
        refs = [desk.submit(d).complaint_id for d in drafts]
        submitting = time.perf_counter() - t0
        t0 = time.perf_counter()
        for ref in refs:
            desk.verify(ref)
            desk.forward(ref, attributes={"road_status": "kabupaten"})
        acting = time.perf_counter() - t0
        cpu = time.process_time() - cpu
    return n / submitting, 2 * n / acting, n / (submitting + acting), n / cpu


def _writer(url: str, first: int, n: int, ready: Any, go: Any, done: Any) -> None:
    """One writer process: its own Desk, ``n`` complaints of its own through all three verbs."""
    with Desk.open(url, pm=plugin_manager(load_entrypoints=False), clock=Clock()) as desk:
        for i in range(20):  # warm up, as measure does
            ref = desk.submit(draft(-first - i)).complaint_id
            desk.forward(desk.verify(ref).complaint_id, attributes={"road_status": "kabupaten"})
        drafts = [draft(first + i) for i in range(n)]
        ready.release()
        go.wait()
        t0 = time.monotonic()
        for d in drafts:
            ref = desk.submit(d).complaint_id
            desk.verify(ref)
            desk.forward(ref, attributes={"road_status": "kabupaten"})
        done.put((t0, time.monotonic()))


def measure_writers(url: str, n: int, writers: int) -> float:
    """Whole complaints/s of ``writers`` processes on one database, first start to last end."""
    with Desk.open(url, pm=plugin_manager(load_entrypoints=False), clock=Clock()):
        pass  # the schema is made before the writers start
    context = multiprocessing.get_context("spawn")  # no inherited connections or locks
    ready, go, done = context.Semaphore(0), context.Event(), context.Queue()
    processes = [
        context.Process(target=_writer, args=(url, 1_000_000 * (w + 1), n, ready, go, done))
        for w in range(writers)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire()
    go.set()
    spans = [done.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a writer failed (exit code {process.exitcode})")
    return writers * n / (max(end for _, end in spans) - min(start for start, _ in spans))


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
        server = TemporaryPostgres(bindir, durable=True).start()  # fsync on
        found.append(("postgresql (local)", server.create_database))
        STOP.append(server.stop)
    return found


STOP: list[Callable[[], None]] = []


WITA = ZoneInfo("Asia/Makassar")
REGION, AGENCY = "64.71", "64-dinkes"
OPEN = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
NEAR = OPEN // 100
NOW = dt.datetime(2026, 9, 1, 10, 0, tzinfo=WITA)  # a Tuesday, 10:00 WITA
TARGET_S = 5.0


def sweep_draft(i: int) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=f"Pelayanan puskesmas {i}",
        body="Antrean panjang tanpa kepastian.",
        region=REGION,
        topic="hospital",
        channel="web",
        reporter=Reporter(id=f"warga-{i}", email=f"warga{i}@example.org"),
    )


def forwarding_days(calendar: WorkingCalendar) -> list[dt.date]:
    """60 forwarding dates, the first one's T2 due date (5 WD later) being tomorrow."""
    first = NOW.astimezone(WITA).date()
    for _ in range(4):
        first -= dt.timedelta(days=1)
        while not calendar.is_working_day(first):
            first -= dt.timedelta(days=1)
    days = [first]
    while len(days) < 60:
        days.append(calendar.next_working_day(days[-1]))
    return days


def load(desk: Desk) -> None:
    """Bulk-load OPEN forwarded complaints: NEAR due tomorrow or overdue, the rest later."""
    calendar = WorkingCalendar.indonesia(REGION)
    days = forwarding_days(calendar)
    overdue_day = days[0] - dt.timedelta(days=14)
    templates: dict[dt.date, ComplaintRow] = {}
    batch: list[AppendRequest] = []
    for i in range(OPEN):
        if i < NEAR // 2:
            day = days[0]  # due tomorrow: a warning
        elif i < NEAR:
            day = overdue_day  # two weeks overdue: breach notice and escalation
        else:
            day = days[1 + i % (len(days) - 1)]
        at = dt.datetime.combine(day, dt.time(9, 0), tzinfo=WITA)
        reporter = Actor(id=f"warga-{10_000 + i}", role=Role.REPORTER)
        c = submit(sweep_draft(10_000 + i), actor=reporter, at=at)
        c = apply(c, "verified", actor=ADMIN, at=at, payload={})
        c = apply(c, "forwarded", actor=ADMIN, at=at, payload={"agency": AGENCY, "reasons": []})
        row = templates.get(day)
        if row is None:
            row = desk._project(c, desk.rules.clocks(c, now=at))  # with next_action and facts
            templates[day] = row
        mine = attrs.evolve(
            row,
            complaint_id=c.complaint_id,
            tracking_id=c.tracking_id,
            title=c.title,
            updated_at=c.history[-1].occurred_at,
        )
        batch.append(AppendRequest(c.complaint_id, 0, c.history, mine))
        if len(batch) == 5000:
            desk.store.append_many(batch)
            batch = []
    if batch:
        desk.store.append_many(batch)


def measure_sweep(tmp: Path) -> tuple[float, float, str, str]:
    clock = FrozenClock(NOW)
    with Desk.open(f"sqlite:///{tmp / 'sweep.db'}", clock=clock) as desk:
        load(desk)
        t0 = time.perf_counter()
        report = desk.sweep()
        first = time.perf_counter() - t0
        clock.set(NOW + dt.timedelta(minutes=1))
        t0 = time.perf_counter()
        again = desk.sweep()
        second = time.perf_counter() - t0
    note = (
        f"{report.candidates:,} near/past due replayed; {report.warnings} warnings, "
        f"{report.breaches} breach notices, {report.escalations} escalations"
    )
    return first, second, note, f"{again.messages} new messages"


WRITERS = int(sys.argv[3]) if len(sys.argv) > 3 else 4
TARGETS = {"sqlite (file)": 2000.0}  # issue 17, whole complaints/s of one writer
WRITERS_TARGET = 1000.0  # issue 17, PostgreSQL with 4 writers


def _verdict(rate: float, target: float | None) -> tuple[str, str]:
    if target is None:
        return "-", ""
    return f">= {target:,.0f} /s", "met" if rate >= target else "NOT met"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rows: list[tuple[str, str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for name, make_url in stores(Path(tmp)):
                submit_rate, action_rate, whole, per_cpu = measure(make_url(), n)
                rows.append(("submit", name, f"{submit_rate:,.0f} /s", "-", ""))
                rows.append(("verify+forward actions", name, f"{action_rate:,.0f} /s", "-", ""))
                target, verdict = _verdict(whole, TARGETS.get(name))
                rows.append(
                    (
                        "complaints (submit+verify+forward)",
                        name,
                        f"{whole:,.0f} /s",
                        target,
                        verdict,
                    )
                )
                rows.append(
                    (
                        "  per CPU-second of the benchmark process",
                        name,
                        f"{per_cpu:,.0f} /s",
                        "",
                        "",
                    )
                )
                if name.startswith("postgresql"):
                    rate = measure_writers(make_url(), n, WRITERS)
                    target, verdict = _verdict(rate, WRITERS_TARGET if WRITERS == 4 else None)
                    label = f"complaints, {WRITERS} writer processes"
                    rows.append((label, name, f"{rate:,.0f} /s", target, verdict))
        finally:
            for stop in STOP:
                stop()
        first, second, note, again = measure_sweep(Path(tmp))
    for label, took, extra in (
        (f"sweep {OPEN:,} open", first, note),
        ("sweep again, a minute later", second, again),
    ):
        verdict = "met" if took < TARGET_S else "NOT met"
        rows.append((label, "sqlite (file)", f"{took:.2f} s", f"< {TARGET_S:g} s", verdict))
        rows.append(("  " + extra, "", "", "", ""))
    head = ("measure", "store", "result", "target", "")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]
    print(f"sp4n.Desk, one run: {n} complaints per store; sweep over {OPEN:,} open complaints")
    for line in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
