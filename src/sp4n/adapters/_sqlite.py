"""The ``sqlite:///path`` store: the embedded default.

One file, WAL journal, one ``BEGIN IMMEDIATE`` transaction per append (so two processes
serialise their writes and the loser sees the new version), a schema version table and
forward migrations. ``sqlite:///sp4n.db`` is relative to the working directory,
``sqlite:////var/lib/sp4n/sp4n.db`` absolute, ``sqlite:///:memory:`` a private in-memory
database.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from sp4n._text import fold
from sp4n._time import Clock
from sp4n.adapters._spec import hookimpl
from sp4n.adapters._sql import (
    SCHEMA_VERSION,
    Cursor,
    SqlStore,
    UniqueViolationError,
    event_json,
    iter_chunks,
    utc_text,
)
from sp4n.adapters.hookspecs import RegisterStorage
from sp4n.errors import (
    MalformedStoreUrlError,
    SchemaVersionError,
    StoreUnavailableError,
    StoreWriteError,
)
from sp4n.lifecycle import Event

__all__ = [
    "MIGRATIONS",
    "SqliteStore",
    "sp4n_register_storage",
    "sqlite_mode",
    "sqlite_path",
    "write_error",
]

OTHER_ID = "event_id <> complaint_id || '#' || seq"
"""An event id not of the lifecycle's form ``complaint_id#seq`` (``sp4n.lifecycle.event_id``)."""

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        # A rowid table: events arrive in time order, so rows append at the end; the stream
        # key is a narrow unique index.
        "CREATE TABLE sp4n_events ("
        " complaint_id TEXT NOT NULL, seq INTEGER NOT NULL, event_id TEXT NOT NULL,"
        " type TEXT NOT NULL, occurred_at TEXT NOT NULL, data TEXT NOT NULL,"
        " UNIQUE (complaint_id, seq))",
        "CREATE UNIQUE INDEX sp4n_events_event_id ON sp4n_events (event_id)",
        "CREATE TABLE sp4n_complaints ("
        " complaint_id TEXT PRIMARY KEY, tracking_id TEXT NOT NULL, status TEXT NOT NULL,"
        " kind TEXT NOT NULL, topic TEXT NOT NULL, region TEXT NOT NULL, agency TEXT,"
        " title TEXT NOT NULL, visibility TEXT NOT NULL, next_due TEXT, updated_at TEXT NOT NULL,"
        " version INTEGER NOT NULL CHECK (version >= 1))",
        "CREATE UNIQUE INDEX sp4n_complaints_tracking_id ON sp4n_complaints (tracking_id)",
        "CREATE INDEX sp4n_complaints_status ON sp4n_complaints (status, complaint_id)",
        "CREATE INDEX sp4n_complaints_agency ON sp4n_complaints (agency, complaint_id)",
        "CREATE INDEX sp4n_complaints_region ON sp4n_complaints (region, complaint_id)",
        "CREATE INDEX sp4n_complaints_next_due ON sp4n_complaints (next_due, complaint_id)"
        " WHERE next_due IS NOT NULL",
    ),
    2: (
        "CREATE TABLE sp4n_outbox ("
        " id TEXT PRIMARY KEY, complaint_id TEXT NOT NULL, event_seq INTEGER NOT NULL,"
        " recipient_role TEXT NOT NULL, template TEXT NOT NULL, payload TEXT NOT NULL,"
        " created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, retry_at TEXT,"
        " delivered_at TEXT, last_error TEXT)",
        "CREATE INDEX sp4n_outbox_pending ON sp4n_outbox (created_at, id)"
        " WHERE delivered_at IS NULL",
    ),
    3: (
        # Schema 3 (decision 0063): what public lists show without replaying events.
        "ALTER TABLE sp4n_complaints ADD COLUMN submitted_at TEXT",
        "ALTER TABLE sp4n_complaints ADD COLUMN listing TEXT",
        "UPDATE sp4n_complaints SET submitted_at = (SELECT e.occurred_at FROM sp4n_events e"
        " WHERE e.complaint_id = sp4n_complaints.complaint_id AND e.seq = 1)",
        "CREATE INDEX sp4n_complaints_submitted ON sp4n_complaints (submitted_at, complaint_id)",
    ),
    4: (
        # Schema 4 (decision 0063): public lists by service code or region, newest first.
        "CREATE INDEX sp4n_complaints_topic_submitted ON sp4n_complaints"
        " (topic, submitted_at, complaint_id)",
        "CREATE INDEX sp4n_complaints_region_submitted ON sp4n_complaints"
        " (region, submitted_at, complaint_id)",
    ),
    5: (
        # Title search: a trigram full-text index kept in step by triggers. The update trigger
        # fires only when an UPDATE names the title, which sp4n does only when it changes.
        "CREATE VIRTUAL TABLE sp4n_complaints_title USING fts5(title,"
        " content='sp4n_complaints', content_rowid='rowid', tokenize='trigram')",
        "CREATE TRIGGER sp4n_complaints_title_insert AFTER INSERT ON sp4n_complaints BEGIN"
        " INSERT INTO sp4n_complaints_title (rowid, title) VALUES (new.rowid, new.title); END",
        "CREATE TRIGGER sp4n_complaints_title_update AFTER UPDATE OF title ON sp4n_complaints"
        " BEGIN INSERT INTO sp4n_complaints_title (sp4n_complaints_title, rowid, title)"
        " VALUES ('delete', old.rowid, old.title);"
        " INSERT INTO sp4n_complaints_title (rowid, title) VALUES (new.rowid, new.title); END",
        "CREATE TRIGGER sp4n_complaints_title_delete AFTER DELETE ON sp4n_complaints BEGIN"
        " INSERT INTO sp4n_complaints_title (sp4n_complaints_title, rowid, title)"
        " VALUES ('delete', old.rowid, old.title); END",
        "INSERT INTO sp4n_complaints_title (sp4n_complaints_title) VALUES ('rebuild')",
    ),
    6: (
        # Schema 6 (decision 0144): title search matches str.casefold() as every store does.
        # The folded title is written with the row; the trigram index moves onto it.
        "DROP TRIGGER sp4n_complaints_title_insert",
        "DROP TRIGGER sp4n_complaints_title_update",
        "DROP TRIGGER sp4n_complaints_title_delete",
        "DROP TABLE sp4n_complaints_title",
        "ALTER TABLE sp4n_complaints ADD COLUMN title_folded TEXT",
        "UPDATE sp4n_complaints SET title_folded = sp4n_casefold(title)",
        "CREATE VIRTUAL TABLE sp4n_complaints_title USING fts5(title_folded,"
        " content='sp4n_complaints', content_rowid='rowid', tokenize='trigram')",
        "CREATE TRIGGER sp4n_complaints_title_insert AFTER INSERT ON sp4n_complaints BEGIN"
        " INSERT INTO sp4n_complaints_title (rowid, title_folded)"
        " VALUES (new.rowid, new.title_folded); END",
        "CREATE TRIGGER sp4n_complaints_title_update AFTER UPDATE OF title_folded"
        " ON sp4n_complaints BEGIN"
        " INSERT INTO sp4n_complaints_title (sp4n_complaints_title, rowid, title_folded)"
        " VALUES ('delete', old.rowid, old.title_folded);"
        " INSERT INTO sp4n_complaints_title (rowid, title_folded)"
        " VALUES (new.rowid, new.title_folded); END",
        "CREATE TRIGGER sp4n_complaints_title_delete AFTER DELETE ON sp4n_complaints BEGIN"
        " INSERT INTO sp4n_complaints_title (sp4n_complaints_title, rowid, title_folded)"
        " VALUES ('delete', old.rowid, old.title_folded); END",
        "INSERT INTO sp4n_complaints_title (sp4n_complaints_title) VALUES ('rebuild')",
    ),
    7: (
        # Schema 7 (decision 0181): the day the sweep next has something to do. Rows with a
        # due date get a day long past, so the first sweep reads each once and sets its day.
        "ALTER TABLE sp4n_complaints ADD COLUMN next_action TEXT",
        "UPDATE sp4n_complaints SET next_action = '1970-01-01' WHERE next_due IS NOT NULL",
        "CREATE INDEX sp4n_complaints_next_action ON sp4n_complaints (next_action, complaint_id)"
        " WHERE next_action IS NOT NULL",
        # decision 0184: what the compliance report counts, kept with the row
        "ALTER TABLE sp4n_complaints ADD COLUMN facts TEXT",
        # decision 0182: Open311 lists by status, newest first, one index range per status
        "CREATE INDEX sp4n_complaints_status_submitted ON sp4n_complaints"
        " (status, submitted_at, complaint_id)",
    ),
    8: (
        # Schema 8 (decision 0292): the lifecycle's event ids, complaint_id#seq, are unique by
        # the stream key already; only other ids go into the unique event id index, one
        # random leaf fewer per complaint. The store checks ids across both forms.
        "DROP INDEX sp4n_events_event_id",
        f"CREATE UNIQUE INDEX sp4n_events_event_id ON sp4n_events (event_id) WHERE {OTHER_ID}",
    ),
}
"""Forward migrations: ``{version: statements}``; a database at version ``n`` runs ``n+1..``."""

