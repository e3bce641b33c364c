"""Every Open311 list query is answered from an index, never a scan and sort of all matches.

The queries are the ones :class:`sp4n.open311.Open311App` really sends (recorded on a
memory store), planned by SQLite (``EXPLAIN QUERY PLAN``) and PostgreSQL (``EXPLAIN``, with
sequential scans off so a test-sized table is planned as a national one). A list by status
is one index range per status of ``(status, submitted_at, complaint_id)``, merged
(decision 0182): what is sorted is at most ``limit`` rows per status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.adapters import (
    ComplaintRow,
    MemoryStore,
    RowQuery,
    Store,
    as_row_query,
    plugin_manager,
)
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.open311 import Open311App, RequestQuery
from sp4n.testing import FrozenClock, TemporaryPostgres

WIB = ZoneInfo("Asia/Jakarta")


class Recording(MemoryStore):
    """A real memory store that keeps every query value it answers."""

    def __init__(self, url: str = "memory://", *, clock: Any) -> None:
        super().__init__(url, clock=clock)
        self.seen: list[RowQuery] = []

    def query(self, query: RowQuery | None = None, /, **filters: Any) -> list[ComplaintRow]:
        value = as_row_query(query, filters)
        self.seen.append(value)
        return super().query(value)


SINCE = dt.datetime(2026, 2, 1, tzinfo=WIB)
OPEN311_LISTS = (
    RequestQuery(),
    RequestQuery(status="open"),
    RequestQuery(status="closed"),
    RequestQuery(service_code="road"),
    RequestQuery(status="open", service_code="road"),
    RequestQuery(status="closed", service_code="road"),
    RequestQuery(start_date=SINCE, end_date=SINCE + dt.timedelta(days=40)),
    RequestQuery(start_date=SINCE),
    RequestQuery(end_date=SINCE + dt.timedelta(days=40)),
)
"""Every form of ``GET requests`` that lists (``service_request_id`` looks ids up instead),
each asked of the national hub and of a province portal; ``benchmarks/storage.py
--portal-only`` times the same forms over HTTP."""


@pytest.fixture(scope="module")
def open311_queries() -> list[RowQuery]:
    clock = FrozenClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    store = Recording(clock=clock)
    desk = Desk(store, pm=plugin_manager(), clock=clock)
    c = desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title="Jalan berlubang",
            body="Lubang besar di depan sekolah.",
            region="35.78",
            topic="road",
            channel="web",
            reporter=Reporter(id="warga-1", email="warga1@example.org"),
        )
    )
    desk.verify(c.tracking_id)
    desk.forward(c.tracking_id)
    store.seen.clear()
    for app in (Open311App(desk), Open311App(desk, region="35")):
        for query in OPEN311_LISTS:
            app.requests(query)
    assert len(store.seen) == len(OPEN311_LISTS) * 2
    return list(store.seen)


def _sqlite_problems(plan: list[str]) -> list[str]:
    """Full scans of the table, and sorts of anything but a branch's bounded rows."""
    problems = []
    for index, line in enumerate(plan):
        if line.startswith("SCAN sp4n_complaints") and "INDEX" not in line:
            problems.append(line)
        if line == "USE TEMP B-TREE FOR ORDER BY" and not plan[index - 1].startswith("SCAN branch"):
            problems.append(f"sort after {plan[index - 1]!r}")
    return problems


def test_sqlite_plans_read_the_lists_from_indexes(
    open311_queries: list[RowQuery], store_factory: Callable[..., Store], sqlite_url: str
) -> None:
    store = store_factory(sqlite_url)
    for query in open311_queries:
        plan = store.explain(query)  # type: ignore[attr-defined]
        assert _sqlite_problems(plan) == [], (query, plan)
        searches = [line for line in plan if line.startswith(("SEARCH", "SCAN sp4n"))]
        assert searches, plan
        if query.statuses is not None and len(query.statuses) > 1:
            assert all("sp4n_complaints_status_submitted" in line for line in searches), plan


@pytest.mark.postgres
def test_postgresql_plans_read_the_lists_from_indexes(
    open311_queries: list[RowQuery], store_factory: Callable[..., Store], postgres_url: str
) -> None:
    store = store_factory(postgres_url)
    for query in open311_queries:
        plan = store.explain(query)  # type: ignore[attr-defined]
        text = "\n".join(plan)
        assert "Seq Scan" not in text, (query, text)
        assert "Index Scan" in text or "Index Only Scan" in text, text
        if query.statuses is not None and len(query.statuses) > 1:
            assert "sp4n_complaints_status_submitted" in text, text
            assert text.count("Limit") >= len(query.statuses), text  # each branch is cut


# -- the compliance report's grouped read (decision 0270) -------------------------------------

_AS_OF = dt.datetime(2026, 3, 2, 12, 0, tzinfo=WIB)


def test_sqlite_reads_a_region_report_from_the_region_index(
    store_factory: Callable[..., Store], sqlite_url: str
) -> None:
    store = store_factory(sqlite_url)
    plan = store.explain_report_shapes(region_prefix="35", as_of=_AS_OF)  # type: ignore[attr-defined]
    assert plan[0].startswith("SEARCH sp4n_complaints USING INDEX sp4n_complaints_region"), plan
    assert "(region>? AND region<?)" in plan[0], plan
    since = _AS_OF - dt.timedelta(days=30)
    plan = store.explain_report_shapes(region_prefix="35.78", updated_from=since, as_of=_AS_OF)  # type: ignore[attr-defined]
    assert plan[0].startswith("SEARCH sp4n_complaints USING INDEX sp4n_complaints_region"), plan
    # every region: one pass over the table, not a walk of an index with a lookup per row
    plan = store.explain_report_shapes(updated_from=since, as_of=_AS_OF)  # type: ignore[attr-defined]
    assert plan == ["SCAN sp4n_complaints", "USE TEMP B-TREE FOR GROUP BY"], plan


@pytest.mark.postgres
def test_postgresql_reads_a_region_report_from_the_region_index(
    store_factory: Callable[..., Store], postgres_url: str, postgres_server: TemporaryPostgres
) -> None:
    partitioned = f"{postgres_server.create_database()}?partition=province"
    for url in (postgres_url, partitioned):
        store = store_factory(url)
        plan = store.explain_report_shapes(region_prefix="35", as_of=_AS_OF)  # type: ignore[attr-defined]
        text = "\n".join(plan)
        assert "Seq Scan" not in text, (url, text)
        assert "Index Scan" in text or "Index Only Scan" in text, text
        assert "Index Cond: ((region >= '35'::text) AND (region < '36'::text))" in text, text
        if url == partitioned:  # one province's partition
            assert "sp4n_complaints_p35" in text, text
            assert "sp4n_complaints_p36" not in text, text
