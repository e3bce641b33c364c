"""Complaint statuses with their Indonesian and English labels.

The Indonesian labels follow the public LAPOR! vocabulary where it is known
(regulation.md §6.2; the exact public strings are [I], not verified).
"""

from __future__ import annotations

import enum

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
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English label."""
        return _LABELS[self][1]

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


_LABELS = {
    Status.SUBMITTED: ("Belum Terverifikasi", "Not yet verified"),
    Status.ON_HOLD: ("Ditunda", "On hold"),
    Status.VERIFIED: ("Terverifikasi", "Verified"),
    Status.FORWARDED: ("Diteruskan", "Forwarded"),
    Status.IN_PROGRESS: ("Diproses Instansi", "Being processed by the agency"),
    Status.AWAITING_REPORTER: (
        "Menunggu Informasi Pelapor",
        "Awaiting information from the reporter",
    ),
    Status.RETURNED: ("Dikembalikan (Bukan Wewenang)", "Returned (not the agency's authority)"),
    Status.FOLLOWED_UP: ("Ditindaklanjuti", "Followed up"),
    Status.COMPLETED: ("Selesai", "Completed"),
    Status.ARCHIVED: ("Diarsipkan", "Archived"),
    Status.MERGED: ("Digabungkan", "Merged into another report"),
}

FINAL_STATUSES = frozenset({Status.ARCHIVED, Status.MERGED})
CLOSED_STATUSES = frozenset({*FINAL_STATUSES, Status.COMPLETED})
