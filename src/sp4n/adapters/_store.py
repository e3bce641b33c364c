"""The storage contract every adapter implements, its shared checks and ``open_store``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit

from sp4n._text import check_clean
from sp4n._time import Clock, to_utc
from sp4n.adapters._facts import FactsRow
from sp4n.adapters._query import COUNT_MAX, RowQuery
from sp4n.adapters._records import AppendRequest, ComplaintRow, OutboxMessage
from sp4n.errors import InvalidInputError, MalformedStoreUrlError, UnknownStoreSchemeError
from sp4n.lifecycle import Event

if TYPE_CHECKING:  # pragma: no cover
    import pluggy

__all__ = [
    "COUNT_MAX",
    "DEFAULT_STORE_URL",
    "Store",
    "StoreFactory",
    "check_after",
    "check_append",
    "check_batch",
    "check_query",
    "check_reschedule",
    "load_many",
    "open_store",
    "query_order",
    "query_plan",
    "store_scheme",
]

"""Largest ``limit`` or ``offset`` a query takes: a signed 64-bit integer, as SQLite and
PostgreSQL store it."""

DEFAULT_STORE_URL = "sqlite:///sp4n.db"
"""The embedded default store: a SQLite file ``sp4n.db`` in the working directory."""


@runtime_checkable
class Store(Protocol):
    """An append-only event store with projections and an outbox, one complaint per stream.

    Every write is one transaction: the events, the complaint's projection row and the outbox
    messages are all written or none is.

    Optional, outside the protocol: ``report_shapes(*, region_prefix=None, updated_from=None,
    as_of)`` returning :class:`~sp4n.adapters.ReportShape` values, the rows grouped by what
    the compliance report counts (decision 0270); :func:`~sp4n.adapters.report_shapes`
    builds them row by row for a store without it.
    """

    url: str

    def append(
        self,
        complaint_id: str,
        expected_version: int,
        events: Sequence[Event],
        *,
        row: ComplaintRow,
        outbox: Sequence[OutboxMessage] = (),
    ) -> int:
        """Append ``events`` if the stream is at ``expected_version``; return the new version.

        Raises :class:`~sp4n.errors.ConcurrencyError` (nothing written) when another writer
        moved the stream first, :class:`~sp4n.errors.InvalidInputError` for events, row or
        messages that do not fit the stream.
        """
        ...  # pragma: no cover - protocol

    def append_many(self, batch: Sequence[AppendRequest]) -> tuple[int, ...]:
        """Append several complaints' events in one transaction: all of them or none."""
        ...  # pragma: no cover - protocol

    def load(self, complaint_id: str) -> tuple[Event, ...]:
        """Return the complaint's events in ``seq`` order; ``()`` for an unknown complaint."""
        ...  # pragma: no cover - protocol

    def load_many(self, complaint_ids: Sequence[str]) -> dict[str, tuple[Event, ...]]:
        """Return several complaints' events in one read (decision 0180).

        One key per distinct id, in the order first given; an unknown complaint maps to
        ``()``. Callers that walk many complaints (sweep, report, copy) use this instead of
        one :meth:`load` round trip each; :func:`~sp4n.adapters.load_many` falls back to
        :meth:`load` for a store written before it existed.
        """
        ...  # pragma: no cover - protocol

    def version(self, complaint_id: str) -> int:
        """Return the stream's version (its last ``seq``); 0 for an unknown complaint."""
        ...  # pragma: no cover - protocol

    def get(self, complaint_id: str) -> ComplaintRow | None:
        """Return the complaint's projection row, ``None`` when unknown."""
        ...  # pragma: no cover - protocol

    def by_tracking_id(self, tracking_id: str) -> ComplaintRow | None:
        """Return the row with this public tracking id, ``None`` when unknown."""
        ...  # pragma: no cover - protocol

    def query(self, query: RowQuery | None = None, /, **filters: Any) -> list[ComplaintRow]:
        """Return rows matching every filter of ``query`` (:class:`~sp4n.adapters.RowQuery`,
        decision 0183), or of the same filters given as keywords (``status="forwarded"``).

        ``overdue_as_of``: rows whose ``next_due`` is before that date, ordered by
        ``(next_due, complaint_id)``. Otherwise ``region_prefix`` orders by
        ``(region, complaint_id)``, and without either rows come by ``complaint_id``.
        ``title_contains`` matches case-insensitively. ``statuses`` and ``visibilities``
        match any of their values; ``submitted_from`` / ``submitted_until`` bound
        ``submitted_at`` inclusively (rows without it never match them). ``newest_first``
        orders by ``(submitted_at, complaint_id)`` descending, before any other order,
        rows without ``submitted_at`` last (schema 3, decision 0063).
        ``after`` (keyset pagination, decision 0180): only rows that come after this row in
        the query's order, typically the last row of the previous page; not with ``offset``.
        ``action_due_by``: rows whose ``next_action`` is on or before that date, ordered by
        ``(next_action, complaint_id)`` (schema 6, decision 0181: the sweep's candidates).
        """
        ...  # pragma: no cover - protocol

    def report_facts(
        self,
        *,
        region_prefix: str | None = None,
        after: tuple[str, str] | None = None,
        updated_from: datetime | None = None,
        limit: int = 1000,
    ) -> list[FactsRow]:
        """Return what the compliance report reads of rows (decision 0230): a
        :class:`~sp4n.adapters.FactsRow` each, ordered by ``(region, complaint_id)``.

        ``region_prefix``: rows whose region starts with it. ``after``: rows past this
        ``(region, complaint_id)`` (keyset pagination). ``updated_from``: rows whose
        ``updated_at`` is at or after this aware instant. At most ``limit`` rows (>= 1).
        Arguments are checked by :func:`~sp4n.adapters.check_facts_page`;
        :func:`~sp4n.adapters.report_pages` falls back to :meth:`query` for a store
        written before this method.
        """
        ...  # pragma: no cover - protocol

    def reschedule(self, changes: Sequence[tuple[str, int, date | None]]) -> int:
        """Set the ``next_action`` of rows, each only if still at the given version.

        ``changes`` holds ``(complaint_id, version, next_action)``; returns how many rows
        changed. No event is written: the day is derived from the events already stored
        (the sweep uses it for a row whose stored day has nothing to do, decision 0181).
        """
        ...  # pragma: no cover - protocol

    def pending_outbox(self, *, limit: int = 100, now: datetime) -> list[OutboxMessage]:
        """Return undelivered messages due at ``now``, oldest first."""
        ...  # pragma: no cover - protocol

    def mark_delivered(self, message_id: str, *, at: datetime | None = None) -> None:
        """Record a delivery (idempotent: a second call keeps the first instant)."""
        ...  # pragma: no cover - protocol

    def mark_failed(self, message_id: str, *, error: str, retry_at: datetime) -> None:
        """Count a failed attempt and hold the message back until ``retry_at``."""
        ...  # pragma: no cover - protocol

    def close(self) -> None:
        """Release connections and files; the store is unusable afterwards."""
        ...  # pragma: no cover - protocol


