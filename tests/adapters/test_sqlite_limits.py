"""SQLite that cannot be written: opened read-only, or its disk full.

Each is a typed :class:`~sp4n.errors.StoreError` that says what to do, nothing is left
half-written, and the command line exits 2 with one line (decision 0143).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sp4n.adapters import open_store
from sp4n.cli import main
from sp4n.desk import Desk
from sp4n.errors import MalformedStoreUrlError, StoreUnavailableError, StoreWriteError
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.testing import FrozenClock

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _draft(title: str = "Jalan rusak", body: str = "Berlubang sejak Mei.") -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=title,
        body=body,
        region="61.07",
        topic="road",
        channel="web",
        reporter=Reporter(id="u-1", email="siti@example.id"),
    )


@pytest.fixture
def filed(tmp_path: Path) -> tuple[Path, str]:
    """A database holding one complaint, closed again."""
    path = tmp_path / "sp4n.db"
    with Desk.open(f"sqlite:///{path}", clock=FrozenClock(AT)) as desk:
        tracking_id = desk.submit(_draft()).tracking_id
    return path, tracking_id


def test_mode_ro_opens_read_only_reads_and_refuses_writes(filed: tuple[Path, str]) -> None:
    path, tracking_id = filed
    before = path.read_bytes()
    with Desk.open(f"sqlite:///{path}?mode=ro", clock=FrozenClock(AT)) as desk:
        assert desk.get(tracking_id).title == "Jalan rusak"
        assert len(desk.list()) == 1
        with pytest.raises(StoreWriteError) as caught:
            desk.submit(_draft(title="Lampu mati"))
        assert "read-only" in str(caught.value)
        assert "mode=ro" in str(caught.value)
        with pytest.raises(StoreWriteError):
            desk.hold(tracking_id, reason="menunggu")
        assert len(desk.list()) == 1
        assert desk.get(tracking_id).version == 1
    assert path.read_bytes() == before  # not touched: no migration, no journal change


def test_mode_ro_on_a_missing_file_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(f"sqlite:///{tmp_path / 'none.db'}?mode=ro")
    assert "none.db" in str(caught.value)
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("query", ["mode=wr", "mode=ro&mode=rw", "cache=shared", "vfs=unix"])
def test_unknown_sqlite_url_options_are_malformed(tmp_path: Path, query: str) -> None:
    with pytest.raises(MalformedStoreUrlError) as caught:
        open_store(f"sqlite:///{tmp_path / 'x.db'}?{query}")
    assert "mode" in str(caught.value)


def test_mode_rw_and_rwc_keep_working(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with pytest.raises(StoreUnavailableError):
        open_store(f"sqlite:///{path}?mode=rw")  # rw does not create
    open_store(f"sqlite:///{path}?mode=rwc").close()
    store = open_store(f"sqlite:///{path}?mode=rw")
    assert store.query() == []
    store.close()


def _fill(desk: Desk) -> None:
    for n in range(50):
        desk.submit(_draft(title=f"Laporan {n}", body="x" * 9000))


def test_a_full_disk_is_a_typed_error_and_leaves_nothing_half_written(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    with Desk.open(f"sqlite:///{path}", clock=FrozenClock(AT)) as desk:
        first = desk.submit(_draft())
        connection: sqlite3.Connection = desk.store._connection  # type: ignore[attr-defined]
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL from here on
        with pytest.raises(StoreWriteError) as caught:
            _fill(desk)
        assert "full" in str(caught.value)
        assert "free" in str(caught.value)
        rows = desk.list(limit=1000)
        complaint_ids = {row.complaint_id for row in rows}
        for row in rows:  # every complaint listed is whole: its events match its row
            assert desk.store.version(row.complaint_id) == row.version
        with desk.store._read() as cursor:  # type: ignore[attr-defined]
            cursor.execute("SELECT DISTINCT complaint_id FROM sp4n_events")
            assert {found for (found,) in cursor.fetchall()} == complaint_ids
        connection.execute("PRAGMA max_page_count = 1073741823")
        assert desk.get(first.tracking_id).version == 1
        desk.submit(_draft(title="Setelah ruang dibebaskan"))  # writes work again


def test_cli_write_to_a_read_only_store_exits_2_with_one_line(
    filed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, tracking_id = filed
    url = f"sqlite:///{path}?mode=ro"
    assert main(["show", tracking_id, "--db", url]) == 0
    capsys.readouterr()
    argv = ["hold", tracking_id, "--reason", "menunggu", "--db", url]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "read-only" in err
    assert "Traceback" not in err


@pytest.mark.postgres
def test_a_read_only_postgresql_database_is_a_typed_write_error(postgres_url: str) -> None:
    import psycopg

    with Desk.open(postgres_url, clock=FrozenClock(AT)) as desk:
        tracking_id = desk.submit(_draft()).tracking_id
    database = postgres_url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
    with Desk.open(postgres_url, clock=FrozenClock(AT)) as desk:
        assert desk.get(tracking_id).version == 1
        with pytest.raises(StoreWriteError) as caught:
            desk.hold(tracking_id, reason="menunggu")
        assert "read-only" in str(caught.value)
        assert desk.get(tracking_id).version == 1


_V5_ROW = (
    "INSERT INTO sp4n_complaints (complaint_id, tracking_id, status, kind, topic, region,"
    " agency, title, visibility, next_due, updated_at, version) VALUES"
    " ('old', 'LAP-old', 'submitted', 'pengaduan', 'road', '61.07', NULL, 'JALAN STRASSE RUSAK',"
    " 'public', NULL, '2025-01-01T00:00:00.000000+00:00', 1)"
)


def test_a_schema_5_sqlite_file_migrates_to_casefold_title_search(tmp_path: Path) -> None:
    from sp4n.adapters._sqlite import MIGRATIONS

    path = tmp_path / "v5.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE sp4n_schema (version INTEGER)")
        connection.execute("INSERT INTO sp4n_schema VALUES (5)")
        for version in range(1, 6):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
        connection.execute(_V5_ROW)
    connection.close()
    store = open_store(f"sqlite:///{path}")
    try:
        assert [row.complaint_id for row in store.query(title_contains="Straße")] == ["old"]
        assert [row.complaint_id for row in store.query(title_contains="ß")] == ["old"]
        assert store.query(title_contains="straßen") == []
    finally:
        store.close()


@pytest.mark.postgres
def test_a_schema_5_postgresql_database_migrates_to_casefold_title_search(
    postgres_url: str,
) -> None:
    import psycopg

    from sp4n.adapters._postgres import MIGRATIONS

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE sp4n_schema (version INTEGER)")
        connection.execute("INSERT INTO sp4n_schema VALUES (5)")
        for version in range(1, 6):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)  # type: ignore[arg-type]
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.execute(
            "CREATE INDEX sp4n_complaints_title ON sp4n_complaints"
            " USING gin (lower(title) gin_trgm_ops)"
        )
        connection.execute(_V5_ROW.replace("'2025-01-01T00:00:00.000000+00:00'", "now()"))
    store = open_store(postgres_url)
    try:
        assert [row.complaint_id for row in store.query(title_contains="Straße")] == ["old"]
        assert store.query(title_contains="straßen") == []
    finally:
        store.close()
    with psycopg.connect(postgres_url) as connection:
        found = connection.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'sp4n_complaints_title'"
        ).fetchone()
    assert found is not None
    assert "title_folded" in found[0]


def _get(app: object, path: str) -> bytes:
    import io

    statuses: list[str] = []
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": ""}
    environ["wsgi.input"] = io.BytesIO(b"")  # type: ignore[assignment]
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))  # type: ignore[operator]
    assert statuses[0].startswith("200")
    return body


def test_a_complaint_stored_before_the_text_check_still_loads_and_serves_well_formed_xml(
    tmp_path: Path,
) -> None:
    """Old data may hold a control character the intake now refuses: reading it never fails."""
    from xml.etree import ElementTree as ET

    from sp4n.open311 import Open311App

    path = tmp_path / "old.db"
    with Desk.open(f"sqlite:///{path}", clock=FrozenClock(AT)) as desk:
        tracking_id = desk.submit(_draft(title="Jalan rusak")).tracking_id
        desk.verify(tracking_id)  # published once forwarded (decision 0151)
        desk.forward(tracking_id, attributes={"road_status": "kabupaten"})
    with sqlite3.connect(path) as connection:  # what an earlier release let through
        connection.execute(
            "UPDATE sp4n_events SET data = replace(data, 'lubang sejak', 'lubang\\bsejak')"
        )
        connection.execute(
            "UPDATE sp4n_complaints"
            " SET listing = replace(listing, 'lubang sejak', 'lubang\\bsejak')"
        )
        connection.execute("UPDATE sp4n_complaints SET title = 'Jalan' || char(8) || 'rusak'")
    connection.close()
    with Desk.open(f"sqlite:///{path}", clock=FrozenClock(AT)) as desk:
        assert desk.get(tracking_id).body == "Berlubang\x08sejak Mei."
        assert [row.title for row in desk.list(title_contains="rusak")] == ["Jalan\x08rusak"]
        app = Open311App(desk, region="61.07")
        for where in (f"/open311/v2/requests/{tracking_id}.xml", "/open311/v2/requests.xml"):
            body = _get(app, where)
            assert "Berlubang\ufffdsejak" in body.decode()
            ET.fromstring(body)
