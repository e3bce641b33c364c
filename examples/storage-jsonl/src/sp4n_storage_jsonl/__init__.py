"""A storage plugin for sp4n: complaints in a JSON-lines journal guarded by ``fcntl`` locks.

Registered through the ``sp4n`` entry-point group (see pyproject.toml) for the scheme
``jsonl://``: ``jsonl:///relative/dir`` or ``jsonl:////absolute/dir``.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import sp4n
from sp4n.adapters import (
    AppendRequest,
    ComplaintRow,
    FactsRow,
    MemoryStore,
    OutboxMessage,
    RowQuery,
    check_batch,
    check_reschedule,
)
from sp4n.errors import MalformedStoreUrlError, StoreUnavailableError
from sp4n.lifecycle import Event

__all__ = ["JsonlStore", "sp4n_register_storage"]

JOURNAL = "journal.jsonl"
LOCK = "journal.lock"


def directory_of(url: str) -> Path:
    """Return the directory a ``jsonl:///dir`` URL names."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "jsonl" or parts.netloc or len(parts.path) < 2:
        raise MalformedStoreUrlError(
            "db", url, "a JSON-lines store URL is jsonl:///relative/dir or jsonl:////absolute/dir"
        )
    return Path(unquote(parts.path[1:]))


class JsonlStore:
    """An :class:`sp4n.adapters.Store` whose single source of truth is ``journal.jsonl``."""

    def __init__(self, url: str, *, clock: Any) -> None:
        self.url = url
        self._clock = clock
        self._dir = directory_of(url)
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self._dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
            self._journal = open(self._dir / JOURNAL, "a+b")  # noqa: SIM115 - kept open
        except OSError as exc:
            raise StoreUnavailableError(url, str(exc)) from exc
        self._index = MemoryStore(url, clock=clock)
        self._offset = 0

    # -- the journal ---------------------------------------------------------------------------

    @contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        fcntl.flock(self._lock_fd, mode)
        try:
            self._catch_up()
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _catch_up(self) -> None:
        """Replay complete lines written since we last looked (by us or another process)."""
        self._journal.seek(self._offset)
        for line in self._journal:
            if not line.endswith(b"\n"):
                break  # an unfinished transaction of a crashed writer: not committed
            self._apply(json.loads(line))
            self._offset += len(line)

    def _apply(self, record: dict[str, Any]) -> int:
        op = record["op"]
        if op == "reschedule":
            return self._index.reschedule(
                [
                    (cid, version, None if day is None else date.fromisoformat(day))
                    for cid, version, day in record["changes"]
                ]
            )
        if op == "append":
            self._index.append_many(
                [
                    AppendRequest(
                        request["complaint_id"],
                        request["expected_version"],
                        tuple(Event.from_dict(e) for e in request["events"]),
                        ComplaintRow.from_dict(request["row"]),
                        tuple(OutboxMessage.from_dict(m) for m in request["outbox"]),
                    )
                    for request in record["requests"]
                ]
            )
        elif op == "delivered":
            self._index.mark_delivered(record["id"], at=datetime.fromisoformat(record["at"]))
        else:
            self._index.mark_failed(
                record["id"],
                error=record["error"],
                retry_at=datetime.fromisoformat(record["retry_at"]),
            )
        return 0

    def _commit(self, record: dict[str, Any]) -> int:
        """Apply to the index, then make it durable as one line (under the exclusive lock)."""
        result = self._apply(record)  # raises (ConcurrencyError, ...) before anything is written
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        try:
            self._journal.truncate(self._offset)  # cut a crashed writer's unfinished line
            self._journal.seek(self._offset)
            self._journal.write(line)
            self._journal.flush()
            os.fsync(self._journal.fileno())
        except OSError as exc:
            self._index = MemoryStore(self.url, clock=self._clock)  # rebuild from disk
            self._offset = 0
            raise StoreUnavailableError(self.url, f"cannot write the journal: {exc}") from exc
        self._offset += len(line)
        return result

    # -- the Store protocol --------------------------------------------------------------------

    def append(
        self,
        complaint_id: str,
        expected_version: int,
        events: Sequence[Event],
        *,
        row: ComplaintRow,
        outbox: Sequence[OutboxMessage] = (),
    ) -> int:
        """Append one complaint's events (one journal line)."""
        request = AppendRequest(complaint_id, expected_version, tuple(events), row, tuple(outbox))
        return self.append_many([request])[0]

    def append_many(self, batch: Sequence[AppendRequest]) -> tuple[int, ...]:
        """Append several complaints' events as one journal line: all or nothing."""
        versions = check_batch(batch)
        if not batch:
            return ()
        record = {
            "op": "append",
            "requests": [
                {
                    "complaint_id": request.complaint_id,
                    "expected_version": request.expected_version,
                    "events": [event.to_dict() for event in request.events],
                    "row": request.row.to_dict(),
                    "outbox": [message.to_dict() for message in request.outbox],
                }
                for request in batch
            ],
        }
        with self._locked(fcntl.LOCK_EX):
            self._commit(record)
        return versions

    def load(self, complaint_id: str) -> tuple[Event, ...]:
        """The complaint's events in order."""
        with self._locked(fcntl.LOCK_SH):
            return self._index.load(complaint_id)

    def load_many(self, complaint_ids: Sequence[str]) -> dict[str, tuple[Event, ...]]:
        """Several complaints' events under one shared lock."""
        with self._locked(fcntl.LOCK_SH):
            return self._index.load_many(complaint_ids)

    def version(self, complaint_id: str) -> int:
        """The stream version (0 when unknown)."""
        with self._locked(fcntl.LOCK_SH):
            return self._index.version(complaint_id)

    def get(self, complaint_id: str) -> ComplaintRow | None:
        """The projection row."""
        with self._locked(fcntl.LOCK_SH):
            return self._index.get(complaint_id)

    def by_tracking_id(self, tracking_id: str) -> ComplaintRow | None:
        """The row with this tracking id."""
        with self._locked(fcntl.LOCK_SH):
            return self._index.by_tracking_id(tracking_id)

    accepts_row_query = True
    """``query`` takes a :class:`sp4n.adapters.RowQuery`."""

    def query(self, query: RowQuery | None = None, /, **filters: Any) -> list[ComplaintRow]:
        """Filtered rows, as :meth:`sp4n.adapters.Store.query`."""
        with self._locked(fcntl.LOCK_SH):
            return self._index.query(query, **filters)

    def report_facts(
        self,
        *,
        region_prefix: str | None = None,
        after: tuple[str, str] | None = None,
        updated_from: datetime | None = None,
        limit: int = 1000,
    ) -> list[FactsRow]:
        """What the compliance report reads, as :meth:`sp4n.adapters.Store.report_facts`."""
        with self._locked(fcntl.LOCK_SH):
            return self._index.report_facts(
                region_prefix=region_prefix, after=after, updated_from=updated_from, limit=limit
            )

    def reschedule(self, changes: Sequence[tuple[str, int, date | None]]) -> int:
        """Set rows' ``next_action`` (one journal line); returns how many rows moved."""
        checked = check_reschedule(changes)
        if not checked:
            return 0
        record = {
            "op": "reschedule",
            "changes": [
                [cid, version, None if day is None else day.isoformat()]
                for cid, version, day in checked
            ],
        }
        with self._locked(fcntl.LOCK_EX):
            return self._commit(record)

    def pending_outbox(self, *, limit: int = 100, now: datetime) -> list[OutboxMessage]:
        """Undelivered messages due at ``now``."""
        with self._locked(fcntl.LOCK_SH):
            return self._index.pending_outbox(limit=limit, now=now)

    def mark_delivered(self, message_id: str, *, at: datetime | None = None) -> None:
        """Record a delivery (one journal line)."""
        instant = self._clock() if at is None else at
        with self._locked(fcntl.LOCK_EX):
            self._commit({"op": "delivered", "id": message_id, "at": instant.isoformat()})

    def mark_failed(self, message_id: str, *, error: str, retry_at: datetime) -> None:
        """Record a failed attempt (one journal line)."""
        with self._locked(fcntl.LOCK_EX):
            self._commit(
                {"op": "failed", "id": message_id, "error": error, "retry_at": retry_at.isoformat()}
            )

    def close(self) -> None:
        """Close the journal and the lock file."""
        self._journal.close()
        os.close(self._lock_fd)


def open_jsonl(url: str, *, clock: Any) -> JsonlStore:
    """The factory registered for ``jsonl://``."""
    return JsonlStore(url, clock=clock)


@sp4n.hookimpl
def sp4n_register_storage(register: Any) -> None:
    """Register the ``jsonl`` scheme."""
    register("jsonl", open_jsonl)
