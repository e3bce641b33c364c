"""The sweep and the compliance report read complaints in batches (decision 0180).

A national store holds a million complaints: one ``load`` round trip per complaint (the
report used to load every complaint's events twice) is what made both slow. These tests
count the reads a real in-memory store receives, and check that a third-party store written
before ``load_many`` existed still works through :func:`sp4n.adapters.load_many`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.adapters import (
    ComplaintRow,
    MemoryStore,
    RowQuery,
    as_row_query,
    load_many,
    plugin_manager,
)
from sp4n.lifecycle import ComplaintDraft, Event, Reporter
from sp4n.testing import FrozenClock

WITA = ZoneInfo("Asia/Makassar")
REGION = "64.71"
AGENCY = "64-dinkes"


class CountingStore(MemoryStore):
    """A real memory store that counts how it is read."""

    def __init__(self, url: str = "memory://", *, clock: Any) -> None:
        super().__init__(url, clock=clock)
        self.loads = 0
        self.batches: list[int] = []
        self.offsets: list[int] = []

    def load(self, complaint_id: str) -> tuple[Event, ...]:
        self.loads += 1
        return super().load(complaint_id)

    def load_many(self, complaint_ids: Sequence[str]) -> dict[str, tuple[Event, ...]]:
        self.batches.append(len(complaint_ids))
        return super().load_many(complaint_ids)

    def query(self, query: RowQuery | None = None, /, **filters: Any) -> list[ComplaintRow]:
        value = as_row_query(query, filters)
        self.offsets.append(value.offset)
        return super().query(value)

    def reset(self) -> None:
        self.loads = 0
        self.batches.clear()
        self.offsets.clear()


class LegacyStore:
    """A third-party store from before ``load_many``: every other method delegates."""

    def __init__(self, inner: MemoryStore) -> None:
        self._inner = inner
        self.url = inner.url

    def __getattr__(self, name: str) -> Any:
        if name == "load_many":
            raise AttributeError(name)
        return getattr(self._inner, name)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 8, day, hour, tzinfo=WITA)


def _fill(desk: Desk, count: int) -> None:
    for n in range(count):
        c = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title=f"Antrean puskesmas {n}",
                body="Menunggu lima jam tanpa kepastian.",
                region=REGION,
                topic="hospital",
                channel="web",
                reporter=Reporter(id=f"warga-{n}", email=f"warga{n}@example.org"),
            ),
            at=at(3, 9),
        )
        desk.verify(c.tracking_id, at=at(3, 9))
        desk.forward(c.tracking_id, AGENCY, at=at(3, 9))


@pytest.fixture
def counted() -> tuple[Desk, CountingStore, FrozenClock]:
    clock = FrozenClock(at(3, 9))
    store = CountingStore(clock=clock)
    desk = Desk(store, pm=plugin_manager(), clock=clock)
    _fill(desk, 30)
    store.reset()
    return desk, store, clock


def test_report_loads_each_page_once_without_per_complaint_loads(
    counted: tuple[Desk, CountingStore, FrozenClock],
) -> None:
    desk, store, clock = counted
    clock.set(at(20))
    report = desk.report(start="2026-08-01", end="2026-08-31")
    assert report.rows[-1].received == 30
    assert store.loads == 0
    assert store.batches == []  # the rows' facts suffice (decision 0184)
    assert store.offsets == [0] * len(store.offsets)  # keyset pages, never OFFSET


def test_sweep_loads_candidates_in_batches(
    counted: tuple[Desk, CountingStore, FrozenClock],
) -> None:
    desk, store, clock = counted
    clock.set(at(7))  # one working day before T2 (Monday 10 August): a warning for each
    swept = desk.sweep()
    assert swept.candidates == 30
    assert swept.warnings == 30
    assert store.loads == 0
    assert sum(store.batches) == 30
    assert len(store.batches) == 1
    assert store.offsets == [0] * len(store.offsets)


def test_a_store_without_load_many_still_reports_and_sweeps() -> None:
    clock = FrozenClock(at(3, 9))
    inner = MemoryStore(clock=clock)
    desk = Desk(LegacyStore(inner), pm=plugin_manager(), clock=clock)  # type: ignore[arg-type]
    _fill(desk, 3)
    assert load_many(desk.store, ["nope", inner.query()[0].complaint_id, "nope"]).keys() == {
        "nope",
        inner.query()[0].complaint_id,
    }
    clock.set(at(7))
    assert desk.sweep().warnings == 3
    assert desk.report(start="2026-08-01", end="2026-08-31").rows[-1].received == 3


def test_automatic_completions_load_their_candidates_in_batches(
    counted: tuple[Desk, CountingStore, FrozenClock],
) -> None:
    desk, store, clock = counted
    for row in desk.store.query(limit=100):
        desk.follow_up(row.tracking_id, "Antrean diurai dengan nomor urut.", at=at(4))
    store.reset()
    clock.set(dt.datetime(2026, 9, 30, 10, tzinfo=WITA))  # the reporter stayed silent
    assert len(desk.apply_due_actions()) == 30
    assert store.batches == [30]
    assert store.offsets == [0] * len(store.offsets)
