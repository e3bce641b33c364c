"""The ``memory://`` store: everything in process memory, for tests and demos.

It keeps the same promises as the database stores (one atomic append, optimistic
concurrency, outbox in step with events) within one process; nothing survives ``close``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import attrs

from sp4n._text import fold
from sp4n._time import Clock, to_utc
from sp4n.adapters._facts import FactsRow, check_facts_page
from sp4n.adapters._query import RowQuery, as_row_query
from sp4n.adapters._records import AppendRequest, ComplaintRow, OutboxMessage
from sp4n.adapters._spec import hookimpl
from sp4n.adapters._store import (
    check_batch,
    check_query,
    check_reschedule,
    query_plan,
)
from sp4n.adapters.hookspecs import RegisterStorage
from sp4n.errors import ConcurrencyError, InvalidInputError, NotFoundError
from sp4n.lifecycle import Event

__all__ = ["MemoryStore", "sp4n_register_storage"]


class MemoryStore:
    """A :class:`~sp4n.adapters.Store` kept in dictionaries, guarded by a lock."""

    def __init__(self, url: str = "memory://", *, clock: Clock) -> None:
        self.url = url
        self._clock = clock
        self._lock = threading.RLock()
        self._events: dict[str, tuple[Event, ...]] = {}
        self._rows: dict[str, ComplaintRow] = {}
        self._tracking: dict[str, str] = {}
        self._event_ids: set[str] = set()
        self._outbox: dict[str, OutboxMessage] = {}

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
        """Append one complaint's events; see :class:`~sp4n.adapters.Store`."""
        request = AppendRequest(complaint_id, expected_version, tuple(events), row, tuple(outbox))
        return self.append_many([request])[0]

    def append_many(self, batch: Sequence[AppendRequest]) -> tuple[int, ...]:
        """Append several complaints' events atomically; see :class:`~sp4n.adapters.Store`."""
        versions = check_batch(batch)
        with self._lock:
            new_ids: set[str] = set()
            new_tracking: dict[str, str] = {}
            for request in batch:
                actual = len(self._events.get(request.complaint_id, ()))
                if actual != request.expected_version:
                    raise ConcurrencyError(request.complaint_id, request.expected_version, actual)
                tracking_id = request.row.tracking_id
                owner = new_tracking.get(tracking_id, self._tracking.get(tracking_id))
                new_tracking[tracking_id] = request.complaint_id
                if owner is not None and owner != request.complaint_id:
                    raise InvalidInputError(
                        "row.tracking_id",
                        request.row.tracking_id,
                        f"already belongs to complaint {owner}",
                    )
                for event in request.events:
                    if event.id in self._event_ids or event.id in new_ids:
                        raise InvalidInputError(
                            "events.id", event.id, "event ids are unique across the store"
                        )
                    new_ids.add(event.id)
            for request in batch:
                old = self._rows.get(request.complaint_id)
                if old is not None:
                    self._tracking.pop(old.tracking_id, None)
                self._events[request.complaint_id] = (
                    *self._events.get(request.complaint_id, ()),
                    *request.events,
                )
                self._rows[request.complaint_id] = request.row
                self._tracking[request.row.tracking_id] = request.complaint_id
                for message in request.outbox:
                    self._outbox.setdefault(message.id, message)
            self._event_ids |= new_ids
        return versions

    # -- reading -------------------------------------------------------------------------------

    def load(self, complaint_id: str) -> tuple[Event, ...]:
        """Return the complaint's events in order; ``()`` when unknown."""
        with self._lock:
            return self._events.get(complaint_id, ())

    def load_many(self, complaint_ids: Sequence[str]) -> dict[str, tuple[Event, ...]]:
        """Return several complaints' events; ``()`` for an unknown one."""
        with self._lock:
            return {cid: self._events.get(cid, ()) for cid in dict.fromkeys(complaint_ids)}

    def version(self, complaint_id: str) -> int:
        """Return the stream version; 0 when unknown."""
        with self._lock:
            return len(self._events.get(complaint_id, ()))

    def get(self, complaint_id: str) -> ComplaintRow | None:
        """Return the projection row or ``None``."""
        with self._lock:
            return self._rows.get(complaint_id)

    def by_tracking_id(self, tracking_id: str) -> ComplaintRow | None:
        """Return the row with this tracking id or ``None``."""
        with self._lock:
            complaint_id = self._tracking.get(tracking_id)
            return None if complaint_id is None else self._rows[complaint_id]

    accepts_row_query = True
    """``query`` takes a :class:`~sp4n.adapters.RowQuery` (decision 0183)."""

    def query(self, query: RowQuery | None = None, /, **filters: Any) -> list[ComplaintRow]:
        """Filter rows; ordering as documented on :meth:`~sp4n.adapters.Store.query`."""
        q = as_row_query(query, filters)
        order, after = query_plan(q)
        status, agency, region_prefix, topic = q.status, q.agency, q.region_prefix, q.topic
        overdue_as_of, action_due_by = q.overdue_as_of, q.action_due_by
        low, high = q.submitted_from, q.submitted_until
        needle = None if q.title_contains is None else fold(q.title_contains)
        wanted = None if q.statuses is None else frozenset(q.statuses)
        seen = None if q.visibilities is None else frozenset(q.visibilities)
        with self._lock:
            rows = [
                row
                for row in self._rows.values()
                if (status is None or row.status == status)
                and (agency is None or row.agency == agency)
                and (region_prefix is None or row.region.startswith(region_prefix))
                and (
                    overdue_as_of is None
                    or (row.next_due is not None and row.next_due < overdue_as_of)
                )
                and (
                    action_due_by is None
                    or (row.next_action is not None and row.next_action <= action_due_by)
                )
                and (needle is None or needle in fold(row.title))
                and (topic is None or row.topic == topic)
                and (wanted is None or row.status in wanted)
                and (seen is None or row.visibility in seen)
                and (low is None or (row.submitted_at is not None and row.submitted_at >= low))
                and (high is None or (row.submitted_at is not None and row.submitted_at <= high))
            ]
        if after is not None:
            mark = _position(after, order)
            rows = [row for row in rows if _position(row, order) > mark]
        if q.newest_first:
            dated = sorted(
                (row for row in rows if row.submitted_at is not None),
                key=lambda row: (row.submitted_at, row.complaint_id),
                reverse=True,
            )
            undated = sorted(
                (row for row in rows if row.submitted_at is None),
                key=lambda row: row.complaint_id,
                reverse=True,
            )
            rows = dated + undated
        else:
            rows.sort(key=lambda row: _position(row, order))
        return rows[q.offset : q.offset + q.limit]

    def report_facts(
        self,
        *,
        region_prefix: str | None = None,
        after: tuple[str, str] | None = None,
        updated_from: datetime | None = None,
        limit: int = 1000,
    ) -> list[FactsRow]:
        """What the report reads of rows, by ``(region, complaint_id)`` (decision 0230)."""
        prefix, mark, since, limit = check_facts_page(region_prefix, after, updated_from, limit)
        with self._lock:
            rows = [
                row
                for row in self._rows.values()
                if (prefix is None or row.region.startswith(prefix))
                and (since is None or row.updated_at >= since)
                and (mark is None or (row.region, row.complaint_id) > mark)
            ]
        rows.sort(key=lambda row: (row.region, row.complaint_id))
        return [FactsRow.of(row) for row in rows[:limit]]

    def reschedule(self, changes: Sequence[tuple[str, int, date | None]]) -> int:
        """Set ``next_action`` of rows still at the given version; return how many moved."""
        checked = check_reschedule(changes)
        moved = 0
        with self._lock:
            for complaint_id, version, day in checked:
                row = self._rows.get(complaint_id)
                if row is not None and row.version == version:
                    self._rows[complaint_id] = attrs.evolve(row, next_action=day)
                    moved += 1
        return moved

    # -- outbox --------------------------------------------------------------------------------

    def pending_outbox(self, *, limit: int = 100, now: datetime) -> list[OutboxMessage]:
        """Return undelivered messages due at ``now``, oldest first."""
        check_query(limit, 0)
        now = to_utc("now", now)
        with self._lock:
            due = [
                message
                for message in self._outbox.values()
                if message.delivered_at is None
                and (message.retry_at is None or message.retry_at <= now)
            ]
        due.sort(key=lambda message: (message.created_at, message.id))
        return due[:limit]

    def _message(self, message_id: str) -> OutboxMessage:
        message = self._outbox.get(message_id)
        if message is None:
            raise NotFoundError("message_id", message_id, "no such outbox message")
        return message

    def mark_delivered(self, message_id: str, *, at: datetime | None = None) -> None:
        """Record a delivery; a second call keeps the first instant."""
        instant = to_utc("at", self._clock() if at is None else at)
        with self._lock:
            message = self._message(message_id)
            if message.delivered_at is None:
                self._outbox[message_id] = attrs.evolve(message, delivered_at=instant)

    def mark_failed(self, message_id: str, *, error: str, retry_at: datetime) -> None:
        """Count a failed attempt and hold the message back until ``retry_at``."""
        retry_at = to_utc("retry_at", retry_at)
        with self._lock:
            message = self._message(message_id)
            if message.delivered_at is None:
                self._outbox[message_id] = attrs.evolve(
                    message, attempts=message.attempts + 1, retry_at=retry_at, last_error=error
                )

    def close(self) -> None:
        """Drop everything."""
        with self._lock:
            self._events.clear()
            self._rows.clear()
            self._tracking.clear()
            self._event_ids.clear()
            self._outbox.clear()


def _position(row: ComplaintRow, order: str) -> tuple[object, ...]:
    """Where ``row`` stands in ``order``, as a tuple that grows along it."""
    if order == "newest":
        # descending, undated rows last: negate by ranking undated first as "greater"
        if row.submitted_at is None:
            return (1, _Reversed(row.complaint_id))
        return (0, _Reversed(row.submitted_at), _Reversed(row.complaint_id))
    if order == "due":
        return (row.next_due or date.min, row.complaint_id)
    if order == "action":
        return (row.next_action or date.min, row.complaint_id)
    if order == "region":
        return (row.region, row.complaint_id)
    return (row.complaint_id,)


@functools.total_ordering
class _Reversed:
    """Wraps a value so that it compares in the opposite order."""

    __slots__ = ("value",)

    def __init__(self, value: str | datetime) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.value < self.value)  # type: ignore[operator]


def open_memory(url: str, *, clock: Clock) -> MemoryStore:
    """Open a fresh, empty in-memory store (``memory://``)."""
    return MemoryStore(url, clock=clock)


@hookimpl
def sp4n_register_storage(register: RegisterStorage) -> None:
    """Register the ``memory://`` scheme."""
    register("memory", open_memory)
