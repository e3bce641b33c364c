"""Complaint statuses with their Indonesian and English labels.

The labels are the ``status.<value>`` texts of the catalogue (:mod:`sp4n.texts`); the
Indonesian ones follow the public LAPOR! vocabulary where it is known (regulation.md §6.2;
the exact public strings are [I], not verified).
"""

from __future__ import annotations

import enum

from sp4n.texts import text

__all__ = ["CLOSED_STATUSES", "FINAL_STATUSES", "Status"]


class Status(enum.StrEnum):
    """Where a complaint stands. ``label`` is Indonesian, ``label_en`` English."""

    SUBMITTED = "submitted"
    ON_HOLD = "on_hold"
    VERIFIED = "verified"
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    AWAITING_REPORTER = "awaiting_reporter"
    RETURNED = "returned"
    FOLLOWED_UP = "followed_up"
    COMPLETED = "completed"
    ARCHIVED = "archived"
    MERGED = "merged"

    @property
    def label(self) -> str:
        """Indonesian label shown to citizens and officers."""
        return text(f"status.{self.value}")

    @property
    def label_en(self) -> str:
        """English label."""
        return text(f"status.{self.value}", "en")

    def label_in(self, lang: str = "id") -> str:
        """The label in ``lang`` ("id" or "en")."""
        return self.label_en if lang == "en" else self.label

    @property
    def is_final(self) -> bool:
        """No event at all is accepted any more (archived, merged)."""
        return self in FINAL_STATUSES

    @property
    def is_closed(self) -> bool:
        """No agency action is accepted and no clock runs (final statuses and completed)."""
        return self in CLOSED_STATUSES


FINAL_STATUSES = frozenset({Status.ARCHIVED, Status.MERGED})
CLOSED_STATUSES = frozenset({*FINAL_STATUSES, Status.COMPLETED})
