"""``GET requests`` is answered from projection rows: the same items as the exact endpoint."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sp4n.desk import Desk
from sp4n.lifecycle import ComplaintDraft
from sp4n.open311 import Open311App, RequestQuery
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Jakarta")


def _draft(n: int, **changes: object) -> ComplaintDraft:
    values: dict[str, object] = {
        "kind": "pengaduan",
        "title": f"Laporan {n}",
        "body": f"Isi laporan nomor {n} tentang layanan publik.",
        "region": "61.07",
        "topic": "land",
        "channel": "web",
        "reporter": {"id": f"w-{n}", "email": f"w{n}@example.id", "name": f"Warga {n}"},
    }
    values.update(changes)
    return ComplaintDraft(**values)  # type: ignore[arg-type]


def _populate(desk: Desk, clock: FrozenClock) -> dict[str, str]:
    """Complaints in several states; returns tracking ids by name. All but "unverified" and
    "spam" are forwarded, so published (decision 0151); those two are never listed."""
    refs = {}
    loc = {"lat": 0.8456, "lon": 109.4777, "address": "Jl. Sebalo"}
    specs = {
        "plain": {},
        "located": {"location": loc, "topic": "road"},
        "anonymous": {"visibility": "anonymous"},
        "secret": {"visibility": "confidential"},
        "answered": {"topic": "police"},
        "closed": {"topic": "electricity", "region": "61.07.01"},
        "unverified": {"topic": "road"},
        "spam": {},
    }
    for n, (name, changes) in enumerate(specs.items()):
        clock.advance(timedelta(hours=1))
        refs[name] = desk.submit(_draft(n, **changes)).tracking_id
    clock.advance(timedelta(hours=1))
    for name in ("answered", "closed"):
        desk.verify(refs[name])
        desk.forward(refs[name])
    desk.follow_up(refs["answered"], "Petugas sudah menegur anggota yang bersangkutan.")
    desk.follow_up(refs["closed"], "Meteran sudah diganti.")
    desk.complete(refs["closed"])
    desk.verify(refs["located"], tier="simple")
    for name in ("plain", "located", "anonymous", "secret"):
        if name != "located":
            desk.verify(refs[name])
        desk.forward(refs[name])
    desk.archive(refs["spam"], "spam")
    return refs


@pytest.fixture(params=["memory", "sqlite"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Desk, dict[str, str]]]:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'list.db'}"
    with Desk.open(url, clock=clock) as desk:
        yield desk, _populate(desk, clock)


def test_list_items_equal_the_exact_items(world: tuple[Desk, dict[str, str]]) -> None:
    desk, refs = world
    app = Open311App(desk, region="61.07")
    listed = app.requests(RequestQuery())
    ids = [item["service_request_id"] for item in listed]
    assert refs["secret"] not in ids
    unlisted = {"secret", "unverified", "spam"}
    assert sorted(ids) == sorted(ref for name, ref in refs.items() if name not in unlisted)
    for item in listed:
        assert item == app.request(item["service_request_id"])
    # newest submission first
    requested = [item["requested_datetime"] for item in listed]
    assert requested == sorted(requested, reverse=True)
    answered = next(i for i in listed if i["service_request_id"] == refs["answered"])
    assert answered["status_notes"] == "Petugas sudah menegur anggota yang bersangkutan."
    assert answered["expected_datetime"] is not None
    located = next(i for i in listed if i["service_request_id"] == refs["located"])
    assert (located["lat"], located["long"], located["address"]) == (
        0.8456,
        109.4777,
        "Jl. Sebalo",
    )
    for item in listed:  # GeoReport items never carry identity
        assert not {"email", "first_name", "last_name", "phone", "account_id"} & set(item)
        assert "Warga" not in str(item)


def test_list_filters(world: tuple[Desk, dict[str, str]]) -> None:
    desk, refs = world
    app = Open311App(desk)

    def ids(**query: object) -> set[str]:
        return {i["service_request_id"] for i in app.requests(RequestQuery(**query))}  # type: ignore[arg-type]

    assert ids(status="closed") == {refs["closed"]}
    assert refs["closed"] not in ids(status="open")
    assert ids(service_code="police") == {refs["answered"]}
    start = datetime(2026, 3, 2, 11, 30, tzinfo=WIB)
    assert ids(start_date=start) == {refs["anonymous"], refs["answered"], refs["closed"]}
    assert ids(end_date=start) == {refs["plain"], refs["located"]}
    assert ids(start_date=start + timedelta(days=1)) == set()
    assert Open311App(desk, region="61.07.01").requests(RequestQuery()) == [
        app.request(refs["closed"])
    ]


def test_rows_from_before_schema_3_are_migrated_and_still_listed(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    with Desk.open(f"sqlite:///{path}", clock=clock) as desk:
        ref = desk.submit(_draft(1)).tracking_id
        desk.verify(ref)
        desk.forward(ref)  # published (decision 0151)
        submitted = desk.get(ref).submitted_at
    with sqlite3.connect(path) as connection:  # turn the file back into schema 2
        connection.execute("DROP INDEX sp4n_complaints_next_action")  # schema 6
        connection.execute("DROP INDEX sp4n_complaints_status_submitted")
        connection.execute("ALTER TABLE sp4n_complaints DROP COLUMN next_action")
        connection.execute("ALTER TABLE sp4n_complaints DROP COLUMN facts")
        for trigger in ("insert", "update", "delete"):  # schema 5: the title search index
            connection.execute(f"DROP TRIGGER sp4n_complaints_title_{trigger}")
        connection.execute("DROP TABLE sp4n_complaints_title")
        connection.execute("ALTER TABLE sp4n_complaints DROP COLUMN title_folded")  # schema 6
        for index in ("submitted", "topic_submitted", "region_submitted"):
            connection.execute(f"DROP INDEX sp4n_complaints_{index}")
        connection.execute("ALTER TABLE sp4n_complaints DROP COLUMN listing")
        connection.execute("ALTER TABLE sp4n_complaints DROP COLUMN submitted_at")
        connection.execute("UPDATE sp4n_schema SET version = 2")
    connection.close()
    with Desk.open(f"sqlite:///{path}", clock=clock) as desk:
        row = desk.store.by_tracking_id(ref)
        assert row is not None
        assert row.submitted_at == submitted  # backfilled from the first event
        assert row.listing == {}
        app = Open311App(desk)
        assert app.requests(RequestQuery()) == [app.request(ref)]  # replayed instead
        desk.acknowledge(ref)  # the next change writes the listing
        row = desk.store.by_tracking_id(ref)
        assert row is not None
        assert row.listing["description"] == desk.get(ref).body
        assert app.requests(RequestQuery()) == [app.request(ref)]


def test_list_by_a_topic_alias(world: tuple[Desk, dict[str, str]]) -> None:
    desk, refs = world
    app = Open311App(desk)
    by_alias = app.requests(RequestQuery(service_code="jalan"))
    assert [i["service_request_id"] for i in by_alias] == [refs["located"]]
    assert app.requests(RequestQuery(service_code="tidak-ada")) == []
