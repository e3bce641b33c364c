"""Storage benchmark: ingest a simulated national year, then query a million complaints.

One run, one table. For SQLite (a file in a temporary directory) and PostgreSQL (a temporary
server this script starts with initdb/pg_ctl, fsync on), it measures:

1. ingest of a simulated national year, 500,000 complaints x about 6 events (submitted,
   verified, forwarded, followed_up, sometimes reporter_replied, completed), replayed day by
   day in time order through ``Store.append_many`` in batches of 1,000 appends, each append
   with its projection row and one outbox message: events per second;
2. a second year's complaints are added (not timed) so 1,000,000 complaints are stored;
3. the overdue query (first page of 100, most overdue first) and a region-prefix listing
   (first page of 100 in Jawa Timur, ``35``): median of 15 runs, in milliseconds.

Targets (issue 5): SQLite ingest >= 20,000 events/s batched; each query < 100 ms.

    python benchmarks/storage.py              # full size (several minutes)
    python benchmarks/storage.py --scale 0.05 # quick run: 25,000 complaints per year
"""

from __future__ import annotations

import os
import sys

# Running ``python benchmarks/storage.py`` puts benchmarks/ first on sys.path, where
# benchmarks/calendar.py would shadow the standard library's ``calendar``.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sp4n.adapters import AppendRequest, ComplaintRow, OutboxMessage, Store, open_store
from sp4n.lifecycle import Actor, Event, Role

YEAR_COMPLAINTS = 500_000
BATCH = 1_000
START = date(2025, 1, 1)
# (days after submission, event type, status after it); reporter_replied only for some.
STORY = (
    (0, "submitted", "submitted"),
    (1, "verified", "verified"),
    (3, "forwarded", "forwarded"),
    (8, "followed_up", "followed_up"),
    (10, "reporter_replied", "forwarded"),
    (24, "completed", "completed"),
)
PROVINCES = ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33",
             "34", "35", "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72",
             "73", "74", "75", "76", "81", "82", "91", "92", "93", "94", "95", "96")  # fmt: skip
TOPICS = ("infrastruktur.jalan", "kesehatan.puskesmas", "pendidikan.sekolah",
          "kependudukan.ktp", "lingkungan.sampah", "bansos.pkh")  # fmt: skip
WORDS = ("jalan", "rusak", "lampu", "mati", "sampah", "antrean", "ktp", "bansos", "sekolah",
         "puskesmas", "banjir", "air", "listrik", "pungli", "izin")  # fmt: skip
OFFSETS = sorted({offset for offset, _, _ in STORY})
ADMIN = Actor(id="admin-nasional", role=Role.ADMIN)
REPORTER = Actor(id="pelapor", role=Role.REPORTER)


class Complaint:
    """What the simulator remembers of a complaint (the store is never read while ingesting)."""

    __slots__ = ("id", "region", "replies", "stalled", "submitted", "title", "topic")

    def __init__(self, number: int, year: int, rng: random.Random, submitted: date) -> None:
        self.id = f"{year}-{number:07d}"
        self.region = f"{rng.choice(PROVINCES)}.{rng.randint(1, 30):02d}"
        self.topic = rng.choice(TOPICS)
        self.title = " ".join(rng.choices(WORDS, k=4)).capitalize()
        self.submitted = submitted
        self.replies = rng.random() < 0.3  # 30% get a reporter reply
        self.stalled = rng.random() < 0.08  # 8% are never followed up: they become overdue


def story(complaint: Complaint) -> list[tuple[int, str, str]]:
    if complaint.stalled:
        return list(STORY[:3])
    return [step for step in STORY if step[1] != "reporter_replied" or complaint.replies]


