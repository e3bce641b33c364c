"""Automatic actions that fall due when a clock runs out.

:func:`due_actions` tells the lifecycle what to do now: complete a complaint whose
T3 silence timer expired, or escalate a breached clock. It is idempotent by
construction: once the lifecycle records the action (a ``completed`` event stops
T3; an ``escalated`` event whose payload names the ``rule_id`` answers a breach),
the same history no longer yields it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from sp4n._time import require_aware
from sp4n.sla._calendar import WorkingCalendar
from sp4n.sla._clock_values import ClockStatus, SlaClock, TimedEvent
from sp4n.sla._engine import evaluate_clocks
from sp4n.sla._explain import DeadlineChange, compare
from sp4n.sla._policy import Policy
from sp4n.sla._sla_rules import OnExpiry

__all__ = ["DeadlineMove", "DueAction", "deadline_moves", "due_actions"]

ESCALATED = "escalated"


@attrs.frozen
class DueAction:
    """An action a clock's expiry calls for.

    :param action: :attr:`OnExpiry.COMPLETE` or :attr:`OnExpiry.ESCALATE`.
    :param key: a stable idempotency key (rule, cycle and start instant); the same
        expiry always yields the same key.
    :param clock: the expired clock, with its deadline.
    """

    rule_id: str
    action: OnExpiry
    due_at: dt.datetime
    role: str
    key: str
    clock: SlaClock

    def payload(self) -> dict[str, Any]:
        """Suggested payload for the event that carries the action out."""
        base: dict[str, Any] = {"rule_id": self.rule_id, "sla_key": self.key}
        if self.action is OnExpiry.COMPLETE:
            base["by"] = "system"
        else:
            base["role"] = self.role
        return base


def _answered(clock: SlaClock, events: Sequence[TimedEvent]) -> bool:
    deadline = clock.deadline
    assert deadline is not None  # an overdue clock always has a deadline
    return any(
        event.type == ESCALATED
        and event.payload.get("rule_id") == clock.rule.id
        and event.occurred_at >= deadline.due_at
        for event in events
    )


def due_actions(
    policy: Policy, events: Sequence[TimedEvent], calendar: WorkingCalendar, *, now: dt.datetime
) -> tuple[DueAction, ...]:
    """The automatic actions due at ``now``, oldest due first.

    Rules with ``on_expiry = "flag"`` never produce actions.
    """
    now = require_aware("now", now)
    actions = []
    for clock in evaluate_clocks(policy, events, calendar, now=now):
        if clock.status not in (ClockStatus.EXPIRED, ClockStatus.BREACHED):
            continue
        rule = clock.rule
        if rule.on_expiry is OnExpiry.FLAG:
            continue
        deadline = clock.deadline
        assert deadline is not None  # an overdue clock always has a deadline
        if rule.on_expiry is OnExpiry.ESCALATE and _answered(
            clock, [e for e in events if e.occurred_at <= now]
        ):
            continue
        started = clock.started_at.isoformat() if clock.started_at else ""
        actions.append(
            DueAction(
                rule_id=rule.id,
                action=rule.on_expiry,
                due_at=deadline.due_at,
                role=rule.role,
                key=f"{rule.id}#{clock.cycle}@{started}",
                clock=clock,
            )
        )
    return tuple(sorted(actions, key=lambda a: (a.due_at, a.rule_id)))


@attrs.frozen
class DeadlineMove:
    """An open clock whose due date changed between two evaluations (a calendar revision)."""

    rule_id: str
    cycle: int
    change: DeadlineChange

    def payload(self) -> dict[str, str]:
        """The payload of the ``deadline_moved`` event that records it."""
        return {"rule_id": self.rule_id, **self.change.as_payload()}


def deadline_moves(
    before: Sequence[SlaClock], after: Sequence[SlaClock]
) -> tuple[DeadlineMove, ...]:
    """Open clocks whose due date differs between ``before`` and ``after``.

    ``before`` is typically the evaluation under the calendar a deadline was first computed
    with and ``after`` the same history under the revised calendar (a new SKB): each move
    says from which date to which, and by which revision, so nothing changes silently.
    Only clocks in the same cycle in both evaluations are compared.
    """
    old = {clock.rule.id: clock for clock in before}
    moves = []
    for clock in after:
        previous = old.get(clock.rule.id)
        if previous is None or previous.cycle != clock.cycle or not clock.open:
            continue
        if previous.deadline is None or clock.deadline is None:
            continue
        if previous.deadline.due_date == clock.deadline.due_date:
            continue
        change = compare(previous.deadline.explanation, clock.deadline.explanation)
        moves.append(DeadlineMove(rule_id=clock.rule.id, cycle=clock.cycle, change=change))
    return tuple(moves)
