"""Clock values: what :func:`~sp4n.sla.evaluate_clocks` returns.

A :class:`SlaClock` is one rule's clock on one complaint at one instant: its
:class:`ClockStatus`, when it started and stopped, its :class:`Deadline`, the
working days it spent paused and the extensions it received. A clock that was
restarted keeps its earlier cycles in ``previous``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, Protocol

import attrs

from sp4n.sla._explain import Explanation
from sp4n.sla._sla_rules import OnExpiry, Rule, Unit
from sp4n.texts import text as text_of

__all__ = ["ClockStatus", "Deadline", "Extension", "SlaClock", "TimedEvent"]


class TimedEvent(Protocol):
    """What the clock engine needs of an event (``sp4n.lifecycle.Event`` has it)."""

    @property
    def type(self) -> str:
        """The event type, e.g. ``"forwarded"``."""

    @property
    def occurred_at(self) -> dt.datetime:
        """When it happened; timezone-aware."""

    @property
    def payload(self) -> Mapping[str, Any]:
        """The event's data (``tier``, ``working_days``, ``reason``, ...)."""


class ClockStatus(enum.StrEnum):
    """Where a clock stands at the instant it was evaluated."""

    NOT_STARTED = "not_started"
    """No starting event (matching the rule's conditions) has happened."""
    RUNNING = "running"
    """Counting, and the due date has not passed."""
    PAUSED = "paused"
    """Waiting (for the reporter, say); working days do not count."""
    STOPPED = "stopped"
    """A stopping event happened; ``met`` says whether it was in time."""
    BREACHED = "breached"
    """Still open and the due date has passed: escalate (or flag)."""
    EXPIRED = "expired"
    """An automatic-action timer ran out: the action (completion) is due."""

    def label(self, language: str = "id") -> str:
        """A short label for officers and citizens, in Indonesian (``"id"``) or English."""
        return text_of(f"clock.{self.value}", language)


@attrs.frozen
class Extension:
    """One ``extended`` event as applied to a clock.

    ``granted`` may be less than ``requested`` (capped) or 0 (refused); ``note`` says why.
    """

    at: dt.datetime
    reason: str
    requested: int
    granted: int
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "at": self.at.isoformat(),
            "reason": self.reason,
            "requested": self.requested,
            "granted": self.granted,
            "note": self.note,
        }


@attrs.frozen
class Deadline:
    """When a clock falls due, and why.

    ``start_date`` is the start instant's date in the calendar's time zone; ``due_date``
    the last day on which stopping the clock is in time; ``due_at`` the first instant
    after it (00:00 local of the next day). ``n``/``unit`` are the rule's own length;
    ``paused`` (in the rule's unit) and ``extended_working_days`` say what moved the
    due date beyond ``base_due_date``. ``explanation`` lists every day skipped between
    ``start_date`` and ``due_date`` under ``calendar_version``. ``kept_from`` is the earlier
    date a calendar revision computed when ``due_date`` is a deadline kept because it was
    already communicated (decision 0083), else ``None``.
    """

    rule_id: str
    start_date: dt.date
    due_date: dt.date
    due_at: dt.datetime
    unit: Unit
    n: int
    provisional: bool
    calendar_version: str
    explanation: Explanation
    base_due_date: dt.date
    paused: int = 0
    extended_working_days: int = 0
    kept_from: dt.date | None = None

    @property
    def provisional_reason(self) -> str | None:
        """Why the due date rests on an estimate (Indonesian), ``None`` when it does not."""
        if not self.provisional:
            return None
        return self.explanation.provisional_reason or text_of("calendar.estimated_due", "id")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "rule_id": self.rule_id,
            "start_date": self.start_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "due_at": self.due_at.isoformat(),
            "unit": self.unit.value,
            "n": self.n,
            "provisional": self.provisional,
            "provisional_reason": self.provisional_reason,
            "calendar_version": self.calendar_version,
            "base_due_date": self.base_due_date.isoformat(),
            "paused": self.paused,
            "extended_working_days": self.extended_working_days,
            "kept_from": None if self.kept_from is None else self.kept_from.isoformat(),
            "skipped": [
                {"date": s.date.isoformat(), "reason": s.reason, "kind": s.kind.value}
                for s in self.explanation.skipped
            ],
        }


