"""What the SQLite and PostgreSQL stores share: the schema, the statements and the logic.

Both dialects keep the same tables, constraints and indexes (docs/storage.md). The engine
specifics (placeholders, transactions, column types, how a unique violation looks) live in the
subclasses :class:`~sp4n.adapters._sqlite.SqliteStore` and
:class:`~sp4n.adapters._postgres.PostgresStore`.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
from typing import Any

from sp4n._text import fold
from sp4n._time import Clock, to_utc
from sp4n.adapters._facts import FactsRow, check_facts_page
from sp4n.adapters._query import RowQuery, as_row_query
from sp4n.adapters._records import AppendRequest, ComplaintRow, OutboxMessage
from sp4n.adapters._shapes import CLOSED_STATUS_VALUES, ReportShape, check_shapes_args
from sp4n.adapters._store import (
    check_batch,
    check_query,
    check_reschedule,
    query_plan,
)
from sp4n.errors import ConcurrencyError, InvalidInputError, NotFoundError
from sp4n.lifecycle import Actor, Event

__all__ = ["RARE_COLUMNS", "SCHEMA_VERSION", "Insert", "SqlStore", "event_json"]

SCHEMA_VERSION = 8
"""The newest schema this release writes; databases are migrated forward to it."""

_ROW_COLUMNS = (
    "complaint_id",
    "tracking_id",
    "status",
    "kind",
    "topic",
    "region",
    "agency",
    "title",
    "visibility",
    "next_due",
    "updated_at",
    "version",
    "submitted_at",
    "listing",
    "next_action",
    "facts",
)
RARE_COLUMNS = ("tracking_id", "agency", "region", "topic", "submitted_at", "title")
_RARE = RARE_COLUMNS
"""Indexed row columns that seldom change: written only when they do."""
_OFTEN = tuple(column for column in _ROW_COLUMNS[1:] if column not in _RARE)
_EVENT_COLUMNS = ("complaint_id", "seq", "event_id", "type", "occurred_at", "data")
_OUTBOX_COLUMNS = (
    "id",
    "complaint_id",
    "event_seq",
    "recipient_role",
    "template",
    "payload",
    "created_at",
    "attempts",
    "retry_at",
    "delivered_at",
    "last_error",
)

Cursor = Any
"""A DB-API cursor (sqlite3 or psycopg); the subclasses know which."""


_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)


def _make_json() -> Callable[[Any], str]:
    """Compact JSON text, non-ASCII kept (what every stored JSON column holds).

    ``JSONEncoder.encode`` with these options, minus its Python-level wrapper when the C
    accelerator is there (the bulk import encodes a payload per event).
    """
    if _c_make_encoder is None:  # pragma: no cover - CPython always has it
        return _encoder.encode
    # No circular-reference markers: a shared markers dict is not safe across threads, and
    # payloads are frozen JSON values.
    iterencode = _c_make_encoder(
        None, _encoder.default, encode_basestring, None, ":", ",", False, False, True
    )

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return encode_basestring(value)
        return "".join(iterencode(value, 0))

    return encode


_json = _make_json()

_ACTORS: dict[Actor, str] = {}
_ACTORS_MAX = 4096


def _actor_json(actor: Actor) -> str:
    """``actor.to_dict()`` as compact JSON, remembered: the same few actors write most events."""
    text = _ACTORS.get(actor)
    if text is None:
        if len(_ACTORS) >= _ACTORS_MAX:
            _ACTORS.clear()
        text = _ACTORS[actor] = _json(actor.to_dict())
    return text


def event_json(event: Event, occurred_at: str | None = None) -> str:
    """The compact JSON text of ``event.to_dict()``, built without the intermediate dicts.

    The same text as ``json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":"))``
    (a test holds it to that), at a fraction of the cost: the bulk import encodes every event.
    ``occurred_at`` is ``event.occurred_at.isoformat()`` when the caller has it already.
    """
    if occurred_at is None:
        occurred_at = event.occurred_at.isoformat()
    payload = event.payload
    return (
        f'{{"id":{encode_basestring(event.id)},'
        f'"complaint_id":{encode_basestring(event.complaint_id)},'
        f'"seq":{event.seq},"type":{encode_basestring(event.type)},'
        f'"occurred_at":"{occurred_at}","actor":{_actor_json(event.actor)},'
        f'"payload":{_json(dict(payload)) if payload else "{}"},'
        f'"schema_version":{event.schema_version}}}'
    )


class Insert:
    """A multi-row INSERT into ``table`` of ``columns``: ``(?, ...), (?, ...)`` then ``tail``,
    texts cached per size (PostgreSQL writes the same rows as arrays: ``_postgres``)."""

    __slots__ = ("_head", "_row", "_texts", "columns", "table", "tail")

    def __init__(self, table: str, columns: Sequence[str], tail: str = "") -> None:
        self.table = table
        self.columns = tuple(columns)
        self.tail = tail
        self._head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES"
        self._row = "(" + ", ".join("?" * len(columns)) + ")"
        self._texts: dict[int, str] = {}

    def statement(self, rows: int) -> str:
        text = self._texts.get(rows)
        if text is None:
            if len(self._texts) > 64:
                self._texts.clear()
            text = self._texts[rows] = f"{self._head} {', '.join([self._row] * rows)}{self.tail}"
        return text


class _VersionMismatchError(Exception):
    """A row was not at the version an append expected (raised inside the transaction)."""


class UniqueViolationError(Exception):
    """Raised by a subclass's write transaction when a unique constraint fails."""

    def __init__(self, constraint: str) -> None:
        self.constraint = constraint
        super().__init__(constraint)


