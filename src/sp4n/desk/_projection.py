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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from sp4n.adapters import Adapters, ComplaintRow
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import (
    DEFAULT_RULES,
    Complaint,
    LifecycleRules,
    calendar_in_force,
    policy_in_force,
    timing_in_force,
)
from sp4n.lifecycle import due_actions as lifecycle_due_actions
from sp4n.sla import (
    ClockStatus,
    Deadline,
    DueAction,
    Policy,
    SlaClock,
    WorkingCalendar,
)

__all__ = [
    "DUE_STATUSES",
    "LISTED_CLOCKS",
    "ClockRules",
    "expected_deadline",
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
    _distinct: dict[Policy, Policy] = attrs.field(factory=dict, init=False)
    _calendars: dict[str, WorkingCalendar] = attrs.field(factory=dict, init=False)

    def policy_for(self, complaint: Complaint) -> Policy:
        """The policy in force for ``complaint`` (region and agency overrides applied)."""
        key = (complaint.region, complaint.agency)
        found = self._policies.get(key)
        if found is not None:
            return found
        policy = policy_in_force(
            self.policy, region=complaint.region, agency=complaint.agency, plugins=self.adapters
        )
        # One object per distinct policy: the clock cache finds it by identity, not by
        # comparing every rule of an equal copy (decision 0280).
        policy = self._distinct.setdefault(policy, policy)
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
        base = None
        if self.calendars is not None:
            base = self.calendars(region)
            if not isinstance(base, WorkingCalendar):
                raise InvalidInputError("calendars", base, "must return a sp4n.sla.WorkingCalendar")
        calendar = calendar_in_force(region, calendar=base, plugins=self.adapters)
        self._calendars[region] = calendar
        return calendar

    def clocks(self, complaint: Complaint, *, now: dt.datetime) -> tuple[SlaClock, ...]:
        """Every clock on ``complaint`` at ``now``: :func:`sp4n.lifecycle.timing_in_force`
        with this Desk's plugins (resolved once per region and agency, decision 0153)."""
        return timing_in_force(
            complaint,
            now=now,
            policy=self.policy_for(complaint),
            calendar=self.calendar_for(complaint),
            rules=self.lifecycle,
            plugins=None,  # applied already by policy_for and calendar_for
        )

    def due_actions(self, complaint: Complaint, *, now: dt.datetime) -> tuple[DueAction, ...]:
        """The automatic actions due on ``complaint`` at ``now`` (completion, escalation)."""
        return lifecycle_due_actions(
            complaint,
            now,
            policy=self.policy_for(complaint),
            calendar=self.calendar_for(complaint),
            rules=self.lifecycle,
            plugins=None,  # applied already by policy_for and calendar_for
        )


def plugin_policy(
    policy: str | Policy,
    *,
    region: str | None,
    agency: str | None,
    adapters: Adapters | None,
) -> Policy:
    """``policy`` (a name, loaded with the region's and agency's override files, or a fixed
    :class:`Policy`) with the ``sp4n_policy_overrides`` of the plugins applied
    (:func:`sp4n.lifecycle.policy_in_force`)."""
    return policy_in_force(policy, region=region, agency=agency, plugins=adapters)


def plugin_calendar(
    calendar: WorkingCalendar, *, region: str | None, adapters: Adapters | None
) -> WorkingCalendar:
    """``calendar`` with the ``sp4n_calendar_overlays`` of the plugins for ``region``
    (:func:`sp4n.lifecycle.calendar_in_force`)."""
    return calendar_in_force(region, calendar=calendar, plugins=adapters)


def next_due(clocks: Sequence[SlaClock]) -> SlaClock | None:
    """The counting or overdue clock that falls due first, ``None`` when none counts."""
    due = [c for c in clocks if c.status in DUE_STATUSES and c.deadline is not None]
    if not due:
        return None
    return min(due, key=lambda c: (c.deadline.due_date if c.deadline else dt.date.max, c.rule.id))


LISTED_CLOCKS = frozenset({ClockStatus.RUNNING, ClockStatus.PAUSED})
"""Clock statuses whose deadline a public listing shows as ``expected_at``."""


def expected_deadline(clocks: Sequence[SlaClock]) -> Deadline | None:
    """The earliest deadline of a running or paused clock: what a citizen is told to expect
    (Open311 ``expected_datetime``); ``None`` when no such clock has one."""
    due = [c.deadline for c in clocks if c.status in LISTED_CLOCKS and c.deadline is not None]
    return min(due, key=lambda d: (d.due_at, d.rule_id)) if due else None


def listing(complaint: Complaint, clocks: Sequence[SlaClock]) -> dict[str, Any]:
    """What a public listing shows of ``complaint`` without replaying it (decision 0063).

    ``description`` (the body), ``lat``/``lon``/``address``, ``expected_at`` (the earliest
    deadline instant of a running or paused clock at the last event, ISO 8601 UTC),
    ``expected_provisional`` (whether that deadline rests on an estimate, decision 0154),
    ``status_notes`` (the latest follow-up text), ``media_url`` (the first attachment kept
    by an http(s) URL) and ``media_file`` (:func:`media_file`). Never the reporter's identity.
    """
    expected = expected_deadline(clocks)
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
        "expected_at": None if expected is None else expected.due_at.astimezone(dt.UTC).isoformat(),
        "expected_provisional": expected is not None and expected.provisional,
        "status_notes": notes,
        "media_url": next(
            (
                a.ref
                for a in complaint.attachments
                if a.ref and a.ref.startswith(("http://", "https://"))
            ),
            None,
        ),
        "media_file": media_file(complaint),
    }


def media_file(complaint: Complaint) -> int | None:
    """The position of the report's first file kept in a blob store that the public may be
    served (an anonymous report's JPEG or PNG only; decision 0194), or ``None``."""
    servable = ("image/jpeg", "image/png") if complaint.visibility.value == "anonymous" else None
    return next(
        (
            i
            for i, a in enumerate(complaint.attachments)
            if a.ref
            and a.ref.startswith("sha256:")
            and (servable is None or a.media_type in servable)
        ),
        None,
    )


def project(
    complaint: Complaint,
    clocks: Sequence[SlaClock],
    *,
    next_action: dt.date | None = None,
    facts: Mapping[str, Any] | None = None,
) -> ComplaintRow:
    """The projection row the store keeps for ``complaint`` (``clocks`` at its last event);
    ``next_action``: the sweep's next day for it (:func:`sp4n.desk._attention.next_action`);
    ``facts``: what the compliance report counts (:func:`sp4n.desk._report.report_facts`)."""
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
        next_action=next_action,
        facts=facts or {},
    )
