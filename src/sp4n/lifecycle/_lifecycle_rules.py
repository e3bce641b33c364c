"""Configurable lifecycle rules, the named guards of the table, and payload checks.

Guards are looked up by the name a :class:`~sp4n.lifecycle.Transition` row carries;
each returns ``None`` when the transition may happen or the reason it may not.
Payload checks normalise an event's payload and raise
:class:`~sp4n.errors.InvalidInputError` naming ``payload.<key>``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from sp4n._text import check_clean
from sp4n._time import parse_date
from sp4n.errors import InvalidInputError
from sp4n.lifecycle._events import Actor, EventType, Role
from sp4n.lifecycle._model import TIER_ORDER, Complaint, Tier, Visibility, _attachments
from sp4n.lifecycle._model import _kind as _model_kind
from sp4n.lifecycle._model import _region as _model_region
from sp4n.lifecycle._model import _title as _model_title
from sp4n.lifecycle._model import _topic as _model_topic
from sp4n.lifecycle._roles import in_region, scope_problem
from sp4n.sla import Policy

__all__ = [
    "AMENDABLE",
    "GUARDS",
    "ArchiveReason",
    "EscalationTarget",
    "LifecycleRules",
    "ReferralPolicy",
    "check_payload",
    "merge_target_problem",
    "visibility_change_problem",
]


class ArchiveReason(enum.StrEnum):
    """Why the admin archives a report (regulation.md §5, V3 guide action A4)."""

    UNCLEAR = "unclear"
    TOO_GENERAL = "too_general"
    NOT_PUBLIC_SERVICE = "not_public_service"
    DUPLICATE = "duplicate"
    SPAM = "spam"


class EscalationTarget(enum.StrEnum):
    """Where an escalation goes (regulation.md §5: superior first, then the Ombudsman)."""

    SUPERIOR = "superior"
    SUPERVISOR = "supervisor"
    OMBUDSMAN = "ombudsman"


class ReferralPolicy(enum.StrEnum):
    """What the forwarding clock does when an agency returns a complaint (decision 0042)."""

    RESTART = "restart"
    """Each forwarding starts a fresh T2 for the new agency."""
    CONTINUE = "continue"
    """T2 keeps counting from the first forwarding; returns do not buy time."""
    PER_AGENCY = "per_agency"
    """Each agency gets its own T2, and an overall reporter clock runs from the first one."""


@attrs.frozen(kw_only=True)
class LifecycleRules:
    """Knobs the regulations leave open; defaults per decisions 0040-0042.

    The extension caps default to the `lapor` policy's tier caps (one extension of at
    most 7 working days, SIPPN service standards [R]); a test keeps them in step.
    """

    max_extensions: int = 1
    """How many times one complaint's handling may be extended."""
    max_extension_working_days: int = 7
    """Most extra working days a single extension may grant."""
    max_reopenings: int = 1
    """How many times a completed complaint may be reopened."""
    referral: ReferralPolicy = attrs.field(default=ReferralPolicy.RESTART, converter=ReferralPolicy)
    """Forwarding clock after a return (decision 0042)."""
    referral_overall_working_days: int = 10
    """Length of the reporter's overall agency clock under ``per_agency`` (decision 0042)."""

    @classmethod
    def from_policy(cls, policy: Policy, **changes: Any) -> LifecycleRules:
        """Rules whose extension caps are ``policy``'s (the most generous of its rules' caps).

        A policy without extension caps allows none. ``changes`` set the other knobs.
        """
        caps = [rule.extension for rule in policy.rules if rule.extension is not None]
        return cls(
            **{
                "max_extensions": max((c.max_times for c in caps), default=0),
                "max_extension_working_days": max((c.max_working_days for c in caps), default=0),
                **changes,
            }
        )


DEFAULT_RULES = LifecycleRules()

Guard = Callable[[Complaint, Actor, Mapping[str, Any], LifecycleRules], str | None]


