"""The compliance report counts facts kept in the projection rows (decision 0184), and they
are the fold of the events: the same report, row by row, as one computed from the events.

Kalimantan Timur (WITA), two agencies, three months of complaints that are answered in time
or late, returned and forwarded again, asked for information, ignored (then warned,
breached and escalated by the daily sweep) or completed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from sp4n import Desk
from sp4n.adapters import (
    ComplaintRow,
    FactsRow,
    MemoryStore,
    RowQuery,
    as_row_query,
    plugin_manager,
)
from sp4n.desk._report import report_facts
from sp4n.lifecycle import ComplaintDraft, Event, Reporter, replay
from sp4n.testing import FrozenClock

WITA = ZoneInfo("Asia/Makassar")
REGIONS = ("64.71", "64.72")
AGENCIES = ("64-dinkes", "64-pupr")


class WithoutFacts(MemoryStore):
    """A real memory store whose rows come back without facts, as rows of schema 5 do."""

    def __init__(self, inner: MemoryStore) -> None:
        super().__init__(clock=inner._clock)
        self._inner = inner
        self.loaded: list[int] = []

    def query(self, query: RowQuery | None = None, /, **filters: Any) -> list[ComplaintRow]:
        rows = self._inner.query(as_row_query(query, filters))
        return [attrs.evolve(row, facts={}) for row in rows]

    def report_facts(self, **kwargs: Any) -> list[FactsRow]:
        return [row._replace(facts={}) for row in self._inner.report_facts(**kwargs)]

    def load_many(self, complaint_ids: Any) -> dict[str, tuple[Event, ...]]:
        self.loaded.append(len(complaint_ids))
        return self._inner.load_many(complaint_ids)


class Older:
    """A third-party store written before ``Store.report_facts`` (decision 0230): every
    other method of the real store, so the report reads whole rows through ``query``."""

    def __init__(self, inner: MemoryStore) -> None:
        self._inner = inner
        self.queried = 0

    def __getattr__(self, name: str) -> Any:
        if name == "report_facts":
            raise AttributeError(name)
        return getattr(self._inner, name)

    def query(self, query: RowQuery | None = None, /, **filters: Any) -> list[ComplaintRow]:
        self.queried += 1
        return self._inner.query(query, **filters)


def when(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 6, 1, hour, tzinfo=WITA) + dt.timedelta(days=day)


@pytest.fixture(scope="module")
def season() -> tuple[Desk, FrozenClock]:
    clock = FrozenClock(when(0))
    desk = Desk(MemoryStore(clock=clock), pm=plugin_manager(), clock=clock)
    refs: list[str] = []
    for day in range(90):
        clock.set(when(day))
        if day % 2 == 0 and day < 70:
            n = len(refs)
            c = desk.submit(
                ComplaintDraft(
                    kind="pengaduan",
                    title=f"Keluhan {n}",
                    body="Pelayanan lambat.",
                    region=REGIONS[n % 2],
                    topic="hospital",
                    channel="web",
                    reporter=Reporter(id=f"warga-{n}", email=f"warga{n}@example.org"),
                )
            )
            refs.append(c.tracking_id)
            if n % 7 != 6:  # some wait for verification
                desk.verify(c.tracking_id)
                desk.forward(c.tracking_id, AGENCIES[n % 2])
        for n, ref in enumerate(refs):
            complaint = desk.get(ref)
            age = (when(day).date() - complaint.submitted_at.astimezone(WITA).date()).days
            status = complaint.status.value
            if status != "forwarded":
                continue
            if n % 5 == 0 and age == 2:
                desk.return_(ref, "Bukan wewenang kami.")
                desk.forward(ref, AGENCIES[(n + 1) % 2])
            elif n % 5 == 1 and age == 3:
                desk.request_info(ref, "Nomor antrean?")
            elif n % 5 == 2 and age in (4, 12):  # in time, or late
                desk.follow_up(ref, "Sudah ditangani.")
            elif n % 5 == 3 and age == 20:
                desk.follow_up(ref, "Terlambat, maaf.")
        for ref in refs:
            if desk.get(ref).status.value == "awaiting_reporter":
                desk.provide_info(ref, "Nomor 12.")
        clock.set(when(day, 10))
        desk.sweep()
    clock.set(when(95, 12))
    return desk, clock


def _reports(desk: Desk, **kwargs: Any) -> list[dict[str, Any]]:
    found = desk.report(start="2026-06-01", end="2026-08-31", **kwargs)
    return [row.to_dict() for row in found.rows]


def test_stored_facts_are_the_fold_of_the_events(season: tuple[Desk, FrozenClock]) -> None:
    desk, _ = season
    rows = desk.store.query(limit=1000)
    assert len(rows) == 35
    for row in rows:
        events = desk.store.load(row.complaint_id)
        policy = desk.rules.policy_for(replay(events))
        calendar = desk.rules.calendar_for_region(row.region)
        assert dict(row.facts) == report_facts(
            events, calendar, policy.rule("T1"), policy.rule("T2")
        )


def test_the_report_from_facts_is_the_report_from_events(
    season: tuple[Desk, FrozenClock],
) -> None:
    desk, clock = season
    folded = WithoutFacts(desk.store)  # type: ignore[arg-type]
    from_events = Desk(folded, pm=plugin_manager(), clock=clock)
    for kwargs in ({}, {"agency": AGENCIES[0]}, {"agency": AGENCIES[1]}, {"region": "64.72"}):
        assert _reports(desk, **kwargs) == _reports(from_events, **kwargs), kwargs
    in_region = len(desk.store.query(region_prefix="64.72", limit=1000))
    assert folded.loaded == [35, 35, 35, in_region]  # the events path: one read per page
    total = _reports(desk)[-1]
    assert total["received"] == 35
    assert total["returns"] > 0
    assert total["escalations"] > 0
    assert 0 < total["followed_up_in_5wd"] < total["received"]


def test_a_report_as_of_an_earlier_instant_reads_the_events(
    season: tuple[Desk, FrozenClock],
) -> None:
    desk, clock = season
    earlier = when(40, 12)
    from_events = Desk(WithoutFacts(desk.store), pm=plugin_manager(), clock=clock)  # type: ignore[arg-type]
    assert _reports(desk, now=earlier) == _reports(from_events, now=earlier)
    assert _reports(desk, now=earlier)[-1]["received"] < 35


def test_the_narrow_read_skips_rows_untouched_since_the_period(
    season: tuple[Desk, FrozenClock],
) -> None:
    desk, _ = season
    rows = desk.store.query(limit=1000)
    last = max(row.updated_at for row in rows)
    later = last.astimezone(WITA).date() + dt.timedelta(days=2)
    assert desk.store.report_facts(updated_from=dt.datetime(2026, 6, 1, tzinfo=WITA))
    assert desk.store.report_facts(updated_from=last + dt.timedelta(days=1)) == []
    found = desk.report(start=later.isoformat(), end=later.isoformat())
    assert found.rows[-1].received == 0


def test_a_store_without_the_narrow_read_gives_the_same_report(
    season: tuple[Desk, FrozenClock],
) -> None:
    desk, clock = season
    older = Older(desk.store)  # type: ignore[arg-type]
    through_rows = Desk(older, pm=plugin_manager(), clock=clock)  # type: ignore[arg-type]
    for kwargs in ({}, {"agency": AGENCIES[1]}, {"region": "64.71"}, {"by": "topic"}):
        assert _reports(desk, **kwargs) == _reports(through_rows, **kwargs), kwargs
    assert older.queried > 0
