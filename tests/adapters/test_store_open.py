"""Opening stores: URLs, typed errors, schema versions and migrations, durability on disk."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sp4n.adapters import NEXT_ACTION_UNKNOWN, SCHEMA_VERSION, Store
from sp4n.adapters._sqlite import MIGRATIONS, sqlite_path
from sp4n.errors import (
    InvalidInputError,
    MalformedStoreUrlError,
    SchemaVersionError,
    StoreError,
    StoreUnavailableError,
    UnknownStoreSchemeError,
)
from sp4n.testing import FrozenClock, TemporaryPostgres, make_event, make_message, make_row

Factory = Callable[..., Store]


@pytest.mark.parametrize("url", ["sp4n.db", "", "://nothing", "sqlite:/one-slash.db", "sqlite://"])
def test_malformed_url_is_a_typed_error_naming_it(store_factory: Factory, url: str) -> None:
    with pytest.raises(MalformedStoreUrlError) as info:
        store_factory(url)
    assert info.value.field == "db"
    assert info.value.value == url
    assert isinstance(info.value, InvalidInputError)
    assert isinstance(info.value, StoreError)


def test_unknown_scheme_names_the_url_and_the_known_schemes(store_factory: Factory) -> None:
    with pytest.raises(UnknownStoreSchemeError) as info:
        store_factory("mongodb://db.example/sp4n")
    message = str(info.value)
    assert "mongodb://db.example/sp4n" in message
    assert "memory, postgres, postgresql, sqlite" in message


def test_sqlite_paths() -> None:
    assert sqlite_path("sqlite:///sp4n.db") == "sp4n.db"
    assert sqlite_path("sqlite:////var/lib/sp4n/sp4n.db") == "/var/lib/sp4n/sp4n.db"
    assert sqlite_path("sqlite:///:memory:") == ":memory:"
    assert sqlite_path("SQLITE:///data%20dir/x.db") == "data dir/x.db"


def test_sqlite_in_a_missing_directory_is_unavailable(
    store_factory: Factory, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'sp4n.db'}"
    with pytest.raises(StoreUnavailableError, match="does not exist") as info:
        store_factory(url)
    assert info.value.url == url


def test_a_file_that_is_not_a_database_is_unavailable_and_untouched(
    store_factory: Factory, tmp_path: Path
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite " * 100)
    with pytest.raises(StoreUnavailableError, match="not a database"):
        store_factory(f"sqlite:///{path}")
    assert path.read_bytes() == b"this is not sqlite " * 100


def test_sqlite_store_uses_wal_and_survives_reopening(
    store_factory: Factory, sqlite_url: str
) -> None:
    store = store_factory(sqlite_url)
    message = make_message("c1", 1)
    event = make_event("c1", 1)
    store.append("c1", 0, [event], row=make_row("c1", 1), outbox=[message])
    store.close()
    reopened = store_factory(sqlite_url)
    assert reopened.load("c1") == (event,)
    assert reopened.get("c1") == make_row("c1", 1)
    assert [m.id for m in reopened.pending_outbox(now=message.created_at)] == [message.id]
    with sqlite3.connect(sqlite_path(sqlite_url)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT version FROM sp4n_schema").fetchone() == (SCHEMA_VERSION,)


def test_sqlite_newer_schema_is_refused_and_not_touched(
    store_factory: Factory, tmp_path: Path
) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE sp4n_schema (version INTEGER)")
        connection.execute("INSERT INTO sp4n_schema VALUES (?)", (SCHEMA_VERSION + 1,))
    connection.close()
    before = path.read_bytes()
    with pytest.raises(SchemaVersionError) as info:
        store_factory(f"sqlite:///{path}")
    assert (info.value.found, info.value.supported) == (SCHEMA_VERSION + 1, SCHEMA_VERSION)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before
    assert not (tmp_path / "future.db-wal").exists()


def test_sqlite_migrates_an_older_schema_forward(store_factory: Factory, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE sp4n_schema (version INTEGER)")
        connection.execute("INSERT INTO sp4n_schema VALUES (1)")
        for statement in MIGRATIONS[1]:
            connection.execute(statement)
        connection.execute(
            "INSERT INTO sp4n_complaints VALUES ('old', 'LAP-old', 'submitted', 'aduan', 't',"
            " '61.07', NULL, 'Lama', 'public', NULL, '2025-01-01T00:00:00.000000+00:00', 1)"
        )
    connection.close()
    store = store_factory(f"sqlite:///{path}")
    assert store.version("old") == 1
    store.append(
        "c1", 0, [make_event("c1", 1)], row=make_row("c1", 1), outbox=[make_message("c1", 1)]
    )
    assert len(store.pending_outbox(now=make_message("c1", 1).created_at)) == 1
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT version FROM sp4n_schema").fetchone() == (SCHEMA_VERSION,)


def test_sqlite_schema_5_gains_next_action_and_its_rows_are_swept_once(
    store_factory: Factory, tmp_path: Path
) -> None:
    path = tmp_path / "five.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE sp4n_schema (version INTEGER)")
        connection.execute("INSERT INTO sp4n_schema VALUES (5)")
        for version in range(1, 6):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
        for cid, due in (("due", "'2026-03-04'"), ("idle", "NULL")):
            connection.execute(
                f"INSERT INTO sp4n_complaints VALUES ('{cid}', 'LAP-{cid}', 'forwarded', 'aduan',"
                f" 't', '61.07', NULL, 'Lama', 'public', {due},"
                " '2025-01-01T00:00:00.000000+00:00', 1, NULL, NULL)"
            )
    connection.close()
    store = store_factory(f"sqlite:///{path}")
    due, idle = store.get("due"), store.get("idle")
    assert due is not None
    assert due.next_action == NEXT_ACTION_UNKNOWN
    assert idle is not None
    assert idle.next_action is None
    assert [row.complaint_id for row in store.query(action_due_by=date(2000, 1, 1))] == ["due"]
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT version FROM sp4n_schema").fetchone() == (SCHEMA_VERSION,)


def test_mark_delivered_uses_the_store_clock(
    store_factory: Factory, sqlite_url: str, frozen_clock: FrozenClock
) -> None:
    for url in ("memory://", sqlite_url):
        store = store_factory(url)
        message = make_message("c1", 1)
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1), outbox=[message])
        store.mark_delivered(message.id)
        assert store.pending_outbox(now=frozen_clock()) == []


@pytest.mark.postgres
def test_postgres_unreachable_is_a_typed_error_naming_the_url(
    store_factory: Factory, postgres_server: TemporaryPostgres
) -> None:
    url = "postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=2"
    with pytest.raises(StoreUnavailableError) as info:
        store_factory(url)
    assert info.value.url == url
    assert url in str(info.value)
    missing = postgres_server.url("no_such_database")
    with pytest.raises(StoreUnavailableError, match="no_such_database"):
        store_factory(missing)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql:///no-host-part",
        "postgresql://h/db?pool_max=0",
        "postgresql://h/db?pool_min=5&pool_max=2",
        "postgresql://h/db?sslmode=bogus&connect_timeout=1",
    ],
)
def test_postgres_malformed_urls(store_factory: Factory, url: str) -> None:
    with pytest.raises((MalformedStoreUrlError, StoreUnavailableError)) as info:
        store_factory(url)
    assert url in str(info.value)


@pytest.mark.postgres
def test_postgres_newer_schema_is_refused_and_not_touched(
    store_factory: Factory, postgres_url: str
) -> None:
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE sp4n_schema (version INTEGER)")
        connection.execute("INSERT INTO sp4n_schema VALUES (%s)", (SCHEMA_VERSION + 7,))
    with pytest.raises(SchemaVersionError, match=re.escape(postgres_url)):
        store_factory(postgres_url)
    with psycopg.connect(postgres_url) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    assert tables == [("sp4n_schema",)]


@pytest.mark.postgres
def test_postgres_processes_opening_a_fresh_database_at_once_all_get_the_schema(
    store_factory: Factory, postgres_server: TemporaryPostgres
) -> None:
    # Four writer processes started together on a new database: one migrates, the others
    # wait for it and then find the schema (they used to create the tables again and fail
    # with DuplicateTable, their transactions' catalog cache predating the other's commit).
    import threading

    for _ in range(2):
        url = postgres_server.create_database()
        opened: list[Store] = []
        failures: list[BaseException] = []

        def open_one(
            url: str = url,
            opened: list[Store] = opened,
            failures: list[BaseException] = failures,
        ) -> None:
            try:
                opened.append(store_factory(url))
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=open_one) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert len(opened) == 6
        opened[0].append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
        assert {store.version("c1") for store in opened} == {1}


@pytest.mark.postgres
def test_postgres_store_persists_across_reopen(store_factory: Factory, postgres_url: str) -> None:
    first = store_factory(f"{postgres_url}?pool_min=1&pool_max=2")
    first.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
    first.close()
    again = store_factory(postgres_url)
    assert again.version("c1") == 1
    assert again.get("c1") == make_row("c1", 1)


def test_sqlite_title_search_uses_the_trigram_index(
    store_factory: Factory, sqlite_url: str
) -> None:
    store = store_factory(sqlite_url)
    store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1, title="Jalan RUSAK"))
    store.append("c1", 1, [make_event("c1", 2)], row=make_row("c1", 2, title="Lampu mati"))
    assert [row.complaint_id for row in store.query(title_contains="lampu")] == ["c1"]
    assert store.query(title_contains="rusak") == []  # the old title left the index
    clause, params = store._title_clause("lampu")  # type: ignore[attr-defined]
    with sqlite3.connect(sqlite_path(sqlite_url)) as connection:
        plan = connection.execute(
            f"EXPLAIN QUERY PLAN SELECT complaint_id FROM sp4n_complaints WHERE {clause}", params
        ).fetchall()
    connection.close()
    assert any("VIRTUAL TABLE" in str(step) for step in plan)


@pytest.mark.postgres
def test_postgres_title_search_has_a_trigram_index(
    store_factory: Factory, postgres_url: str
) -> None:
    import psycopg

    store = store_factory(postgres_url)
    store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1, title="50% Jalan_rusak"))
    assert [row.complaint_id for row in store.query(title_contains="0% jalan_")] == ["c1"]
    assert store.query(title_contains="0%_jalan") == []
    with psycopg.connect(postgres_url) as connection:
        found = connection.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'sp4n_complaints_title'"
        ).fetchone()
    assert found is not None
    assert "gin_trgm_ops" in found[0]


@pytest.mark.postgres
def test_postgres_schema_5_gains_next_action(store_factory: Factory, postgres_url: str) -> None:
    import psycopg

    from sp4n.adapters._postgres import MIGRATIONS as PG_MIGRATIONS

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE sp4n_schema (version INTEGER)")
        connection.execute("INSERT INTO sp4n_schema VALUES (5)")
        for version in range(1, 6):
            for statement in PG_MIGRATIONS[version]:
                connection.execute(statement)
        connection.execute(
            "INSERT INTO sp4n_complaints VALUES ('due', 'LAP-due', 'forwarded', 'aduan', 't',"
            " '61.07', NULL, 'Lama', 'public', '2026-03-04', '2025-01-01T00:00:00+00:00', 1,"
            " NULL, NULL)"
        )
    store = store_factory(postgres_url)
    row = store.get("due")
    assert row is not None
    assert row.next_action == NEXT_ACTION_UNKNOWN
    assert store.reschedule([("due", 1, date(2026, 3, 3))]) == 1
    assert [r.complaint_id for r in store.query(action_due_by=date(2026, 3, 3))] == ["due"]
    with psycopg.connect(postgres_url) as connection:
        found = connection.execute("SELECT version FROM sp4n_schema").fetchone()
    assert found == (SCHEMA_VERSION,)