def step(complaint: Complaint, index: int) -> tuple[Event, ComplaintRow, OutboxMessage]:
    """The event of step ``index`` of a complaint's story, the row after it and its message."""
    steps = story(complaint)
    offset, kind, status = steps[index]
    seq = index + 1
    day = complaint.submitted + timedelta(days=offset)
    at = datetime(day.year, day.month, day.day, 3, tzinfo=UTC) + timedelta(seconds=index)
    payload: dict[str, object] = {"text": complaint.title}
    if kind == "submitted":
        payload = {"title": complaint.title, "region": complaint.region,
                   "topic": complaint.topic, "channel": "web", "visibility": "public"}  # fmt: skip
    elif kind == "forwarded":
        payload = {"agency": f"opd-{complaint.region}-{complaint.topic}", "reasons": ["matrix"]}
    event = Event(
        complaint_id=complaint.id,
        seq=seq,
        type=kind,
        occurred_at=at,
        actor=REPORTER if kind in {"submitted", "reporter_replied"} else ADMIN,
        payload=payload,
        id=f"{complaint.id}:{seq}",
    )
    following = [later for later, _, _ in STORY if later > offset]
    due = following[0] + 2 if following and kind != "completed" else None
    row = ComplaintRow(
        complaint_id=complaint.id,
        tracking_id=f"LAP{complaint.id}",
        status=status,
        kind="aduan",
        topic=complaint.topic,
        region=complaint.region,
        agency=None if index < 2 else f"opd-{complaint.region}-{complaint.topic}",
        title=complaint.title,
        visibility="public",
        # the next step's day plus two days of slack: what a running clock's due date looks like
        next_due=None if due is None else complaint.submitted + timedelta(days=due),
        updated_at=at,
        version=seq,
    )
    message = OutboxMessage(
        id=f"{complaint.id}:{seq}:reporter",
        complaint_id=complaint.id,
        event_seq=seq,
        recipient_role="reporter",
        template=f"status_{status}",
        payload={"status": status},
        created_at=at,
    )
    return event, row, message


def complaints_of_year(count: int, year: int, seed: int) -> list[list[Complaint]]:
    """``count`` complaints spread over the 365 days of a year, by day of submission."""
    rng = random.Random(seed)
    first = START + timedelta(days=365 * (year - 1))
    by_day: list[list[Complaint]] = []
    number = 0
    for day_index in range(365):
        n = count // 365 + (1 if day_index < count % 365 else 0)
        day = first + timedelta(days=day_index)
        by_day.append([Complaint(number + i, year, rng, day) for i in range(n)])
        number += n
    return by_day


def live_year(count: int, seed: int) -> Iterator[list[AppendRequest]]:
    """Year 1 replayed day by day in time order: one event per append, 1,000 appends a batch."""
    by_day = complaints_of_year(count, 1, seed)
    for day_index in range(365 + OFFSETS[-1]):
        pending: list[AppendRequest] = []
        for offset in OFFSETS:
            if 0 <= day_index - offset < 365:
                for complaint in by_day[day_index - offset]:
                    steps = story(complaint)
                    index = next((i for i, s in enumerate(steps) if s[0] == offset), None)
                    if index is not None:
                        event, row, message = step(complaint, index)
                        pending.append(
                            AppendRequest(complaint.id, index, (event,), row, (message,))
                        )
        for start in range(0, len(pending), BATCH):
            yield pending[start : start + BATCH]


def bulk_year(count: int, seed: int, today: date) -> Iterator[list[AppendRequest]]:
    """Year 2 imported: one append per complaint with all its events up to ``today``."""
    pending: list[AppendRequest] = []
    for complaints in complaints_of_year(count, 2, seed):
        for complaint in complaints:
            steps = [
                step(complaint, index)
                for index, (offset, _, _) in enumerate(story(complaint))
                if complaint.submitted + timedelta(days=offset) <= today
            ]
            pending.append(
                AppendRequest(
                    complaint.id,
                    0,
                    tuple(event for event, _, _ in steps),
                    steps[-1][1],
                    tuple(message for _, _, message in steps),
                )
            )
            if len(pending) == BATCH:
                yield pending
                pending = []
    if pending:
        yield pending