@attrs.frozen
class SlaClock:
    """One rule's clock on one complaint, evaluated at one instant.

    ``met`` is ``True``/``False`` once a clock that owes an action has stopped (on or
    before the due date, in the calendar's time zone, or not), ``None`` while it is open
    and always for automatic-action timers. ``stopped_by`` is the event type that
    stopped it, or ``"superseded"`` when its ``when`` conditions stopped holding (a tier
    was reclassified). ``cycle`` counts restarts from 1; ``previous`` holds the earlier
    cycles.
    """

    rule: Rule
    status: ClockStatus
    started_at: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    deadline: Deadline | None = None
    paused_working_days: int = 0
    extensions: tuple[Extension, ...] = ()
    met: bool | None = None
    stopped_by: str | None = None
    cycle: int = 0
    previous: tuple[SlaClock, ...] = ()
    note: str | None = None

    @property
    def rule_id(self) -> str:
        """The rule's id."""
        return self.rule.id

    @property
    def open(self) -> bool:
        """Whether the clock is still counting (running, paused, breached or expired)."""
        return self.status in _OPEN

    @property
    def overdue(self) -> bool:
        """Whether it is open and its due date has passed."""
        return self.status in (ClockStatus.BREACHED, ClockStatus.EXPIRED)

    @property
    def extension_room(self) -> int:
        """Working days one more extension may add now (0 when none is allowed)."""
        cap = self.rule.extension
        if cap is None or self.status not in (ClockStatus.RUNNING, ClockStatus.PAUSED):
            return 0
        used = sum(1 for e in self.extensions if e.granted > 0)
        return cap.max_working_days if used < cap.max_times else 0

    def describe(self, language: str = "id") -> str:
        """One line for an officer: rule, status, due date, and whether it was met.

        For example ``"T1 Verifikasi ...: berhenti; tenggat 2026-02-05 (3 hari kerja);
        terlambat"``; ``language="en"`` gives the English line.
        """
        en = language == "en"
        title = self.rule.title_en if en else self.rule.title
        lang = "en" if en else "id"
        text = f"{self.rule.id} {title}: {self.status.label(language)}"
        deadline = self.deadline
        if deadline is not None:
            unit = text_of(f"unit.{deadline.unit.value}", lang)
            text += f"; {text_of('clock.due', lang)} {deadline.due_date.isoformat()}"
            text += f" ({deadline.n} {unit})"
            if deadline.provisional:
                text += f", {text_of('clock.provisional', lang)}"
        if self.met is not None:
            met = text_of("clock.on_time" if self.met else "clock.late", lang)
            text += f"; {met}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "rule_id": self.rule.id,
            "status": self.status.value,
            "on_expiry": self.rule.on_expiry.value,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "stopped_at": self.stopped_at.isoformat() if self.stopped_at else None,
            "stopped_by": self.stopped_by,
            "met": self.met,
            "cycle": self.cycle,
            "paused_working_days": self.paused_working_days,
            "extensions": [e.to_dict() for e in self.extensions],
            "deadline": self.deadline.to_dict() if self.deadline else None,
            "previous": [p.to_dict() for p in self.previous],
            "note": self.note,
        }


_OPEN = frozenset(
    {ClockStatus.RUNNING, ClockStatus.PAUSED, ClockStatus.BREACHED, ClockStatus.EXPIRED}
)


def expiry_status(rule: Rule) -> ClockStatus:
    """The status of an open clock of ``rule`` whose due date has passed."""
    return ClockStatus.EXPIRED if rule.on_expiry is OnExpiry.COMPLETE else ClockStatus.BREACHED