def _agency_has_not_returned_it(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    agency = payload["agency"]
    if agency in c.returned_by:
        return f"agency {agency!r} already returned it as not its authority (bukan wewenang)"
    return None


def _within_extension_caps(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    if c.extensions >= rules.max_extensions:
        return f"already extended {c.extensions} times (at most {rules.max_extensions})"
    tier = payload.get("tier")
    if tier is not None and c.tier is not None and TIER_ORDER[tier] < TIER_ORDER[c.tier]:
        return f"an extension cannot lower the tier from {c.tier.value} to {tier}"
    days = payload.get("working_days")
    if days is not None and days > rules.max_extension_working_days:
        return f"{days} working days exceeds the cap of {rules.max_extension_working_days}"
    return None


def _not_rated_yet(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    return None if c.rating is None else f"already rated {c.rating}"


def _within_reopen_limit(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    if c.agency is None:
        return "no agency to reopen it with"
    if c.reopenings >= rules.max_reopenings:
        return f"already reopened {c.reopenings} times (at most {rules.max_reopenings})"
    return None


def _escalation_target_allowed(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    target = payload["target"]
    if target == EscalationTarget.OMBUDSMAN and c.agency is None and not c.returned_by:
        return "the Ombudsman needs a prior complaint to the agency (UU 37/2008 Pasal 24(1)(c))"
    if target == EscalationTarget.SUPERIOR and c.agency is None:
        return "no agency yet, so no superior (atasan) to escalate to"
    if actor.role is Role.REPORTER and target != EscalationTarget.OMBUDSMAN:
        return "a reporter escalates only to the Ombudsman"
    return None


def _merge_target_is_another_complaint(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    into = payload["into"]
    if into in (c.complaint_id, c.tracking_id):
        return "a complaint cannot be merged into itself"
    return None


def visibility_change_problem(c: Complaint, actor: Actor, new: Visibility) -> str | None:
    """Why ``actor`` may not move ``c`` to privacy tier ``new``, or ``None`` when they may.

    The one rule every path that changes a tier goes through (``verified`` with a
    ``visibility``, ``visibility_changed``; decision 0130): the reporter chooses freely;
    anyone else may only protect a public report (public to anonymous or confidential).
    Every other change exposes something the reporter chose to hide: anonymous to
    anything reveals their identity to officials, confidential to anything puts the
    report in the public feed. Keeping the tier is always allowed. A complaint relayed over
    Open311 never becomes confidential, whoever asks: its copy on the hub is public and
    sp4n cannot take it back.
    """
    if new is c.visibility:
        return None
    if new is Visibility.CONFIDENTIAL:
        hub = next(
            (e.payload["remote_url"] for e in c.history if e.payload.get("remote_url")), None
        )
        if hub is not None:
            return f"it was relayed over Open311 to {hub}, where it is public"
    if actor.role is Role.REPORTER:
        return None
    if c.visibility is Visibility.PUBLIC:
        return None
    if c.visibility is Visibility.ANONYMOUS:
        return "only the reporter may lift anonymity"
    if new is Visibility.PUBLIC:
        return "only the reporter may make a report public"
    return "only the reporter may put a confidential report in the public feed"


def merge_target_problem(target: Complaint, actor: Actor) -> tuple[str, str] | None:
    """Why ``actor`` may not merge a duplicate into ``target``: ``("scope" | "status", why)``.

    The target must lie within the actor's own scope (a regional admin merges within their
    region) and still be open: a closed complaint (archived, merged, completed) does not
    continue anyone's handling.
    """
    problem = scope_problem(target, actor)
    if problem is not None:
        return "scope", f"merge target {target.tracking_id}: {problem}"
    if target.status.is_closed:
        return "status", f"is {target.status.value}; merge into an open complaint"
    return None


def _only_reporter_reveals(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    new = _VISIBILITIES[payload["visibility"]]
    if new is c.visibility:
        return f"visibility is already {new.value}"
    return visibility_change_problem(c, actor, new)


def _verification_keeps_privacy(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    if "visibility" not in payload:
        return None
    return visibility_change_problem(c, actor, _VISIBILITIES[payload["visibility"]])


def _amendment_matches_the_record(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    for field, change in payload["changes"].items():
        current = getattr(c, field)
        current = current.value if isinstance(current, enum.Enum) else current
        if change["old"] != current:
            return f"the {field} on record is {current!r}, not {change['old']!r}"
        if change["new"] == current:
            return f"the {field} is already {current!r}"
    region = payload["changes"].get("region")
    if region is not None and not in_region(region["new"], actor.region):
        return f"new region {region['new']} is outside admin region {actor.region}"
    return None


def _approves_a_draft(
    c: Complaint, actor: Actor, payload: Mapping[str, Any], rules: LifecycleRules
) -> str | None:
    if payload.get("approves") and c.draft is None:
        return "no work unit's draft awaits approval (the unit drafts it first)"
    return None


_VISIBILITIES: Mapping[str, Visibility] = {v.value: v for v in Visibility}

GUARDS: Mapping[str, Guard] = {
    "agency_has_not_returned_it": _agency_has_not_returned_it,
    "within_extension_caps": _within_extension_caps,
    "not_rated_yet": _not_rated_yet,
    "within_reopen_limit": _within_reopen_limit,
    "escalation_target_allowed": _escalation_target_allowed,
    "merge_target_is_another_complaint": _merge_target_is_another_complaint,
    "only_reporter_reveals": _only_reporter_reveals,
    "verification_keeps_privacy": _verification_keeps_privacy,
    "amendment_matches_the_record": _amendment_matches_the_record,
    "approves_a_draft": _approves_a_draft,
}
"""Every guard name the table may use, mapped to its function."""


# -- payload checks -----------------------------------------------------------------------------

_TEXT_MAX = 10_000


def _text(payload: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
    value = payload.get(key)
    if value is None and not required:
        return None
    text = check_clean(f"payload.{key}", value).strip() if isinstance(value, str) else None
    if not text:
        raise InvalidInputError(f"payload.{key}", value, "must be non-empty text")
    if len(text) > _TEXT_MAX:
        raise InvalidInputError(
            f"payload.{key}", f"({len(text)} chars)", f"must be at most {_TEXT_MAX} chars"
        )
    return text


def _choice(
    payload: Mapping[str, Any], key: str, enum_cls: type[enum.StrEnum], *, required: bool = True
) -> str | None:
    value = payload.get(key)
    if value is None and not required:
        return None
    values = _VALUES.get(enum_cls)
    if values is None:
        values = _VALUES[enum_cls] = {m.value: m.value for m in enum_cls}
    if not isinstance(value, str) or value not in values:
        allowed = ", ".join(values)
        raise InvalidInputError(f"payload.{key}", value, f"must be one of {allowed}")
    return values[value]


_VALUES: dict[type[enum.StrEnum], dict[str, str]] = {}


def _int(
    payload: Mapping[str, Any], key: str, low: int, high: int, *, required: bool
) -> int | None:
    value = payload.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInputError(f"payload.{key}", value, f"must be a whole number {low}..{high}")
    return value


def _reasons(payload: Mapping[str, Any]) -> list[str]:
    value = payload.get("reasons", [])
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InvalidInputError("payload.reasons", value, "must be a list of text")
    out = []
    for item in value:
        text = check_clean("payload.reasons", item).strip() if isinstance(item, str) else ""
        if not text:
            raise InvalidInputError("payload.reasons", value, "each reason must be non-empty text")
        out.append(text)
    return out


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    if None not in data.values():
        return data
    return {k: v for k, v in data.items() if v is not None}


_Check = Callable[[Actor, Mapping[str, Any]], dict[str, Any]]


def _verified(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    return _drop_none(
        {
            "tier": _choice(p, "tier", Tier, required=False),
            "visibility": _choice(p, "visibility", Visibility, required=False),
        }
    )


def _archived(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    reason = _choice(p, "reason", ArchiveReason)
    out = _drop_none({"reason": reason, "note": _text(p, "note", required=False)})
    if reason == ArchiveReason.DUPLICATE:
        out["of"] = _text(p, "of")
    return out


def _returned(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    return _drop_none(
        {
            "agency": actor.agency,
            "reason": _text(p, "reason"),
            "suggested_agency": _text(p, "suggested_agency", required=False),
        }
    )


def _sla_keys(p: Mapping[str, Any]) -> dict[str, Any]:
    """``rule_id`` / ``sla_key`` of an automatic action (read by sp4n.sla.due_actions)."""
    if "rule_id" not in p and "sla_key" not in p:
        return {}
    return _drop_none(
        {
            "rule_id": _text(p, "rule_id", required=False),
            "sla_key": _text(p, "sla_key", required=False),
        }
    )


def _completed(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    by = actor.role.value
    if p.get("by", by) != by:
        raise InvalidInputError("payload.by", p.get("by"), f"must match the actor's role {by}")
    return {"by": by, **_sla_keys(p)}


def _escalated(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "target": _choice(p, "target", EscalationTarget),
        "reason": _text(p, "reason"),
        **_sla_keys(p),
    }


def _followed_up(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": _text(p, "text")}
    approves = p.get("approves")
    if approves is not None and not isinstance(approves, bool):
        raise InvalidInputError("payload.approves", approves, "must be true or false")
    if approves:
        out["approves"] = True
    if p.get("attachments"):  # the officer's evidence (decision 0193)
        out["attachments"] = [a.to_dict() for a in _attachments(p["attachments"])]
    if p.get("decided_on") is not None:
        out["decided_on"] = parse_date("payload.decided_on", p["decided_on"]).isoformat()
    return out


def _rated(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    return _drop_none(
        {
            "score": _int(p, "score", 1, 5, required=True),
            "comment": _text(p, "comment", required=False),
        }
    )


def _extended(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    return _drop_none(
        {
            "reason": _text(p, "reason"),
            "tier": _choice(p, "tier", Tier, required=False),
            "working_days": _int(p, "working_days", 1, 366, required=False),
            "rule_id": _text(p, "rule_id", required=False),
        }
    )


def _deadline_moved(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _text(p, key) for key in ("rule_id", "old_due", "new_due", "revision")}


def _forwarded(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    """``agency`` and ``reasons``; ``remote_url`` and ``remote_id`` (together) when the
    complaint was relayed to another portal over Open311 (decision 0062)."""
    out: dict[str, Any] = {"agency": _text(p, "agency"), "reasons": _reasons(p)}
    remote = _drop_none(
        {
            "remote_url": _text(p, "remote_url", required=False),
            "remote_id": _text(p, "remote_id", required=False),
        }
    )
    if remote and len(remote) != 2:
        raise InvalidInputError(
            "payload.remote_id" if "remote_url" in remote else "payload.remote_url",
            None,
            "remote_url and remote_id are given together",
        )
    return {**out, **remote}


def _reminded(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: _text(p, key) for key in ("rule_id", "stage", "to", "due")}
    if out["stage"] not in ("warning", "breach", "escalation"):
        raise InvalidInputError(
            "payload.stage", out["stage"], "must be 'warning', 'breach' or 'escalation'"
        )
    out["due"] = parse_date("payload.due", out["due"]).isoformat()
    return out


AMENDABLE: Mapping[str, Callable[[object], Any]] = {
    "topic": _model_topic,
    "region": _model_region,
    "kind": _model_kind,
    "title": _model_title,
}
"""Fields an ``amended`` event may correct, each with the check a submission gets."""


def _amended(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    """``reason`` and ``changes``: ``{field: {"old": value, "new": value}}`` for fields of
    :data:`AMENDABLE` (at least one); values are checked as at submission."""
    changes = p.get("changes")
    if not isinstance(changes, Mapping) or not changes:
        raise InvalidInputError(
            "payload.changes", changes, f"must map one or more of {', '.join(AMENDABLE)}"
        )
    out: dict[str, dict[str, Any]] = {}
    for field, change in changes.items():
        convert = AMENDABLE.get(field)
        if convert is None:
            raise InvalidInputError(
                "payload.changes", field, f"can amend only {', '.join(AMENDABLE)}"
            )
        if not isinstance(change, Mapping) or set(change) != {"old", "new"}:
            raise InvalidInputError(
                f"payload.changes.{field}", change, "must be {'old': value, 'new': value}"
            )
        values = {key: convert(change[key]) for key in ("old", "new")}
        out[field] = {k: v.value if isinstance(v, enum.Enum) else v for k, v in values.items()}
    return {"reason": _text(p, "reason"), "changes": out}


def _one_text(key: str) -> _Check:
    def check(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
        return {key: _text(p, key)}

    return check


_REF_MAX = 200


def _reporter_message(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    """A reporter's text, with the two-way channel and its message id when one carried it."""
    out = _drop_none(
        {
            "text": _text(p, "text"),
            "channel": _text(p, "channel", required=False),
            "message_id": _text(p, "message_id", required=False),
        }
    )
    for key in ("channel", "message_id"):
        if key in out and len(out[key]) > _REF_MAX:
            raise InvalidInputError(
                f"payload.{key}", out[key][:40], f"must be at most {_REF_MAX} chars"
            )
    return out


def _disposed(actor: Actor, p: Mapping[str, Any]) -> dict[str, Any]:
    unit = _text(p, "unit")
    if unit is not None and len(unit) > _REF_MAX:
        raise InvalidInputError("payload.unit", unit[:40], f"must be at most {_REF_MAX} chars")
    return _drop_none({"unit": unit, "note": _text(p, "note", required=False)})


_CHECKS: Mapping[str, _Check] = {
    EventType.VERIFIED: _verified,
    EventType.HELD: _one_text("reason"),
    EventType.ARCHIVED: _archived,
    EventType.FORWARDED: _forwarded,
    EventType.RETURNED: _returned,
    EventType.ACKNOWLEDGED: lambda a, p: _drop_none({"note": _text(p, "note", required=False)}),
    EventType.INFO_REQUESTED: _one_text("question"),
    EventType.INFO_PROVIDED: _reporter_message,
    EventType.DISPOSED: _disposed,
    EventType.FOLLOW_UP_DRAFTED: _one_text("text"),
    EventType.FOLLOWED_UP: _followed_up,
    EventType.REPORTER_REPLIED: _reporter_message,
    EventType.ADMIN_REPLIED: _one_text("text"),
    EventType.COMPLETED: _completed,
    EventType.RATED: _rated,
    EventType.REOPENED: _one_text("reason"),
    EventType.EXTENDED: _extended,
    EventType.ESCALATED: _escalated,
    EventType.MERGED: _one_text("into"),
    EventType.VISIBILITY_CHANGED: lambda a, p: {"visibility": _choice(p, "visibility", Visibility)},
    EventType.DEADLINE_MOVED: _deadline_moved,
    EventType.REMINDED: _reminded,
    EventType.AMENDED: _amended,
}


def check_payload(event: str, actor: Actor, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return the normalised payload for ``event`` or raise naming the bad key."""
    check = _CHECKS.get(event)
    if check is None:
        raise InvalidInputError("event", event, "is created by submit(), not apply()")
    return check(actor, payload)
