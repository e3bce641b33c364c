"""Citizen messages from two-way channels (WhatsApp, SMS) matched to their thread.

A message from a phone number with a complaint waiting for that reporter continues it
(decision 0200): ``awaiting_reporter`` or ``on_hold`` make it ``provide_info``,
``followed_up`` a ``reply`` (which hands the complaint back to the agency). Any other
message files a new complaint, read like an SMS 1708 (``#61.07``, ``#road``).
A tracking id in the message (``LAPOR-2026-AB12-CD34E``) picks the complaint when it is one of
that number's waiting complaints; otherwise, when several wait, the one updated last wins.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import attrs

from sp4n.adapters.channels import MEDIA_ONLY_TEXT, InboundMessage
from sp4n.errors import InvalidInputError, UnknownComplaintError
from sp4n.lifecycle import Actor, Complaint, EventType, Role, Status, tracking_id_is_valid

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk._desk import Desk

__all__ = ["THREAD_EVENTS", "Received", "receive", "same_phone"]

THREAD_EVENTS: dict[Status, str] = {
    Status.AWAITING_REPORTER: EventType.INFO_PROVIDED,
    Status.ON_HOLD: EventType.INFO_PROVIDED,
    Status.FOLLOWED_UP: EventType.REPORTER_REPLIED,
}
"""The event a reporter's message becomes, by the status of the complaint it continues."""

_PAGE = 500
_TRACKING = re.compile(r"\bLAPOR-[0-9]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}\b", re.IGNORECASE)


@attrs.frozen
class Received:
    """What :meth:`sp4n.Desk.receive` did with one message.

    :param action: ``submitted`` (a new complaint), ``info_provided`` or ``reporter_replied``.
    :param complaint: the complaint after the message.
    """

    action: str
    complaint: Complaint


def _digits(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "62" + digits[1:] if digits.startswith("0") else digits


def same_phone(a: str | None, b: str | None) -> bool:
    """Whether two phone numbers are one (``+62812...``, ``62812...`` and ``0812...`` are)."""
    return bool(a and b) and _digits(str(a)) == _digits(str(b))


def _named(desk: Desk, phone: str, text: str) -> Complaint | None:
    """A waiting complaint of ``phone`` whose tracking id ``text`` names, if any."""
    for found in _TRACKING.findall(text):
        ref = found.upper()
        if not tracking_id_is_valid(ref):
            continue
        try:
            complaint = desk.get(ref)
        except UnknownComplaintError:
            continue
        if complaint.status in THREAD_EVENTS and same_phone(complaint.reporter.phone, phone):
            return complaint
    return None


def waiting_for(desk: Desk, phone: str, text: str = "") -> Complaint | None:
    """The complaint of ``phone``'s reporter that waits for them: the one ``text`` names by
    tracking id, else the one updated last; ``None`` when none waits."""
    named = _named(desk, phone, text)
    if named is not None:
        return named
    best: tuple[Any, Complaint] | None = None
    statuses = sorted(status.value for status in THREAD_EVENTS)
    offset = 0
    while True:
        rows = desk.store.query(statuses=statuses, limit=_PAGE, offset=offset)
        for row in rows:
            complaint = desk.get(row.complaint_id)
            if same_phone(complaint.reporter.phone, phone) and (
                best is None or row.updated_at > best[0]
            ):
                best = (row.updated_at, complaint)
        if len(rows) < _PAGE:
            return None if best is None else best[1]
        offset += _PAGE


def receive(desk: Desk, message: InboundMessage, *, default_region: str) -> Received:
    """Continue the thread ``message`` belongs to, or file it as a new complaint."""
    if not isinstance(message, InboundMessage):
        raise InvalidInputError("message", type(message).__name__, "must be an InboundMessage")
    complaint = waiting_for(desk, message.sender, message.text)
    if complaint is None:
        filed = desk.submit(message.intake(default_region))
        return Received(action=str(EventType.SUBMITTED), complaint=filed)
    event = THREAD_EVENTS[complaint.status]
    payload: dict[str, Any] = {
        "text": message.text.strip() or MEDIA_ONLY_TEXT,
        "channel": message.channel,
    }
    if message.external_id is not None:
        payload["message_id"] = message.external_id
    actor = Actor(id=complaint.reporter.id, role=Role.REPORTER)
    updated = desk._act(complaint, event, actor, message.received_at, payload)
    return Received(action=str(event), complaint=updated)
