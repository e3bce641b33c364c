"""A decade of SP4N-LAPOR! complaints: ingested, swept daily over a simulated year, reported.

One run, one table, each phase printed as it ends. At ``--scale 1`` it is issue 17's decade:
5,000,000 complaints (about 25,000,000 events here, 5 per complaint; the issue counts 6), the
target being all phases < 30 min on two cores, PostgreSQL; ``--scale 0.001`` (5,000
complaints) is what CI can afford.

1. **history**: nine years of completed complaints (submitted, verified, forwarded,
   followed_up, completed: 5 events each, made by the lifecycle, so ids are lifecycle ids)
   imported through ``Store.append_many`` in batches of 1,000, the projection
   row of each computed by the Desk (one clock evaluation per distinct day, then copied);
2. **the year**: day by day, that day's new complaints are submitted, verified and forwarded
   at 09:00 (the same bulk path), a few days later 90 % of them are followed up through
   ``Desk.follow_up`` (the other 10 % stay ignored: an overdue backlog that grows all year),
   and ``Desk.sweep()`` runs at 10:00 (completions after 10 silent working days, warnings,
   breach notices, escalations): total and slowest sweep;
3. **idle and next-day sweeps**: a repeat sweep a minute after the last one with the
   next-action index (decision 0181) and with the previous selection (decision 0080: every
   complaint within the warning lead or overdue), on the same store; the next day, the rows
   each selection reads, then that day's sweep;
4. **report**: ``Desk.report`` over the decade (decisions 0084, 0180), from the shapes the
   store groups (decision 0270) and, on the same store, row by row (decision 0230).

Run: ``PYTHONPATH=src python benchmarks/decade.py --scale 0.01 [--postgres]`` (SQLite by
default, a file in a temporary directory; ``--postgres`` starts a temporary server).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

import attrs

from sp4n.adapters import AppendRequest, ComplaintRow, Store
from sp4n.desk import ADMIN, Desk
from sp4n.desk._sweep import candidates, due_candidates
from sp4n.lifecycle import Actor, Complaint, ComplaintDraft, Reporter, Role, apply, submit
from sp4n.testing import FrozenClock

WITA = ZoneInfo("Asia/Makassar")
REGION, AGENCY = "64.71", "64-dinkes"
DECADE = 5_000_000
YEAR_START = dt.date(2025, 9, 1)
HISTORY_START = dt.date(2016, 9, 1)
BATCH = 1_000
LIAISON = Actor(id="64-dinkes@sp4n-sample.example", role=Role.LIAISON, agency=AGENCY)


def draft(i: int) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=f"Pelayanan puskesmas {i}",
        body="Antrean panjang tanpa kepastian.",
        region=REGION,
        topic="hospital",
        channel="web",
        reporter=Reporter(id=f"warga-{i}", email=f"warga{i}@example.org"),
    )


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA)


def forwarded(i: int, day: dt.date) -> Complaint:
    when = at(day, 9)
    c = submit(draft(i), actor=Actor(id=f"warga-{i}", role=Role.REPORTER), at=when)
    c = apply(c, "verified", actor=ADMIN, at=when, payload={})
    return apply(c, "forwarded", actor=ADMIN, at=when, payload={"agency": AGENCY, "reasons": []})


def completed(i: int, day: dt.date) -> Complaint:
    c = forwarded(i, day)
    c = apply(c, "followed_up", actor=LIAISON, at=at(day + dt.timedelta(days=3), 10),
              payload={"text": "Ditangani."})  # fmt: skip
    return apply(c, "completed", actor=ADMIN, at=at(day + dt.timedelta(days=5), 10),
                 payload={"by": "admin"})  # fmt: skip


class Rows:
    """Projection rows the Desk computes, once per (story, day), then copied per complaint."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._templates: dict[tuple[str, dt.date], ComplaintRow] = {}

    def __call__(self, c: Complaint, day: dt.date) -> ComplaintRow:
        key = (c.status.value, day)
        row = self._templates.get(key)
        if row is None:
            desk = self._desk
            clocks = desk.rules.clocks(c, now=c.history[-1].occurred_at)
            row = self._templates[key] = desk._project(c, clocks)  # next_action, facts
        return attrs.evolve(
            row,
            complaint_id=c.complaint_id,
            tracking_id=c.tracking_id,
            title=c.title,
            updated_at=c.history[-1].occurred_at,
            submitted_at=c.submitted_at,
        )


def days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day < end:
        yield day
        day += dt.timedelta(days=1)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = action()
    return time.perf_counter() - t0, result


