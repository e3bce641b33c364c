"""The compliance report from shapes the store groups (decision 0270) equals the report row
by row (the narrow read, decision 0230) and the report from the events (decision 0084).

Three regions in three time zones (Samarinda WITA, Surabaya WIB, Jayapura WIT), two months
of complaints answered in time or late, returned and forwarded again, asked for information,
held, amended to another topic, taken in through two channels, ignored (then warned,
breached and escalated by the daily sweep) or completed; reports as of the end and as of
earlier instants, in total, per agency, per region, by topic and by channel, on SQLite and
PostgreSQL (grouping in SQL) and on the memory store (one shape per row). A bounded
hypothesis test adds rows of arbitrary facts, statuses and due dates and compares the report
grouped by SQLite with the memory store's row by row.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sp4n import Desk
from sp4n.adapters import (
    AppendRequest,
    ComplaintRow,
    FactsRow,
    MemoryStore,
    RowQuery,
    Store,
    as_row_query,
    copy_store,
    plugin_manager,
    report_shapes,
)
from sp4n.adapters._sqlite import SqliteStore
from sp4n.desk._report import median_of
from sp4n.lifecycle import ComplaintDraft, Event, Reporter
from sp4n.testing import FrozenClock, make_event, make_row

WITA = ZoneInfo("Asia/Makassar")
PLACES = (("64.71", "hospital"), ("35.78", "road"), ("91.71", "hospital"))
AGENCIES = {
    "64.71": ("64-dinkes", "64-pupr"),
    "35.78": ("pusat-pu-binamarga", "pusat-kemenkes"),
    "91.71": ("pusat-kemenkes", "64-dinkes"),
}
START, END = "2026-06-01", "2026-07-31"


class WithoutFacts(MemoryStore):
    """A real memory store whose rows come back without facts: the report reads events."""

    def __init__(self, inner: MemoryStore) -> None:
        super().__init__(clock=inner._clock)
        self._inner = inner

    def query(self, query: RowQuery | None = None, /, **filters: Any) -> list[ComplaintRow]:
        rows = self._inner.query(as_row_query(query, filters))
        return [attrs.evolve(row, facts={}) for row in rows]

    def report_facts(self, **kwargs: Any) -> list[FactsRow]:
        return [row._replace(facts={}) for row in self._inner.report_facts(**kwargs)]

    def load_many(self, complaint_ids: Any) -> dict[str, tuple[Event, ...]]:
        return self._inner.load_many(complaint_ids)


class RowByRow:
    """The same SQL store without ``report_shapes``: the report reads one shape per row
    through ``report_facts`` (the path before decision 0270)."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "report_shapes":
            raise AttributeError(name)
        return getattr(self._inner, name)


def when(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 6, 1, hour, tzinfo=WITA) + dt.timedelta(days=day)


