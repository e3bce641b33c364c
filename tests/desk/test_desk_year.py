"""A simulated year of traffic through the Desk (SQLite and PostgreSQL), swept every working
day, and the compliance report checked against counts made independently from the raw event
log and from the simulation's own tally.

``SP4N_YEAR_COMPLAINTS`` (default 150 per store, to keep the suite's time bounded) scales it
up, e.g. to a few thousand.
"""

from __future__ import annotations

import datetime as dt
import heapq
import os
import random
import statistics
from collections import Counter
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.desk import ComplianceRow
from sp4n.errors import Sp4nError
from sp4n.lifecycle import ComplaintDraft, Event, Reporter
from sp4n.sla import WorkingCalendar
from sp4n.testing import FrozenClock

N = int(os.environ.get("SP4N_YEAR_COMPLAINTS", "150"))
REGIONS = {
    "64.71": ("Asia/Makassar", {"hospital": "64-dinkes", "school": "64-disdik"}, "64-inspektorat"),
    "61.07": ("Asia/Pontianak", {"hospital": "61-dinkes", "school": "61-disdik"}, "61-inspektorat"),
}
YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
END = dt.datetime(2027, 1, 15, 12, 0, tzinfo=ZoneInfo("Asia/Jayapura"))

Action = Callable[[Desk], Any]


