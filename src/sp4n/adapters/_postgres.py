"""The ``postgresql://`` store: the same schema and semantics as SQLite, for national scale.

Uses psycopg 3 with a ``psycopg_pool`` connection pool (``pip install sp4n[postgres]``).
psycopg is imported only when such a store is opened, so sp4n works without it. Write
transactions run at READ COMMITTED; the primary key ``(complaint_id, seq)`` makes the second
of two concurrent appends at the same version fail, which surfaces as ``ConcurrencyError``.
Pool size and timeouts come from URL query parameters ``pool_min``, ``pool_max`` and
``connect_timeout`` (seconds); the rest of the URL goes to libpq unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sp4n._text import fold
from sp4n._time import Clock
from sp4n.adapters._partition import partition_of, partitioned_rows
from sp4n.adapters._records import AppendRequest
from sp4n.adapters._spec import hookimpl
from sp4n.adapters._sql import (
    _OUTBOX_COLUMNS,
    _ROW_COLUMNS,
    RARE_COLUMNS,
    SCHEMA_VERSION,
    Cursor,
    Insert,
    SqlStore,
    UniqueViolationError,
    like_pattern,
)
from sp4n.adapters._store import check_batch
from sp4n.adapters.hookspecs import RegisterStorage
from sp4n.errors import (
    MalformedStoreUrlError,
    SchemaVersionError,
    StoreUnavailableError,
    StoreWriteError,
)

if TYPE_CHECKING:  # pragma: no cover
    import psycopg

__all__ = ["MIGRATIONS", "PostgresStore", "sp4n_register_storage"]

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE sp4n_events ("
        ' complaint_id TEXT COLLATE "C" NOT NULL, seq INTEGER NOT NULL,'
        ' event_id TEXT COLLATE "C" NOT NULL, type TEXT NOT NULL,'
        " occurred_at TIMESTAMPTZ NOT NULL, data TEXT NOT NULL,"
        " CONSTRAINT sp4n_events_stream PRIMARY KEY (complaint_id, seq))",
        "CREATE UNIQUE INDEX sp4n_events_event_id ON sp4n_events (event_id)",
        "CREATE TABLE sp4n_complaints ("
        ' complaint_id TEXT COLLATE "C" PRIMARY KEY, tracking_id TEXT COLLATE "C" NOT NULL,'
        " status TEXT NOT NULL, kind TEXT NOT NULL, topic TEXT NOT NULL,"
        ' region TEXT COLLATE "C" NOT NULL, agency TEXT, title TEXT NOT NULL,'
        " visibility TEXT NOT NULL, next_due DATE, updated_at TIMESTAMPTZ NOT NULL,"
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
        ' id TEXT COLLATE "C" PRIMARY KEY, complaint_id TEXT COLLATE "C" NOT NULL,'
        " event_seq INTEGER NOT NULL, recipient_role TEXT NOT NULL, template TEXT NOT NULL,"
        " payload TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,"
        " attempts INTEGER NOT NULL DEFAULT 0, retry_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ,"
        " last_error TEXT)",
        "CREATE INDEX sp4n_outbox_pending ON sp4n_outbox (created_at, id)"
        " WHERE delivered_at IS NULL",
    ),
    3: (
        # Schema 3 (decision 0063): what public lists show without replaying events.
        "ALTER TABLE sp4n_complaints ADD COLUMN submitted_at TIMESTAMPTZ",
        "ALTER TABLE sp4n_complaints ADD COLUMN listing TEXT",
        "UPDATE sp4n_complaints SET submitted_at = (SELECT e.occurred_at FROM sp4n_events e"
        " WHERE e.complaint_id = sp4n_complaints.complaint_id AND e.seq = 1)",
        # newest first, undated rows last: the order of Store.query(newest_first=True)
        "CREATE INDEX sp4n_complaints_submitted ON sp4n_complaints"
        " (submitted_at DESC NULLS LAST, complaint_id DESC)",
    ),
    4: (
        # Schema 4 (decision 0063): public lists by service code or region, newest first.
        "CREATE INDEX sp4n_complaints_topic_submitted ON sp4n_complaints"
        " (topic, submitted_at DESC NULLS LAST, complaint_id DESC)",
        "CREATE INDEX sp4n_complaints_region_submitted ON sp4n_complaints"
        " (region, submitted_at DESC NULLS LAST, complaint_id DESC)",
    ),
    5: (),  # title search index: see _title_index (needs the pg_trgm extension)
    6: (
        # Schema 6 (decision 0144): the casefolded title, filled in by _fold_titles; the
        # trigram index moves onto it in _title_index.
        "ALTER TABLE sp4n_complaints ADD COLUMN title_folded TEXT",
        "DROP INDEX IF EXISTS sp4n_complaints_title",
    ),
    7: (
        # Schema 7 (decision 0181): the day the sweep next has something to do. Rows with a
        # due date get a day long past, so the first sweep reads each once and sets its day.
        "ALTER TABLE sp4n_complaints ADD COLUMN next_action DATE",
        "UPDATE sp4n_complaints SET next_action = '1970-01-01' WHERE next_due IS NOT NULL",
        "CREATE INDEX sp4n_complaints_next_action ON sp4n_complaints (next_action, complaint_id)"
        " WHERE next_action IS NOT NULL",
        # decision 0184: what the compliance report counts, kept with the row
        "ALTER TABLE sp4n_complaints ADD COLUMN facts TEXT",
        # decision 0182: Open311 lists by status, newest first, one index range per status
        "CREATE INDEX sp4n_complaints_status_submitted ON sp4n_complaints"
        " (status, submitted_at DESC NULLS LAST, complaint_id DESC)",
    ),
    8: (),  # SQLite's partial event id index (decision 0292); PostgreSQL keeps the whole one
}
"""Forward migrations, the PostgreSQL spelling of the SQLite ones."""

_OPTIONS = {"pool_min": 1, "pool_max": 8, "connect_timeout": 10}
_CONSTRAINTS = {
    "sp4n_complaints_tracking_id": "tracking_id",
    "sp4n_events_event_id": "event_id",
}


def split_url(url: str) -> tuple[str, dict[str, int]]:
    """Split sp4n's own query options off a PostgreSQL URL; return (libpq URL, options)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"postgresql", "postgres"} or not parts.netloc:
        raise MalformedStoreUrlError(
            "db", url, "a PostgreSQL URL is postgresql://user@host:port/database"
        )
    options = dict(_OPTIONS)
    rest = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "partition":
            continue  # sp4n's own: partition_of reads it
        if key in options:
            if not value.isdigit() or int(value) < 1:
                raise MalformedStoreUrlError("db", url, f"{key} must be a whole number >= 1")
            options[key] = int(value)
        else:
            rest.append((key, value))
    if options["pool_min"] > options["pool_max"]:
        raise MalformedStoreUrlError("db", url, "pool_min must not exceed pool_max")
    libpq = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(rest), ""))
    return libpq, options