def ingest(store: Store, batches: Iterator[list[AppendRequest]]) -> tuple[int, float, float]:
    """Append every batch; return (events, wall seconds, CPU seconds) inside ``append_many``."""
    events = 0
    wall = cpu = 0.0
    for batch in batches:
        began, began_cpu = time.perf_counter(), time.process_time()
        store.append_many(batch)
        wall += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
        events += sum(len(request.events) for request in batch)
    return events, wall, cpu


def median_ms(run: Callable[[], object], repeat: int = 15) -> float:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


QUERY_ROWS = 1_000_000
TODAY = START + timedelta(days=2 * 365 - 1)  # the last day of the second year
_PROVINCES = "".join(PROVINCES)

# Projection rows added straight into the table when a --scale run stored fewer than
# QUERY_ROWS complaints: region codes over all provinces, a fifth completed, and of the open
# ones about a tenth past their due date. Only the two queries read them.
SQLITE_TOP_UP = f"""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO sp4n_complaints
SELECT printf('fill-%07d', i), printf('LAPfill-%07d', i),
       CASE i % 5 WHEN 0 THEN 'completed' WHEN 1 THEN 'forwarded' WHEN 2 THEN 'verified'
                  WHEN 3 THEN 'followed_up' ELSE 'submitted' END,
       'aduan', 'infrastruktur.jalan',
       substr('{_PROVINCES}', (i % 38) * 2 + 1, 2) || printf('.%02d', i % 30 + 1),
       'opd-' || (i % 500), 'Jalan rusak ' || i, 'public',
       CASE WHEN i % 5 = 0 THEN NULL
            ELSE date('{TODAY.isoformat()}', printf('%+d days', (i * 7919) % 300 - 30)) END,
       '{TODAY.isoformat()}T00:00:00.000000+00:00', 1
FROM n
"""
POSTGRES_TOP_UP = f"""
INSERT INTO sp4n_complaints
SELECT 'fill-' || lpad(i::text, 7, '0'), 'LAPfill-' || lpad(i::text, 7, '0'),
       (ARRAY['completed', 'forwarded', 'verified', 'followed_up', 'submitted'])[i %% 5 + 1],
       'aduan', 'infrastruktur.jalan',
       substr('{_PROVINCES}', (i %% 38) * 2 + 1, 2) || '.' || lpad((i %% 30 + 1)::text, 2, '0'),
       'opd-' || (i %% 500), 'Jalan rusak ' || i, 'public',
       CASE WHEN i %% 5 = 0 THEN NULL
            ELSE DATE '{TODAY.isoformat()}' + ((i::bigint * 7919) %% 300 - 30)::int END,
       TIMESTAMPTZ '{TODAY.isoformat()}T00:00:00Z', 1
FROM generate_series(1, %s) AS i
"""