class Simulation:
    """A seeded mix of paths; actions are queued by instant and played in order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.queue: list[tuple[dt.datetime, int, str, Action]] = []
        self.n = 0
        self.tally: Counter[str] = Counter()

    def at(self, when: dt.datetime, name: str, action: Action) -> None:
        self.n += 1
        heapq.heappush(self.queue, (when, self.n, name, action))

    def later(self, when: dt.datetime, days: int) -> dt.datetime:
        hour = self.rng.choice((8, 9, 11, 14, 15, 19))
        out = (when + dt.timedelta(days=days)).replace(hour=hour, minute=self.rng.randrange(60))
        return out if out > when else when + dt.timedelta(minutes=30)

    def complaint(self, i: int) -> None:
        rng = self.rng
        region = rng.choice(sorted(REGIONS))
        zone, agencies, other = REGIONS[region]
        topic = rng.choice(sorted(agencies))
        day = YEAR_START + dt.timedelta(days=rng.randrange(3, 330))
        when = dt.datetime.combine(day, dt.time(rng.randrange(6, 22), rng.randrange(60)))
        when = when.replace(tzinfo=ZoneInfo(zone))
        draft = ComplaintDraft(
            kind="pengaduan",
            title=f"Keluhan layanan {i}",
            body="Pelayanan lambat dan tidak jelas.",
            region=region,
            topic=topic,
            channel="web",
            reporter=Reporter(id=f"warga-{i}", email=f"warga{i}@example.org"),
        )
        ref: dict[str, str] = {}

        def submitted(desk: Desk) -> None:
            ref["id"] = desk.submit(draft).complaint_id
            self.tally[f"received:{region}"] += 1

        self.at(when, "submit", submitted)
        if rng.random() < 0.03:
            self.at(self.later(when, 1), "archive", lambda d: d.archive(ref["id"], "spam"))
            return
        when = self.later(when, rng.choice((0, 1, 1, 2, 3, 5, 8)))

        def forward(agency: str) -> Action:
            def act(desk: Desk) -> None:
                if desk.get(ref["id"]).status.value == "submitted":
                    desk.verify(ref["id"])
                desk.forward(ref["id"], agency)

            return act

        self.at(when, "forward", forward(agencies[topic]))
        path = rng.random()
        when = self.later(when, rng.choice((1, 2, 3, 4, 6, 9)))
        if path < 0.05:
            return  # the agency never acts: warnings, breach notices, escalations
        if path < 0.15:

            def returned(desk: Desk) -> None:
                desk.return_(ref["id"], "bukan wewenang")
                self.tally[f"returns:{agencies[topic]}"] += 1

            self.at(when, "return", returned)
            when = self.later(when, 1)
            self.at(when, "reforward", forward(other))
            when = self.later(when, rng.choice((1, 3, 7)))
        elif path < 0.30:
            self.at(when, "request", lambda d: d.request_info(ref["id"], "Lokasi tepatnya?"))
            when = self.later(when, rng.choice((1, 2, 4)))
            self.at(when, "provide", lambda d: d.provide_info(ref["id"], "Di depan pasar."))
            when = self.later(when, rng.choice((1, 2, 5)))
        self.at(when, "follow_up", lambda d: d.follow_up(ref["id"], "Sudah ditangani."))
        ending = rng.random()
        if ending < 0.4:
            when = self.later(when, rng.choice((1, 3, 5)))
            self.at(when, "complete", lambda d: d.complete(ref["id"]))
        elif ending < 0.45:
            when = self.later(when, 2)
            self.at(when, "reply", lambda d: d.reply(ref["id"], "Belum beres."))
            when = self.later(when, 2)
            self.at(when, "follow_up", lambda d: d.follow_up(ref["id"], "Sudah diperbaiki."))

    def sweeps(self) -> None:
        day = YEAR_START
        while day <= END.date():
            when = dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Makassar"))
            self.at(when, "sweep", lambda d: self.tally.update(swept=1, **_counts(d.sweep())))
            day += dt.timedelta(days=1)

    def run(self, desk: Desk, clock: FrozenClock) -> None:
        while self.queue:
            when, _, name, action = heapq.heappop(self.queue)
            clock.set(max(when, clock()))
            try:
                action(desk)
            except Sp4nError:
                self.tally[f"refused:{name}"] += 1  # e.g. completed by the sweep first


def _counts(report: Any) -> dict[str, int]:
    return {
        "completed": report.completed,
        "escalations": report.escalations,
        "breaches": report.breaches,
        "warnings": report.warnings,
    }


def _independent(
    desk: Desk, *, region: str | None, agency: str | None, today_at: dt.datetime
) -> dict[str, Any]:
    """The report's figures counted straight from the stored events."""
    received = t1 = t2 = completed = overdue = returns = escalations = 0
    waits: list[int] = []
    offset = 0
    rows = []
    while True:
        page = desk.store.query(limit=500, offset=offset)
        rows.extend(page)
        if len(page) < 500:
            break
        offset += 500
    for row in rows:
        cal = WorkingCalendar.indonesia(row.region)
        events: list[Event] = list(desk.store.load(row.complaint_id))
        local = [cal.local_date(e.occurred_at) for e in events]
        if not YEAR_START <= local[0] <= YEAR_END:
            continue
        if region is not None and not row.region.startswith(region):
            continue
        forwards = [i for i, e in enumerate(events) if e.type == "forwarded"]
        if agency is not None:
            forwards = [i for i in forwards if events[i].payload["agency"] == agency]
            if not forwards:
                continue
        received += 1
        first = next((i for i, e in enumerate(events) if e.type == "forwarded"), None)
        if first is not None and local[first] <= cal.add_working_days(local[0], 3):
            t1 += 1
        met = False
        for i in forwards:
            end = next(
                (
                    j
                    for j in range(i + 1, len(events))
                    if events[j].type
                    in ("followed_up", "returned", "completed", "archived", "forwarded")
                ),
                None,
            )
            if end is None:
                continue
            if events[end].type == "returned":
                returns += 1
            if events[end].type != "followed_up":
                continue
            paused = 0
            for k in range(i + 1, end):
                if events[k].type == "info_requested":
                    resume = next(
                        m for m in range(k + 1, len(events)) if events[m].type == "info_provided"
                    )
                    paused += cal.working_days_between(local[k], local[min(resume, end)])
            met = met or local[end] <= cal.add_working_days(local[i], 5 + paused)
            waits.append(cal.working_days_between(local[i], local[end]))
        t2 += met
        completed += row.status == "completed"
        overdue += (
            row.status not in ("completed", "archived", "merged")
            and row.next_due is not None
            and row.next_due < cal.local_date(today_at)
        )
        holder = None
        for e in events:
            if e.type == "forwarded":
                holder = e.payload["agency"]
            elif e.type == "returned":
                holder = None
            elif e.type == "escalated" and (agency is None or holder == agency):
                escalations += 1
    return {
        "received": received,
        "forwarded_in_3wd": t1,
        "followed_up_in_5wd": t2,
        "completed": completed,
        "overdue_now": overdue,
        "median_wd_to_follow_up": float(statistics.median(waits)) if waits else None,
        "returns": returns,
        "escalations": escalations,
    }


