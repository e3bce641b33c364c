"""Event sourcing: submit a draft, apply an event, replay a history.

A complaint's state is the fold of its events. :func:`apply` validates the
payload, checks the table row, the actor's role and scope and the row's guard,
and only then appends one event (next ``seq``) and folds it. A refused event
raises and leaves nothing behind: the complaint passed in is immutable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Protocol

import attrs

from sp4n._time import to_utc
from sp4n.errors import InvalidInputError, PermissionDenied, TransitionError
from sp4n.lifecycle._events import Actor, Event, EventType, Role
from sp4n.lifecycle._ids import complaint_uuid, event_id, tracking_id_for
from sp4n.lifecycle._model import Complaint, ComplaintDraft, Tier, Visibility
from sp4n.lifecycle._roles import check_scope
from sp4n.lifecycle._rules import DEFAULT_RULES, GUARDS, LifecycleRules, check_payload
from sp4n.lifecycle._table import LAPOR_TABLE, TransitionTable

__all__ = ["allowed_events", "apply", "replay", "submit"]

_FIELDS = tuple(a.name for a in attrs.fields(Complaint))


def submit(
    draft: ComplaintDraft,
    *,
    actor: Actor,
    at: datetime,
    complaint_id: str | None = None,
    tracking_id: str | None = None,
    table: TransitionTable = LAPOR_TABLE,
) -> Complaint:
    """Create a complaint from ``draft``: its first event is ``submitted`` (seq 1).

    ``complaint_id`` and ``tracking_id`` are derived deterministically when not given
    (see :func:`sp4n.lifecycle.tracking_id_for`). The actor is the reporter, or an
    admin or the system entering a report received on another channel.
    """
    if not isinstance(draft, ComplaintDraft):
        raise InvalidInputError("draft", draft, "must be a ComplaintDraft")
    at_utc = to_utc("at", at)
    if actor.role not in (Role.REPORTER, Role.ADMIN, Role.SYSTEM):
        raise PermissionDenied(
            actor.role.value, actor.scope, "submit", "reports come from reporters or intake"
        )
    if actor.role is Role.REPORTER and actor.id != draft.reporter.id:
        raise PermissionDenied(
            actor.role.value, actor.scope, "submit", "a reporter submits only as themselves"
        )
    cid = complaint_id or complaint_uuid(draft.reporter.id, at_utc, draft.title, draft.body)
    payload = draft.to_payload()
    payload["tracking_id"] = tracking_id or tracking_id_for(cid, at_utc)
    event = Event(
        complaint_id=cid,
        seq=1,
        type=EventType.SUBMITTED.value,
        occurred_at=at_utc,
        actor=actor,
        payload=payload,
        id=event_id(cid, 1),
    )
    return _from_submitted(event, draft, table)


def _from_submitted(event: Event, draft: ComplaintDraft, table: TransitionTable) -> Complaint:
    return Complaint(
        complaint_id=event.complaint_id,
        tracking_id=event.payload["tracking_id"],
        kind=draft.kind,
        title=draft.title,
        body=draft.body,
        region=draft.region,
        topic=draft.topic,
        channel=draft.channel,
        reporter=draft.reporter,
        submitted_at=event.occurred_at,
        status=table.initial,
        visibility=draft.visibility,
        location=draft.location,
        attachments=draft.attachments,
        history=(event,),
        version=1,
    )


def allowed_events(
    complaint: Complaint, actor: Actor | None = None, *, table: TransitionTable = LAPOR_TABLE
) -> tuple[str, ...]:
    """Events allowed in the complaint's status; with ``actor``, only those their role and
    scope permit (guards are not evaluated: they depend on the payload)."""
    rows = table.rows_from(complaint.status)
    if actor is None:
        return tuple(sorted({r.event.value for r in rows}))
    if not _in_scope(complaint, actor):
        return ()
    return tuple(sorted({r.event.value for r in rows if actor.role in r.roles}))


def _in_scope(complaint: Complaint, actor: Actor) -> bool:
    try:
        check_scope(complaint, actor, "act")
    except PermissionDenied:
        return False
    return True


def apply(
    complaint: Complaint,
    event_type: str,
    *,
    actor: Actor,
    at: datetime,
    payload: Mapping[str, Any] | None = None,
    rules: LifecycleRules = DEFAULT_RULES,
    table: TransitionTable = LAPOR_TABLE,
) -> Complaint:
    """Append one event to ``complaint`` and return the new complaint.

    Raises :class:`TransitionError` when the event is not allowed in the current
    status (or its guard refuses), :class:`PermissionDenied` when the actor's role
    or scope excludes it, :class:`InvalidInputError` for a bad payload or an
    instant earlier than the last event. Nothing is appended in any of these cases.
    """
    row = table.row(complaint.status, event_type)
    if row is None:
        raise TransitionError(
            complaint.complaint_id,
            complaint.status.value,
            str(event_type),
            table.allowed_events(complaint.status),
        )
    if actor.role not in row.roles:
        raise PermissionDenied(
            actor.role.value,
            actor.scope,
            row.event.value,
            f"in status {complaint.status.value} only {', '.join(sorted(row.roles))} may",
        )
    check_scope(complaint, actor, row.event.value)
    at_utc = to_utc("at", at)
    last = complaint.history[-1]
    if at_utc < last.occurred_at:
        raise InvalidInputError(
            "at", at, f"must not be earlier than the last event ({last.occurred_at.isoformat()})"
        )
    clean = check_payload(row.event, actor, payload or {})
    if row.guard is not None:
        reason = GUARDS[row.guard](complaint, actor, clean, rules)
        if reason is not None:
            raise TransitionError(
                complaint.complaint_id,
                complaint.status.value,
                row.event.value,
                table.allowed_events(complaint.status),
                reason=reason,
            )
    seq = complaint.version + 1
    event = Event(
        complaint_id=complaint.complaint_id,
        seq=seq,
        type=row.event.value,
        occurred_at=at_utc,
        actor=actor,
        payload=clean,
        id=event_id(complaint.complaint_id, seq),
    )
    changes = _changes(complaint, row.event, clean)
    changes["status"] = row.target
    changes["history"] = (*complaint.history, event)
    changes["version"] = seq
    return _derive(complaint, changes)


class _Counters(Protocol):
    @property
    def returned_by(self) -> tuple[str, ...]: ...
    @property
    def extensions(self) -> int: ...
    @property
    def reopenings(self) -> int: ...
    @property
    def escalations(self) -> tuple[str, ...]: ...


def _changes(c: _Counters, event: EventType, p: Mapping[str, Any]) -> dict[str, Any]:
    """Field updates (besides status/history/version) an event makes."""
    if event is EventType.FORWARDED:
        return {"agency": p["agency"]}
    if event is EventType.RETURNED:
        return {"agency": None, "returned_by": (*c.returned_by, p["agency"])}
    if event is EventType.VERIFIED:
        out: dict[str, Any] = {}
        if "tier" in p:
            out["tier"] = Tier(p["tier"])
        if "visibility" in p:
            out["visibility"] = Visibility(p["visibility"])
        return out
    if event is EventType.EXTENDED:
        out = {"extensions": c.extensions + 1}
        if "tier" in p:
            out["tier"] = Tier(p["tier"])
        return out
    if event is EventType.VISIBILITY_CHANGED:
        return {"visibility": Visibility(p["visibility"])}
    if event is EventType.ARCHIVED:
        return {"archive_reason": p["reason"]}
    if event is EventType.MERGED:
        return {"merged_into": p["into"]}
    if event is EventType.RATED:
        return {"rating": p["score"]}
    if event is EventType.REOPENED:
        return {"reopenings": c.reopenings + 1}
    if event is EventType.ESCALATED:
        return {"escalations": (*c.escalations, p["target"])}
    return {}


def _derive(complaint: Complaint, changes: Mapping[str, Any]) -> Complaint:
    """A copy of ``complaint`` with ``changes``, skipping the constructor's checks.

    Safe because every changed value was checked on the way in (payload checks,
    table rows) and every unchanged one was checked when the complaint was built.
    """
    new = object.__new__(Complaint)
    for name in _FIELDS:
        object.__setattr__(
            new, name, changes[name] if name in changes else getattr(complaint, name)
        )
    return new


def replay(events: Sequence[Event], *, table: TransitionTable = LAPOR_TABLE) -> Complaint:
    """Rebuild a complaint from its events (the first must be ``submitted``, seq 1).

    Checks that the events belong to one complaint, that ``seq`` runs 1, 2, 3... with
    no gap, that time never runs backwards and that every event is allowed by the
    table in the status it met. Roles and guards were checked when each event was
    appended and are not re-run.
    """
    if not events:
        raise InvalidInputError("events", (), "a history starts with a submitted event")
    first = events[0]
    if first.type != EventType.SUBMITTED or first.seq != 1:
        raise InvalidInputError(
            "events[0]", f"{first.type}#{first.seq}", "must be the submitted event with seq 1"
        )
    draft = ComplaintDraft.from_payload(first.payload)
    complaint = _from_submitted(first, draft, table)
    if len(events) == 1:
        return complaint
    state: dict[str, Any] = {}
    counters = SimpleNamespace(returned_by=(), extensions=0, reopenings=0, escalations=())
    status = complaint.status
    previous = first
    for number, event in enumerate(events[1:], start=2):
        if event.complaint_id != first.complaint_id or event.seq != number:
            raise InvalidInputError(
                f"events[{number - 1}]",
                f"{event.complaint_id}#{event.seq}",
                f"expected {first.complaint_id}#{number}: one complaint, seq without gaps",
            )
        if event.occurred_at < previous.occurred_at:
            raise InvalidInputError(
                f"events[{number - 1}].occurred_at", event.occurred_at, "time runs backwards"
            )
        row = table.row(status, event.type)
        if row is None:
            raise TransitionError(
                first.complaint_id, status.value, event.type, table.allowed_events(status)
            )
        changes = _changes(counters, row.event, event.payload)
        state.update(changes)
        counters.__dict__.update(changes)
        status = row.target
        state["status"] = status
        previous = event
    state["history"] = tuple(events)
    state["version"] = len(events)
    return _derive(complaint, state)