class StoreFactory(Protocol):
    """What a storage plugin registers for its scheme: opens a store from a URL."""

    def __call__(self, url: str, *, clock: Clock) -> Store:
        """Open the store at ``url``; ``clock`` stamps deliveries when no instant is given."""
        ...  # pragma: no cover - protocol


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_append(
    complaint_id: str,
    expected_version: int,
    events: Sequence[Event],
    row: ComplaintRow,
    outbox: Sequence[OutboxMessage],
) -> int:
    """Check that an append is self-consistent; return the version it would produce.

    Every store calls this before writing, so all adapters reject the same mistakes with the
    same :class:`~sp4n.errors.InvalidInputError`: no events, an event of another complaint,
    ``seq`` numbers that do not continue from ``expected_version`` without gaps, a row whose
    ``version`` is not the new version, or a message not caused by one of the new events.
    """
    if not isinstance(complaint_id, str) or not complaint_id:
        raise InvalidInputError("complaint_id", complaint_id, "must be a non-empty string")
    if not _is_count(expected_version):
        raise InvalidInputError(
            "expected_version", expected_version, "must be a whole number >= 0 (0 for a new one)"
        )
    if not events:
        raise InvalidInputError("events", events, "an append needs at least one event")
    for index, event in enumerate(events):
        if not isinstance(event, Event):
            raise InvalidInputError(f"events[{index}]", event, "must be a sp4n.lifecycle.Event")
        if event.complaint_id != complaint_id:
            raise InvalidInputError(
                f"events[{index}].complaint_id",
                event.complaint_id,
                f"must be the complaint appended to ({complaint_id!r})",
            )
        if event.seq != expected_version + 1 + index:
            raise InvalidInputError(
                f"events[{index}].seq",
                event.seq,
                f"must continue the stream without gaps (expected {expected_version + 1 + index})",
            )
    new_version = expected_version + len(events)
    if not isinstance(row, ComplaintRow):
        raise InvalidInputError("row", row, "must be a ComplaintRow")
    if row.complaint_id != complaint_id:
        raise InvalidInputError(
            "row.complaint_id", row.complaint_id, f"must be {complaint_id!r}, the stream appended"
        )
    if row.version != new_version:
        raise InvalidInputError(
            "row.version", row.version, f"must be the version after the append ({new_version})"
        )
    for index, message in enumerate(outbox):
        if not isinstance(message, OutboxMessage):
            raise InvalidInputError(f"outbox[{index}]", message, "must be an OutboxMessage")
        if message.complaint_id != complaint_id:
            raise InvalidInputError(
                f"outbox[{index}].complaint_id",
                message.complaint_id,
                f"must be {complaint_id!r}, the stream appended",
            )
        if not expected_version < message.event_seq <= new_version:
            raise InvalidInputError(
                f"outbox[{index}].event_seq",
                message.event_seq,
                f"must name one of the appended events ({expected_version + 1}..{new_version})",
            )
    return new_version


