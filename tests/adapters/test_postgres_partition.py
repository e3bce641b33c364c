"""``postgresql://...?partition=province`` (decision 0231): the projection table partitioned by
province on a real PostgreSQL server, passing the store contract, and giving the Open311 list,
the sweep and the compliance report of an unpartitioned copy of the same complaints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import psycopg
import pytest

from sp4n import Desk
from sp4n.adapters import Store, copy_store, plugin_manager
from sp4n.adapters._postgres import split_url
from sp4n.errors import InvalidInputError, MalformedStoreUrlError
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.open311 import Open311App
from sp4n.open311._params import RequestQuery
from sp4n.testing import FrozenClock, StoreContract
from sp4n.testing._builders import make_event, make_row

pytestmark = pytest.mark.postgres

WITA = ZoneInfo("Asia/Makassar")
REGIONS = ("64.71", "61.07", "51.03", "64.72")


def partitioned(url: str) -> str:
    return f"{url}?partition=province"


class TestPartitionedPostgresStore(StoreContract):
    @pytest.fixture
    def store(self, store_factory: Callable[..., Store], postgres_url: str) -> Store:
        return store_factory(partitioned(postgres_url))


def _partitions(url: str) -> dict[str, set[str]]:
    libpq, _ = split_url(url)
    with psycopg.connect(libpq) as connection:
        found = connection.execute(
            "SELECT tableoid::regclass::text, region FROM sp4n_complaints"
        ).fetchall()
    out: dict[str, set[str]] = {}
    for table, region in found:
        out.setdefault(table, set()).add(region)
    return out


def _when(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 6, 1, hour, tzinfo=WITA) + dt.timedelta(days=day)


def test_complaints_land_in_their_province_and_read_as_unpartitioned(
    store_factory: Callable[..., Store], postgres_url: str, postgres_server: object
) -> None:
    clock = FrozenClock(_when(0))
    url = partitioned(postgres_url)
    desk = Desk(store_factory(url), pm=plugin_manager(), clock=clock)
    for n in range(12):
        clock.set(_when(n))
        c = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title=f"Keluhan {n}",
                body="Pelayanan lambat.",
                region=REGIONS[n % len(REGIONS)],
                topic="hospital",
                channel="web",
                reporter=Reporter(id=f"warga-{n}", email=f"warga{n}@example.org"),
            )
        )
        desk.verify(c.tracking_id)
        if c.region.startswith("64"):
            desk.forward(c.tracking_id, "64-dinkes" if n % 2 else "64-pupr")
        assert desk.get(c.tracking_id).complaint_id == c.complaint_id
    assert _partitions(url) == {
        "sp4n_complaints_p51": {"51.03"},
        "sp4n_complaints_p61": {"61.07"},
        "sp4n_complaints_p64": {"64.71", "64.72"},
    }
    copy = store_factory(postgres_server.create_database())  # type: ignore[attr-defined]
    copy_store(desk.store, copy)
    other = Desk(copy, pm=plugin_manager(), clock=clock)
    clock.set(_when(30, 12))
    for region in ("64", "64.71", "61"):
        lists = [
            Open311App(d, region=region).requests(RequestQuery(start_date=_when(-1)))
            for d in (desk, other)
        ]
        assert lists[0] == lists[1], region
    assert len(Open311App(desk, region="64").requests(RequestQuery(start_date=_when(-1)))) == 6
    swept = [d.sweep() for d in (desk, other)]
    assert swept[0] == swept[1]
    assert swept[0].candidates > 0
    for kwargs in ({}, {"region": "64"}, {"agency": "64-dinkes"}):
        reports = [
            d.report(start="2026-06-01", end="2026-06-30", **kwargs).to_dict()
            for d in (desk, other)
        ]
        assert reports[0] == reports[1], kwargs
    assert reports[0]["rows"][0]["received"] > 0


def test_tracking_ids_stay_unique_across_provinces_and_follow_a_moved_row(
    store_factory: Callable[..., Store], postgres_url: str
) -> None:
    url = partitioned(postgres_url)
    store = store_factory(url)
    store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1, tracking_id="LAP-1"))
    with pytest.raises(InvalidInputError, match="tracking"):
        store.append(
            "c2",
            0,
            [make_event("c2", 1)],
            row=make_row("c2", 1, tracking_id="LAP-1", region="64.71"),
        )
    assert store.get("c2") is None
    moved = make_row("c1", 2, tracking_id="LAP-1", region="64.71")
    store.append("c1", 1, [make_event("c1", 2)], row=moved)
    assert _partitions(url) == {"sp4n_complaints_p64": {"64.71"}}
    assert store.by_tracking_id("LAP-1") == moved
    renamed = make_row("c1", 3, tracking_id="LAP-9", region="64.71")
    store.append("c1", 2, [make_event("c1", 3)], row=renamed)
    assert store.by_tracking_id("LAP-1") is None
    store.append("c3", 0, [make_event("c3", 1)], row=make_row("c3", 1, tracking_id="LAP-1"))
    assert store.by_tracking_id("LAP-1") == make_row("c3", 1, tracking_id="LAP-1")


def test_partition_on_an_existing_unpartitioned_database_is_refused(
    store_factory: Callable[..., Store], postgres_url: str
) -> None:
    store_factory(postgres_url).close()
    with pytest.raises(MalformedStoreUrlError, match="partition=province"):
        store_factory(partitioned(postgres_url))


def test_an_unknown_partitioning_is_refused_naming_it(
    store_factory: Callable[..., Store], postgres_url: str
) -> None:
    with pytest.raises(MalformedStoreUrlError, match="partition must be one of province"):
        store_factory(f"{postgres_url}?partition=regency")