@pytest.fixture(scope="module")
def months() -> tuple[MemoryStore, FrozenClock]:
    clock = FrozenClock(when(0))
    store = MemoryStore(clock=clock)
    desk = Desk(store, pm=plugin_manager(), clock=clock)
    refs: list[str] = []
    for day in range(60):
        clock.set(when(day))
        for _ in range(4 if day < 45 else 0):
            n = len(refs) // 2  # twins: two complaints of each story, alike in the report
            region, topic = PLACES[n % 3]
            c = desk.submit(
                ComplaintDraft(
                    kind="pengaduan",
                    title=f"Keluhan {n}",
                    body="Pelayanan lambat.",
                    region=region,
                    topic=topic,
                    channel=("web", "sms")[n // 3 % 2],
                    reporter=Reporter(id=f"warga-{len(refs)}", email="warga@example.org"),
                )
            )
            refs.append(c.tracking_id)
            if n % 11 == 10:
                continue  # waits for verification
            if n % 13 == 4:
                desk.hold(c.tracking_id, reason="Menunggu kelengkapan.")
                continue
            desk.verify(c.tracking_id)
            if n % 9 == 3:
                desk.amend(c.tracking_id, reason="Salah topik.", topic="road")
            desk.forward(c.tracking_id, AGENCIES[region][n % 2])
        for twin, ref in enumerate(refs):
            n = twin // 2
            complaint = desk.get(ref)
            age = (when(day).date() - complaint.submitted_at.astimezone(WITA).date()).days
            status = complaint.status.value
            places = AGENCIES[complaint.region]
            if status == "held" and age == 3:
                desk.verify(ref)
                desk.forward(ref, places[n % 2])
            if status != "forwarded":
                continue
            if n % 5 == 0 and age == 2:
                desk.return_(ref, "Bukan wewenang kami.")
                desk.forward(ref, places[(n + 1) % 2])
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
    clock.set(when(62, 12))
    return store, clock


def _rows(desk: Desk, **kwargs: Any) -> list[dict[str, Any]]:
    return [row.to_dict() for row in desk.report(start=START, end=END, **kwargs).rows]


def _agencies(store: Store) -> list[str]:
    return sorted({row.agency for row in store.query(limit=1000) if row.agency})


def _check_paths(grouped: Store, store: MemoryStore, clock: FrozenClock) -> None:
    pm = plugin_manager()
    desks = {
        "shapes": Desk(grouped, pm=pm, clock=clock),
        "row by row": Desk(RowByRow(grouped), pm=pm, clock=clock),  # type: ignore[arg-type]
        "events": Desk(WithoutFacts(store), pm=pm, clock=clock),
    }
    agencies = _agencies(store)
    assert len(agencies) >= 3
    cases: list[dict[str, Any]] = [{}, {"by": "topic"}, {"by": "channel"}]
    cases += [{"agency": name} for name in agencies]
    cases += [{"region": code} for code, _ in PLACES] + [{"region": "64"}]
    cases += [{"agency": agencies[0], "by": "topic"}, {"region": "35.78", "by": "channel"}]
    for now in (clock(), when(30, 15), when(7, 8)):
        for kwargs in cases:
            found = {name: _rows(desk, now=now, **kwargs) for name, desk in desks.items()}
            assert found["shapes"] == found["row by row"] == found["events"], (now, kwargs)
    total = _rows(desks["shapes"])[-1]
    assert total["received"] == 180
    assert total["returns"] > 0
    assert total["escalations"] > 0
    assert total["overdue_now"] > 0
    assert total["completed"] > 0
    assert 0 < total["followed_up_in_5wd"] < total["received"]


def _grouped(store: MemoryStore, url: str, factory: Callable[..., Store]) -> Store:
    target = factory(url)
    copy_store(store, target)
    as_of = store._clock()
    shapes = list(report_shapes(target, as_of=as_of))
    assert sum(shape.rows for shape in shapes) == 180
    assert len(shapes) < 180  # complaints alike are one shape
    assert all(shape.complaint_id is None for shape in shapes)  # nothing stale as of the end
    return target


def test_sqlite_shapes_give_the_report_of_rows_and_of_events(
    months: tuple[MemoryStore, FrozenClock],
    store_factory: Callable[..., Store],
    sqlite_url: str,
) -> None:
    store, clock = months
    _check_paths(_grouped(store, sqlite_url, store_factory), store, clock)


def test_sqlite_rows_without_facts_are_counted_from_their_events(
    months: tuple[MemoryStore, FrozenClock],
    store_factory: Callable[..., Store],
    tmp_path: Path,
) -> None:
    store, clock = months
    migrated = store_factory(f"sqlite:///{tmp_path / 'migrated.db'}")
    copy_store(WithoutFacts(store), migrated)  # rows as schema 5 left them: no facts
    shapes = list(report_shapes(migrated, as_of=clock()))
    assert len(shapes) == 180
    assert all(shape.complaint_id is not None for shape in shapes)
    _check_paths(migrated, store, clock)


@pytest.mark.postgres
def test_postgresql_shapes_give_the_report_of_rows_and_of_events(
    months: tuple[MemoryStore, FrozenClock],
    store_factory: Callable[..., Store],
    postgres_url: str,
) -> None:
    store, clock = months
    _check_paths(_grouped(store, postgres_url, store_factory), store, clock)


@pytest.mark.postgres
def test_partitioned_postgresql_shapes_give_the_same_report(
    months: tuple[MemoryStore, FrozenClock],
    store_factory: Callable[..., Store],
    postgres_url: str,
) -> None:
    store, clock = months
    _check_paths(_grouped(store, f"{postgres_url}?partition=province", store_factory), store, clock)


def test_memory_store_shapes_are_one_per_row(months: tuple[MemoryStore, FrozenClock]) -> None:
    store, clock = months
    shapes = list(report_shapes(store, as_of=clock()))
    assert len(shapes) == 180
    assert {shape.rows for shape in shapes} == {1}
    earlier = list(report_shapes(store, as_of=when(30, 15)))
    assert sum(1 for shape in earlier if shape.complaint_id is not None) > 0  # updated later


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), max_size=30))
def test_the_median_of_a_histogram_is_the_median_of_the_list(values: list[int]) -> None:
    expected = float(statistics.median(values)) if values else None
    assert median_of(Counter(values)) == expected


