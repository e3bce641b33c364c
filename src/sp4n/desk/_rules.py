"""What the Desk computes from a complaint: its calendar, policy, clocks and projection row.

The projection row's ``next_due`` is the earliest due date among the clocks that are
counting (running) or already overdue (breached, or an expired automatic-action timer).
Paused clocks have no due date while they wait, so they do not count; a complaint whose
only clocks are paused or stopped has ``next_due = None``. A sweep selects complaints by
``next_due`` (``Store.query(overdue_as_of=...)``), so overdue clocks keep their date until
they are answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from sp4n.adapters import Adapters, ComplaintRow
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import DEFAULT_RULES, Complaint, LifecycleRules
from sp4n.lifecycle import clocks as lifecycle_clocks
from sp4n.lifecycle import due_actions as lifecycle_due_actions
from sp4n.sla import (
    ClockStatus,
    DueAction,
    Overlay,
    Policy,
    SlaClock,
    WorkingCalendar,
    load_policy,
)

__all__ = [
    "DUE_STATUSES",
    "LISTED_CLOCKS",
    "ClockRules",
    "listing",
    "next_due",
    "plugin_calendar",
    "plugin_policy",
    "project",
]

DUE_STATUSES = frozenset({ClockStatus.RUNNING, ClockStatus.BREACHED, ClockStatus.EXPIRED})
"""Clock statuses whose due date counts for ``next_due``."""


@attrs.define
class ClockRules:
    """The policy and calendars the Desk counts deadlines with, plugins applied.

    ``policy`` is a name (loaded per complaint with its region's and agency's override
    files) or a fixed :class:`Policy`. With ``adapters``, rule overrides from the
    ``sp4n_policy_overrides`` hook and overlays from ``sp4n_calendar_overlays`` are applied
    too. Results are cached per region (and agency). ``calendars`` replaces the base
    calendar of a region (``WorkingCalendar.indonesia(region=...)``), e.g. with a revised
    one (a new SKB) or one a test builds.
    """

    policy: str | Policy = "lapor"
    adapters: Adapters | None = None
    lifecycle: LifecycleRules = DEFAULT_RULES
    calendars: Callable[[str], WorkingCalendar] | None = None
    _policies: dict[tuple[str, str | None], Policy] = attrs.field(factory=dict, init=False)
    _calendars: dict[str, WorkingCalendar] = attrs.field(factory=dict, init=False)

    def policy_for(self, complaint: Complaint) -> Policy:
        """The policy in force for ``complaint`` (region and agency overrides applied)."""
        key = (complaint.region, complaint.agency)
        found = self._policies.get(key)
        if found is not None:
            return found
        policy = plugin_policy(
            self.policy, region=complaint.region, agency=complaint.agency, adapters=self.adapters
        )
        self._policies[key] = policy
        return policy

    def calendar_for(self, complaint: Complaint) -> WorkingCalendar:
        """The working calendar of the complaint's region (its time zone and overlays)."""
        return self.calendar_for_region(complaint.region)

    def calendar_for_region(self, region: str) -> WorkingCalendar:
        """The working calendar of ``region`` (cached)."""
        found = self._calendars.get(region)
        if found is not None:
            return found
        if self.calendars is not None:
            calendar = self.calendars(region)
            if not isinstance(calendar, WorkingCalendar):
                raise InvalidInputError(
                    "calendars", calendar, "must return a sp4n.sla.WorkingCalendar"
                )
        else:
            calendar = WorkingCalendar.indonesia(region=region)
        calendar = plugin_calendar(calendar, region=region, adapters=self.adapters)
        self._calendars[region] = calendar
        return calendar

    def clocks(self, complaint: Complaint, *, now: dt.datetime) -> tuple[SlaClock, ...]:
        """Every clock on ``complaint`` at ``now`` (:func:`sp4n.lifecycle.clocks`: the policy
        with the lifecycle's closing and referral adjustments)."""
        return lifecycle_clocks(
            complaint,
            now=now,
            policy=self.policy_for(complaint),
            calendar=self.calendar_for(complaint),
            rules=self.lifecycle,
        )

    def due_actions(self, complaint: Complaint, *, now: dt.datetime) -> tuple[DueAction, ...]:
        """The automatic actions due on ``complaint`` at ``now`` (completion, escalation)."""
        return lifecycle_due_actions(
            complaint,
            now,
            policy=self.policy_for(complaint),
            calendar=self.calendar_for(complaint),
            rules=self.lifecycle,
        )