def check_batch(batch: Sequence[AppendRequest]) -> tuple[int, ...]:
    """Check every request of a batch; a complaint may appear only once per batch."""
    seen: set[str] = set()
    versions = []
    for index, request in enumerate(batch):
        if not isinstance(request, AppendRequest):
            raise InvalidInputError(f"batch[{index}]", request, "must be an AppendRequest")
        if request.complaint_id in seen:
            raise InvalidInputError(
                f"batch[{index}].complaint_id",
                request.complaint_id,
                "appears twice in one batch; merge its events into one request",
            )
        seen.add(request.complaint_id)
        versions.append(
            check_append(
                request.complaint_id,
                request.expected_version,
                request.events,
                request.row,
                request.outbox,
            )
        )
    return tuple(versions)


def check_query(
    limit: int,
    offset: int,
    *,
    submitted_from: datetime | None = None,
    submitted_until: datetime | None = None,
    filters: Mapping[str, str | Sequence[str] | None] | None = None,
) -> tuple[datetime | None, datetime | None]:
    """Reject bad paging, naive bounds or unclean filter text; return the bounds in UTC.

    ``limit`` must be 1 to :data:`COUNT_MAX`, ``offset`` 0 to :data:`COUNT_MAX`. Each
    value of ``filters`` (named by its parameter, e.g. ``{"title_contains": ...}``) must
    be text, or a sequence of texts, without NUL, control characters or lone surrogates,
    so that no store ever sees what PostgreSQL would refuse (decision 0140).
    """
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= COUNT_MAX:
        raise InvalidInputError("limit", limit, f"must be a whole number from 1 to {COUNT_MAX}")
    if not _is_count(offset) or offset > COUNT_MAX:
        raise InvalidInputError("offset", offset, f"must be a whole number from 0 to {COUNT_MAX}")
    for name, value in (filters or {}).items():
        for text in (value,) if value is None or isinstance(value, str) else value:
            if text is not None and not isinstance(text, str):
                raise InvalidInputError(name, text, "must be text")
            if text is not None:
                check_clean(name, text)
    low = None if submitted_from is None else to_utc("submitted_from", submitted_from)
    high = None if submitted_until is None else to_utc("submitted_until", submitted_until)
    return low, high


def query_order(
    *,
    overdue_as_of: date | None,
    region_prefix: str | None,
    newest_first: bool,
    action_due_by: date | None = None,
) -> str:
    """The order a query's rows come in: ``newest``, ``due``, ``action``, ``region`` or ``id``.

    ``newest``: ``(submitted_at, complaint_id)`` descending, undated rows last; ``due``:
    ``(next_due, complaint_id)``; ``action``: ``(next_action, complaint_id)``; ``region``:
    ``(region, complaint_id)``; ``id``: ``complaint_id`` (decisions 0051, 0181).
    """
    if newest_first:
        return "newest"
    if overdue_as_of is not None:
        return "due"
    if action_due_by is not None:
        return "action"
    if region_prefix:
        return "region"
    return "id"


def query_plan(q: RowQuery) -> tuple[str, ComplaintRow | None]:
    """The order of ``q``'s rows (:func:`query_order`) and its checked keyset ``after`` row
    (:func:`check_after`): what every store works out first for a query."""
    order = query_order(
        overdue_as_of=q.overdue_as_of,
        region_prefix=q.region_prefix,
        newest_first=q.newest_first,
        action_due_by=q.action_due_by,
    )
    return order, check_after(q.after, q.offset, order)