class PostgresStore(SqlStore):
    """A :class:`~sp4n.adapters.Store` in a PostgreSQL database, through a connection pool."""

    _placeholder = "%s"

    def __init__(self, url: str, *, clock: Clock) -> None:
        super().__init__(url, clock=clock)
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError as exc:  # pragma: no cover - the postgres extra is not installed
            raise StoreUnavailableError(
                url, "psycopg is not installed; pip install 'sp4n[postgres]'"
            ) from exc
        self._psycopg = psycopg
        self._statements: dict[tuple[bool, int, int], str] = {}
        libpq, options = split_url(url)
        self._partition = partition_of(url)
        try:
            psycopg.conninfo.conninfo_to_dict(libpq)
        except psycopg.ProgrammingError as exc:
            raise MalformedStoreUrlError("db", url, f"libpq cannot read it ({exc})") from exc
        try:
            with psycopg.connect(libpq, connect_timeout=options["connect_timeout"]) as connection:
                self._migrate(connection)
        except psycopg.OperationalError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreUnavailableError(url, reason, hint=connection_hint(reason)) from exc
        self._pool = ConnectionPool(
            libpq,
            min_size=options["pool_min"],
            max_size=options["pool_max"],
            # Autocommit: a read is one statement, one round trip; writes open their own
            # transaction (decision 0281).
            kwargs={"connect_timeout": options["connect_timeout"], "autocommit": True},
            open=False,
            timeout=float(options["connect_timeout"]),
        )
        self._pool.open(wait=True, timeout=float(options["connect_timeout"]))

    def _migrate(self, connection: psycopg.Connection[Any]) -> None:
        found = self._schema_version(connection)
        if found > SCHEMA_VERSION:
            raise SchemaVersionError(self.url, found, SCHEMA_VERSION)
        if found == SCHEMA_VERSION:
            self._check_partition(connection)
            return
        # Two processes opening a fresh database at once: one migrates, the others wait. The
        # lock is taken before the migration's transaction begins: a transaction that began
        # before another process committed the tables may not see them in its catalog cache,
        # and would create them again (DuplicateTable).
        with connection.transaction():
            connection.execute("SELECT pg_advisory_lock(7340416)")
        try:
            self._migrate_locked(connection)
        finally:
            with connection.transaction():
                connection.execute("SELECT pg_advisory_unlock(7340416)")

    def _migrate_locked(self, connection: psycopg.Connection[Any]) -> None:
        with connection.transaction():
            found = self._schema_version(connection)
            if found > SCHEMA_VERSION:
                raise SchemaVersionError(self.url, found, SCHEMA_VERSION)
            if found == 0:
                connection.execute("CREATE TABLE IF NOT EXISTS sp4n_schema (version INTEGER)")
                connection.execute("INSERT INTO sp4n_schema (version) VALUES (0)")
            for version in range(found + 1, SCHEMA_VERSION + 1):
                statements = MIGRATIONS[version]
                if version == 1 and self._partition == "province":
                    statements = partitioned_rows(statements)
                for statement in statements:
                    connection.execute(statement)
                if version == 6:
                    self._fold_titles(connection)
                    self._title_index(connection)
                connection.execute("UPDATE sp4n_schema SET version = %s", (version,))

    def _title_index(self, connection: psycopg.Connection[Any]) -> None:
        """A trigram GIN index for title search, when pg_trgm may be created here.

        Without it (no privilege to create the extension) title search scans the table;
        every other query and the schema version are unaffected.
        """
        try:
            with connection.transaction():  # a savepoint inside the migration
                connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                connection.execute(
                    "CREATE INDEX sp4n_complaints_title ON sp4n_complaints"
                    " USING gin (title_folded gin_trgm_ops)"
                )
        except self._psycopg.Error:
            return

    def _check_partition(self, connection: psycopg.Connection[Any]) -> None:
        """``partition=province`` on a database whose rows are not partitioned is refused:
        the option shapes a new schema only (decision 0231)."""
        if self._partition is None:
            return
        with connection.transaction():
            kind = connection.execute(
                "SELECT relkind FROM pg_class WHERE oid = to_regclass('sp4n_complaints')"
            ).fetchone()
        if kind is None or kind[0] not in ("p", b"p"):
            raise MalformedStoreUrlError(
                "db",
                self.url,
                "partition=province applies when sp4n creates the schema of a new database;"
                " this database's sp4n_complaints is not partitioned",
            )

    @staticmethod
    def _fold_titles(connection: psycopg.Connection[Any]) -> None:
        """Fill ``title_folded`` with :func:`sp4n._text.fold` (PostgreSQL has no casefold)."""
        with connection.cursor() as reader, connection.cursor() as writer:
            reader.execute("SELECT complaint_id, title FROM sp4n_complaints")
            while batch := reader.fetchmany(5000):
                writer.executemany(
                    "UPDATE sp4n_complaints SET title_folded = %s WHERE complaint_id = %s",
                    [(fold(title), complaint_id) for complaint_id, title in batch],
                )

    @staticmethod
    def _schema_version(connection: psycopg.Connection[Any]) -> int:
        with connection.transaction():
            row = connection.execute("SELECT to_regclass('sp4n_schema') IS NOT NULL").fetchone()
            if row is None or not row[0]:
                return 0
            found = connection.execute("SELECT max(version) FROM sp4n_schema").fetchone()
        return int(found[0] or 0) if found else 0

    @contextmanager
    def _write(self) -> Iterator[Cursor]:
        with (
            self._pool.connection() as connection,
            self._write_errors(),
            connection.transaction(),
            connection.cursor() as cursor,
        ):
            yield cursor

    @contextmanager
    def _write_errors(self) -> Iterator[None]:
        """The typed errors of a failed write (a unique violation, a read-only server, a
        full disk)."""
        errors = self._psycopg.errors
        try:
            yield
        except errors.UniqueViolation as exc:
            name = exc.diag.constraint_name or ""
            raise UniqueViolationError(_CONSTRAINTS.get(name, "seq")) from exc
        except (errors.ReadOnlySqlTransaction, errors.InsufficientPrivilege) as exc:
            raise StoreWriteError(
                self.url,
                f"the database is read-only for this connection ({_first_line(exc)})",
                hint="connect to the primary server with a role that may write, or unset "
                "default_transaction_read_only",
            ) from exc
        except errors.DiskFull as exc:
            raise StoreWriteError(
                self.url,
                f"the database server's disk is full ({_first_line(exc)})",
                hint="free disk space on the server, then retry",
            ) from exc

    def _append_one(self, request: AppendRequest) -> int:
        """One complaint's append as one statement, one round trip (decision 0281).

        Its data-modifying ``WITH`` parts run in one implicit transaction: the row (an
        INSERT for a new complaint; else an UPDATE that also checks the expected version),
        the events and the outbox. After an UPDATE that found the row at another version the
        events and messages are not inserted (``WHERE EXISTS``) and the statement returns 0,
        which is a :class:`~sp4n.errors.ConcurrencyError`; a unique violation (a creation
        that lost a race, a stored event id) undoes the whole statement.
        """
        (version,) = check_batch([request])
        created = request.expected_version == 0
        row = (*self._row_values(request.row), fold(request.row.title))
        params: list[Any] = []
        if created:
            params.extend(row)
        else:
            params.extend(row[1:])
            params.extend((request.complaint_id, request.expected_version))
        for event in request.events:
            params.extend(self._event_values(event))
        for message in request.outbox:
            params.extend(self._message_values(message))
        statement = self._one_statement(created, len(request.events), len(request.outbox))
        try:
            with (
                self._pool.connection() as connection,
                self._write_errors(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement, params)
                found = cursor.fetchone()
        except UniqueViolationError as exc:
            raise self._explain_violation(exc.constraint, [request]) from None
        if not found or not found[0]:
            raise self._explain_violation("version", [request])
        return version

    def _one_statement(self, created: bool, events: int, messages: int) -> str:
        """The text of :meth:`_append_one`'s statement (cached per shape)."""
        key = (created, events, messages)
        text = self._statements.get(key)
        if text is None:
            if len(self._statements) > 64:
                self._statements.clear()
            text = self._statements[key] = _one_statement(created, events, messages)
        return text

    @contextmanager
    def _read(self) -> Iterator[Cursor]:
        with self._pool.connection() as connection, connection.cursor() as cursor:
            yield cursor

    @contextmanager
    def _bulk_write(self) -> Iterator[Cursor]:
        """The write transaction in pipeline mode: each statement is sent without waiting
        for the one before, so this process encodes the next table's arrays while the
        server writes the previous ones (decision 0290)."""
        with self._write() as cursor, cursor.connection.pipeline():
            yield cursor

    def _insert_all(self, cursor: Cursor, insert: Insert, rows: Sequence[tuple[Any, ...]]) -> None:
        """One ``INSERT ... SELECT FROM unnest(array, ...)`` per table and batch: a parameter
        per column whatever the batch's size, so psycopg parses one short, cached statement
        instead of a text with thousands of placeholders (decision 0290)."""
        if rows:
            cursor.execute(
                _unnest_insert(insert.table, insert.columns, insert.tail),
                [list(column) for column in zip(*rows, strict=True)],
            )

    def _rare_values(self, cursor: Cursor, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        cursor.execute(_RARE_SELECT, (list(ids),))
        return {found[0]: tuple(found[1:]) for found in cursor.fetchall()}

    def _update_group(
        self, cursor: Cursor, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> int:
        """One ``UPDATE ... FROM unnest(...)`` for the group; the version check is in its
        ``WHERE``, so a row that moved meanwhile is not counted (decision 0290)."""
        cursor.execute(
            _unnest_update(tuple(columns)), [list(column) for column in zip(*rows, strict=True)]
        )
        return len(cursor.fetchall())  # RETURNING: a row count that pipeline mode waits for

    _explain = "EXPLAIN "
    _by_status = "sp4n_complaints"
    _every_row = "sp4n_complaints"

    def _before_explain(self, cursor: Cursor) -> None:
        """Plan as for a national table: a test's small table would always be read
        sequentially, whatever the indexes (only for this transaction, which the pool
        commits when the connection is given back)."""
        cursor.execute("BEGIN")  # the pool's connections are in autocommit
        cursor.execute("SET LOCAL enable_seqscan = off")

    def _instant(self, value: datetime) -> datetime:
        return value

    def _day(self, value: date) -> date:
        return value

    def _title_clause(self, needle: str) -> tuple[str, list[Any]]:
        # LIKE on the folded title can use the trigram index; backslash is LIKE's escape.
        return "title_folded LIKE ?", [like_pattern(fold(needle))]

    def close(self) -> None:
        """Close the pool and its connections."""
        self._pool.close()


_EVENT_TYPES = ("text", "integer", "text", "text", "timestamptz", "text")
_OUTBOX_TYPES = (
    "text",
    "text",
    "integer",
    "text",
    "text",
    "text",
    "timestamptz",
    "integer",
    "timestamptz",
    "timestamptz",
    "text",
)
_EVENT_COLUMNS = "complaint_id, seq, event_id, type, occurred_at, data"


def _values(types: Sequence[str], rows: int) -> str:
    """``VALUES`` of ``rows`` rows, each placeholder cast to its column's type (in a
    sub-select PostgreSQL cannot infer them from the target columns)."""
    row = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
    return "VALUES " + ", ".join([row] * rows)


def _one_statement(created: bool, events: int, messages: int) -> str:
    """One append as one statement: the row, the events, the outbox (see ``_append_one``)."""
    columns = (*_ROW_COLUMNS, "title_folded")
    outbox = ", ".join(_OUTBOX_COLUMNS)
    if created:
        parts = [
            f"r AS (INSERT INTO sp4n_complaints ({', '.join(columns)})"
            f" VALUES ({', '.join(['%s'] * len(columns))}) RETURNING 1)",
            f"e AS (INSERT INTO sp4n_events ({_EVENT_COLUMNS}) {_values(_EVENT_TYPES, events)})",
        ]
        if messages:
            parts.append(
                f"o AS (INSERT INTO sp4n_outbox ({outbox}) {_values(_OUTBOX_TYPES, messages)}"
                " ON CONFLICT (id) DO NOTHING)"
            )
    else:
        assignments = ", ".join(f"{column} = %s" for column in columns[1:])
        parts = [
            f"r AS (UPDATE sp4n_complaints SET {assignments}"
            " WHERE complaint_id = %s AND version = %s RETURNING 1)",
            f"e AS (INSERT INTO sp4n_events ({_EVENT_COLUMNS}) SELECT * FROM"
            f" ({_values(_EVENT_TYPES, events)}) AS v WHERE EXISTS (SELECT 1 FROM r))",
        ]
        if messages:
            parts.append(
                f"o AS (INSERT INTO sp4n_outbox ({outbox}) SELECT * FROM"
                f" ({_values(_OUTBOX_TYPES, messages)}) AS v WHERE EXISTS (SELECT 1 FROM r)"
                " ON CONFLICT (id) DO NOTHING)"
            )
    return f"WITH {', '.join(parts)} SELECT count(*) FROM r"


_TYPES = {
    "seq": "int",
    "version": "int",
    "event_seq": "int",
    "attempts": "int",
    "next_due": "date",
    "next_action": "date",
    "occurred_at": "timestamptz",
    "updated_at": "timestamptz",
    "submitted_at": "timestamptz",
    "created_at": "timestamptz",
    "retry_at": "timestamptz",
    "delivered_at": "timestamptz",
}
"""Column types of the arrays the bulk statements send; every other column is ``text``."""

_RARE_SELECT = (
    f"SELECT complaint_id, {', '.join(RARE_COLUMNS)} FROM sp4n_complaints"
    " WHERE complaint_id = ANY(%s::text[])"
)


def _arrays(columns: Sequence[str]) -> str:
    return ", ".join(f"%b::{_TYPES.get(column, 'text')}[]" for column in columns)


@functools.cache
def _unnest_insert(table: str, columns: tuple[str, ...], tail: str) -> str:
    names = ", ".join(columns)
    return f"INSERT INTO {table} ({names}) SELECT * FROM unnest({_arrays(columns)}){tail}"


@functools.cache
def _unnest_update(columns: tuple[str, ...]) -> str:
    names = [f"v{index}" for index in range(len(columns))]
    assignments = ", ".join(
        f"{column} = v.{name}" for column, name in zip(columns, names, strict=True)
    )
    return (
        f"UPDATE sp4n_complaints AS c SET {assignments}"
        f" FROM unnest({_arrays((*columns, 'complaint_id', 'version'))})"
        f" AS v({', '.join(names)}, cid, expected)"
        ' WHERE c.complaint_id = v.cid COLLATE "C" AND c.version = v.expected'
        " RETURNING 1"
    )


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_postgres(url: str, *, clock: Clock) -> PostgresStore:
    """Open (creating and migrating if needed) the PostgreSQL store at ``url``."""
    return PostgresStore(url, clock=clock)


@hookimpl
def sp4n_register_storage(register: RegisterStorage) -> None:
    """Register the ``postgresql://`` scheme (and its alias ``postgres://``)."""
    register("postgresql", open_postgres)
    register("postgres", open_postgres)


def connection_hint(reason: str) -> str:
    """What to do next when libpq could not connect, read from its message."""
    text = reason.lower()
    if "does not exist" in text and "database" in text:
        return "Create the database first (createdb NAME) or fix the path of the URL"
    if "authentication failed" in text or "no password supplied" in text:
        return "Check the user and password in the URL (postgresql://user:password@host/db)"
    if "role" in text and "does not exist" in text:
        return "Create the role (createuser NAME) or put an existing user in the URL"
    if "translate host name" in text or "name or service not known" in text:
        return "Check the host name in the URL; the server's name could not be resolved"
    if "refused" in text or "no such file" in text or "timeout" in text or "timed out" in text:
        return (
            "Is the PostgreSQL server running and listening at that host and port? "
            "Start it (pg_ctl start, systemctl start postgresql) or fix the URL; "
            "to try sp4n without a server, use sqlite:///sp4n.db"
        )
    return "Check that the server is running and the URL's host, port, user and database"