_AGENCY = st.sampled_from(["64-dinkes", "64-pupr"])


@st.composite
def _episode(draw: st.DrawFn) -> list[Any]:
    end = draw(st.sampled_from([None, "followed_up", "returned", "completed", "forwarded"]))
    if end != "followed_up":
        return [draw(_AGENCY), end, False, None]
    return [draw(_AGENCY), end, draw(st.booleans()), draw(st.integers(0, 12))]


_FACTS = st.fixed_dictionaries(
    {
        "submitted": st.sampled_from(["2026-05-31", "2026-06-01", "2026-06-15", "2026-07-01"]),
        "topic": st.sampled_from(["hospital", "road"]),
        "channel": st.sampled_from(["web", "sms"]),
        "t1": st.sampled_from([True, False, None]),
        "episodes": st.lists(_episode(), max_size=3),
        "escalations": st.lists(st.one_of(st.none(), _AGENCY), max_size=2),
    }
)
_ROW = st.tuples(
    st.sampled_from(["64.71", "64.72", "35.78"]),
    st.sampled_from(["forwarded", "completed", "verified", "archived"]),
    st.one_of(st.none(), st.dates(dt.date(2026, 6, 20), dt.date(2026, 7, 10))),
    _FACTS,
)


@settings(max_examples=50, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=25))
def test_grouped_and_row_by_row_reports_agree_on_any_facts(
    rows: list[tuple[str, str, dt.date | None, dict[str, Any]]],
) -> None:
    clock = FrozenClock(when(35, 12))
    requests = [
        AppendRequest(
            f"h{i}",
            0,
            (make_event(f"h{i}", 1),),
            make_row(
                f"h{i}",
                1,
                region=region,
                status=status,
                next_due=due,
                facts=facts,
                updated_at=when(30),
            ),
        )
        for i, (region, status, due, facts) in enumerate(rows)
    ]
    memory = MemoryStore(clock=clock)
    memory.append_many(requests)
    pm = plugin_manager()
    store = SqliteStore("sqlite:///:memory:", clock=clock)
    try:
        store.append_many(requests)
        grouped = Desk(store, pm=pm, clock=clock)
        by_row = Desk(memory, pm=pm, clock=clock)
        for kwargs in (
            {},
            {"by": "topic"},
            {"by": "channel"},
            {"agency": "64-pupr"},
            {"region": "64"},
            {"region": "35.78", "by": "topic"},
        ):
            found = _rows(grouped, **kwargs)
            assert found == _rows(by_row, **kwargs), kwargs
        assert _rows(grouped)[-1]["received"] == sum(
            1 for *_, facts in rows if START <= facts["submitted"] <= END
        )
    finally:
        store.close()