_BUSY_TIMEOUT_MS = 30_000
_CACHE_KIB = 524_288
"""512 MiB of page cache at most per connection (SQLite allocates it as pages are read, so a
small store uses little): the random-keyed indexes of 300,000 complaints outgrow 64 MiB, and
then every batch re-reads and spills pages (decision 0291)."""
_CHECKPOINT_PAGES = 16_384
"""WAL pages (64 MiB) before a commit copies them back to the database file (SQLite's default:
1,000): a bulk import's batches each dirty thousands of index pages, which were written twice
per batch, to the WAL and again to the file; now a page dirtied by several batches is copied
back once (decision 0291)."""


_MODES = ("ro", "rw", "rwc")


def sqlite_mode(url: str) -> str | None:
    """The ``mode`` a ``sqlite:///path?mode=ro|rw|rwc`` URL asks for, ``None`` without one.

    ``ro`` opens the file read-only (it must exist and have the current schema), ``rw``
    read-write without creating it, ``rwc`` read-write, created if missing (the default).
    """
    query = urlsplit(url).query
    if not query:
        return None
    try:
        options = parse_qs(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        options = {}
    modes = options.get("mode", [])
    if set(options) != {"mode"} or len(modes) != 1 or modes[0] not in _MODES:
        raise MalformedStoreUrlError(
            "db",
            url,
            "the only option of a SQLite URL is mode=ro, mode=rw or mode=rwc",
            hint="e.g. sqlite:///sp4n.db?mode=ro to read without writing",
        )
    if sqlite_path(url) == ":memory:":
        raise MalformedStoreUrlError("db", url, "an in-memory SQLite database takes no mode")
    return modes[0]


def sqlite_path(url: str) -> str:
    """Return the file path of a ``sqlite:///path`` URL (``:memory:`` kept as is)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "sqlite" or parts.netloc or not parts.path.startswith("/"):
        raise MalformedStoreUrlError(
            "db",
            url,
            "a SQLite URL is sqlite:///relative/path or sqlite:////absolute/path",
            hint="e.g. sqlite:///sp4n.db",
        )
    path = unquote(parts.path[1:])
    if not path:
        raise MalformedStoreUrlError("db", url, "the SQLite URL names no file")
    return path


_SQLITE_READONLY, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_IOERR, _SQLITE_FULL = 8, 5, 6, 10, 13
_WRITE_ADVICE = {
    _SQLITE_READONLY: (
        "the database is read-only",
        "it was opened with ?mode=ro, or this user may not write the file or its directory; "
        "open it without mode=ro or fix the permissions",
    ),
    _SQLITE_FULL: (
        "the disk (or the database's size limit) is full",
        "free disk space or move the database to a larger disk, then retry",
    ),
    _SQLITE_IOERR: (
        "the disk reported an I/O error",
        "check the disk and free space, then retry",
    ),
    _SQLITE_BUSY: ("another process holds the database", "retry when it has finished"),
    _SQLITE_LOCKED: ("another process holds the database", "retry when it has finished"),
}


def write_error(url: str, exc: sqlite3.Error) -> StoreWriteError:
    """The typed error for a SQLite write that failed, with advice by result code."""
    code = int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF  # primary code
    reason, hint = _WRITE_ADVICE.get(code, (str(exc), None))
    return StoreWriteError(url, f"{reason} ({exc})" if code in _WRITE_ADVICE else reason, hint=hint)


def _constraint(exc: sqlite3.IntegrityError) -> str:
    text = str(exc)
    if "tracking_id" in text:
        return "tracking_id"
    if "event_id" in text:
        return "event_id"
    return "seq"


class SqliteStore(SqlStore):
    """A :class:`~sp4n.adapters.Store` in one SQLite file (one connection, guarded by a lock)."""

    def __init__(self, url: str, *, clock: Clock) -> None:
        super().__init__(url, clock=clock)
        path = sqlite_path(url)
        if path != ":memory:" and not Path(path).parent.is_dir():
            directory = str(Path(path).parent)
            raise StoreUnavailableError(
                url,
                f"the directory {directory!r} does not exist",
                hint=f"Create it first (mkdir -p {directory}) or give a path in an existing one",
            )
        mode = sqlite_mode(url)
        self._read_only = mode == "ro"
        target = path if mode is None else f"file:{quote(path)}?mode={mode}"
        try:
            self._connection = sqlite3.connect(
                target,
                isolation_level=None,
                check_same_thread=False,
                timeout=_BUSY_TIMEOUT_MS / 1000,
                uri=mode is not None,
            )
        except sqlite3.Error as exc:
            hint = None if mode is None else f"mode={mode} opens only a file that exists"
            raise StoreUnavailableError(url, f"{exc} ({path})", hint=hint) from exc
        self._lock = threading.RLock()
        # Migration 6 folds stored titles in SQL with the one definition every store uses.
        self._connection.create_function("sp4n_casefold", 1, fold, deterministic=True)
        try:
            self._migrate()
        except BaseException:
            self._connection.close()
            raise

    def _migrate(self) -> None:
        connection = self._connection
        try:
            connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            found = self._schema_version()
            if found > SCHEMA_VERSION:
                raise SchemaVersionError(self.url, found, SCHEMA_VERSION)
            if self._read_only:
                connection.execute("PRAGMA query_only = ON")
                if found != SCHEMA_VERSION:
                    raise StoreUnavailableError(
                        self.url,
                        f"it is opened read-only but has schema {found}, not {SCHEMA_VERSION}",
                        hint="open it once without mode=ro so that sp4n can migrate it",
                    )
                return
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            connection.execute(f"PRAGMA wal_autocheckpoint = {_CHECKPOINT_PAGES}")
            if found == SCHEMA_VERSION:
                return
            connection.execute("BEGIN IMMEDIATE")
            try:
                found = self._schema_version()  # another process may have migrated meanwhile
                if found == 0:
                    connection.execute("CREATE TABLE IF NOT EXISTS sp4n_schema (version INTEGER)")
                    connection.execute("INSERT INTO sp4n_schema (version) VALUES (0)")
                for version in range(found + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[version]:
                        connection.execute(statement)
                    connection.execute("UPDATE sp4n_schema SET version = ?", (version,))
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            hint = None
            if "not a database" in str(exc):
                hint = (
                    "The file holds something else; give the path of an sp4n database or a new file"
                )
            raise StoreUnavailableError(self.url, str(exc), hint=hint) from exc

    def _schema_version(self) -> int:
        table = self._connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sp4n_schema'"
        ).fetchone()
        if table is None:
            return 0
        found = self._connection.execute("SELECT max(version) FROM sp4n_schema").fetchone()
        return int(found[0] or 0)

    def _rollback(self) -> None:
        if self._connection.in_transaction:  # SQLite may have rolled back on its own
            self._connection.execute("ROLLBACK")

    @contextmanager
    def _write(self) -> Iterator[Cursor]:
        with self._lock:
            cursor = self._connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield cursor
                except sqlite3.IntegrityError as exc:
                    self._rollback()
                    raise UniqueViolationError(_constraint(exc)) from exc
                except BaseException:
                    self._rollback()
                    raise
                cursor.execute("COMMIT")
            except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
                if isinstance(exc, sqlite3.IntegrityError):  # pragma: no cover - mapped above
                    raise
                self._rollback()
                raise write_error(self.url, exc) from exc
            finally:
                cursor.close()

    @contextmanager
    def _read(self) -> Iterator[Cursor]:
        with self._lock:
            cursor = self._connection.cursor()
            try:
                yield cursor
            except sqlite3.OperationalError as exc:
                raise StoreUnavailableError(self.url, str(exc)) from exc
            finally:
                cursor.close()

    def _check_event_ids(self, cursor: Cursor, events: Sequence[Event]) -> None:
        """Event ids are unique across both forms (decision 0292), checked after the batch's
        events are inserted, inside its transaction: the unique index holds only ids that are
        not ``complaint_id#seq``, and two of those collide there; here a lifecycle-form id of
        the batch must not be another event's other id, and an other id of the batch must
        not be the lifecycle-form id of an event at that stream position."""
        standard: list[str] = []
        positions: list[tuple[str, int, str]] = []
        for event in events:
            if event.id == f"{event.complaint_id}#{event.seq}":
                standard.append(event.id)
                continue
            stream, mark, number = event.id.rpartition("#")
            if mark and number.isascii() and number.isdigit() and str(int(number)) == number:
                positions.append((stream, int(number), event.id))
        for chunk in iter_chunks(standard, 500):
            cursor.execute(
                "SELECT 1 FROM sp4n_events INDEXED BY sp4n_events_event_id"
                f" WHERE event_id IN ({', '.join('?' * len(chunk))}) AND {OTHER_ID} LIMIT 1",
                list(chunk),
            )
            if cursor.fetchone() is not None:
                raise UniqueViolationError("event_id")
        for stream, position, event_id in positions:
            cursor.execute(
                "SELECT 1 FROM sp4n_events WHERE complaint_id = ? AND seq = ? AND event_id = ?",
                (stream, position, event_id),
            )
            if cursor.fetchone() is not None:
                raise UniqueViolationError("event_id")

    def _event_values(self, event: Event) -> tuple[Any, ...]:
        # Event.occurred_at is UTC already: its ISO text sorts like the instant.
        occurred_at = event.occurred_at.isoformat()
        return (
            event.complaint_id,
            event.seq,
            event.id,
            event.type,
            occurred_at,
            event_json(event, occurred_at),
        )

    def _title_clause(self, needle: str) -> tuple[str, list[Any]]:
        # The trigram index answers LIKE for needles of three characters or more; its own
        # per-character folding keeps every casefold match among the candidates, and the
        # exact test on the folded title gives the semantics of every other store.
        folded = fold(needle)
        exact = "instr(title_folded, ?) > 0"
        if len(folded) < 3 or "%" in folded or "_" in folded:
            return exact, [folded]
        return (
            "rowid IN (SELECT rowid FROM sp4n_complaints_title WHERE title_folded LIKE ?) AND "
            + exact,
            [f"%{folded}%", folded],
        )

    def _instant(self, value: datetime) -> str:
        return utc_text(value)

    def _day(self, value: date) -> str:
        return value.isoformat()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()


def open_sqlite(url: str, *, clock: Clock) -> SqliteStore:
    """Open (creating and migrating if needed) the SQLite store at ``url``."""
    return SqliteStore(url, clock=clock)


@hookimpl
def sp4n_register_storage(register: RegisterStorage) -> None:
    """Register the ``sqlite://`` scheme."""
    register("sqlite", open_sqlite)
