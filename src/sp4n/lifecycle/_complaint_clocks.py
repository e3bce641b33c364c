"""A complaint's SLA clocks and the automatic actions they call for.

The lifecycle emits the events the ``lapor`` policy listens to; this module asks
:mod:`sp4n.sla` for the clocks over a complaint's history, after two lifecycle
adjustments made as policy overrides (so the policy version records them):

- **closing**: the events that close a complaint (``completed``, ``archived``,
  ``merged``) stop every clock that does not stop on them already, so no clock runs
  in a closed status;
- **referral** (decision 0042): what the agency clock does when a complaint is
  returned as not the agency's authority (:class:`ReferralPolicy`).

:func:`apply_due_actions` carries out what :func:`due_actions` reports (automatic
completion after the T3 silence, escalation of a breached clock) as ``system``
events. It is idempotent: the events it appends answer the actions, so a second
call at the same or a later instant appends nothing for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sp4n._time import require_aware
from sp4n.lifecycle._events import SYSTEM_ACTOR, EventType
from sp4n.lifecycle._lifecycle_rules import (
    DEFAULT_RULES,
    EscalationTarget,
    LifecycleRules,
    ReferralPolicy,
)
from sp4n.lifecycle._machine import apply
from sp4n.lifecycle._model import Complaint
from sp4n.lifecycle._status import CLOSED_STATUSES
from sp4n.lifecycle._table import LAPOR_TABLE, TransitionTable
from sp4n.lifecycle._timing import (
    INSTALLED,
    PluginData,
    Plugins,
    calendar_in_force,
    policy_in_force,
    resolve_plugins,
)
from sp4n.sla import (
    DueAction,
    OnExpiry,
    Override,
    Policy,
    Rule,
    SlaClock,
    WorkingCalendar,
    evaluate_clocks,
)
from sp4n.sla import due_actions as sla_due_actions

__all__ = [
    "OVERALL_RULE_ID",
    "apply_due_actions",
    "clocks",
    "due_actions",
    "lifecycle_policy",
    "timing_in_force",
]

OVERALL_RULE_ID = "T2_overall"
"""The reporter's overall agency clock added by :attr:`ReferralPolicy.PER_AGENCY`."""
AGENCY_RULE_ID = "T2"


def closing_events(table: TransitionTable = LAPOR_TABLE) -> tuple[str, ...]:
    """Event names that move a complaint into a closed status, sorted."""
    return tuple(
        sorted(
            {r.event_name for r in table.rows if r.target in CLOSED_STATUSES and not r.is_self_loop}
        )
    )


def _closing_override(policy: Policy, table: TransitionTable) -> Override | None:
    closing = closing_events(table)
    changes = {}
    for rule in policy.rules:
        missing = [e for e in closing if e not in rule.stops and e not in rule.starts]
        if missing:
            changes[rule.id] = {"stops": [*rule.stops, *missing]}
    if not changes:
        return None
    return Override(
        name="lifecycle-closing",
        version="1",
        changes=changes,
        citation="sp4n decision 0040: no clock runs once a complaint is closed",
    )


def _referral_override(policy: Policy, rules: LifecycleRules) -> Override | None:
    if rules.referral is ReferralPolicy.RESTART or AGENCY_RULE_ID not in {
        r.id for r in policy.rules
    }:
        return None
    agency = policy.rule(AGENCY_RULE_ID)
    continuing = {
        "restarts": [e for e in agency.restarts if e != EventType.FORWARDED],
        "stops": [e for e in agency.stops if e != EventType.RETURNED],
    }
    citation = (
        "sp4n decision 0042: a return does not give the reporter a longer wait; the agency "
        "clock keeps counting from the first forwarding"
    )
    if rules.referral is ReferralPolicy.CONTINUE:
        return Override(
            name="referral-continue",
            version="1",
            changes={AGENCY_RULE_ID: {**continuing, "note": citation}},
            citation=citation,
        )
    data: dict[str, Any] = {
        **agency.to_dict(),
        **continuing,
        "id": OVERALL_RULE_ID,
        "title": "Tanggapan instansi kepada pelapor, dihitung sejak penerusan pertama",
        "title_en": "Agency answer to the reporter, counted from the first forwarding",
        "length": rules.referral_overall_working_days,
        "unit": "working_days",
        "role": "admin",
        "on_expiry": "escalate",
        "citation": citation,
        "source": None,
        "certainty": "inferred",
        "note": "Runs beside the per-agency T2 under the per_agency referral policy.",
        "extension": None,
    }
    return Override(
        name="referral-per-agency",
        version="1",
        add=(Rule.from_dict(data),),
        citation=citation,
    )


_CACHE: dict[tuple[Policy, LifecycleRules, TransitionTable], Policy] = {}


def lifecycle_policy(
    policy: Policy, rules: LifecycleRules = DEFAULT_RULES, table: TransitionTable = LAPOR_TABLE
) -> Policy:
    """``policy`` with the lifecycle's closing and referral overrides applied (cached)."""
    key = (policy, rules, table)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    result = policy
    referral = _referral_override(policy, rules)
    if referral is not None:
        result = referral.apply(result)
    # The closing adjustment is built from the referral-adjusted policy: built from the
    # original, it put ``returned`` back into T2's stops and missed the added overall clock.
    closing = _closing_override(result, table)
    if closing is not None:
        result = closing.apply(result)
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = result
    return result


