"""Event sourcing: submit a draft, apply an event, replay a history.

A complaint's state is the fold of its events. :func:`apply` validates the
payload, checks the table row, the actor's role and scope and the row's guard,
and only then appends one event (next ``seq``) and folds it. A refused event
raises and leaves nothing behind: the complaint passed in is immutable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sp4n._text import check_clean
from sp4n._time import to_utc
from sp4n.errors import InvalidInputError, PermissionDenied, TransitionError
from sp4n.lifecycle._events import Actor, Event, EventType, Role
from sp4n.lifecycle._ids import complaint_uuid, event_id, tracking_id_for
from sp4n.lifecycle._lifecycle_rules import DEFAULT_RULES, GUARDS, LifecycleRules, check_payload
from sp4n.lifecycle._model import Complaint, ComplaintDraft, Kind, Tier, Visibility
from sp4n.lifecycle._roles import check_scope, scope_problem
from sp4n.lifecycle._table import LAPOR_TABLE, TransitionTable

__all__ = ["allowed_events", "apply", "replay", "submit"]


def check_actor(actor: Actor) -> None:
    """Refuse an actor whose id, agency or region is not clean text (decision 0140).

    Checked where an actor appends an event, not when stored events are read back.
    """
    if not isinstance(actor.id, str) or not actor.id:
        raise InvalidInputError("actor.id", actor.id, "must be non-empty text")
    check_clean("actor.id", actor.id)
    for field, value in (("actor.agency", actor.agency), ("actor.region", actor.region)):
        if value is not None and not isinstance(value, str):
            raise InvalidInputError(field, value, "must be text or None")
        if value is not None:
            check_clean(field, value)


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
    check_actor(actor)
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
    return _from_submitted(event, table)


def _from_submitted(event: Event, table: TransitionTable) -> Complaint:
    """The complaint right after its ``submitted`` event (every field checked)."""
    p = event.payload
    for key in ("kind", "title", "body", "region", "topic", "channel", "reporter", "tracking_id"):
        if key not in p:
            raise InvalidInputError(f"payload.{key}", None, "is required in a submitted event")
    return Complaint(
        complaint_id=event.complaint_id,
        tracking_id=p["tracking_id"],
        kind=p["kind"],
        title=p["title"],
        body=p["body"],
        region=p["region"],
        topic=p["topic"],
        channel=p["channel"],
        reporter=p["reporter"],
        submitted_at=event.occurred_at,
        status=table.initial,
        visibility=p.get("visibility", Visibility.PUBLIC.value),
        location=p.get("location"),
        attachments=p.get("attachments") or (),
        service_received_on=p.get("service_received_on"),
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
    check_actor(actor)
    status = complaint.status
    row = table.index.get((status, event_type))
    if row is None:
        raise TransitionError(
            complaint.complaint_id, status.value, str(event_type), table.allowed_events(status)
        )
    name = row.event_name
    if actor.role not in row.roles:
        raise PermissionDenied(
            actor.role.value,
            actor.scope,
            name,
            f"in status {status.value} only {', '.join(sorted(row.roles))} may",
        )
    problem = scope_problem(complaint, actor)
    if problem is not None:
        raise PermissionDenied(actor.role.value, actor.scope, name, problem)
    at_utc = at if type(at) is datetime and at.tzinfo is UTC else to_utc("at", at)
    history = complaint.history
    if at_utc < history[-1].occurred_at:
        raise InvalidInputError(
            "at", at, f"must not be earlier than the last event ({history[-1].occurred_at})"
        )
    clean = check_payload(name, actor, payload or {})
    if row.guard is not None:
        reason = GUARDS[row.guard](complaint, actor, clean, rules)
        if reason is not None:
            raise TransitionError(
                complaint.complaint_id,
                status.value,
                name,
                table.allowed_events(status),
                reason=reason,
            )
    seq = complaint.version + 1
    cid = complaint.complaint_id
    event = Event._trusted(cid, seq, name, at_utc, actor, clean, event_id(cid, seq))
    fold = _FOLDS.get(name)
    changes = {} if fold is None else fold(complaint.__dict__, clean)
    changes["status"] = row.target
    changes["history"] = (*history, event)
    changes["version"] = seq
    return _derive(complaint, changes)


_TIERS: Mapping[str, Tier] = {t.value: t for t in Tier}
_VISIBILITIES: Mapping[str, Visibility] = {v.value: v for v in Visibility}

_Fold = Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]
"""(current fields, event payload) -> changed fields."""


def _verified(c: Mapping[str, Any], p: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "tier" in p:
        out["tier"] = _TIERS[p["tier"]]
    if "visibility" in p:
        out["visibility"] = _VISIBILITIES[p["visibility"]]
    return out


def _extended(c: Mapping[str, Any], p: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"extensions": c["extensions"] + 1}
    if "tier" in p:
        out["tier"] = _TIERS[p["tier"]]
    return out


def _amended(c: Mapping[str, Any], p: Mapping[str, Any]) -> dict[str, Any]:
    out = {field: change["new"] for field, change in p["changes"].items()}
    if "kind" in out:
        out["kind"] = Kind(out["kind"])
    return out


_FOLDS: Mapping[str, _Fold] = {
    EventType.AMENDED: _amended,
    EventType.FORWARDED: lambda c, p: {"agency": p["agency"], "unit": None, "draft": None},
    EventType.DISPOSED: lambda c, p: {"unit": p["unit"], "draft": None},
    EventType.FOLLOW_UP_DRAFTED: lambda c, p: {"draft": p["text"]},
    EventType.FOLLOWED_UP: lambda c, p: {"draft": None},
    EventType.RETURNED: lambda c, p: {
        "agency": None,
        "unit": None,
        "draft": None,
        "returned_by": (*c["returned_by"], p["agency"]),
    },
    EventType.VERIFIED: _verified,
    EventType.EXTENDED: _extended,
    EventType.VISIBILITY_CHANGED: lambda c, p: {"visibility": _VISIBILITIES[p["visibility"]]},
    EventType.ARCHIVED: lambda c, p: {"archive_reason": p["reason"]},
    EventType.MERGED: lambda c, p: {"merged_into": p["into"]},
    EventType.RATED: lambda c, p: {"rating": p["score"]},
    EventType.REOPENED: lambda c, p: {"reopenings": c["reopenings"] + 1},
    EventType.ESCALATED: lambda c, p: {"escalations": (*c["escalations"], p["target"])},
}
"""Field updates (besides status, history and version) each event type makes."""


def _derive(complaint: Complaint, changes: Mapping[str, Any]) -> Complaint:
    """A copy of ``complaint`` with ``changes``, skipping the constructor's checks.

    Safe because every changed value was checked on the way in (payload checks,
    table rows) and every unchanged one was checked when the complaint was built.
    """
    new = object.__new__(Complaint)
    object.__setattr__(new, "__dict__", {**complaint.__dict__, **changes})
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
    complaint = _from_submitted(first, table)
    if len(events) == 1:
        return complaint
    state = dict(complaint.__dict__)
    index = table.index
    status = complaint.status
    cid = first.complaint_id
    last_at = first.occurred_at
    number = 1
    for event in events[1:]:
        number += 1
        if event.seq != number or event.complaint_id != cid:
            raise InvalidInputError(
                f"events[{number - 1}]",
                f"{event.complaint_id}#{event.seq}",
                f"expected {cid}#{number}: one complaint, seq without gaps",
            )
        at = event.occurred_at
        if at < last_at:
            raise InvalidInputError(f"events[{number - 1}].occurred_at", at, "time runs backwards")
        last_at = at
        kind = event.type
        row = index.get((status, kind))
        if row is None:
            raise TransitionError(cid, status.value, kind, table.allowed_events(status))
        fold = _FOLDS.get(kind)
        if fold is not None:
            try:
                state.update(fold(state, event.payload))
            except KeyError as missing:
                raise InvalidInputError(
                    f"events[{number - 1}].payload.{missing.args[0]}",
                    None,
                    f"a {kind} event must carry it",
                ) from None
        status = row.target
    state["status"] = status
    state["history"] = tuple(events)
    state["version"] = number
    return _derive(complaint, state)
