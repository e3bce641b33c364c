"""Redacted projections of a complaint and notification texts (privacy in three tiers).

- ``public``: in the public feed with the reporter's name; contact details never leave
  the case file of the reporter and sp4n itself.
- ``anonymous`` (anonim): in the public feed; the reporter's identity (id, name,
  e-mail, phone) is hidden from everyone but the reporter and sp4n, the LAPOR!
  admin and the handling agency included. They reach the reporter through the
  relay handle (``pelapor@<tracking id>``), which sp4n delivers.
- ``confidential`` (rahasia): never in the public feed (:func:`public_view` returns
  ``None``); the admin and the handling agency see the reporter.

Views are read-only mappings of JSON-ready values.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sp4n.errors import InvalidInputError, PermissionDenied
from sp4n.lifecycle._events import Actor, Event, EventType, Role
from sp4n.lifecycle._model import Complaint, Visibility
from sp4n.lifecycle._roles import can_read
from sp4n.texts import catalogue, text

__all__ = ["INTERNAL_EVENTS", "public_view", "render_notification", "view_for"]

INTERNAL_EVENTS = frozenset({EventType.DISPOSED, EventType.FOLLOW_UP_DRAFTED})
"""Events inside the agency (disposition, a unit's draft): officers see them, the reporter
and the public do not; the reporter sees the follow-up once approved (decision 0201)."""


def _reporter_for(complaint: Complaint, *, full: bool, public: bool) -> dict[str, Any]:
    reporter = complaint.reporter
    if full:
        return reporter.to_dict()
    if complaint.visibility is Visibility.ANONYMOUS:
        return {"anonymous": True, "handle": None if public else complaint.relay_handle}
    if public:
        return {"anonymous": False, "name": reporter.name}
    return {"anonymous": False, **reporter.to_dict()}


def _event_view(
    complaint: Complaint, event: Event, reporter: Mapping[str, Any], *, public: bool
) -> dict[str, Any]:
    actor = event.actor
    shown: dict[str, Any] = {"role": actor.role.value}
    if actor.agency:
        shown["agency"] = actor.agency
    if not public:
        if actor.role is Role.REPORTER:
            shown["id"] = reporter.get("id") or reporter.get("handle")
        else:
            shown["id"] = actor.id
    payload = dict(event.payload)
    if "reporter" in payload:
        payload["reporter"] = dict(reporter)
    if public and payload.get("attachments"):  # where the files live stays internal
        payload["attachments"] = [
            {k: v for k, v in dict(a).items() if k != "ref"} for a in payload["attachments"]
        ]
    return {
        "seq": event.seq,
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": shown,
        "payload": payload,
    }


def _project(
    complaint: Complaint, *, full: bool, public: bool, internal: bool = False
) -> Mapping[str, Any]:
    reporter = _reporter_for(complaint, full=full, public=public)
    view: dict[str, Any] = {
        "complaint_id": complaint.complaint_id,
        "tracking_id": complaint.tracking_id,
        "kind": complaint.kind.value,
        "title": complaint.title,
        "body": complaint.body,
        "region": complaint.region,
        "topic": complaint.topic,
        "channel": complaint.channel,
        "visibility": complaint.visibility.value,
        "status": complaint.status.value,
        "status_label": complaint.status.label,
        "status_label_en": complaint.status.label_en,
        "agency": complaint.agency,
        "tier": None if complaint.tier is None else complaint.tier.value,
        "submitted_at": complaint.submitted_at.isoformat(),
        "rating": complaint.rating,
        "location": None if complaint.location is None else complaint.location.to_dict(),
        "attachments": [a.to_dict() for a in complaint.attachments],
        "reporter": reporter,
        "version": complaint.version,
        "history": [
            _event_view(complaint, e, reporter, public=public)
            for e in complaint.history
            if internal or e.type not in INTERNAL_EVENTS
        ],
    }
    if public:
        for attachment in view["attachments"]:
            attachment.pop("ref")
    else:
        view["returned_by"] = list(complaint.returned_by)
        view["escalations"] = list(complaint.escalations)
    return MappingProxyType(view)


def view_for(complaint: Complaint, actor: Actor) -> Mapping[str, Any]:
    """The case file as ``actor`` may see it; :class:`PermissionDenied` if they may not.

    The reporter and sp4n (role ``system``) see everything; other roles see the
    reporter's details unless the complaint is anonymous, in which case they see only
    the relay handle.
    """
    if not can_read(complaint, actor):
        raise PermissionDenied(
            actor.role.value, actor.scope, "read", "this complaint is outside their scope"
        )
    full = actor.role in (Role.REPORTER, Role.SYSTEM)
    internal = actor.role is not Role.REPORTER
    return _project(complaint, full=full, public=False, internal=internal)


def public_view(complaint: Complaint) -> Mapping[str, Any] | None:
    """The complaint as the public feed shows it, or ``None`` for a confidential one.

    Never contains a reporter id, e-mail or phone number, nor any official's id.
    """
    if complaint.visibility is Visibility.CONFIDENTIAL:
        return None
    return _project(complaint, full=False, public=True)


# -- notifications ------------------------------------------------------------------------------

_DETAIL_KEYS = ("text", "question", "reason", "comment")


def render_notification(
    complaint: Complaint,
    event: Event,
    role: Role | str,
    lang: str = "id",
    *,
    agency_name: str | None = None,
) -> str:
    """The message sp4n sends to someone in ``role`` about ``event`` (Indonesian by default).

    Texts for officials name the reporter only when the complaint is not anonymous
    (and then by name, never by contact details); the reporter of an anonymous
    complaint appears as "Anonim" with the relay handle, and a reporter who gave no name
    as "(tanpa nama)". ``agency_name`` (e.g. from the agency directory) is shown instead
    of the agency id when given.
    """
    if lang not in ("id", "en"):
        raise InvalidInputError("lang", lang, "must be 'id' (Indonesian) or 'en' (English)")
    role = Role(role)
    texts = catalogue()  # notification.<type>, else the generic text naming the event
    key = f"notification.{event.type}"
    key = key if key in texts else "notification.generic"
    if complaint.visibility is Visibility.ANONYMOUS and role is not Role.REPORTER:
        reporter = f"{text('reporter.anonymous', lang)} ({complaint.relay_handle})"
    else:
        reporter = complaint.reporter.name or text("reporter.no_name", lang)
    detail = next((str(event.payload[k]) for k in _DETAIL_KEYS if k in event.payload), "-")
    named = f"event_name.{event.type}"  # events without a text of their own; others keep their id
    event_name = text(named, lang) if named in texts else event.type
    values = {
        "tracking": complaint.tracking_id,
        "title": complaint.title,
        "agency": agency_name or complaint.agency or event.payload.get("agency") or "-",
        "reporter": reporter,
        "detail": detail,
        "event": event_name,
        "status": complaint.status.label_in(lang),
    }
    return text(key, lang, **values)
