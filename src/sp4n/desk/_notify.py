"""Who hears about each event, at which address, and the rendered outbox messages.

Messages are rendered when the event is appended (decision 0060) with the lifecycle's
privacy rules (:func:`sp4n.lifecycle.render_notification`):

- the reporter of an anonymous complaint is reached only through the relay handle
  (``pelapor@<tracking id>``): the message is ``sealed`` and the dispatcher resolves the
  handle to their contact at delivery (decision 0132); nobody else ever gets it;
- the agency's liaison is reached at the directory contact of the handling agency;
- the admin is the complaint coordinator of the complaint's region (regency, else
  province, else the national coordinator) from the directory.

No message to a liaison or an admin carries reporter contact details in any field.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import attrs

from sp4n.adapters import OutboxMessage
from sp4n.lifecycle import Complaint, Event, EventType, Role, Visibility, render_notification
from sp4n.routing import Agency, AuthorityLevel, Directory
from sp4n.texts import text

__all__ = ["RECIPIENTS", "Recipients", "messages_for", "sealed_contact"]

_R, _L, _A = Role.REPORTER, Role.LIAISON, Role.ADMIN
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")

RECIPIENTS: Mapping[str, tuple[Role, ...]] = {
    EventType.SUBMITTED: (_R, _A),
    EventType.VERIFIED: (_R,),
    EventType.HELD: (_R,),
    EventType.ARCHIVED: (_R,),
    EventType.FORWARDED: (_L, _R),
    EventType.RETURNED: (_A, _R),
    EventType.ACKNOWLEDGED: (_R,),
    EventType.INFO_REQUESTED: (_R,),
    EventType.INFO_PROVIDED: (_L,),
    EventType.FOLLOWED_UP: (_R, _A),
    EventType.REPORTER_REPLIED: (_L, _A),
    EventType.ADMIN_REPLIED: (_L, _R),
    EventType.COMPLETED: (_R, _L),
    EventType.RATED: (_L,),
    EventType.REOPENED: (_L, _R),
    EventType.EXTENDED: (_R,),
    EventType.ESCALATED: (_A, _L),
    EventType.MERGED: (_R,),
    EventType.DISPOSED: (Role.UNIT,),
    EventType.FOLLOW_UP_DRAFTED: (_L,),
}
"""Roles notified of each event type (decision 0072). Others notify nobody."""


@attrs.frozen
class _Address:
    role: Role
    address: str
    name: str | None
    sealed: str | None = None
    """For a relay handle: the contact behind it, only to pick the notifier (never stored)."""


def sealed_contact(complaint: Complaint) -> str | None:
    """The contact an anonymous reporter's relay handle stands for (e-mail, else phone).

    Read only when a message is delivered, never stored with the message (decision 0132).
    """
    reporter = complaint.reporter
    return reporter.email or reporter.phone


def _via(address: str, notifiers: Collection[str], channel: str | None = None) -> str | None:
    """The notifier an address needs, when the Desk has one for its kind.

    A phone number goes by WhatsApp when the complaint came by WhatsApp and the Desk has
    that notifier, else by SMS (decision 0200): SMS reporters are told by SMS.
    """
    if address.startswith(("http://", "https://")) and "webhook" in notifiers:
        return "webhook"
    if "@" in address and "." in address.rsplit("@", 1)[1] and "smtp" in notifiers:
        return "smtp"
    if _PHONE.match(address.replace(" ", "").replace("-", "")):
        if channel == "whatsapp" and "whatsapp" in notifiers:
            return "whatsapp"
        if "sms" in notifiers:
            return "sms"
    return None


def _coordinator(directory: Directory, region: str) -> Agency | None:
    candidates = (
        (AuthorityLevel.KABUPATEN_KOTA, region[:5] if len(region) >= 5 else None),
        (AuthorityLevel.PROVINSI, region[:2]),
        (AuthorityLevel.PUSAT, None),
    )
    for level, code in candidates:
        if level is not AuthorityLevel.PUSAT and code is None:
            continue
        found = directory.coordinators(level, code)
        if found:
            return found[0]
    return None


@attrs.frozen
class Recipients:
    """Resolves a role to an address for one complaint, using the agency directory."""

    directory: Directory

    def reporter(self, complaint: Complaint) -> _Address:
        """The reporter: only the relay handle when anonymous, else their own contact."""
        reporter = complaint.reporter
        if complaint.visibility is Visibility.ANONYMOUS:
            return _Address(
                Role.REPORTER, complaint.relay_handle, None, sealed_contact(complaint) or ""
            )
        address = reporter.email or reporter.phone or complaint.relay_handle
        return _Address(Role.REPORTER, address, reporter.name)

    def liaison(self, agency_id: str | None) -> _Address | None:
        """The liaison (pejabat penghubung) of ``agency_id`` from the directory contact."""
        if agency_id is None:
            return None
        if agency_id in self.directory:
            contact = self.directory.get(agency_id).contact
            if contact.email:
                return _Address(Role.LIAISON, contact.email, contact.name or None)
        return _Address(Role.LIAISON, f"penghubung@{agency_id}", None)

    def agency_name(self, complaint: Complaint, event: Event) -> str | None:
        """The directory name of the agency an event is about, ``None`` if not listed."""
        agency = complaint.agency or event.payload.get("agency")
        if agency is None or str(agency) not in self.directory:
            return None
        return self.directory.get(str(agency)).name

    def admin(self, complaint: Complaint) -> _Address | None:
        """The complaint coordinator (admin) for the complaint's region."""
        agency = _coordinator(self.directory, complaint.region)
        if agency is None:
            return None
        contact = agency.contact
        return _Address(Role.ADMIN, contact.email or f"admin@{agency.id}", contact.name or None)

    def unit(self, complaint: Complaint) -> _Address | None:
        """The work unit the complaint is disposed to, at its directory contact."""
        agency, unit = complaint.agency, complaint.unit
        if agency is None or unit is None:
            return None
        if agency in self.directory:
            found = next((u for u in self.directory.get(agency).units if u.id == unit), None)
            if found is not None and found.contact.email:
                return _Address(Role.UNIT, found.contact.email, found.contact.name or None)
        return _Address(Role.UNIT, f"unit-{unit}@{agency}", None)

    def resolve(self, complaint: Complaint, event: Event, role: Role) -> _Address | None:
        """The address ``role`` is reached at for ``event``, ``None`` when nobody fills it."""
        if role is Role.REPORTER:
            return self.reporter(complaint)
        if role is Role.UNIT:
            return self.unit(complaint)
        if role is Role.ADMIN:
            return self.admin(complaint)
        agency = complaint.agency or event.payload.get("agency")
        return self.liaison(None if agency is None else str(agency))


