"""The compliance report by topic and by channel (``Desk.report(by=...)``, ``sp4n report
--by``): on a seeded store (SQLite and PostgreSQL) every row's figures equal counts made
independently from the raw event log, the total equals the ungrouped report, and the CLI
prints the same report. The seeded story ends before ``NOW``; the CLI reads the system
clock, which is later still."""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.cli import main
from sp4n.desk import ComplianceRow
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import ComplaintDraft, Event, Reporter
from sp4n.sla import WorkingCalendar
from sp4n.testing import FrozenClock

ZONE = ZoneInfo("Asia/Pontianak")
START, END = dt.date(2026, 3, 1), dt.date(2026, 4, 30)
NOW = dt.datetime(2026, 5, 20, 12, 0, tzinfo=ZONE)
TOPICS = {"drainage": "61.07-pupr", "puskesmas": "61.07-dinkes"}
CHANNELS = ("web", "sms", "email")
N = 36


def _seed(desk: Desk, seed: int = 19) -> None:
    """Complaints over March and April 2026 in 61.07 along mixed paths, some reclassified."""
    rng = random.Random(seed)
    for i in range(N):
        topic = rng.choice(sorted(TOPICS))
        day = START + dt.timedelta(days=rng.randrange(0, 58))
        when = dt.datetime.combine(day, dt.time(rng.randrange(7, 20)), ZONE)
        draft = ComplaintDraft(
            kind="pengaduan",
            title=f"Laporan {i}",
            body="Pelayanan tidak jelas.",
            region="61.07",
            topic=topic,
            channel=rng.choice(CHANNELS),
            reporter=Reporter(id=f"warga-{i}", email=f"warga{i}@example.org"),
        )
        ref = desk.submit(draft, at=when).tracking_id
        path = rng.randrange(6)
        if path == 0:
            continue  # never triaged
        when += dt.timedelta(hours=2)
        if rng.random() < 0.3:  # the channel misread the topic
            topic = "puskesmas" if topic == "drainage" else "drainage"
            desk.amend(ref, reason="Topik salah dibaca.", topic=topic, at=when)
        when += dt.timedelta(days=rng.choice((0, 1, 2, 6)))
        desk.verify(ref, at=when)
        desk.forward(ref, TOPICS[topic], at=when)
        if path == 1:
            continue  # forwarded, never answered
        if path == 2:
            desk.return_(ref, "Bukan wewenang kami.", at=when + dt.timedelta(days=1))
            continue
        if path == 3:
            asked = when + dt.timedelta(days=1)
            desk.request_info(ref, "Di RT berapa?", at=asked)
            desk.provide_info(ref, "RT 03.", at=asked + dt.timedelta(days=rng.choice((1, 4))))
            when = asked + dt.timedelta(days=5)
        answered = when + dt.timedelta(days=rng.choice((1, 3, 9)))
        desk.follow_up(ref, "Sudah ditangani.", at=answered)
        if path == 5:
            desk.complete(ref, at=answered + dt.timedelta(days=1))


def _independent(desk: Desk, keep: Callable[[list[Event]], bool]) -> dict[str, Any]:
    """The report's figures for the complaints ``keep`` selects, from the stored events."""
    received = t1 = t2 = completed = overdue = returns = escalations = 0
    waits: list[int] = []
    for row in desk.store.query(limit=1000):
        cal = WorkingCalendar.indonesia(row.region)
        events = [e for e in desk.store.load(row.complaint_id) if e.occurred_at <= NOW]
        local = [cal.local_date(e.occurred_at) for e in events]
        if not START <= local[0] <= END or not keep(events):
            continue
        received += 1
        forwards = [i for i, e in enumerate(events) if e.type == "forwarded"]
        if forwards and local[forwards[0]] <= cal.add_working_days(local[0], 3):
            t1 += 1
        met = False
        for i in forwards:
            ends = ("followed_up", "returned", "completed", "archived", "forwarded")
            end = next((j for j in range(i + 1, len(events)) if events[j].type in ends), None)
            if end is None:
                continue
            returns += events[end].type == "returned"
            if events[end].type != "followed_up":
                continue
            paused = sum(
                cal.working_days_between(local[k], local[k + 1])
                for k in range(i + 1, end)
                if events[k].type == "info_requested"  # answered by the next event
            )
            met = met or local[end] <= cal.add_working_days(local[i], 5 + paused)
            waits.append(cal.working_days_between(local[i], local[end]))
        t2 += met
        completed += row.status == "completed"
        overdue += (
            row.status not in ("completed", "archived", "merged")
            and row.next_due is not None
            and row.next_due < cal.local_date(NOW)
        )
        escalations += sum(e.type == "escalated" for e in events)
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