class PreviousSelection:
    """The same store without ``reschedule``: the sweep selects as decision 0080 did."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.url = store.url

    def __getattr__(self, name: str) -> Any:
        if name == "reschedule":
            raise AttributeError(name)
        return getattr(self._store, name)


def run(url: str, scale: float, year_days: int) -> list[tuple[str, str, str]]:
    total = max(10, round(DECADE * scale))
    in_year = max(1, total // 10)
    history = total - in_year
    clock = FrozenClock(at(HISTORY_START, 8))
    out: list[tuple[str, str, str]] = []

    def report(phase: str, seconds: float, note: str) -> None:
        out.append((phase, f"{seconds:.2f}", note))
        print(f"  {phase}: {seconds:.2f} s  {note}", flush=True)

    with Desk.open(url, clock=clock) as desk:
        rows = Rows(desk)
        span = (YEAR_START - HISTORY_START).days
        t0 = time.perf_counter()
        events = 0
        storing = 0.0
        batch: list[AppendRequest] = []
        tenth = max(BATCH, history // 10)
        mark = tenth
        trend: list[str] = []  # the store's events/s over each tenth: how it falls with size
        slice_events, slice_seconds = 0, 0.0
        for i in range(history):
            day = HISTORY_START + dt.timedelta(days=i * span // history)
            c = completed(i, day)
            batch.append(AppendRequest(c.complaint_id, 0, c.history, rows(c, day)))
            events += len(c.history)
            slice_events += len(c.history)
            if len(batch) == BATCH or i == history - 1:
                t1 = time.perf_counter()
                desk.store.append_many(batch)
                took = time.perf_counter() - t1
                storing += took
                slice_seconds += took
                batch = []
                if i + 1 >= mark or i == history - 1:  # a tenth stored: its events/s
                    trend.append(f"{i + 1:,}: {slice_events / slice_seconds:,.0f}")
                    slice_events, slice_seconds = 0, 0.0
                    mark = i + 1 + tenth
        seconds = time.perf_counter() - t0
        report("1. history import", seconds,
               f"{history:,} complaints, {events:,} events; the store took {storing:.2f} s: "
               f"{events / storing:,.0f} events/s (the rest: making them)")  # fmt: skip
        print(f"     events/s by complaints stored: {'; '.join(trend)}", flush=True)

        per_day = in_year / year_days
        made = 0
        pending: dict[dt.date, list[str]] = {}
        sweeps: list[float] = []
        t0 = time.perf_counter()
        ignored = 0
        for n, day in enumerate(days(YEAR_START, YEAR_START + dt.timedelta(days=year_days))):
            count = round(per_day * (n + 1)) - made
            batch = []
            for i in range(history + made, history + made + count):
                c = forwarded(i, day)
                batch.append(AppendRequest(c.complaint_id, 0, c.history, rows(c, day)))
                if i % 10:
                    pending.setdefault(day + dt.timedelta(days=3), []).append(c.complaint_id)
                else:
                    ignored += 1
            made += count
            if batch:
                desk.store.append_many(batch)
            clock.set(at(day, 9, 30))
            for cid in pending.pop(day, []):
                desk.follow_up(cid, "Sudah ditangani.", actor=LIAISON, at=at(day, 9, 30))
            clock.set(at(day, 10))
            seconds, _ = timed(desk.sweep)
            sweeps.append(seconds)
        seconds = time.perf_counter() - t0
        report("2. the year, day by day", seconds,
               f"{made:,} new complaints, {ignored:,} ignored; {len(sweeps)} sweeps, "
               f"{sum(sweeps):.2f} s in all, slowest {max(sweeps):.3f} s")  # fmt: skip

        last = YEAR_START + dt.timedelta(days=year_days - 1)
        old = Desk(PreviousSelection(desk.store), pm=desk.pm, clock=clock)  # type: ignore[arg-type]
        for name, sweeper in (("next-action index", desk), ("previous selection", old)):
            clock.set(at(last, 10, 1))
            seconds, swept = timed(sweeper.sweep)
            report(f"3. idle repeat sweep, {name}", seconds, f"{swept.candidates:,} candidates")
        nxt = last + dt.timedelta(days=1)
        config = desk.sweep_config
        for name, select in (
            ("next-action index", candidates),
            ("previous selection", due_candidates),
        ):
            seconds, found_rows = timed(lambda select=select: select(desk, at(nxt, 10), config))
            report(f"3. next day, rows selected, {name}", seconds, f"{len(found_rows):,} rows")
        clock.set(at(nxt, 10))
        seconds, swept = timed(desk.sweep)
        notices = swept.warnings + swept.breaches + swept.escalations
        report("3. next day's sweep (next-action index)", seconds,
               f"{swept.candidates:,} read, {notices} notices, {swept.completed} done")  # fmt: skip

        clock.set(at(nxt, 12))
        seconds, found = timed(lambda: desk.report(start=HISTORY_START, end=nxt, now=at(nxt, 12)))
        total_row = found.rows[-1]
        shapes = desk.store.report_shapes(as_of=at(nxt, 12))  # type: ignore[attr-defined]
        report("4. compliance report, the decade (report_shapes)", seconds,
               f"{total_row.received:,} received, {total_row.overdue_now:,} overdue; "
               f"{len(shapes):,} shapes (decision 0270)")  # fmt: skip
        narrow = Desk(_RowByRow(desk.store), pm=desk.pm, clock=clock)  # type: ignore[arg-type]
        seconds, before = timed(
            lambda: narrow.report(start=HISTORY_START, end=nxt, now=at(nxt, 12))
        )
        assert before == found, "the shapes and the per-row read give different reports"
        report("4. the same report row by row (report_facts)", seconds,
               "the path before decision 0270 (decision 0230)")  # fmt: skip
    return out


class _RowByRow:
    """The store, minus ``report_shapes``: the report reads one row at a time through
    ``report_facts``, as before decision 0270 (what a store without the method gets)."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "report_shapes":
            raise AttributeError(name)
        return getattr(self._inner, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.001, help="fraction of 5 M complaints")
    parser.add_argument("--days", type=int, default=365, help="days of the simulated year")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"sp4n decade benchmark, {engine}, scale {args.scale:g}, {args.days} days", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        if args.postgres:
            from sp4n.testing import TemporaryPostgres

            with TemporaryPostgres(durable=True) as server:
                rows = run(server.create_database(), args.scale, args.days)
        else:
            rows = run(f"sqlite:///{Path(tmp) / 'decade.db'}", args.scale, args.days)
        elapsed = time.perf_counter() - t0
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'phase':<{width}}  {'s':>8}  note")
    for phase, seconds, note in rows:
        print(f"{phase:<{width}}  {seconds:>8}  {note}")
    print(f"{'all phases':<{width}}  {elapsed:>8.2f}  (target at scale 1: < 1800 s)")


if __name__ == "__main__":
    main()
