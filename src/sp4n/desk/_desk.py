"""``sp4n.Desk``: one verb per lifecycle action, each returning the updated complaint.

Every verb takes keyword-only ``actor`` (who acts; role and scope are checked by the
lifecycle), ``at`` (when; the Desk's clock by default) and ``expected_version`` (the
version the caller last saw: a stale form fails with
:class:`~sp4n.errors.ConcurrencyError` instead of acting on a changed complaint).
When ``actor`` is omitted the verb acts as the role that normally performs it, with
national scope (decision 0071); a portal passes the authenticated actor instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from sp4n._time import parse_date, require_aware
from sp4n.adapters import OutboxMessage
from sp4n.adapters.channels import InboundMessage, Intake
from sp4n.desk._dispose import Disposition
from sp4n.desk._hours import SweepConfig
from sp4n.desk._inbound import Received, receive
from sp4n.desk._notify import messages_for
from sp4n.desk._report import ComplianceReport
from sp4n.desk._sweep import Progress, SweepReport, apply_completions
from sp4n.errors import ConcurrencyError, InvalidInputError, PermissionDenied
from sp4n.lifecycle import (
    Actor,
    Attachment,
    Complaint,
    ComplaintDraft,
    EventType,
    Role,
    merge_target_problem,
    replay,
    submit,
)
from sp4n.routing import RoutingDecision

__all__ = ["ADMIN", "SUPERVISOR", "Desk"]

ADMIN = Actor(id="admin", role=Role.ADMIN)
"""The default actor of admin verbs: a national LAPOR! admin."""
SUPERVISOR = Actor(id="supervisor", role=Role.SUPERVISOR)
"""The default actor of :meth:`Desk.escalate`: a national supervisor."""


def _liaison(complaint: Complaint) -> Actor:
    agency = complaint.agency
    return Actor(id=f"penghubung:{agency or '-'}", role=Role.LIAISON, agency=agency)


def _reporter(complaint: Complaint) -> Actor:
    return Actor(id=complaint.reporter.id, role=Role.REPORTER)


_TRIAGE_LABELS = {
    "region": ("wilayah", "region"),
    "topic": ("topik", "topic"),
}


def _with_triage(message: OutboxMessage, fields: tuple[str, ...], lang: str) -> OutboxMessage:
    """Tell the admin which fields the intake channel could not read."""
    if message.recipient_role != Role.ADMIN:
        return message
    index = 1 if lang == "en" else 0
    names = ", ".join(_TRIAGE_LABELS.get(f, (f, f))[index] for f in fields)
    note = f" Needs the admin: {names}." if lang == "en" else f" Perlu dilengkapi admin: {names}."
    payload = dict(message.payload)
    payload["body"] = str(payload["body"]) + note
    payload["data"] = {**dict(payload.get("data") or {}), "needs_triage": list(fields)}
    return attrs.evolve(message, payload=payload)


class Desk(Disposition):
    """The facade a portal calls: submit, act on, query and notify about complaints.

    >>> from datetime import datetime, timezone
    >>> from sp4n.lifecycle import ComplaintDraft
    >>> clock = lambda: datetime(2026, 8, 3, 1, 15, tzinfo=timezone.utc)
    >>> with Desk.open("memory://", clock=clock) as desk:
    ...     c = desk.submit(ComplaintDraft(kind="pengaduan", title="Jalan rusak",
    ...         body="Berlubang.", region="61.07", topic="road", channel="web",
    ...         reporter={"id": "u-1", "email": "u1@example.org"}))
    ...     desk.get(c.tracking_id).status.label
    'Belum Terverifikasi'
    """

    # -- intake -------------------------------------------------------------------------------

    def submit(
        self,
        draft: ComplaintDraft | Intake,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        complaint_id: str | None = None,
    ) -> Complaint:
        """File a complaint from a :class:`ComplaintDraft` or a channel's :class:`Intake`.

        An intake's ``received_at`` is the submission instant unless ``at`` is given.
        Submitting the same draft at the same instant again returns the stored complaint
        (ids are derived from who, when and what), so a retried intake is idempotent.
        """
        triage: tuple[str, ...] = ()
        if isinstance(draft, Intake):
            at = draft.received_at if at is None else at
            triage = draft.needs_triage
            draft = draft.draft
        if not isinstance(draft, ComplaintDraft):
            raise InvalidInputError("draft", draft, "must be a ComplaintDraft or an Intake")
        who = actor if actor is not None else Actor(id=draft.reporter.id, role=Role.REPORTER)
        complaint = submit(draft, actor=who, at=self._now(at), complaint_id=complaint_id)
        outbox = messages_for(
            complaint,
            complaint.history,
            self.recipients,
            notifiers=tuple(self.notifiers),
            lang=self.lang,
        )
        if triage:
            outbox = [_with_triage(m, triage, self.lang) for m in outbox]
        try:
            return self._commit(complaint, complaint.history, outbox)
        except ConcurrencyError:
            stored = self.store.load(complaint.complaint_id)
            if stored and stored[0].payload == complaint.history[0].payload:
                return replay(stored)
            raise

    # -- the admin ----------------------------------------------------------------------------

    def verify(
        self,
        ref: str,
        *,
        tier: str | None = None,
        visibility: str | None = None,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Verify a report (optionally classifying its ``tier`` or correcting ``visibility``)."""
        payload = {k: v for k, v in (("tier", tier), ("visibility", visibility)) if v is not None}
        return self._act(
            ref, EventType.VERIFIED, actor or ADMIN, at, payload, expected_version=expected_version
        )

    def amend(
        self,
        ref: str,
        *,
        reason: str,
        topic: str | None = None,
        region: str | None = None,
        kind: str | None = None,
        title: str | None = None,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Correct a report's ``topic``, ``region``, ``kind`` or ``title`` at triage.

        The ``amended`` event records ``reason`` and each changed field's old and new value;
        routing, clocks and lists use the new values from then on. Allowed to an admin whose
        region covers the report (and the new region) before forwarding, or after a return.
        ``topic`` may be an alias (``"jalan"``); unknown topics and regions are refused.
        """
        complaint = self.get(ref)
        wanted = {"topic": topic, "region": region, "kind": kind, "title": title}
        if topic is not None:
            wanted["topic"] = self.router.affairs.topic(topic).id
        changes: dict[str, dict[str, Any]] = {}
        for field, new in wanted.items():
            if new is None:
                continue
            old = getattr(complaint, field)
            changes[field] = {"old": getattr(old, "value", old), "new": new}
        if not changes:
            raise InvalidInputError(
                "changes", None, "give at least one of topic, region, kind, title"
            )
        payload = {"reason": reason, "changes": changes}
        return self._act(
            complaint,
            EventType.AMENDED,
            actor or ADMIN,
            at,
            payload,
            expected_version=expected_version,
        )

    def hold(
        self,
        ref: str,
        reason: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Put an incomplete report on hold until the reporter completes it."""
        return self._act(
            ref,
            EventType.HELD,
            actor or ADMIN,
            at,
            {"reason": reason},
            expected_version=expected_version,
        )

    def archive(
        self,
        ref: str,
        reason: str,
        *,
        note: str | None = None,
        of: str | None = None,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Archive a report (``reason``: unclear, too_general, not_public_service, duplicate
        with ``of``, spam)."""
        payload = {"reason": reason, "note": note, "of": of}
        return self._act(
            ref,
            EventType.ARCHIVED,
            actor or ADMIN,
            at,
            {k: v for k, v in payload.items() if v is not None},
            expected_version=expected_version,
        )

    def suggest(
        self, ref: str | Complaint, *, attributes: Mapping[str, str] | None = None
    ) -> RoutingDecision:
        """The router's suggestion for a complaint, never an agency that returned it."""
        complaint = ref if isinstance(ref, Complaint) else self.get(ref)
        return self.router.route(
            complaint.region, complaint.topic, attributes, exclude=complaint.returned_by
        )

    def forward(
        self,
        ref: str,
        agency: str | None = None,
        *,
        attributes: Mapping[str, str] | None = None,
        reasons: Sequence[str] = (),
        remote: tuple[str, str] | None = None,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Forward to ``agency``, or to the router's suggestion when ``agency`` is ``None``.

        The router never suggests an agency that returned the complaint (bukan wewenang);
        its reasons are recorded in the event. An explicit agency must be in the directory.
        ``remote`` is ``(remote_url, remote_id)`` when the complaint was relayed to another
        portal over Open311 (see :class:`sp4n.open311.Relay`).
        """
        complaint = self.get(ref)
        if agency is None:
            decision = self.suggest(complaint, attributes=attributes)
            if decision.agency is None:
                raise InvalidInputError(
                    "agency",
                    None,
                    "the router found no agency that has not returned this complaint",
                    hint="name the agency explicitly",
                )
            agency = decision.agency.id
            reasons = [*reasons, *(r.text for r in decision.reasons)]
        else:
            self.router.directory.get(agency)  # UnknownAgencyError for an unknown id
        return self._act(
            complaint,
            EventType.FORWARDED,
            actor or ADMIN,
            at,
            {
                "agency": agency,
                "reasons": list(reasons),
                **({} if remote is None else {"remote_url": remote[0], "remote_id": remote[1]}),
            },
            expected_version=expected_version,
        )

    def merge(
        self,
        ref: str,
        into: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Merge a duplicate into another complaint, which must exist, be open and lie within
        the actor's scope (:func:`sp4n.lifecycle.merge_target_problem`)."""
        target = self.get(into)
        who = actor or ADMIN
        problem = merge_target_problem(target, who)
        if problem is not None:
            kind, why = problem
            if kind == "scope":
                raise PermissionDenied(who.role.value, who.scope, "merge", why)
            raise InvalidInputError("into", into, why)
        return self._act(
            ref,
            EventType.MERGED,
            who,
            at,
            {"into": target.complaint_id},
            expected_version=expected_version,
        )

    # -- the agency's liaison -----------------------------------------------------------------

    def _as_liaison(
        self,
        ref: str,
        event: str,
        payload: Mapping[str, Any],
        actor: Actor | None,
        at: dt.datetime | None,
        expected_version: int | None,
    ) -> Complaint:
        complaint = self.get(ref)
        who = actor if actor is not None else _liaison(complaint)
        return self._act(complaint, event, who, at, payload, expected_version=expected_version)

    def acknowledge(
        self,
        ref: str,
        note: str | None = None,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The agency acknowledges the complaint and starts processing it."""
        payload = {} if note is None else {"note": note}
        return self._as_liaison(ref, EventType.ACKNOWLEDGED, payload, actor, at, expected_version)

    def return_(
        self,
        ref: str,
        reason: str,
        *,
        suggested_agency: str | None = None,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The agency returns the complaint as not its authority (bukan wewenang).

        The admin then re-forwards it; :meth:`forward` without an agency never picks an
        agency that returned it.
        """
        payload = {"reason": reason}
        if suggested_agency is not None:
            self.router.directory.get(suggested_agency)
            payload["suggested_agency"] = suggested_agency
        return self._as_liaison(ref, EventType.RETURNED, payload, actor, at, expected_version)

    def request_info(
        self,
        ref: str,
        question: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Ask the reporter for more information (the agency's clocks pause)."""
        payload = {"question": question}
        return self._as_liaison(ref, EventType.INFO_REQUESTED, payload, actor, at, expected_version)

    def follow_up(
        self,
        ref: str,
        text: str,
        *,
        decided_on: dt.date | str | None = None,
        attachments: Sequence[Attachment] = (),
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Record the agency's follow-up (tindak lanjut); the 10-working-day silence starts.

        ``attachments`` is the officer's evidence (photos of the repaired road, a signed
        report), stored beforehand with :func:`sp4n.adapters.blobs.accept_upload`; the event
        records their metadata and references, which the public view leaves out.

        ``decided_on`` (a date or ``YYYY-MM-DD``) is the day the provider decided on the
        complaint when this follow-up delivers that decision: it starts (and this follow-up
        stops) the UU 25/2009 Pasal 50 delivery clock, met when the decision reaches the
        complainant within 14 days (rule ``uu25_delivery``). It must lie between the
        submission and the follow-up, in the complaint region's calendar.
        """
        payload: dict[str, Any] = {"text": text}
        if attachments:
            payload["attachments"] = attachments
        if decided_on is not None:
            complaint = self.get(ref)
            day = parse_date("decided_on", decided_on)
            calendar = self.rules.calendar_for(complaint)
            today = calendar.local_date(self._now(at))
            submitted = calendar.local_date(complaint.submitted_at)
            if not submitted <= day <= today:
                raise InvalidInputError(
                    "decided_on",
                    decided_on,
                    f"must be between the submission ({submitted}) and the follow-up ({today})",
                )
            payload["decided_on"] = day.isoformat()
        return self._as_liaison(ref, EventType.FOLLOWED_UP, payload, actor, at, expected_version)

    def extend(
        self,
        ref: str,
        reason: str,
        *,
        tier: str | None = None,
        working_days: int | None = None,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Extend the handling time (within the lifecycle's and the policy's caps)."""
        payload: dict[str, Any] = {"reason": reason}
        if tier is not None:
            payload["tier"] = tier
        if working_days is not None:
            payload["working_days"] = working_days
        return self._as_liaison(ref, EventType.EXTENDED, payload, actor, at, expected_version)

    # -- the reporter -------------------------------------------------------------------------

    def provide_info(
        self,
        ref: str,
        text: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The reporter answers a request for information (or completes a held report)."""
        complaint = self.get(ref)
        return self._act(
            complaint,
            EventType.INFO_PROVIDED,
            actor or _reporter(complaint),
            at,
            {"text": text},
            expected_version=expected_version,
        )

    def receive(self, message: InboundMessage, *, default_region: str) -> Received:
        """Take one message of a two-way channel (WhatsApp, SMS) from a citizen.

        A message from the phone number of a complaint that waits for its reporter continues
        it: ``provide_info`` when information was requested (or the report is on hold),
        ``reply`` after a follow-up. Otherwise it files a new complaint, read like an SMS
        1708, in ``default_region`` unless it names one (``#61.07``). Decision 0200.
        """
        return receive(self, message, default_region=default_region)

    def reply(
        self,
        ref: str,
        text: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """A reply in the conversation: by the reporter (default) or by an admin.

        A reply to a follow-up hands the complaint back to the agency.
        """
        complaint = self.get(ref)
        who = actor or _reporter(complaint)
        if who.role is Role.ADMIN:
            event = EventType.ADMIN_REPLIED
        elif who.role is Role.REPORTER:
            event = EventType.REPORTER_REPLIED
        else:
            raise InvalidInputError(
                "actor.role", who.role.value, "replies come from the reporter or an admin"
            )
        return self._act(
            complaint,
            event,
            who,
            at,
            {"text": text},
            expected_version=expected_version,
        )

    def complete(
        self,
        ref: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Declare a followed-up complaint completed (Selesai); by the reporter by default."""
        complaint = self.get(ref)
        who = actor or _reporter(complaint)
        return self._act(
            complaint,
            EventType.COMPLETED,
            who,
            at,
            {"by": who.role.value},
            expected_version=expected_version,
        )

    def rate(
        self,
        ref: str,
        score: int,
        *,
        comment: str | None = None,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The reporter rates the handling of a completed complaint (1..5)."""
        complaint = self.get(ref)
        payload: dict[str, Any] = {"score": score}
        if comment is not None:
            payload["comment"] = comment
        return self._act(
            complaint,
            EventType.RATED,
            actor or _reporter(complaint),
            at,
            payload,
            expected_version=expected_version,
        )

    def reopen(
        self,
        ref: str,
        reason: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Reopen a completed complaint with the same agency (by the reporter by default)."""
        complaint = self.get(ref)
        return self._act(
            complaint,
            EventType.REOPENED,
            actor or _reporter(complaint),
            at,
            {"reason": reason},
            expected_version=expected_version,
        )

    def set_visibility(
        self,
        ref: str,
        visibility: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Change who may see the report (only the reporter may lift anonymity)."""
        complaint = self.get(ref)
        return self._act(
            complaint,
            EventType.VISIBILITY_CHANGED,
            actor or _reporter(complaint),
            at,
            {"visibility": visibility},
            expected_version=expected_version,
        )

    # -- oversight ----------------------------------------------------------------------------

    def escalate(
        self,
        ref: str,
        target: str,
        reason: str,
        *,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Escalate to the agency's ``superior``, the ``supervisor`` or the ``ombudsman``."""
        return self._act(
            ref,
            EventType.ESCALATED,
            actor or SUPERVISOR,
            at,
            {"target": target, "reason": reason},
            expected_version=expected_version,
        )

    # -- automatic actions --------------------------------------------------------------------

    def apply_due_completions(self, now: dt.datetime | None = None) -> list[Complaint]:
        """Complete every followed-up complaint whose 10-working-day silence ran out by ``now``.

        Only automatic completions are applied, across the store (escalations of breached
        clocks belong to the sweep; :func:`sp4n.lifecycle.apply_due_actions` applies every due
        action to one complaint). The ``completed`` event is recorded at the instant the
        silence ran out, by ``sp4n`` (role ``system``). Idempotent: a completed complaint
        yields no action. Named ``apply_due_actions`` before (decision 0212).
        """
        return apply_completions(self, require_aware("now", self._now(now)))

    def apply_due_actions(self, now: dt.datetime | None = None) -> list[Complaint]:
        """The former name of :meth:`apply_due_completions`, kept (decision 0212).

        It only completes: unlike :func:`sp4n.lifecycle.apply_due_actions` it escalates
        nothing.
        """
        return self.apply_due_completions(now)

    # -- the sweep ----------------------------------------------------------------------------

    def sweep(
        self,
        now: dt.datetime | None = None,
        *,
        progress: Progress | None = None,
        config: SweepConfig | None = None,
        full: bool = False,
    ) -> SweepReport:
        """Apply due completions, warn before and escalate after breaches, record moved
        deadlines; idempotent, safe to run from cron every minute (see docs/desk.md).

        :param now: the sweep instant (default: the Desk's clock).
        :param progress: ``progress(done, total)`` after each candidate complaint.
        :param config: overrides the Desk's :class:`SweepConfig` for this run.
        :param full: select every complaint within the warning lead of its due date or past
            it (decision 0080) instead of those whose stored next action day has come, and
            store each one's day anew: once after changing the Desk's ``SweepConfig`` or
            deploying a calendar revision (decision 0181).
        """
        from sp4n.desk._sweep import run_sweep

        return run_sweep(
            self,
            self._now(now),
            config=config or self.sweep_config,
            progress=progress,
            full=full,
        )

    def report(
        self,
        *,
        start: dt.date | str,
        end: dt.date | str,
        agency: str | None = None,
        region: str | None = None,
        now: dt.datetime | None = None,
        by: str | None = None,
    ) -> ComplianceReport:
        """The compliance report for complaints submitted from ``start`` to ``end``.

        Per ``agency``, per ``region`` (a code prefix), or (neither) one row per agency plus
        a total; figures as of ``now`` (default: the Desk's clock). ``by="topic"`` or
        ``by="channel"`` gives a row per topic or channel (inside ``agency`` or ``region``)
        plus a total. See docs/desk.md.
        """
        from sp4n._time import parse_date
        from sp4n.desk._report import compliance_report

        return compliance_report(
            self,
            start=parse_date("from", start),
            end=parse_date("to", end),
            agency=agency,
            region=region,
            now=self._now(now),
            by=by,
        )