def check_after(after: object, offset: int, order: str) -> ComplaintRow | None:
    """Reject a keyset ``after`` that is not a row, comes with an ``offset`` or lacks the
    column its order needs (``next_due`` for the overdue order); return it."""
    if after is None:
        return None
    if not isinstance(after, ComplaintRow):
        raise InvalidInputError(
            "after", after, "must be a ComplaintRow (the last row of the previous page)"
        )
    if offset:
        raise InvalidInputError(
            "after", after.complaint_id, f"cannot be combined with offset ({offset}); use one"
        )
    if order == "due" and after.next_due is None:
        raise InvalidInputError(
            "after.next_due",
            None,
            f"row {after.complaint_id!r} has no next_due, so it is not in the overdue order",
        )
    if order == "action" and after.next_action is None:
        raise InvalidInputError(
            "after.next_action",
            None,
            f"row {after.complaint_id!r} has no next_action, so it is not in the action order",
        )
    return after


def check_reschedule(
    changes: Sequence[tuple[str, int, date | None]],
) -> list[tuple[str, int, date | None]]:
    """Check ``(complaint_id, version, next_action)`` triples for :meth:`Store.reschedule`."""
    out = []
    for index, change in enumerate(changes):
        if not isinstance(change, tuple) or len(change) != 3:
            raise InvalidInputError(
                f"changes[{index}]", change, "must be (complaint_id, version, next_action)"
            )
        complaint_id, version, day = change
        if not isinstance(complaint_id, str) or not complaint_id:
            raise InvalidInputError(
                f"changes[{index}].complaint_id", complaint_id, "must be a non-empty string"
            )
        if not _is_count(version) or version < 1:
            raise InvalidInputError(
                f"changes[{index}].version", version, "must be a whole number >= 1"
            )
        if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
            raise InvalidInputError(
                f"changes[{index}].next_action", day, "must be a datetime.date or None"
            )
        out.append((complaint_id, version, day))
    return out


def load_many(store: Store, complaint_ids: Sequence[str]) -> dict[str, tuple[Event, ...]]:
    """``store.load_many(complaint_ids)``, or one :meth:`Store.load` per id for a
    third-party store that predates :meth:`Store.load_many` (decision 0180)."""
    batched = getattr(store, "load_many", None)
    if batched is not None:
        found: dict[str, tuple[Event, ...]] = batched(complaint_ids)
        return found
    return {complaint_id: store.load(complaint_id) for complaint_id in dict.fromkeys(complaint_ids)}


def store_scheme(url: str) -> str:
    """Return the lower-cased scheme of a store URL, or raise MalformedStoreUrlError."""
    if not isinstance(url, str) or "://" not in url:
        raise MalformedStoreUrlError(
            "db",
            url,
            "a store URL looks like scheme://location",
            hint="e.g. sqlite:///sp4n.db, memory:// or postgresql://user@host/db",
        )
    for text in (url, unquote(url, errors="surrogateescape")):
        try:
            check_clean("db", text)
        except InvalidInputError as exc:
            raise MalformedStoreUrlError(
                "db", url, f"{exc.rule}, also not percent-encoded (%00)"
            ) from None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise MalformedStoreUrlError("db", url, f"cannot be parsed as a URL ({exc})") from exc
    if not scheme:
        raise MalformedStoreUrlError("db", url, "the URL has no scheme before ://")
    return scheme


def open_store(
    url: str = DEFAULT_STORE_URL,
    *,
    pm: pluggy.PluginManager | None = None,
    clock: Clock | None = None,
) -> Store:
    """Open the store at ``url`` through the storage adapter registered for its scheme.

    :param url: ``memory://``, ``sqlite:///path`` (the default ``sqlite:///sp4n.db``),
        ``postgresql://user@host:port/db`` or a scheme a plugin registers.
    :param pm: the plugin manager to ask for storage adapters; a fresh
        :func:`plugin_manager` when ``None``.
    :param clock: stamps outbox deliveries when no instant is given; the wall clock by default.
    :raises MalformedStoreUrlError: ``url`` is not ``scheme://...``.
    :raises UnknownStoreSchemeError: no adapter handles the scheme.
    :raises StoreUnavailableError: the store cannot be reached or opened.
    :raises SchemaVersionError: the database was written by a newer sp4n.
    """
    from sp4n.adapters._manager import Adapters, plugin_manager

    scheme = store_scheme(url)
    factories = Adapters(pm if pm is not None else plugin_manager()).storage_factories()
    factory = factories.get(scheme)
    if factory is None:
        raise UnknownStoreSchemeError(
            "db",
            url,
            f"no storage adapter handles the scheme {scheme!r}",
            hint=f"registered schemes: {', '.join(sorted(factories)) or 'none'}",
        )
    if clock is None:
        from sp4n._wallclock import system_clock

        clock = system_clock
    return factory(url, clock=clock)