def measure(
    url: str,
    count: int,
    top_up: Callable[[int], None],
    analyze: Callable[[], None] | None = None,
) -> dict[str, float]:
    today = TODAY
    store = open_store(url)
    try:
        live_events, live_seconds, live_cpu = ingest(store, live_year(count, seed=1))
        bulk_events, bulk_seconds, bulk_cpu = ingest(store, bulk_year(count, seed=2, today=today))
        synthetic = max(0, QUERY_ROWS - 2 * count)
        if synthetic:
            top_up(synthetic)
        if analyze is not None:
            analyze()
        overdue = store.query(overdue_as_of=today, limit=100)
        listing = store.query(region_prefix="35", limit=100)
        if len(overdue) < 100 or len(listing) < 100:
            raise SystemExit("the data set is too small for a page of 100; raise --scale")
        return {
            "live_events": live_events,
            "live_eps": live_events / live_seconds,
            "live_cpu_eps": live_events / live_cpu,
            "bulk_events": bulk_events,
            "bulk_eps": bulk_events / bulk_seconds,
            "bulk_cpu_eps": bulk_events / bulk_cpu,
            "overdue_ms": median_ms(lambda: store.query(overdue_as_of=today, limit=100)),
            "region_ms": median_ms(lambda: store.query(region_prefix="35", limit=100)),
            "stored": 2 * count,
            "synthetic": synthetic,
        }
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--skip-postgres", action="store_true", help="measure SQLite only")
    args = parser.parse_args(argv)
    count = max(1_000, int(YEAR_COMPLAINTS * args.scale))
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="sp4n-bench-") as tmp:
        print(f"SQLite: ingesting {count:,} complaints per year ...", file=sys.stderr)
        path = Path(tmp) / "bench.db"

        def sqlite_top_up(rows: int) -> None:
            import sqlite3

            with sqlite3.connect(path) as connection:
                connection.execute(SQLITE_TOP_UP, (rows,))
            connection.close()

        results["SQLite"] = measure(f"sqlite:///{path}", count, sqlite_top_up)
    if not args.skip_postgres:
        from sp4n.testing import TemporaryPostgres

        with TemporaryPostgres(durable=True) as server:
            url = server.create_database("bench")

            def analyze() -> None:  # fresh planner statistics, as autovacuum would leave them
                import psycopg

                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute("ANALYZE")

            def postgres_top_up(rows: int) -> None:
                import psycopg

                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(POSTGRES_TOP_UP, (rows,))  # type: ignore[arg-type]

            print(f"PostgreSQL: ingesting {count:,} complaints per year ...", file=sys.stderr)
            results["PostgreSQL"] = measure(url, count, postgres_top_up, analyze)
    print(table(results, count))
    if hasattr(os, "getloadavg"):
        print(
            f"load average during the run's end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
    return 0


def table(results: dict[str, dict[str, float]], count: int) -> str:
    sqlite = results["SQLite"]
    pg = results.get("PostgreSQL")
    stored = int(sqlite["stored"]) + int(sqlite["synthetic"])
    note = (
        f" ({int(sqlite['stored']):,} ingested + {int(sqlite['synthetic']):,} synthetic rows)"
        if sqlite["synthetic"]
        else ""
    )

    def cell(engine: dict[str, float] | None, key: str, fmt: str) -> str:
        return "not run" if engine is None else format(engine[key], fmt)

    def met(ok: bool) -> str:
        return "yes" if ok else "NO"

    rows = [
        ("measurement", "SQLite", "PostgreSQL", "target", "met"),
        (
            f"ingest, live replay of year 1: {int(sqlite['live_events']):,} events of "
            f"{count:,} complaints, 1 event per append, events/s",
            cell(sqlite, "live_eps", ",.0f"),
            cell(pg, "live_eps", ",.0f"),
            ">= 20,000 (SQLite)",
            met(sqlite["live_eps"] >= 20_000),
        ),
        (
            f"ingest, bulk import of year 2: {int(sqlite['bulk_events']):,} events of "
            f"{count:,} complaints, 1 append per complaint, events/s",
            cell(sqlite, "bulk_eps", ",.0f"),
            cell(pg, "bulk_eps", ",.0f"),
            ">= 20,000 (SQLite)",
            met(sqlite["bulk_eps"] >= 20_000),
        ),
        (
            "  the same, per CPU-second of this process (live / bulk; SQLite runs in-process)",
            f"{sqlite['live_cpu_eps']:,.0f} / {sqlite['bulk_cpu_eps']:,.0f}",
            "n/a",
            "(context)",
            "",
        ),
        (
            f"overdue query, first 100 of {stored:,} complaints{note}, ms",
            cell(sqlite, "overdue_ms", ".2f"),
            cell(pg, "overdue_ms", ".2f"),
            "< 100",
            met(all(e["overdue_ms"] < 100 for e in results.values())),
        ),
        (
            f"region prefix '35', first 100 of {stored:,} complaints{note}, ms",
            cell(sqlite, "region_ms", ".2f"),
            cell(pg, "region_ms", ".2f"),
            "< 100",
            met(all(e["region_ms"] < 100 for e in results.values())),
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [" | ".join(text.ljust(widths[i]) for i, text in enumerate(row)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
