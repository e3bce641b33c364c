"""Explanations of a due date, and what changes when the calendar data changes.

An :class:`Explanation` keeps the calendar version it was computed under. When a
decree changes the calendar (18 August 2025 became cuti bersama months after the
first SKB), :meth:`WorkingCalendar.recompute <sp4n.sla.WorkingCalendar.recompute>`
returns a :class:`DeadlineChange` that says "moved from X to Y by revision Z"
instead of the deadline changing silently.
"""

from __future__ import annotations

import datetime as dt

import attrs

from sp4n.sla._days import SkippedDay
from sp4n.texts import text

__all__ = ["DeadlineChange", "Explanation", "compare"]


@attrs.frozen
class Explanation:
    """A due date with every day that did not count and the calendar version used.

    ``unit`` is ``"working_days"`` or ``"days"``. ``provisional`` is true when the due date
    rests on an estimate ("perkiraan"): an estimated holiday, or a year whose cuti bersama
    decree the holiday data does not hold yet; ``provisional_reason`` (Indonesian) and
    ``provisional_reason_en`` say which (decision 0154).
    """

    start: dt.date
    due: dt.date
    n: int
    unit: str
    skipped: tuple[SkippedDay, ...]
    provisional: bool
    version: str
    roll_forward: bool = False
    provisional_reason: str | None = None
    provisional_reason_en: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping."""
        return {
            "start": self.start.isoformat(),
            "due_date": self.due.isoformat(),
            "unit": self.unit,
            "n": self.n,
            "roll_forward": self.roll_forward,
            "provisional": self.provisional,
            "provisional_reason": self.provisional_reason,
            "version": self.version,
            "skipped": [s.as_dict() for s in self.skipped],
        }


def _components(version: str) -> list[str]:
    return version.split("+")


@attrs.frozen
class DeadlineChange:
    """The same deadline computed under two calendar versions."""

    old: Explanation
    new: Explanation
    revisions: tuple[str, ...]
    """The parts of the new version the old one lacks (overlay revisions, a new
    ``holidays-X.Y``), i.e. what moved the deadline; empty when the versions agree."""

    @property
    def moved(self) -> bool:
        """Whether the due date changed."""
        return self.old.due != self.new.due

    @property
    def old_due(self) -> dt.date:
        """The due date under the old calendar."""
        return self.old.due

    @property
    def new_due(self) -> dt.date:
        """The due date under the new calendar."""
        return self.new.due

    @property
    def revision(self) -> str:
        """The revisions that made the change, joined with ``+`` (the new version if none)."""
        return "+".join(self.revisions) or self.new.version

    def message(self, language: str = "id") -> str:
        """A one-line description in Indonesian (``"id"``) or English (``"en"``)."""
        old, new = self.old.due.isoformat(), self.new.due.isoformat()
        if not self.moved:
            return text("deadline.unchanged", language, old=old, version=self.new.version)
        return text("deadline.moved", language, old=old, new=new, revision=self.revision)

    def as_payload(self) -> dict[str, str]:
        """The payload keys of a ``deadline_moved`` event (without ``rule_id``)."""
        return {
            "old_due": self.old.due.isoformat(),
            "new_due": self.new.due.isoformat(),
            "revision": self.revision,
        }


def compare(old: Explanation, new: Explanation) -> DeadlineChange:
    """Describe how ``new`` differs from ``old`` (same start, n and unit)."""
    before = set(_components(old.version))
    revisions = tuple(part for part in _components(new.version) if part not in before)
    return DeadlineChange(old=old, new=new, revisions=revisions)
