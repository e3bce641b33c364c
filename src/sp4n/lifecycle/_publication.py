"""What the public sees of a complaint, and when: one rule for every public reader.

SP4N-LAPOR! publishes a report once the admin has verified it and forwarded it to the
competent agency (the official app listing: "verified and forwarded ... published and
reporter notified", regulation.md §5 [C]). sp4n applies that as one rule (decision 0151):

- :attr:`Publication.PUBLISHED`: visibility ``public`` or ``anonymous`` and a status reached
  only through a forwarding (:data:`PUBLISHED_STATUSES`: forwarded, in progress, awaiting
  the reporter, returned, followed up, completed). Listed in the public feed, the Open311
  lists and the portal, with its body, location and history (identity redacted by
  :func:`~sp4n.lifecycle.public_view`).
- :attr:`Publication.STATUS_ONLY`: not confidential, but not (or no longer) published:
  submitted, on hold or verified (not yet checked and forwarded), archived (spam, out of
  scope or withdrawn) or merged into another complaint (the primary is the published one).
  Never listed; a lookup by tracking id (the reporter's receipt) shows its status and
  nothing it says.
- :attr:`Publication.HIDDEN`: confidential (rahasia): nothing public, not even that it
  exists.

Readers: :meth:`sp4n.Desk.public_feed`, Open311 ``GET requests`` and ``GET
requests/<id>``, the status page and the portal. They call :func:`publication`,
:func:`published_view` or, for projection rows, :func:`row_publication`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from sp4n.lifecycle._model import Complaint, Visibility
from sp4n.lifecycle._privacy import public_view
from sp4n.lifecycle._status import Status

__all__ = [
    "PUBLISHED_STATUSES",
    "PUBLISHED_VISIBILITIES",
    "Publication",
    "publication",
    "published_view",
    "row_publication",
]

PUBLISHED_STATUSES = frozenset(
    {
        Status.FORWARDED,
        Status.IN_PROGRESS,
        Status.AWAITING_REPORTER,
        Status.RETURNED,
        Status.FOLLOWED_UP,
        Status.COMPLETED,
    }
)
"""Statuses of a published complaint: those reached only through a forwarding (archived and
merged ones are withdrawn from the public lists)."""

PUBLISHED_VISIBILITIES = frozenset({Visibility.PUBLIC, Visibility.ANONYMOUS})
"""Visibilities that are ever published (never ``confidential``)."""


class Publication(enum.StrEnum):
    """How much of a complaint the public sees (see the module docstring)."""

    HIDDEN = "hidden"
    """Confidential: nothing, not even that it exists."""
    STATUS_ONLY = "status_only"
    """Not listed; a lookup by tracking id shows the status only."""
    PUBLISHED = "published"
    """Listed, with its body, location and public history."""


def row_publication(status: str, visibility: str) -> Publication:
    """The publication of a complaint in ``status`` with ``visibility`` (their values)."""
    if visibility == Visibility.CONFIDENTIAL.value:
        return Publication.HIDDEN
    if visibility in PUBLISHED_VISIBILITIES and status in PUBLISHED_STATUSES:
        return Publication.PUBLISHED
    return Publication.STATUS_ONLY


def publication(complaint: Complaint) -> Publication:
    """How much of ``complaint`` the public sees now."""
    return row_publication(complaint.status.value, complaint.visibility.value)


def published_view(complaint: Complaint) -> Mapping[str, Any] | None:
    """:func:`~sp4n.lifecycle.public_view` of a published complaint, else ``None``."""
    if publication(complaint) is not Publication.PUBLISHED:
        return None
    return public_view(complaint)
