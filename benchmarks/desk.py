"""Desk speed on SQLite: submissions per second, and a sweep over 100,000 open complaints.

One run, one table. Rows:
- submit: ``Desk.submit`` of distinct web complaints on a fresh SQLite file (each one
  transaction: the event, the projection row and the rendered notifications);
- sweep 100k: ``Desk.sweep`` over a store holding 100,000 open complaints (submitted,
  verified, forwarded to a Kalimantan Timur agency) whose T2 due dates are spread over the
  next 60 working days, with ``NEAR`` of them (1%) due within a working day or overdue: the
  sweep reads the ``next_due`` index and replays only those (decision 0080);
- sweep again: the same sweep a minute later (cron), which finds everything done.

The 100,000 complaints are bulk-loaded through ``Store.append_many`` with events made by the
lifecycle and projection rows computed by the Desk (one clock evaluation per distinct
forwarding date), so the setup is not what is measured. Target (issue 7): the sweep under 5 s.

Run: ``PYTHONPATH=src python benchmarks/desk.py``
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from sp4n import Desk
from sp4n.adapters import AppendRequest
from sp4n.desk import ADMIN
from sp4n.desk._rules import project
from sp4n.lifecycle import Actor, ComplaintDraft, Reporter, Role, apply, submit
from sp4n.sla import WorkingCalendar
from sp4n.testing import FrozenClock

WITA = ZoneInfo("Asia/Makassar")
REGION, AGENCY = "64.71", "64-dinkes"
OPEN = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
NEAR = OPEN // 100
SUBMITS = 300
NOW = dt.datetime(2026, 9, 1, 10, 0, tzinfo=WITA)  # a Tuesday, 10:00 WITA
TARGET_S = 5.0


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


def submissions_per_second(db: Path) -> float:
    clock = FrozenClock(NOW)
    with Desk.open(f"sqlite:///{db}", clock=clock) as desk:
        start = time.perf_counter()
        for i in range(SUBMITS):
            desk.submit(draft(i))
        return SUBMITS / (time.perf_counter() - start)


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
    templates: dict[dt.date, object] = {}
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
        c = submit(draft(10_000 + i), actor=reporter, at=at)
        c = apply(c, "verified", actor=ADMIN, at=at, payload={})
        c = apply(c, "forwarded", actor=ADMIN, at=at, payload={"agency": AGENCY, "reasons": []})
        row = templates.get(day)
        if row is None:
            row = project(c, desk.rules.clocks(c, now=at))
            templates[day] = row
        mine = attrs.evolve(
            row,  # type: ignore[misc]
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


def main() -> None:
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rate = submissions_per_second(Path(tmp) / "submit.db")
        rows.append(("submit (SQLite)", f"{rate:,.0f} /s", "-", "-"))
        clock = FrozenClock(NOW)
        with Desk.open(f"sqlite:///{Path(tmp) / 'sweep.db'}", clock=clock) as desk:
            load(desk)
            start = time.perf_counter()
            report = desk.sweep()
            first = time.perf_counter() - start
            clock.set(NOW + dt.timedelta(minutes=1))
            start = time.perf_counter()
            again = desk.sweep()
            second = time.perf_counter() - start
    met = "met" if first < TARGET_S else "NOT met"
    rows.append(
        (
            f"sweep {OPEN:,} open ({report.candidates:,} near/past due)",
            f"{first:.2f} s",
            f"< {TARGET_S:g} s",
            met,
        )
    )
    rows.append(
        (
            f"sweep again a minute later ({again.messages} new messages)",
            f"{second:.2f} s",
            f"< {TARGET_S:g} s",
            "met" if second < TARGET_S else "NOT met",
        )
    )
    head = ("measure", "result", "target", "")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    for line in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))
    print(
        f"first sweep: {report.warnings} warnings, {report.breaches} breach notices, "
        f"{report.escalations} escalations, {report.messages} messages"
    )


if __name__ == "__main__":
    main()