def messages_for(
    complaint: Complaint,
    events: Sequence[Event],
    recipients: Recipients,
    *,
    notifiers: Collection[str] = (),
    lang: str = "id",
) -> list[OutboxMessage]:
    """Render the outbox messages the new ``events`` of ``complaint`` cause.

    ``complaint`` is the state after all of ``events``. The idempotency key of each message
    is ``"<complaint id>:<seq>:<role>:<address>"``.
    """
    out: list[OutboxMessage] = []
    for event in events:
        for role in RECIPIENTS.get(event.type, ()):
            target = recipients.resolve(complaint, event, role)
            if target is None:
                continue
            body = render_notification(
                complaint, event, role, lang, agency_name=recipients.agency_name(complaint, event)
            )
            payload: dict[str, Any] = {
                "address": target.address,
                "subject": text(
                    "notification.subject",
                    lang,
                    tracking=complaint.tracking_id,
                    status=complaint.status.label_in(lang),
                ),
                "body": body,
                "lang": lang,
                "data": {
                    "tracking_id": complaint.tracking_id,
                    "event": event.type,
                    "status": complaint.status.value,
                    "agency": complaint.agency,
                },
            }
            if target.name:
                payload["name"] = target.name
            if target.sealed is not None:
                payload["sealed"] = True  # resolved at delivery only (decision 0132)
            channel = complaint.channel if role is Role.REPORTER else None
            via = _via(target.sealed or target.address, notifiers, channel)
            if via is not None:
                payload["via"] = via
            out.append(
                OutboxMessage(
                    id=f"{complaint.complaint_id}:{event.seq}:{role.value}:{target.address}",
                    complaint_id=complaint.complaint_id,
                    event_seq=event.seq,
                    recipient_role=role.value,
                    template=f"{event.type}.{role.value}",
                    payload=payload,
                    created_at=event.occurred_at,
                )
            )
    return out
