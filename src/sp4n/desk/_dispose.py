"""Disposition inside an agency: the liaison disposes to a work unit, the unit drafts the
follow-up, the liaison approves it, and only then does the reporter see it (decision 0201).

T2 (the agency's handling time) runs across the agency as before: disposing and drafting
change no clock; the approved follow-up is the ``followed_up`` event that stops it.
"""

from __future__ import annotations

import datetime as dt

from sp4n.desk._core import DeskCore
from sp4n.errors import InvalidInputError, TransitionError, UnknownAgencyError
from sp4n.lifecycle import LAPOR_TABLE, Actor, Complaint, EventType, Role

__all__ = ["Disposition"]


def _liaison_of(complaint: Complaint) -> Actor:
    agency = complaint.agency
    return Actor(id=f"penghubung:{agency or '-'}", role=Role.LIAISON, agency=agency)


class Disposition(DeskCore):
    """The Desk's disposition verbs (mixed into :class:`sp4n.Desk`)."""

    def dispose(
        self,
        ref: str,
        unit: str,
        *,
        note: str | None = None,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The liaison disposes the complaint to ``unit``, a work unit of the handling agency
        in the directory (``note``: an instruction for the unit, seen by officers only).

        Allowed while the agency processes it (``in_progress``: acknowledge first); disposing
        again moves it to another unit and drops a draft not yet approved.
        """
        complaint = self.get(ref)
        agency = complaint.agency
        if agency is None:
            raise InvalidInputError("unit", unit, "the complaint is with no agency yet")
        if agency not in self.router.directory:
            raise UnknownAgencyError(
                "agency", agency, "is not in the directory, so its work units are unknown"
            )
        self.router.directory.get(agency).unit(unit)
        payload = {"unit": unit} if note is None else {"unit": unit, "note": note}
        who = actor if actor is not None else _liaison_of(complaint)
        return self._act(
            complaint, EventType.DISPOSED, who, at, payload, expected_version=expected_version
        )

    def draft_follow_up(
        self,
        ref: str,
        text: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The work unit the complaint was disposed to drafts its follow-up for the liaison.

        The reporter does not see the draft (not in their view, no message); the liaison is
        told. A new draft replaces one not yet approved.
        """
        complaint = self.get(ref)
        who = actor
        if who is None:
            who = Actor(
                id=f"unit:{complaint.agency or '-'}/{complaint.unit or '-'}",
                role=Role.UNIT,
                agency=complaint.agency,
                unit=complaint.unit,
            )
        return self._act(
            complaint,
            EventType.FOLLOW_UP_DRAFTED,
            who,
            at,
            {"text": text},
            expected_version=expected_version,
        )

    def approve_follow_up(
        self,
        ref: str,
        *,
        text: str | None = None,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The liaison approves the unit's draft: it becomes the follow-up the reporter
        receives (``followed_up`` with ``approves``; ``text`` replaces the draft's wording).
        T2 stops and the completion silence starts, as for :meth:`sp4n.Desk.follow_up`.
        """
        complaint = self.get(ref)
        if complaint.draft is None:
            raise TransitionError(
                complaint.complaint_id,
                complaint.status.value,
                str(EventType.FOLLOWED_UP),
                LAPOR_TABLE.allowed_events(complaint.status),
                reason="no work unit's draft awaits approval (the unit drafts it first)",
            )
        payload = {"text": complaint.draft if text is None else text, "approves": True}
        who = actor if actor is not None else _liaison_of(complaint)
        return self._act(
            complaint, EventType.FOLLOWED_UP, who, at, payload, expected_version=expected_version
        )