def _topic(events: list[Event]) -> str:
    """The topic as the log says it is now: submitted, then each amendment's new value."""
    topic = str(events[0].payload["topic"])
    for e in events:
        if e.type == "amended" and "topic" in e.payload["changes"]:
            topic = str(e.payload["changes"]["topic"]["new"])
    return topic


def _figures(row: ComplianceRow) -> dict[str, Any]:
    data = row.to_dict()
    del data["group"]
    return data


@pytest.fixture(params=["sqlite", "postgres"])
def seeded(request: pytest.FixtureRequest, sqlite_url: str) -> Any:
    url = sqlite_url if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))
    with Desk.open(url, clock=FrozenClock(NOW)) as desk:
        _seed(desk)
        yield url, desk


def test_rows_by_topic_and_channel_match_the_event_log(seeded: Any) -> None:
    _, desk = seeded
    plain = desk.report(start=START, end=END).rows[-1]
    for by, key in (
        ("topic", _topic),
        ("channel", lambda events: str(events[0].payload["channel"])),
    ):
        report = desk.report(start=START, end=END, by=by)
        assert report.by == by
        groups = [row.group for row in report.rows]
        assert groups[-1] == "*"
        assert groups[:-1] == sorted(groups[:-1])
        for row in report.rows[:-1]:
            expected = _independent(desk, lambda events, g=row.group, k=key: k(events) == g)
            assert _figures(row) == expected, (by, row.group)
        assert sum(row.received for row in report.rows[:-1]) == N
        assert _figures(report.rows[-1]) == _figures(plain)  # the total is the whole report
    by_topic = desk.report(start=START, end=END, by="topic")
    assert [r.group for r in by_topic.rows] == ["drainage", "puskesmas", "*"]
    drainage = by_topic.rows[0]
    # a mix of outcomes, not a degenerate store
    assert 0 < drainage.forwarded_in_3wd < drainage.received
    assert 0 < drainage.followed_up_in_5wd < drainage.received
    assert by_topic.rows[-1].returns > 0
    assert {r.group for r in desk.report(start=START, end=END, by="channel").rows} == {
        *CHANNELS,
        "*",
    }


def test_grouping_inside_an_agency_or_region(seeded: Any) -> None:
    _, desk = seeded
    (pupr,) = desk.report(start=START, end=END, agency="61.07-pupr").rows
    inside = desk.report(start=START, end=END, agency="61.07-pupr", by="topic")
    assert _figures(inside.rows[-1]) == _figures(pupr)
    assert all(row.received for row in inside.rows)  # no empty groups
    (region,) = desk.report(start=START, end=END, region="61").rows
    assert _figures(desk.report(start=START, end=END, region="61", by="channel").rows[-1]) == (
        _figures(region)
    )
    assert desk.report(start=START, end=END, region="64", by="topic").rows[-1].received == 0


def test_sp4n_report_by_prints_the_same_report(
    seeded: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    url, desk = seeded
    period = ["--from", START.isoformat(), "--to", END.isoformat()]
    for by in ("topic", "channel"):
        # the command line reads the system clock (it is the edge): so does this side
        report = desk.report(start=START, end=END, by=by, now=dt.datetime.now(dt.UTC))
        assert main(["report", "--db", url, *period, "--by", by, "--format", "csv"]) == 0
        assert capsys.readouterr().out.rstrip("\n") + "\n" == report.to_csv()
        assert main(["report", "--db", url, *period, "--by", by, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["by"] == by
        assert data["rows"] == [row.to_dict() for row in report.rows]  # the as_of differs only
        assert main(["report", "--db", url, *period, "--by", by]) == 0
        heading = {"topic": "topik", "channel": "kanal"}[by]
        assert capsys.readouterr().out.splitlines()[1].startswith(heading)


def test_an_unknown_grouping_is_refused(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        Desk.open(sqlite_url, clock=FrozenClock(NOW)) as desk,
        pytest.raises(InvalidInputError, match="by = 'kota'"),
    ):
        desk.report(start=START, end=END, by="kota")
    with pytest.raises(SystemExit) as caught:  # argparse's choices, one line
        main(["report", "--db", sqlite_url, "--by", "kota"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--by" in err