def timing_in_force(
    complaint: Complaint,
    *,
    now: datetime,
    policy: str | Policy = "lapor",
    calendar: WorkingCalendar | None = None,
    rules: LifecycleRules = DEFAULT_RULES,
    plugins: PluginData | Plugins = INSTALLED,
) -> tuple[SlaClock, ...]:
    """Every clock of ``complaint`` at ``now`` under the timing in force: the one function
    every reader of a deadline uses (decision 0153).

    The policy (a name, loaded with the region's and agency's override files, or a fixed
    :class:`~sp4n.sla.Policy`) and the region's calendar (default
    ``WorkingCalendar.indonesia(complaint.region)``) get the plugins' policy overrides and
    calendar overlays, then the lifecycle's closing and referral adjustments
    (:func:`lifecycle_policy`); kept deadlines count (decision 0150).

    :param plugins: :data:`~sp4n.lifecycle.INSTALLED` (default: the ``sp4n`` entry points,
        loaded once), ``None`` to use ``policy`` and ``calendar`` as given, or an object with
        ``policy_overrides`` and ``calendar_overlays`` (:class:`sp4n.adapters.Adapters`).
    :raises NaiveDatetimeError: ``now`` is naive.
    """
    now = require_aware("now", now)
    resolved, base = _in_force(complaint, policy, calendar, plugins)
    return evaluate_clocks(lifecycle_policy(resolved, rules), complaint.history, base, now=now)


def _in_force(
    complaint: Complaint,
    policy: str | Policy | None,
    calendar: WorkingCalendar | None,
    plugins: PluginData | Plugins,
) -> tuple[Policy, WorkingCalendar]:
    found = resolve_plugins(plugins)
    resolved = policy_in_force(
        "lapor" if policy is None else policy,
        region=complaint.region,
        agency=complaint.agency,
        plugins=found,
    )
    return resolved, calendar_in_force(complaint.region, calendar=calendar, plugins=found)


def clocks(
    complaint: Complaint,
    *,
    now: datetime,
    policy: Policy | None = None,
    calendar: WorkingCalendar | None = None,
    rules: LifecycleRules = DEFAULT_RULES,
    plugins: PluginData | Plugins = INSTALLED,
) -> tuple[SlaClock, ...]:
    """Every clock of the complaint at ``now`` (T1, T2, T3, tiers, statutory limits).

    :func:`timing_in_force`: ``policy`` defaults to ``load_policy("lapor", region=...,
    agency=...)`` for the complaint, ``calendar`` to ``WorkingCalendar.indonesia(region)``,
    and the installed plugins' overrides and overlays apply, as in ``Desk.clocks``
    (decision 0153). Each :class:`~sp4n.sla.SlaClock` carries its deadline and explanation.
    """
    return timing_in_force(
        complaint,
        now=now,
        policy="lapor" if policy is None else policy,
        calendar=calendar,
        rules=rules,
        plugins=plugins,
    )


def due_actions(
    complaint: Complaint,
    now: datetime,
    *,
    policy: Policy | None = None,
    calendar: WorkingCalendar | None = None,
    rules: LifecycleRules = DEFAULT_RULES,
    plugins: PluginData | Plugins = INSTALLED,
) -> tuple[DueAction, ...]:
    """Automatic actions due at ``now``: completion after the T3 silence, escalations
    (under the timing in force, as :func:`timing_in_force` resolves it)."""
    now = require_aware("now", now)
    resolved, base = _in_force(complaint, policy, calendar, plugins)
    return sla_due_actions(lifecycle_policy(resolved, rules), complaint.history, base, now=now)


def _escalation_target(complaint: Complaint, action: DueAction) -> str:
    if action.role == "liaison" and complaint.agency is not None:
        return EscalationTarget.SUPERIOR.value
    return EscalationTarget.SUPERVISOR.value


def apply_due_actions(
    complaint: Complaint,
    now: datetime,
    *,
    policy: Policy | None = None,
    calendar: WorkingCalendar | None = None,
    rules: LifecycleRules = DEFAULT_RULES,
    plugins: PluginData | Plugins = INSTALLED,
) -> Complaint:
    """Append a ``system`` event for every action due at ``now``; return the new complaint.

    Completion is recorded as ``completed`` (by system), a breach as ``escalated``
    (to the agency's superior when the agency owed the action, else to a supervisor),
    each stamped with the instant the action fell due (or the last event, if later)
    and carrying the action's ``rule_id`` and ``sla_key``. Actions the table does not
    allow in the current status are skipped. Calling it again appends nothing new.
    """
    now = require_aware("now", now)
    resolved, base = _in_force(complaint, policy, calendar, plugins)
    for action in due_actions(
        complaint, now, policy=resolved, calendar=base, rules=rules, plugins=None
    ):
        at = max(action.due_at, complaint.history[-1].occurred_at)
        payload: dict[str, Any] = {"rule_id": action.rule_id, "sla_key": action.key}
        if action.action is OnExpiry.COMPLETE:
            event = EventType.COMPLETED.value
        else:
            event = EventType.ESCALATED.value
            payload["target"] = _escalation_target(complaint, action)
            payload["reason"] = f"{action.rule_id} overdue since {action.due_at.isoformat()}"
        if LAPOR_TABLE.row(complaint.status, event) is None:
            continue
        complaint = apply(complaint, event, actor=SYSTEM_ACTOR, at=at, payload=payload, rules=rules)
    return complaint


def running(clock_list: Sequence[SlaClock]) -> tuple[SlaClock, ...]:
    """The clocks still counting (running, paused, breached or expired)."""
    return tuple(c for c in clock_list if c.open)
