"""The bulk write path: event encoding, multi-row inserts, big all-or-nothing batches."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sp4n._text import fold
from sp4n.adapters import SCHEMA_VERSION, AppendRequest, ComplaintRow, OutboxMessage, Store
from sp4n.adapters._sql import event_json
from sp4n.errors import ConcurrencyError, InvalidInputError
from sp4n.lifecycle import Actor, Event, Role

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
clean_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\x00"), min_size=1
)
events = st.builds(
    Event,
    complaint_id=st.text(min_size=1),
    seq=st.integers(min_value=1, max_value=10**6),
    type=st.text(min_size=1),
    occurred_at=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.timezones(),
    ),
    actor=st.builds(
        Actor,  # actor fields are checked text: no NUL, control characters or lone surrogates
        id=clean_text,
        role=st.sampled_from(list(Role)),
        agency=st.none() | clean_text,
        region=st.none() | clean_text,
    ),
    payload=st.dictionaries(st.text(), json_values, max_size=4),
    id=st.text(min_size=1),
)


@given(events)
def test_event_json_is_the_text_of_to_dict(event: Event) -> None:
    expected = json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":"))
    assert event_json(event) == expected
    assert Event.from_dict(json.loads(event_json(event))) == event


def _request(number: int, events: int = 3, *, outbox: bool = False) -> AppendRequest:
    complaint = f"bulk-{number:05d}"
    at = datetime(2026, 1, 5, 3, tzinfo=UTC) + timedelta(minutes=number)
    stream = tuple(
        Event(
            complaint_id=complaint,
            seq=seq,
            type="submitted" if seq == 1 else "verified",
            occurred_at=at + timedelta(seconds=seq),
            actor=Actor(id="pelapor-ñ", role=Role.REPORTER),
            payload={"title": f"Jalan rusak №{number}", "n": seq},
            id=f"{complaint}:{seq}",
        )
        for seq in range(1, events + 1)
    )
    row = ComplaintRow(
        complaint_id=complaint,
        tracking_id=f"LAP-{number:05d}",
        status="verified",
        kind="aduan",
        topic="infrastruktur.jalan",
        region=f"35.{number % 30 + 1:02d}",
        agency=None,
        title=f"Jalan rusak nomor {number}",
        visibility="public",
        next_due=None,
        updated_at=at,
        version=events,
        submitted_at=at,
        listing={"description": "Lubang besar"},
    )
    messages = (
        (
            OutboxMessage(
                id=f"{complaint}:1:reporter",
                complaint_id=complaint,
                event_seq=1,
                recipient_role="reporter",
                template="submitted",
                payload={"body": "Laporan diterima"},
                created_at=at,
            ),
        )
        if outbox
        else ()
    )
    return AppendRequest(complaint, 0, stream, row, messages)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, store_factory: Callable[..., Store]) -> Store:
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return store_factory(request.getfixturevalue(name))


def test_a_batch_of_more_rows_than_one_statement_holds_is_written_whole(store: Store) -> None:
    batch = [_request(number, outbox=number % 2 == 0) for number in range(1_203)]
    assert store.append_many(batch) == (3,) * 1_203
    for number in (0, 499, 500, 1_000, 1_202):
        request = batch[number]
        assert store.load(request.complaint_id) == request.events
        assert store.get(request.complaint_id) == request.row
    assert len(store.query(region_prefix="35", limit=2_000)) == 1_203
    assert len(store.query(title_contains="nomor 1202")) == 1
    now = datetime(2027, 1, 1, tzinfo=UTC)
    assert len(store.pending_outbox(limit=1_000, now=now)) == 602  # the even numbers


def test_a_conflict_late_in_a_big_batch_writes_nothing(store: Store) -> None:
    store.append_many([_request(1_100)])
    batch = [_request(number) for number in range(1_101)]  # the last one exists already
    with pytest.raises(ConcurrencyError):
        store.append_many(batch)
    assert store.version("bulk-00000") == 0
    assert store.query(region_prefix="35", limit=2_000) == [store.get("bulk-01100")]
    assert store.query(title_contains="nomor 7") == []


def test_a_duplicate_event_id_in_a_big_batch_writes_nothing(store: Store) -> None:
    batch = [_request(number) for number in range(800)]
    clash = batch[650]
    batch[650] = AppendRequest(
        clash.complaint_id,
        0,
        (clash.events[0], attrs.evolve(clash.events[1], id="bulk-00001:2")),
        attrs.evolve(clash.row, version=2),
    )
    with pytest.raises(InvalidInputError, match="event ids are unique"):
        store.append_many(batch)
    assert store.version("bulk-00001") == 0
    assert store.query(limit=10) == []


@pytest.mark.parametrize(
    "engine", ["memory", "sqlite", pytest.param("pg", marks=pytest.mark.postgres)]
)
def test_a_message_id_repeated_in_one_statement_keeps_the_first(
    engine: str, request: pytest.FixtureRequest, store_factory: Callable[..., Store]
) -> None:
    url = {"memory": "memory://", "sqlite": "sqlite_url", "pg": "postgres_url"}[engine]
    store = store_factory(url if engine == "memory" else request.getfixturevalue(url))
    first, second = _request(1, outbox=True), _request(2, outbox=True)
    clash = attrs.evolve(second.outbox[0], id=first.outbox[0].id, template="other")
    store.append_many([first, attrs.evolve(second, outbox=(clash,))])
    pending = store.pending_outbox(limit=10, now=datetime(2027, 1, 1, tzinfo=UTC))
    assert [(m.id, m.template, m.complaint_id) for m in pending] == [
        (first.outbox[0].id, "submitted", "bulk-00001")
    ]
    assert store.version("bulk-00002") == 3


@contextmanager
def _frontend_messages(store: Store) -> Iterator[Counter[str]]:
    """Count the protocol messages libpq sends for a one-connection PostgreSQL store
    (``PQtrace`` on the pool's only connection: what really goes over the socket)."""
    pool = store._pool  # type: ignore[attr-defined]
    counts: Counter[str] = Counter()
    with tempfile.TemporaryFile("w+") as trace:
        with pool.connection() as connection:
            connection.pgconn.trace(trace.fileno())
            connection.pgconn.set_trace_flags(1 | 2)  # no timestamps, stable output
        yield counts
        with pool.connection() as connection:
            connection.pgconn.untrace()
        trace.seek(0)
        fields = [line.split("\t") for line in trace.read().splitlines()]
    counts.update(field[2] for field in fields if len(field) > 2 and field[0] == "F")


@pytest.mark.postgres
def test_a_big_postgres_batch_is_a_few_statements_whatever_its_size(
    postgres_url: str, store_factory: Callable[..., Store]
) -> None:
    """Decision 0290: rows, events and messages go as one array per column and table, and
    the version-checked updates of a batch as one statement per group of changed columns."""
    store = store_factory(f"{postgres_url}?pool_min=1&pool_max=1")
    created = [_request(number, outbox=True) for number in range(2_400)]
    with _frontend_messages(store) as sent:
        store.append_many(created)
    assert sent["Execute"] == 3  # rows, events, messages: not one per 500 rows
    moved = [
        AppendRequest(
            request.complaint_id,
            3,
            (attrs.evolve(request.events[-1], seq=4, id=f"{request.complaint_id}:4"),),
            attrs.evolve(request.row, version=4, status="forwarded", agency="35-dinas-pu"),
        )
        for request in created
    ]
    with _frontend_messages(store) as sent:
        assert store.append_many(moved) == (4,) * 2_400
    assert sent["Execute"] == 3  # the stored columns, the update (agency changed), events
    assert store.get("bulk-02399") == moved[-1].row
    assert store.load("bulk-00000")[-1] == moved[0].events[0]
    assert store.query(agency="35-dinas-pu", limit=3_000) == [r.row for r in moved]


def test_sqlite_batches_are_copied_back_to_the_file_in_bulk_not_after_each(
    tmp_path: Path, store_factory: Callable[..., Store]
) -> None:
    """Decision 0291: a commit copies the WAL back to the database file once it holds 64 MiB,
    not SQLite's default 4 MB, so a page dirtied by several batches is written back once."""
    path = tmp_path / "bulk.db"
    store = store_factory(f"sqlite:///{path}")
    for first in range(0, 4_000, 500):
        store.append_many([_request(number) for number in range(first, first + 500)])
    wal = Path(f"{path}-wal").stat().st_size
    assert wal > 4_096 * 1_000  # more than the default threshold of 1,000 pages ...
    assert path.stat().st_size < wal / 10  # ... still in the WAL, not copied back yet
    assert len(store.query(limit=5_000)) == 4_000
    # and up to 512 MiB of the random-keyed index pages stay cached between batches
    assert store._connection.execute("PRAGMA cache_size").fetchone() == (-524_288,)  # type: ignore[attr-defined]


def _own(complaint: str, seq: int, event_id: str) -> AppendRequest:
    """A complaint's first ``seq`` events, the last with ``event_id`` (the others standard)."""
    base = _request(1, events=seq)
    events = tuple(
        attrs.evolve(
            event,
            complaint_id=complaint,
            id=event_id if event.seq == seq else f"{complaint}#{event.seq}",
        )
        for event in base.events
    )
    row = attrs.evolve(base.row, complaint_id=complaint, tracking_id=f"LAP-{complaint}")
    return AppendRequest(complaint, 0, events, row)


@pytest.mark.parametrize(
    "engine", ["memory", "sqlite", pytest.param("pg", marks=pytest.mark.postgres)]
)
def test_an_event_id_naming_another_streams_position_is_refused_either_way(
    engine: str, request: pytest.FixtureRequest, store_factory: Callable[..., Store]
) -> None:
    """Event ids are unique across the store (decision 0041), whether an id has the
    lifecycle's form ``complaint_id#seq`` or not (decision 0292 indexes only the others)."""
    url = {"memory": "memory://", "sqlite": "sqlite_url", "pg": "postgres_url"}[engine]
    store = store_factory(url if engine == "memory" else request.getfixturevalue(url))
    store.append_many([_own("y", 1, "x#2")])  # y's event names x's second position
    with pytest.raises(InvalidInputError, match="event ids are unique"):
        store.append_many([_own("w", 1, "w#1"), _own("x", 2, "x#2")])  # the lifecycle's id
    assert (store.version("x"), store.version("w")) == (0, 0)
    with pytest.raises(InvalidInputError, match="event ids are unique"):
        store.append_many([_own("v", 2, "other"), _own("u", 1, "other")])  # two others
    with pytest.raises(InvalidInputError, match="event ids are unique"):
        store.append_many([_own("t", 1, "s#1"), _own("s", 1, "s#1")])  # in one batch
    store.append_many([_own("p", 1, "p#1")])
    with pytest.raises(InvalidInputError, match="event ids are unique"):
        store.append_many([_own("r", 1, "p#1")])  # p's own, stored
    assert [store.version(c) for c in "vutsr"] == [0, 0, 0, 0, 0]
    store.append_many([_own("x", 2, "x-2"), _own("q", 1, "x#02")])  # not the same text
    assert store.load("x")[-1].id == "x-2"


def test_lifecycle_event_ids_do_not_fill_the_sqlite_event_id_index(
    tmp_path: Path, store_factory: Callable[..., Store]
) -> None:
    """Decision 0292: ``complaint_id#seq`` is unique by the stream key already; only other
    ids are written to the unique ``event_id`` index, one random leaf fewer per stream."""
    path = tmp_path / "ids.db"
    store = store_factory(f"sqlite:///{path}")
    store.append_many([_own(f"c{number:05d}", 3, f"c{number:05d}#3") for number in range(3_000)])
    store.append_many([_own("odd", 2, "imported-17")])
    with sqlite3.connect(path) as connection:
        pages = connection.execute(
            "SELECT count(*) FROM dbstat WHERE name = 'sp4n_events_event_id'"
        ).fetchone()[0]
        ids = connection.execute(
            "SELECT event_id FROM sp4n_events INDEXED BY sp4n_events_event_id"
            " WHERE event_id <> complaint_id || '#' || seq"
        ).fetchall()
    connection.close()
    assert pages == 1  # 9,000 lifecycle ids would fill hundreds of pages
    assert ids == [("imported-17",)]


def test_a_schema_7_sqlite_file_keeps_only_other_event_ids_in_the_index(
    tmp_path: Path, store_factory: Callable[..., Store]
) -> None:
    from sp4n.adapters._sqlite import MIGRATIONS

    path = tmp_path / "v7.db"
    with sqlite3.connect(path) as connection:
        connection.create_function("sp4n_casefold", 1, fold, deterministic=True)
        connection.execute("CREATE TABLE sp4n_schema (version INTEGER)")
        connection.execute("INSERT INTO sp4n_schema VALUES (7)")
        for version in range(1, 8):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
        connection.executemany(
            "INSERT INTO sp4n_events VALUES (?, ?, ?, 'submitted', '2026-01-05', '{}')",
            [("a", 1, "a#1"), ("a", 2, "a#2"), ("b", 1, "legacy-b-1")],
        )
    connection.close()
    store = store_factory(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        indexed = connection.execute(
            "SELECT event_id FROM sp4n_events INDEXED BY sp4n_events_event_id"
            " WHERE event_id <> complaint_id || '#' || seq"
        ).fetchall()
        version = connection.execute("SELECT version FROM sp4n_schema").fetchone()
    connection.close()
    assert (indexed, version) == ([("legacy-b-1",)], (SCHEMA_VERSION,))
    for clash in ("legacy-b-1", "a#2"):
        with pytest.raises(InvalidInputError, match="event ids are unique"):
            store.append_many([_own("c", 1, clash)])
    assert store.version("c") == 0
