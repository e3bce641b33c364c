"""Frozen values that cross the storage boundary: projection rows and outbox messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

import attrs

from sp4n._time import parse_date, to_utc
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import Event

__all__ = ["NEXT_ACTION_UNKNOWN", "AppendRequest", "ComplaintRow", "OutboxMessage"]

NEXT_ACTION_UNKNOWN = date(1970, 1, 1)
"""The ``next_action`` of a row written before schema 6 that has a ``next_due``: so early that
the next sweep reads it once and stores its real next action day (decision 0181)."""


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidInputError(attribute.name, value, "must be a non-empty string")


def _version(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInputError(attribute.name, value, "versions are whole numbers from 1")


def _utc(value: object) -> datetime:
    return to_utc("updated_at", value)


def _optional_utc(value: object) -> datetime | None:
    return None if value is None else to_utc("submitted_at", value)


def _optional_date(value: object) -> date | None:
    return None if value is None else parse_date("next_due", value)


def _action_date(value: object) -> date | None:
    return None if value is None else parse_date("next_action", value)


def _freeze(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _created_at(value: object) -> datetime:
    return to_utc("created_at", value)


def _retry_at(value: object) -> datetime | None:
    return None if value is None else to_utc("retry_at", value)


def _delivered_at(value: object) -> datetime | None:
    return None if value is None else to_utc("delivered_at", value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@attrs.frozen
class ComplaintRow:
    """The projection of one complaint that queries read, kept in step with its events.

    The caller (the lifecycle) computes the row from the complaint's state and passes it with
    every append; the store writes it in the same transaction as the events.

    :param complaint_id: the stream the row belongs to.
    :param tracking_id: the public tracking number, unique across the store.
    :param status: the lifecycle status after the appended events.
    :param kind: complaint kind (``aduan``, ``aspirasi``, ...).
    :param topic: topic id of the taxonomy.
    :param region: region code (``61.07``); queries match it by prefix.
    :param agency: the handling agency id, ``None`` before forwarding.
    :param title: the title shown in listings; ``title_contains`` searches it.
    :param visibility: ``public``, ``private`` or ``anonymous``.
    :param next_due: the earliest due date of a running clock, ``None`` when none runs.
    :param updated_at: aware instant of the last event (kept in UTC).
    :param version: the stream version the row reflects (the last event's ``seq``).
    :param submitted_at: aware instant the complaint was submitted (kept in UTC); lists
        filter and order by it. ``None`` for rows written before schema 3.
    :param listing: read-only, JSON-compatible values a public listing shows without
        replaying events (e.g. ``description``, ``lat``, ``lon``, ``address``,
        ``expected_at``, ``status_notes``; see decision 0063); empty when unknown.
    :param next_action: the first local date on which the sweep has something to do for
        the complaint (a warning, breach notice or escalation not yet recorded), ``None``
        when nothing is scheduled; the sweep reads only rows whose day has come (schema 6,
        decision 0181).
    :param facts: JSON-compatible figures the compliance report counts (decision 0184),
        computed by the Desk from the events with the row; empty when unknown (rows
        written before schema 6), and the report then reads the events instead.
    """

    complaint_id: str = attrs.field(validator=_non_empty)
    tracking_id: str = attrs.field(validator=_non_empty)
    status: str = attrs.field(validator=_non_empty)
    kind: str
    topic: str
    region: str
    agency: str | None
    title: str
    visibility: str
    next_due: date | None = attrs.field(converter=_optional_date)
    updated_at: datetime = attrs.field(converter=_utc)
    version: int = attrs.field(validator=_version)
    submitted_at: datetime | None = attrs.field(default=None, converter=_optional_utc)
    listing: Mapping[str, Any] = attrs.field(factory=dict, converter=_freeze)
    next_action: date | None = attrs.field(default=None, converter=_action_date)
    facts: Mapping[str, Any] = attrs.field(factory=dict, converter=_freeze)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (dates and instants as ISO 8601 strings)."""
        data = attrs.asdict(self, filter=lambda a, _v: a.name != "listing")
        data["next_due"] = None if self.next_due is None else self.next_due.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
        data["submitted_at"] = _iso(self.submitted_at)
        data["listing"] = dict(self.listing)
        data["facts"] = dict(self.facts)
        data["next_action"] = None if self.next_action is None else self.next_action.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ComplaintRow:
        """Rebuild a row from :meth:`to_dict` output."""
        values = dict(data)
        for key in ("updated_at", "submitted_at"):
            if isinstance(values.get(key), str):
                values[key] = datetime.fromisoformat(values[key])
        values["listing"] = dict(values.get("listing") or {})
        values["facts"] = dict(values.get("facts") or {})
        return cls(**values)


@attrs.frozen
class OutboxMessage:
    """A notification to deliver, written in the same transaction as the event that caused it.

    :param id: the idempotency key: enqueueing the same id twice keeps one message, and a
        delivered message is never handed out again.
    :param complaint_id: the complaint whose event caused it.
    :param event_seq: the ``seq`` of that event (one of the events appended with it).
    :param recipient_role: who it is for (``reporter``, ``liaison``, ``admin``, ...).
    :param template: the notification template id.
    :param payload: read-only, JSON-compatible values the template renders.
    :param created_at: aware instant it was enqueued (kept in UTC).
    :param attempts: failed delivery attempts so far.
    :param retry_at: not handed out before this instant, ``None`` for at once.
    :param delivered_at: when delivery succeeded, ``None`` while pending.
    :param last_error: the last delivery error, if any.
    """

    id: str = attrs.field(validator=_non_empty)
    complaint_id: str = attrs.field(validator=_non_empty)
    event_seq: int = attrs.field(validator=_version)
    recipient_role: str
    template: str
    payload: Mapping[str, Any] = attrs.field(converter=_freeze)
    created_at: datetime = attrs.field(converter=_created_at)
    attempts: int = 0
    retry_at: datetime | None = attrs.field(default=None, converter=_retry_at)
    delivered_at: datetime | None = attrs.field(default=None, converter=_delivered_at)
    last_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (instants as ISO 8601 strings)."""
        return {
            "id": self.id,
            "complaint_id": self.complaint_id,
            "event_seq": self.event_seq,
            "recipient_role": self.recipient_role,
            "template": self.template,
            "payload": dict(self.payload),
            "created_at": self.created_at.isoformat(),
            "attempts": self.attempts,
            "retry_at": _iso(self.retry_at),
            "delivered_at": _iso(self.delivered_at),
            "last_error": self.last_error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OutboxMessage:
        """Rebuild a message from :meth:`to_dict` output."""
        values = dict(data)
        for key in ("created_at", "retry_at", "delivered_at"):
            if isinstance(values.get(key), str):
                values[key] = datetime.fromisoformat(values[key])
        values["payload"] = dict(values.get("payload") or {})
        return cls(**values)


def _events(value: Sequence[Event]) -> tuple[Event, ...]:
    return tuple(value)


def _messages(value: Sequence[OutboxMessage]) -> tuple[OutboxMessage, ...]:
    return tuple(value)


@attrs.frozen
class AppendRequest:
    """One complaint's part of a batched :meth:`Store.append_many`; same rules as ``append``."""

    complaint_id: str
    expected_version: int
    events: tuple[Event, ...] = attrs.field(converter=_events)
    row: ComplaintRow
    outbox: tuple[OutboxMessage, ...] = attrs.field(default=(), converter=_messages)