def plugin_policy(
    policy: str | Policy,
    *,
    region: str | None,
    agency: str | None,
    adapters: Adapters | None,
) -> Policy:
    """``policy`` (a name, loaded with the region's and agency's override files, or a fixed
    :class:`Policy`) with the ``sp4n_policy_overrides`` of the plugins applied."""
    if not isinstance(policy, Policy):
        policy = load_policy(policy, region=region, agency=agency)
    if adapters is not None:
        changes = adapters.policy_overrides(policy=policy.name, region=region, agency=agency)
        if changes:
            policy = policy.with_overrides(changes)
    return policy


def plugin_calendar(
    calendar: WorkingCalendar, *, region: str | None, adapters: Adapters | None
) -> WorkingCalendar:
    """``calendar`` with the ``sp4n_calendar_overlays`` of the plugins for ``region``."""
    if adapters is None:
        return calendar
    rows = adapters.calendar_overlays(region=region)
    if not rows:
        return calendar
    return calendar.with_overlays(*(Overlay.from_mapping(row) for row in rows))


def next_due(clocks: Sequence[SlaClock]) -> SlaClock | None:
    """The counting or overdue clock that falls due first, ``None`` when none counts."""
    due = [c for c in clocks if c.status in DUE_STATUSES and c.deadline is not None]
    if not due:
        return None
    return min(due, key=lambda c: (c.deadline.due_date if c.deadline else dt.date.max, c.rule.id))


LISTED_CLOCKS = frozenset({ClockStatus.RUNNING, ClockStatus.PAUSED})
"""Clock statuses whose deadline a public listing shows as ``expected_at``."""


def listing(complaint: Complaint, clocks: Sequence[SlaClock]) -> dict[str, Any]:
    """What a public listing shows of ``complaint`` without replaying it (decision 0063).

    ``description`` (the body), ``lat``/``lon``/``address``, ``expected_at`` (the earliest
    deadline instant of a running or paused clock at the last event, ISO 8601 UTC) and
    ``status_notes`` (the latest follow-up text), ``media_url`` (the first attachment kept by
    an http(s) URL). Never the reporter's identity.
    """
    due = [
        c.deadline.due_at for c in clocks if c.status in LISTED_CLOCKS and c.deadline is not None
    ]
    notes = next(
        (
            str(e.payload["text"])
            for e in reversed(complaint.history)
            if e.type == "followed_up" and e.payload.get("text")
        ),
        None,
    )
    location = complaint.location
    return {
        "description": complaint.body,
        "lat": None if location is None else location.lat,
        "lon": None if location is None else location.lon,
        "address": None if location is None else location.address,
        "expected_at": min(due).astimezone(dt.UTC).isoformat() if due else None,
        "status_notes": notes,
        "media_url": next(
            (
                a.ref
                for a in complaint.attachments
                if a.ref and a.ref.startswith(("http://", "https://"))
            ),
            None,
        ),
    }


def project(complaint: Complaint, clocks: Sequence[SlaClock]) -> ComplaintRow:
    """The projection row the store keeps for ``complaint`` (``clocks`` at its last event)."""
    first = next_due(clocks)
    return ComplaintRow(
        complaint_id=complaint.complaint_id,
        tracking_id=complaint.tracking_id,
        status=complaint.status.value,
        kind=complaint.kind.value,
        topic=complaint.topic,
        region=complaint.region,
        agency=complaint.agency,
        title=complaint.title,
        visibility=complaint.visibility.value,
        next_due=None if first is None or first.deadline is None else first.deadline.due_date,
        updated_at=complaint.history[-1].occurred_at,
        version=complaint.version,
        submitted_at=complaint.submitted_at,
        listing=listing(complaint, clocks),
    )