def _figures(row: ComplianceRow) -> dict[str, Any]:
    data = row.to_dict()
    del data["group"]
    return data


@pytest.fixture(params=["sqlite", "postgres"])
def year_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    if request.param == "sqlite":
        return sqlite_url
    return str(request.getfixturevalue("postgres_url"))


def test_a_simulated_year_matches_the_event_log(year_url: str) -> None:
    sim = Simulation(seed=2026)
    for i in range(N):
        sim.complaint(i)
    sim.sweeps()
    clock = FrozenClock(dt.datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Jakarta")))
    with Desk.open(year_url, clock=clock) as desk:
        sim.run(desk, clock)
        clock.set(END)
        assert sim.tally["escalations"] > 0
        assert sim.tally["completed"] > 0  # automatic completions by the sweep
        assert sum(v for k, v in sim.tally.items() if k.startswith("received:")) == N

        everything = desk.report(start=YEAR_START, end=YEAR_END)
        total = everything.rows[-1]
        assert total.group == "*"
        assert _figures(total) == _independent(desk, region=None, agency=None, today_at=END)
        assert total.received == N
        # a mix of outcomes, not a degenerate year
        assert 0 < total.forwarded_in_3wd < total.received
        assert 0 < total.followed_up_in_5wd < total.received
        assert 0 < total.completed < total.received
        assert total.returns > 0
        assert total.escalations > 0
        assert total.median_wd_to_follow_up is not None
        for code in ("64", "61.07"):
            (row,) = desk.report(start=YEAR_START, end=YEAR_END, region=code).rows
            assert _figures(row) == _independent(desk, region=code, agency=None, today_at=END)
            assert row.received == sum(
                v for k, v in sim.tally.items() if k.startswith(f"received:{code}")
            )
        for agency in ("64-dinkes", "61-disdik", "64-inspektorat"):
            (row,) = desk.report(start=YEAR_START, end=YEAR_END, agency=agency).rows
            assert _figures(row) == _independent(desk, region=None, agency=agency, today_at=END)
            assert row.returns == sim.tally[f"returns:{agency}"]
            assert (
                row in everything.rows
                or row.received == 0
                or any(r.group == agency and _figures(r) == _figures(row) for r in everything.rows)
            )

        # the sweeps never repeated themselves: one escalation per clock and due date
        keys: Counter[tuple[str, str]] = Counter()
        for page_row in desk.store.query(limit=10_000):
            for e in desk.store.load(page_row.complaint_id):
                if e.type == "escalated":
                    keys[(page_row.complaint_id, str(e.payload.get("sla_key")))] += 1
                elif e.type == "reminded":
                    p = e.payload
                    keys[(page_row.complaint_id, f"{p['rule_id']}:{p['stage']}:{p['due']}")] += 1
        assert keys
        assert max(keys.values()) == 1
        again = desk.sweep()
        assert (again.warnings, again.breaches, again.escalations, again.messages) == (0, 0, 0, 0)
        csv_text = everything.to_csv()
        assert csv_text.splitlines()[0].startswith("group,received,forwarded_in_3wd")
        assert len(csv_text.splitlines()) == len(everything.rows) + 1
        assert "diterima" in everything.to_text()
