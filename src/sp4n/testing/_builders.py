"""Builders for the values a store test needs: events, projection rows, outbox messages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sp4n.adapters import AppendRequest, ComplaintRow, OutboxMessage
from sp4n.lifecycle import Actor, Event, Role

__all__ = ["BASE_TIME", "make_event", "make_message", "make_request", "make_row"]

BASE_TIME = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
"""Monday 2 March 2026, 09:00 WIB: the instant the builders count from."""

_TYPES = ("submitted", "verified", "forwarded", "followed_up", "reporter_replied", "completed")


def make_event(
    complaint_id: str,
    seq: int,
    *,
    type: str | None = None,
    payload: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    """An event of ``complaint_id`` at ``seq`` (type follows the usual story unless given)."""
    kind = type or _TYPES[(seq - 1) % len(_TYPES)]
    body = dict(payload) if payload is not None else {"note": f"{kind} #{seq}", "seq": seq}
    return Event(
        complaint_id=complaint_id,
        seq=seq,
        type=kind,
        occurred_at=at or BASE_TIME + timedelta(hours=seq),
        actor=Actor(id=f"user-{seq % 3}", role=Role.ADMIN if seq > 1 else Role.REPORTER),
        payload=body,
    )


def make_row(complaint_id: str, version: int, **changes: Any) -> ComplaintRow:
    """The projection row of ``complaint_id`` at ``version``; keyword arguments override."""
    values: dict[str, Any] = {
        "complaint_id": complaint_id,
        "tracking_id": f"LAP-{complaint_id}",
        "status": _TYPES[(version - 1) % len(_TYPES)],
        "kind": "aduan",
        "topic": "infrastruktur.jalan",
        "region": "61.07",
        "agency": None,
        "title": f"Jalan rusak {complaint_id}",
        "visibility": "public",
        "next_due": date(2026, 3, 5),
        "updated_at": BASE_TIME + timedelta(hours=version),
        "version": version,
    }
    values.update(changes)
    return ComplaintRow(**values)


def make_message(
    complaint_id: str,
    event_seq: int,
    *,
    id: str | None = None,
    **changes: Any,
) -> OutboxMessage:
    """An outbox message caused by event ``event_seq`` of ``complaint_id``."""
    values: dict[str, Any] = {
        "id": id or f"{complaint_id}:{event_seq}:reporter",
        "complaint_id": complaint_id,
        "event_seq": event_seq,
        "recipient_role": "reporter",
        "template": "status_changed",
        "payload": {"complaint_id": complaint_id, "seq": event_seq},
        "created_at": BASE_TIME + timedelta(hours=event_seq),
    }
    values.update(changes)
    return OutboxMessage(**values)


def make_request(
    complaint_id: str, expected_version: int, count: int = 1, **row_changes: Any
) -> AppendRequest:
    """An append of ``count`` events after ``expected_version``, with a matching row."""
    events = tuple(
        make_event(complaint_id, seq)
        for seq in range(expected_version + 1, expected_version + count + 1)
    )
    row = make_row(complaint_id, expected_version + count, **row_changes)
    return AppendRequest(complaint_id, expected_version, events, row)