class SqlStore(abc.ABC):
    """The :class:`~sp4n.adapters.Store` logic over a DB-API connection."""

    url: str
    _placeholder = "?"
    _insert_rows = 500
    """Rows per multi-row INSERT (SQLite allows 32,766 parameters per statement)."""

    def __init__(self, url: str, *, clock: Clock) -> None:
        self.url = url
        self._clock = clock
        self._insert_row = Insert("sp4n_complaints", (*_ROW_COLUMNS, "title_folded"))
        self._insert_event = Insert("sp4n_events", _EVENT_COLUMNS)
        self._insert_message = Insert(
            "sp4n_outbox", _OUTBOX_COLUMNS, " ON CONFLICT (id) DO NOTHING"
        )

    # -- engine hooks ------------------------------------------------------------------------

    @abc.abstractmethod
    def _write(self) -> AbstractContextManager[Cursor]:
        """A cursor inside one write transaction; commit on success, roll back on error.

        A unique constraint failure must surface as :class:`UniqueViolationError`.
        """

    def _bulk_write(self) -> AbstractContextManager[Cursor]:
        """The write transaction of :meth:`append_many` (an engine may pipeline it)."""
        return self._write()

    @abc.abstractmethod
    def _read(self) -> AbstractContextManager[Cursor]:
        """A cursor for reading a consistent snapshot."""

    @abc.abstractmethod
    def _instant(self, value: datetime) -> Any:
        """Encode an aware instant for the database."""

    @abc.abstractmethod
    def _day(self, value: date) -> Any:
        """Encode a date for the database."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection(s)."""

    def _sql(self, statement: str) -> str:
        return statement if self._placeholder == "?" else statement.replace("?", "%s")

    def _insert_all(self, cursor: Cursor, insert: Insert, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows`` with multi-row ``VALUES`` statements of up to ``_INSERT_ROWS`` rows.

        One statement per chunk rather than one per row (``executemany``): SQLite runs the
        title index trigger far faster inside one statement, and both engines parse and
        round-trip less.
        """
        size = self._insert_rows
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                self._sql(insert.statement(len(chunk))),
                [value for row in chunk for value in row],
            )

    # -- decoding ------------------------------------------------------------------------------

    @staticmethod
    def _as_instant(value: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return to_utc("instant", value)

    @staticmethod
    def _as_day(value: Any) -> date | None:
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        return date.fromisoformat(str(value))

    def _row(self, values: Sequence[Any]) -> ComplaintRow:
        data = dict(zip(_ROW_COLUMNS, values, strict=True))
        data["next_due"] = self._as_day(data["next_due"])
        data["next_action"] = self._as_day(data["next_action"])
        data["updated_at"] = self._as_instant(data["updated_at"])
        data["submitted_at"] = self._as_instant(data["submitted_at"])
        data["listing"] = json.loads(data["listing"]) if data["listing"] else {}
        data["facts"] = json.loads(data["facts"]) if data["facts"] else {}
        return ComplaintRow(**data)

    def _message(self, values: Sequence[Any]) -> OutboxMessage:
        data = dict(zip(_OUTBOX_COLUMNS, values, strict=True))
        data["payload"] = json.loads(data["payload"])
        for key in ("created_at", "retry_at", "delivered_at"):
            data[key] = self._as_instant(data[key])
        return OutboxMessage(**data)

    # -- writing -------------------------------------------------------------------------------

    def append(
        self,
        complaint_id: str,
        expected_version: int,
        events: Sequence[Event],
        *,
        row: ComplaintRow,
        outbox: Sequence[OutboxMessage] = (),
    ) -> int:
        """Append one complaint's events in one transaction; see :class:`~sp4n.adapters.Store`."""
        request = AppendRequest(complaint_id, expected_version, tuple(events), row, tuple(outbox))
        return self._append_one(request)

    def _append_one(self, request: AppendRequest) -> int:
        """One complaint's append (the Desk's every verb): a one-request batch here; an engine
        may write it in fewer round trips (PostgreSQL: one statement, decision 0281)."""
        return self.append_many([request])[0]

    def append_many(self, batch: Sequence[AppendRequest]) -> tuple[int, ...]:
        """Append several complaints' events in one transaction: all or nothing."""
        versions = check_batch(batch)
        if not batch:
            return ()
        created = [request for request in batch if request.expected_version == 0]
        moved = [request for request in batch if request.expected_version > 0]
        try:
            with self._bulk_write() as cursor:
                if moved:
                    self._update_rows(cursor, moved)
                if created:
                    # A second creation of the same stream fails on the primary key.
                    self._insert_all(
                        cursor,
                        self._insert_row,
                        [(*self._row_values(r.row), fold(r.row.title)) for r in created],
                    )
                events = [event for request in batch for event in request.events]
                self._insert_all(
                    cursor, self._insert_event, [self._event_values(event) for event in events]
                )
                self._check_event_ids(cursor, events)
                messages = [message for request in batch for message in request.outbox]
                if messages:
                    self._insert_all(
                        cursor,
                        self._insert_message,
                        [self._message_values(message) for message in messages],
                    )
        except UniqueViolationError as exc:
            raise self._explain_violation(exc.constraint, batch) from None
        except _VersionMismatchError:
            raise self._explain_violation("version", batch) from None
        return versions

    def _check_event_ids(self, cursor: Cursor, events: Sequence[Event]) -> None:  # noqa: B027
        """Raise :class:`UniqueViolationError` if an id of ``events`` (inserted already, in
        this transaction) is another event's; nothing to do where one unique index holds
        every id (PostgreSQL)."""

    def _update_rows(self, cursor: Cursor, moved: Sequence[AppendRequest]) -> None:
        """Update projection rows; the version check is part of each UPDATE statement.

        A row that is not at the expected version (or does not exist) is not updated, which
        the summed row count reveals. Rarely changing indexed columns (tracking id, agency,
        region) are written only when they change, so their indexes are left alone.
        """
        previous = self._rare_values(cursor, [request.complaint_id for request in moved])
        if len(previous) != len(moved):
            raise _VersionMismatchError
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for request in moved:
            values = dict(zip(_ROW_COLUMNS, self._row_values(request.row), strict=True))
            old = previous[request.complaint_id]
            changed = tuple(
                column for column, was in zip(_RARE, old, strict=True) if values[column] != was
            )
            if "title" in changed:  # the folded copy title search reads (schema 6)
                values["title_folded"] = fold(request.row.title)
                changed = (*changed, "title_folded")
            columns = (*_OFTEN, *changed)
            groups.setdefault(changed, []).append(
                (
                    *(values[column] for column in columns),
                    request.complaint_id,
                    request.expected_version,
                )
            )
        updated = 0
        for changed, rows in groups.items():
            updated += self._update_group(cursor, (*_OFTEN, *changed), rows)
        if updated != len(moved):
            raise _VersionMismatchError

    def _rare_values(self, cursor: Cursor, ids: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """The stored :data:`_RARE` columns of the rows ``ids`` (those that exist), by id."""
        previous: dict[str, tuple[Any, ...]] = {}
        for chunk in iter_chunks(ids, 500):
            cursor.execute(
                self._sql(
                    f"SELECT complaint_id, {', '.join(_RARE)} FROM sp4n_complaints"
                    f" WHERE complaint_id IN ({', '.join('?' * len(chunk))})"
                ),
                list(chunk),
            )
            previous.update((found[0], tuple(found[1:])) for found in cursor.fetchall())
        return previous

    def _update_group(
        self, cursor: Cursor, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> int:
        """Set ``columns`` of rows still at their expected version; return how many moved.

        Each of ``rows`` is the new values of ``columns``, the complaint id and the expected
        version.
        """
        assignments = ", ".join(f"{column} = ?" for column in columns)
        cursor.executemany(
            self._sql(
                f"UPDATE sp4n_complaints SET {assignments} WHERE complaint_id = ? AND version = ?"
            ),
            rows,
        )
        return int(cursor.rowcount)

    def _explain_violation(self, constraint: str, batch: Sequence[AppendRequest]) -> Exception:
        """Turn a failed write (already rolled back) into the error the caller should see."""
        # Another writer moved a stream first, or an expected version was never reached.
        for request in batch:
            actual = self.version(request.complaint_id)
            if actual != request.expected_version:
                return ConcurrencyError(request.complaint_id, request.expected_version, actual)
        if constraint == "tracking_id":
            return InvalidInputError(
                "row.tracking_id",
                [request.row.tracking_id for request in batch],
                "a tracking id already belongs to another complaint",
            )
        if constraint == "event_id":
            return InvalidInputError(
                "events.id",
                [event.id for request in batch for event in request.events],
                "event ids are unique across the store; one of these is stored already",
            )
        # The conflicting writer's transaction was rolled back after ours failed.
        first = batch[0]
        return ConcurrencyError(first.complaint_id, first.expected_version, first.expected_version)

    def _event_values(self, event: Event) -> tuple[Any, ...]:
        return (
            event.complaint_id,
            event.seq,
            event.id,
            event.type,
            self._instant(event.occurred_at),
            event_json(event),
        )

    def _row_values(self, row: ComplaintRow) -> tuple[Any, ...]:
        return (
            row.complaint_id,
            row.tracking_id,
            row.status,
            row.kind,
            row.topic,
            row.region,
            row.agency,
            row.title,
            row.visibility,
            None if row.next_due is None else self._day(row.next_due),
            self._instant(row.updated_at),
            row.version,
            None if row.submitted_at is None else self._instant(row.submitted_at),
            _json(dict(row.listing)) if row.listing else None,
            None if row.next_action is None else self._day(row.next_action),
            _json(dict(row.facts)) if row.facts else None,
        )

    def _message_values(self, message: OutboxMessage) -> tuple[Any, ...]:
        return (
            message.id,
            message.complaint_id,
            message.event_seq,
            message.recipient_role,
            message.template,
            _json(dict(message.payload)),
            self._instant(message.created_at),
            message.attempts,
            None if message.retry_at is None else self._instant(message.retry_at),
            None if message.delivered_at is None else self._instant(message.delivered_at),
            message.last_error,
        )

    # -- reading -------------------------------------------------------------------------------

    def load(self, complaint_id: str) -> tuple[Event, ...]:
        """Return the complaint's events in ``seq`` order; ``()`` when unknown."""
        with self._read() as cursor:
            cursor.execute(
                self._sql("SELECT data FROM sp4n_events WHERE complaint_id = ? ORDER BY seq"),
                (complaint_id,),
            )
            return tuple(Event.from_dict(json.loads(data)) for (data,) in cursor.fetchall())

    def load_many(self, complaint_ids: Sequence[str]) -> dict[str, tuple[Event, ...]]:
        """Return several complaints' events in one read, ``IN`` lists of 500 ids."""
        found: dict[str, list[Event]] = {cid: [] for cid in complaint_ids}
        ids = list(found)
        if not ids:
            return {}
        with self._read() as cursor:
            for chunk in iter_chunks(ids, 500):
                cursor.execute(
                    self._sql(
                        "SELECT complaint_id, data FROM sp4n_events"
                        f" WHERE complaint_id IN ({', '.join('?' * len(chunk))})"
                        " ORDER BY complaint_id, seq"
                    ),
                    chunk,
                )
                for complaint_id, data in cursor.fetchall():
                    found[complaint_id].append(Event.from_dict(json.loads(data)))
        return {cid: tuple(events) for cid, events in found.items()}

    def version(self, complaint_id: str) -> int:
        """Return the stream version; 0 when unknown."""
        with self._read() as cursor:
            cursor.execute(
                self._sql("SELECT version FROM sp4n_complaints WHERE complaint_id = ?"),
                (complaint_id,),
            )
            found = cursor.fetchone()
        return 0 if found is None else int(found[0])

    def _one(self, where: str, value: str) -> ComplaintRow | None:
        with self._read() as cursor:
            cursor.execute(
                self._sql(f"SELECT {', '.join(_ROW_COLUMNS)} FROM sp4n_complaints WHERE {where}"),
                (value,),
            )
            found = cursor.fetchone()
        return None if found is None else self._row(found)

    def get(self, complaint_id: str) -> ComplaintRow | None:
        """Return the projection row or ``None``."""
        return self._one("complaint_id = ?", complaint_id)

    def by_tracking_id(self, tracking_id: str) -> ComplaintRow | None:
        """Return the row with this tracking id or ``None``."""
        return self._one("tracking_id = ?", tracking_id)

    def _title_clause(self, needle: str) -> tuple[str, list[Any]]:
        """The WHERE clause and parameters for a case-insensitive title substring.

        Case-insensitive means :func:`sp4n._text.fold` (``str.casefold``) on both sides, as
        in every store: the title's folded copy is written with the row (decision 0144).
        """
        return "instr(title_folded, ?) > 0", [fold(needle)]

    accepts_row_query = True
    """``query`` takes a :class:`~sp4n.adapters.RowQuery` (decision 0183)."""

    def query(self, query: RowQuery | None = None, /, **filters: Any) -> list[ComplaintRow]:
        """Filter rows with indexed queries; ordering as on :meth:`~sp4n.adapters.Store.query`."""
        built = self._statement(as_row_query(query, filters))
        if built is None:
            return []
        statement, params = built
        with self._read() as cursor:
            cursor.execute(self._sql(statement), params)
            return [self._row(values) for values in cursor.fetchall()]

    _explain = "EXPLAIN QUERY PLAN "
    """What the engine prefixes a statement with to show its plan."""
    _by_status = "sp4n_complaints INDEXED BY sp4n_complaints_status_submitted"
    """The table of a per-status branch of a newest-first list (decision 0182): SQLite's
    planner, without statistics, would read the ``(status, complaint_id)`` index and sort."""

    _every_row = "sp4n_complaints NOT INDEXED"
    """The table of a report over every region (decision 0270): one pass over the table.
    SQLite would otherwise walk the region index and look up each row from it (about three
    times slower at 50,000 rows)."""

    def explain(self, query: RowQuery | None = None, /, **filters: Any) -> list[str]:
        """The engine's plan for :meth:`query` with these filters, one line per step
        (tests hold each list query to its index: decision 0182)."""
        built = self._statement(as_row_query(query, filters))
        if built is None:
            return []
        statement, params = built
        with self._read() as cursor:
            self._before_explain(cursor)
            cursor.execute(self._sql(self._explain + statement), params)
            return [str(line[-1]) for line in cursor.fetchall()]

    def _before_explain(self, cursor: Cursor) -> None:  # noqa: B027 - an optional hook
        """Engine settings for :meth:`explain` (none for SQLite)."""

    def _statement(self, q: RowQuery) -> tuple[str, list[Any]] | None:
        """The SELECT and parameters of ``q``; ``None`` when it cannot match anything."""
        sort, after = query_plan(q)
        status, agency, region_prefix, topic = q.status, q.agency, q.region_prefix, q.topic
        overdue_as_of, action_due_by = q.overdue_as_of, q.action_due_by
        low, high = q.submitted_from, q.submitted_until
        where: list[str] = []
        params: list[Any] = []
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if agency is not None:
            where.append("agency = ?")
            params.append(agency)
        if region_prefix:
            # A range on the indexed column instead of LIKE: both engines use the index.
            end = _prefix_end(region_prefix)
            where.append("region >= ?" if end is None else "region >= ? AND region < ?")
            params += [region_prefix] if end is None else [region_prefix, end]
        if topic is not None:
            where.append("topic = ?")
            params.append(topic)
        branches: list[str] = []
        for column, given in (("status", q.statuses), ("visibility", q.visibilities)):
            if given is not None:
                chosen = list(dict.fromkeys(given))
                if not chosen:
                    return None
                if column == "status" and sort == "newest" and len(chosen) > 1:
                    branches = chosen  # one index range per status, merged (decision 0182)
                    continue
                where.append(f"{column} IN ({', '.join('?' * len(chosen))})")
                params += chosen
        if low is not None:
            where.append("submitted_at >= ?")
            params.append(self._instant(low))
        if high is not None:
            where.append("submitted_at <= ?")
            params.append(self._instant(high))
        order = _ORDERS[sort]
        if action_due_by is not None:
            where.append("next_action IS NOT NULL AND next_action <= ?")
            params.append(self._day(action_due_by))
        if overdue_as_of is not None:
            where.append("next_due IS NOT NULL AND next_due < ?")
            params.append(self._day(overdue_as_of))
        if q.title_contains:
            clause, values = self._title_clause(q.title_contains)
            where.append(clause)
            params += values
        if after is not None:
            clause, values = self._after_clause(after, sort)
            where.append(clause)
            params += values
        return _select(where, params, order, q.limit, q.offset, branches, self._by_status)

    def _after_clause(self, after: ComplaintRow, sort: str) -> tuple[str, list[Any]]:
        """Keyset condition: rows past ``after`` in the order ``sort`` (row-value
        comparisons, which both engines answer from the order's composite index)."""
        if sort == "due":
            assert after.next_due is not None  # check_after made sure
            return "(next_due, complaint_id) > (?, ?)", [
                self._day(after.next_due),
                after.complaint_id,
            ]
        if sort == "action":
            assert after.next_action is not None  # check_after made sure
            return "(next_action, complaint_id) > (?, ?)", [
                self._day(after.next_action),
                after.complaint_id,
            ]
        if sort == "region":
            return "(region, complaint_id) > (?, ?)", [after.region, after.complaint_id]
        if sort == "newest":
            if after.submitted_at is None:
                return "submitted_at IS NULL AND complaint_id < ?", [after.complaint_id]
            return "(submitted_at IS NULL OR (submitted_at, complaint_id) < (?, ?))", [
                self._instant(after.submitted_at),
                after.complaint_id,
            ]
        return "complaint_id > ?", [after.complaint_id]

    def report_facts(
        self,
        *,
        region_prefix: str | None = None,
        after: tuple[str, str] | None = None,
        updated_from: datetime | None = None,
        limit: int = 1000,
    ) -> list[FactsRow]:
        """Six columns of rows by ``(region, complaint_id)``, the region index's order
        (decision 0230): no title, listing or other column is read or decoded."""
        prefix, mark, since, limit = check_facts_page(region_prefix, after, updated_from, limit)
        where: list[str] = []
        params: list[Any] = []
        if prefix:
            end = _prefix_end(prefix)
            where.append("region >= ?" if end is None else "region >= ? AND region < ?")
            params += [prefix] if end is None else [prefix, end]
        if mark is not None:
            where.append("(region, complaint_id) > (?, ?)")
            params += list(mark)
        if since is not None:
            where.append("updated_at >= ?")
            params.append(self._instant(since))
        statement = (
            "SELECT complaint_id, region, status, next_due, updated_at, facts FROM sp4n_complaints"
        )
        if where:
            statement += " WHERE " + " AND ".join(where)
        statement += " ORDER BY region, complaint_id LIMIT ?"
        with self._read() as cursor:
            cursor.execute(self._sql(statement), [*params, limit])
            found = cursor.fetchall()
        day, loads = self._as_day, json.loads

        def instant(value: Any) -> datetime:
            return to_utc(
                "updated_at", datetime.fromisoformat(value) if isinstance(value, str) else value
            )

        return [
            FactsRow(cid, region, status, day(due), instant(at), loads(facts) if facts else {})
            for cid, region, status, due, at, facts in found
        ]

    def _shapes_statement(
        self, region_prefix: object, updated_from: object, as_of: object
    ) -> tuple[str, list[Any]]:
        """The ``GROUP BY`` of :meth:`report_shapes` and its parameters."""
        prefix, since, instant = check_shapes_args(region_prefix, updated_from, as_of)
        closed = ", ".join("?" * len(CLOSED_STATUS_VALUES))
        stale = "facts IS NULL OR updated_at > ?"
        where: list[str] = []
        params: list[Any] = [*CLOSED_STATUS_VALUES, self._instant(instant), self._instant(instant)]
        if prefix:
            end = _prefix_end(prefix)
            where.append("region >= ?" if end is None else "region >= ? AND region < ?")
            params += [prefix] if end is None else [prefix, end]
        if since is not None:
            where.append("updated_at >= ?")
            params.append(self._instant(since))
        statement = (
            "SELECT region, status,"
            f" CASE WHEN status IN ({closed}) THEN NULL ELSE next_due END,"
            f" CASE WHEN {stale} THEN complaint_id END,"
            f" CASE WHEN {stale} THEN NULL ELSE facts END,"
            f" count(*) FROM {'sp4n_complaints' if prefix else self._every_row}"
        )
        if where:
            statement += " WHERE " + " AND ".join(where)
        # the facts text first: it tells most groups apart, so the sort compares less
        return statement + " GROUP BY 5, 1, 2, 3, 4", params

    def report_shapes(
        self,
        *,
        region_prefix: str | None = None,
        updated_from: datetime | None = None,
        as_of: datetime,
    ) -> list[ReportShape]:
        """Rows grouped by what the compliance report counts of them (decision 0270): per
        region, status, ``next_due`` (open statuses only) and facts text, with ``count(*)``;
        a row without facts or updated after ``as_of`` is its own group, with its id.

        One statement: the database groups, and each distinct facts text is decoded once.
        """
        statement, params = self._shapes_statement(region_prefix, updated_from, as_of)
        with self._read() as cursor:
            cursor.execute(self._sql(statement), params)
            found = cursor.fetchall()
        day, loads = self._as_day, json.loads
        decoded: dict[str, Any] = {}
        shapes = []
        for region, status, due, cid, facts, count in found:
            if cid is not None:
                shapes.append(ReportShape(region, status, day(due), {}, int(count), cid))
                continue
            value = decoded.get(facts)
            if value is None:
                value = decoded[facts] = loads(facts)
            shapes.append(ReportShape(region, status, day(due), value, int(count)))
        return shapes

    def explain_report_shapes(
        self,
        *,
        region_prefix: str | None = None,
        updated_from: datetime | None = None,
        as_of: datetime,
    ) -> list[str]:
        """The engine's plan for :meth:`report_shapes`, one line per step (a region's
        report reads the region index's range: ``tests/adapters/test_store_plans.py``)."""
        statement, params = self._shapes_statement(region_prefix, updated_from, as_of)
        with self._read() as cursor:
            self._before_explain(cursor)
            cursor.execute(self._sql(self._explain + statement), params)
            return [str(line[-1]) for line in cursor.fetchall()]

    def reschedule(self, changes: Sequence[tuple[str, int, date | None]]) -> int:
        """Set ``next_action`` of rows still at the given version; return how many moved."""
        checked = check_reschedule(changes)
        if not checked:
            return 0
        with self._write() as cursor:
            moved = 0
            for complaint_id, version, day in checked:
                cursor.execute(
                    self._sql(
                        "UPDATE sp4n_complaints SET next_action = ?"
                        " WHERE complaint_id = ? AND version = ?"
                    ),
                    (None if day is None else self._day(day), complaint_id, version),
                )
                moved += cursor.rowcount
        return moved

    # -- outbox --------------------------------------------------------------------------------

    def pending_outbox(self, *, limit: int = 100, now: datetime) -> list[OutboxMessage]:
        """Return undelivered messages due at ``now``, oldest first."""
        check_query(limit, 0)
        instant = self._instant(to_utc("now", now))
        with self._read() as cursor:
            cursor.execute(
                self._sql(
                    f"SELECT {', '.join(_OUTBOX_COLUMNS)} FROM sp4n_outbox "
                    "WHERE delivered_at IS NULL AND (retry_at IS NULL OR retry_at <= ?) "
                    "ORDER BY created_at, id LIMIT ?"
                ),
                (instant, limit),
            )
            return [self._message(values) for values in cursor.fetchall()]

    def _update_message(self, message_id: str, statement: str, params: Sequence[Any]) -> None:
        with self._write() as cursor:
            cursor.execute(self._sql("SELECT 1 FROM sp4n_outbox WHERE id = ?"), (message_id,))
            if cursor.fetchone() is None:
                raise NotFoundError("message_id", message_id, "no such outbox message")
            cursor.execute(self._sql(statement), (*params, message_id))

    def mark_delivered(self, message_id: str, *, at: datetime | None = None) -> None:
        """Record a delivery; a second call keeps the first instant."""
        instant = to_utc("at", self._clock() if at is None else at)
        self._update_message(
            message_id,
            "UPDATE sp4n_outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
            (self._instant(instant),),
        )

    def mark_failed(self, message_id: str, *, error: str, retry_at: datetime) -> None:
        """Count a failed attempt and hold the message back until ``retry_at``."""
        instant = to_utc("retry_at", retry_at)
        self._update_message(
            message_id,
            "UPDATE sp4n_outbox SET attempts = attempts + 1, retry_at = ?, last_error = ? "
            "WHERE id = ? AND delivered_at IS NULL",
            (self._instant(instant), str(error)),
        )


_ORDERS = {
    "newest": "submitted_at DESC NULLS LAST, complaint_id DESC",
    "due": "next_due, complaint_id",
    "action": "next_action, complaint_id",
    "region": "region, complaint_id",
    "id": "complaint_id",
}
"""``ORDER BY`` of each :func:`~sp4n.adapters.query_order`, each an index's order."""


def _select(
    where: Sequence[str],
    params: Sequence[Any],
    order: str,
    limit: int,
    offset: int,
    branches: Sequence[str] = (),
    table: str = "sp4n_complaints",
) -> tuple[str, list[Any]]:
    """The SELECT of a query, and its parameters.

    With ``branches`` (statuses of a newest-first list), one sub-select per status reads
    the first ``limit + offset`` rows of the ``(status, submitted_at, complaint_id)`` index
    range, and the union is ordered and cut: no sort of every matching row (decision 0182).
    """
    columns = ", ".join(_ROW_COLUMNS)
    if not branches:
        statement = f"SELECT {columns} FROM sp4n_complaints"
        if where:
            statement += " WHERE " + " AND ".join(where)
        return f"{statement} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset]
    condition = " AND ".join(["status = ?", *where])
    parts = [
        f"SELECT * FROM (SELECT {columns} FROM {table} WHERE {condition}"
        f" ORDER BY {order} LIMIT ?) AS branch{index}"
        for index in range(len(branches))
    ]
    values: list[Any] = []
    for status in branches:
        values += [status, *params, limit + offset]
    statement = " UNION ALL ".join(parts) + f" ORDER BY {order} LIMIT ? OFFSET ?"
    return statement, [*values, limit, offset]


def _prefix_end(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix``.

    ``None`` when there is none: every character is U+10FFFF, the last code point.
    """
    stem = prefix.rstrip("\U0010ffff")
    if not stem:
        return None
    return stem[:-1] + chr(ord(stem[-1]) + 1)


def like_pattern(needle: str) -> str:
    """A LIKE pattern matching ``needle`` anywhere, with ``\\``, ``%`` and ``_`` escaped."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def utc_text(value: datetime) -> str:
    """Fixed-width UTC text that sorts like the instant (for SQLite)."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")  # ends in +00:00


def iter_chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Yield ``items`` in slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
