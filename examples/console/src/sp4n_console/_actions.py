"""The console's actions: one Desk verb each, with the signed-in officer as the actor.

The form's ``version`` becomes ``expected_version``, so a stale form fails with
:class:`~sp4n.errors.ConcurrencyError` instead of acting on a changed complaint. Role and
scope are the Desk's to check.
"""

from __future__ import annotations

from collections.abc import Mapping

from sp4n import Desk
from sp4n.errors import (
    ConcurrencyError,
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    Sp4nError,
    TransitionError,
    UnknownAgencyError,
)
from sp4n.lifecycle import Complaint
from sp4n_console._officers import Officer
from sp4n_console._text import t

__all__ = ["http_status", "perform", "refusal"]

AMENDABLE = ("topic", "region", "kind", "title")
"""The fields the reclassify form may change (``Desk.amend``'s, decision 0152)."""

LIMITS = {"agency": 200, "unit": 200, "note": 2000, "reason": 2000, "question": 2000, "text": 5000}
"""Longest accepted value of each text field (characters)."""


def text_field(form: Mapping[str, str], name: str) -> str:
    """The stripped, non-empty value of ``name`` (at most :data:`LIMITS` characters)."""
    value = form.get(name, "")
    if not value.strip():
        raise InvalidInputError(name, value, "must not be empty")
    if len(value) > LIMITS[name] or "\x00" in value:
        raise InvalidInputError(
            name, value[:40] + "…", f"must be at most {LIMITS[name]} characters, without NUL"
        )
    return value.strip()


def perform(
    desk: Desk, officer: Officer, ref: str, action: str, form: Mapping[str, str]
) -> Complaint:
    """Run ``action`` on complaint ``ref`` as ``officer`` with the form's fields."""
    version_text = form.get("version", "")
    if not version_text.isdigit():
        raise InvalidInputError("version", version_text, "must be the form's version number")
    version, actor = int(version_text), officer.actor
    if action == "verify":
        tier = form.get("tier") or None
        return desk.verify(ref, tier=tier, actor=actor, expected_version=version)
    if action == "amend":
        reason = text_field(form, "reason")
        current = desk.get(ref)
        changed: dict[str, str | None] = {}
        for name in AMENDABLE:  # only the fields the officer changed go to the Desk
            value = form.get(name, "").strip()
            old = getattr(current, name)
            changed[name] = value if value and value != getattr(old, "value", old) else None
        return desk.amend(
            ref,
            reason=reason,
            topic=changed["topic"],
            region=changed["region"],
            kind=changed["kind"],
            title=changed["title"],
            actor=actor,
            expected_version=version,
        )
    if action == "forward":
        agency = text_field(form, "agency")
        suggested = desk.suggest(ref)
        if suggested.agency is not None and suggested.agency.id == agency:
            reasons = [reason.text for reason in suggested.reasons]
        else:  # the officer overrode the router: the event says so
            other = suggested.agency.id if suggested.agency is not None else "-"
            reasons = [f"saran router: {other}; dipilih petugas {officer.id}: {agency}"]
        return desk.forward(ref, agency, reasons=reasons, actor=actor, expected_version=version)
    if action == "hold":
        reason = text_field(form, "reason")
        return desk.hold(ref, reason, actor=actor, expected_version=version)
    if action == "return":
        reason = text_field(form, "reason")
        return desk.return_(ref, reason, actor=actor, expected_version=version)
    if action == "request_info":
        question = text_field(form, "question")
        return desk.request_info(ref, question, actor=actor, expected_version=version)
    if action == "follow_up":
        text = text_field(form, "text")
        return desk.follow_up(ref, text, actor=actor, expected_version=version)
    if action == "dispose":
        unit = text_field(form, "unit")
        note = text_field(form, "note") if form.get("note", "").strip() else None
        return desk.dispose(ref, unit, note=note, actor=actor, expected_version=version)
    if action == "draft_follow_up":
        text = text_field(form, "text")
        return desk.draft_follow_up(ref, text, actor=actor, expected_version=version)
    if action == "approve_follow_up":  # the draft's own wording unless the liaison changed it
        text = text_field(form, "text")
        draft = desk.get(ref).draft
        return desk.approve_follow_up(
            ref, text=None if text == draft else text, actor=actor, expected_version=version
        )
    raise InvalidInputError("action", action, "is not a console action")


def http_status(error: Sp4nError) -> str:
    """The HTTP status a refused action answers with."""
    if isinstance(error, PermissionDenied):
        return "403 Forbidden"
    if isinstance(error, UnknownAgencyError):  # a form's agency or unit the directory lacks
        return "400 Bad Request"
    if isinstance(error, NotFoundError):
        return "404 Not Found"
    if isinstance(error, (ConcurrencyError, TransitionError)):
        return "409 Conflict"
    if isinstance(error, InvalidInputError):
        return "400 Bad Request"
    return "409 Conflict"


def refusal(error: Sp4nError, lang: str) -> str:
    """What the officer reads when the Desk refuses: a sentence in ``lang`` saying what kind
    of refusal it is, then the Desk's own message (which names the field, value and rule)."""
    if isinstance(error, ConcurrencyError):
        key = "refused_stale"
    elif isinstance(error, PermissionDenied):
        key = "refused_permission"
    elif isinstance(error, TransitionError):
        key = "refused_status"
    elif isinstance(error, (InvalidInputError, UnknownAgencyError)):
        key = "refused_input"
    else:
        key = "error"
    return f"{t(key, lang)}. {error}"
