"""Copy every complaint from one store into another, empty one (``sp4n migrate``).

The copy goes through the public :class:`~sp4n.adapters.Store` protocol only, so it works
between any two adapters (memory, SQLite, PostgreSQL, a plugin's): each complaint's events
and projection row, plus the outbox messages not yet delivered, are written into the target
with :meth:`~sp4n.adapters.Store.append_many` in batches, one transaction per batch.
Decision 0091 says what is copied and why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import attrs

from sp4n.adapters._query import RowQuery, query_rows
from sp4n.adapters._records import AppendRequest, ComplaintRow, OutboxMessage
from sp4n.adapters._store import Store, load_many
from sp4n.errors import ConcurrencyError, InvalidInputError, StoreNotEmptyError

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.adapters.blobs import BlobStore

__all__ = ["CopyReport", "copy_store", "redact_url"]

_END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)
"""``now`` for reading every undelivered message, also those held back until a retry."""
_ALL = 1_000_000_000
"""A limit no outbox reaches: pending messages are read in one call (the protocol pages
the outbox by delivering it, not by offset)."""


@attrs.frozen
class CopyReport:
    """What :func:`copy_store` copied.

    ``checksum`` is a digest of every complaint id and version in id order; the copy reads
    the target back at the end and compares it (``verified``).
    """

    source: str
    """The source URL, a password in it replaced by ``***``."""
    target: str
    """The target URL, likewise."""
    complaints: int
    events: int
    messages: int
    checksum: str
    verified: bool
    blobs: int = 0
    """Attachment blobs copied (``copy_store(..., blobs=(from, to))``; 0 without)."""

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (what ``sp4n migrate --json`` prints)."""
        return attrs.asdict(self)


def redact_url(url: str) -> str:
    """``url`` with a password replaced by ``***`` (for reports and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _pages(store: Store, size: int) -> Iterator[list[ComplaintRow]]:
    """Every projection row of ``store`` in ``complaint_id`` order, page by page."""
    after: ComplaintRow | None = None
    while rows := query_rows(store, RowQuery(limit=size, after=after)):
        yield rows
        after = rows[-1]  # keyset paging (decision 0180)


def _check_order(previous: str | None, rows: Sequence[ComplaintRow]) -> str | None:
    """Rows must come in strictly rising id order across pages; a repeat means a writer
    added a complaint before the current page while copying."""
    for row in rows:
        if previous is not None and row.complaint_id <= previous:
            raise ConcurrencyError(row.complaint_id, 0, row.version)
        previous = row.complaint_id
    return previous


def copy_store(
    source: Store,
    target: Store,
    *,
    batch: int = 1_000,
    progress: Callable[[int, int], None] | None = None,
    blobs: tuple[BlobStore, BlobStore] | None = None,
) -> CopyReport:
    """Copy every complaint of ``source`` into the empty store ``target``.

    Each complaint's events and projection row are written unchanged with
    :meth:`~sp4n.adapters.Store.append_many`, ``batch`` complaints per transaction, together
    with the complaint's outbox messages that are not delivered yet (delivered ones are not
    copied; decision 0091). Nobody is notified again: the copied messages are the ones still
    owed. Stop every writer of ``source`` first.

    :param batch: complaints per transaction in ``target`` (and per page read from
        ``source``).
    :param progress: called after each batch with (complaints, events) copied so far.
    :param blobs: ``(source blob store, target blob store)``: also copy the attachments'
        bytes, before the complaints (:func:`~sp4n.adapters.blobs.copy_blobs`; what the
        target holds already is skipped, so a copy that failed can simply be run again).
    :returns: the counts and the checksum, verified by reading ``target`` back.
    :raises StoreNotEmptyError: ``target`` already holds complaints or messages; nothing
        is written.
    :raises InvalidInputError: ``batch`` is not a whole number >= 1, or ``source`` and
        ``target`` are the same store.
    :raises ConcurrencyError: ``source`` changed during the copy (a writer was still running).
        The batches already written stay in ``target``: drop it and copy again.
    """
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        raise InvalidInputError("batch", batch, "must be a whole number >= 1")
    if source is target:
        raise InvalidInputError(
            "to", redact_url(target.url), "must be another store than the source"
        )
    found = query_rows(target, RowQuery(limit=1))
    if found:
        raise StoreNotEmptyError(
            redact_url(target.url), f"complaint {found[0].complaint_id!r} and maybe more"
        )
    if target.pending_outbox(limit=1, now=_END_OF_TIME):
        raise StoreNotEmptyError(redact_url(target.url), "undelivered outbox messages")

    copied_blobs = 0
    if blobs is not None:
        from sp4n.adapters.blobs import copy_blobs

        copied_blobs = copy_blobs(*blobs)

    owed: dict[str, list[OutboxMessage]] = {}
    for message in source.pending_outbox(limit=_ALL, now=_END_OF_TIME):
        owed.setdefault(message.complaint_id, []).append(message)
    for complaint_id in owed:
        if source.get(complaint_id) is None:
            raise InvalidInputError(
                "outbox.complaint_id",
                complaint_id,
                "an undelivered message of the source belongs to no complaint; nothing copied",
            )

    digest = hashlib.blake2b(digest_size=16)
    complaints = events = messages = 0
    previous: str | None = None
    for rows in _pages(source, batch):
        previous = _check_order(previous, rows)
        requests = []
        streams = load_many(source, [row.complaint_id for row in rows])
        for row in rows:
            stream = streams[row.complaint_id]
            if len(stream) != row.version or stream[-1].seq != row.version:
                raise ConcurrencyError(row.complaint_id, row.version, len(stream))
            mine = tuple(owed.pop(row.complaint_id, ()))
            requests.append(AppendRequest(row.complaint_id, 0, stream, row, mine))
            digest.update(f"{row.complaint_id}\x00{row.version}\n".encode())
            events += len(stream)
            messages += len(mine)
        target.append_many(requests)
        complaints += len(requests)
        if progress is not None:
            progress(complaints, events)
    if owed:  # a complaint with undelivered messages appeared after they were read
        raise ConcurrencyError(next(iter(owed)), 0, 0)

    check = hashlib.blake2b(digest_size=16)
    previous = None
    for rows in _pages(target, batch):
        previous = _check_order(previous, rows)
        for row in rows:
            check.update(f"{row.complaint_id}\x00{row.version}\n".encode())
    return CopyReport(
        blobs=copied_blobs,
        source=redact_url(source.url),
        target=redact_url(target.url),
        complaints=complaints,
        events=events,
        messages=messages,
        checksum=digest.hexdigest(),
        verified=check.digest() == digest.digest(),
    )
