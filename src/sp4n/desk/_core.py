"""The Desk's machinery: the store, loading and replaying, committing, queries.

Every verb goes through one path: load the events, replay them, apply one lifecycle event
(role, scope and guard checks happen there), then :meth:`DeskCore._commit` computes the
projection row and the outbox messages and appends everything in one store transaction
with optimistic concurrency. Observers (``sp4n_complaint_transitioned``) hear about each
event only after the transaction committed.
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from sp4n._text import check_clean
from sp4n._time import Clock, require_aware
from sp4n.adapters import (
    Adapters,
    AppendRequest,
    ComplaintRow,
    OutboxMessage,
    RowQuery,
    Store,
    open_store,
    plugin_manager,
    query_rows,
)
from sp4n.desk._attention import next_action
from sp4n.desk._hours import SweepConfig
from sp4n.desk._notify import Recipients, messages_for, sealed_contact
from sp4n.desk._projection import ClockRules, project
from sp4n.desk._report import report_facts
from sp4n.errors import ConcurrencyError, InvalidInputError, UnknownComplaintError
from sp4n.lifecycle import (
    DEFAULT_RULES,
    LAPOR_TABLE,
    PUBLISHED_STATUSES,
    PUBLISHED_VISIBILITIES,
    Actor,
    Complaint,
    Event,
    LifecycleRules,
    Status,
    apply,
    published_view,
    replay,
    tracking_id_is_valid,
    view_for,
)
from sp4n.routing import Router
from sp4n.sla import Policy, SlaClock, WorkingCalendar, load_policy

if TYPE_CHECKING:  # pragma: no cover
    import pluggy

    from sp4n.adapters.notifiers import Backoff, DeliveryReport, Notifier

__all__ = ["DeskCore"]

_log = logging.getLogger("sp4n.desk")

RECENT_COMPLAINTS = 1024
"""How many complaints a Desk keeps after committing them (decision 0280): the next action
on one of them checks the store's version instead of loading and replaying its events."""


class Commit(Protocol):
    """One complaint for :meth:`DeskCore._commit_many`: the complaint after its new
    ``events``, as it was ``before`` them (what the store holds), its row and outbox."""

    @property
    def complaint(self) -> Complaint: ...
    @property
    def before(self) -> Complaint: ...
    @property
    def events(self) -> Sequence[Event]: ...
    @property
    def row(self) -> ComplaintRow: ...
    @property
    def outbox(self) -> Sequence[OutboxMessage]: ...


def _plugin_router(adapters: Adapters) -> Router:
    """The default router with the plugins' affairs rows and directory entries."""
    router = Router.default()
    rows = adapters.affairs_rows()
    entries = adapters.directory_entries(region=None)
    if rows or entries:
        router = router.with_plugin_rows(affair_rows=rows, agency_entries=entries)
    return router


class DeskCore:
    """Shared state and the commit path; :class:`sp4n.Desk` adds the verbs."""

    def __init__(
        self,
        store: Store,
        *,
        pm: pluggy.PluginManager,
        clock: Clock,
        policy: str | Policy = "lapor",
        router: Router | None = None,
        notifiers: Mapping[str, Notifier] | None = None,
        lang: str = "id",
        lifecycle: LifecycleRules = DEFAULT_RULES,
        calendars: Callable[[str], WorkingCalendar] | None = None,
        sweep_config: SweepConfig | None = None,
    ) -> None:
        if lang not in ("id", "en"):
            raise InvalidInputError("lang", lang, "must be 'id' (Indonesian) or 'en' (English)")
        if isinstance(policy, str):
            load_policy(policy)  # an unknown name fails now, not at the first action
        elif not isinstance(policy, Policy):
            raise InvalidInputError("policy", policy, "must be a policy name or a Policy")
        self.store = store
        self.pm = pm
        self.clock = clock
        self._adapters = Adapters(pm)
        if not isinstance(lifecycle, LifecycleRules):
            raise InvalidInputError("lifecycle", lifecycle, "must be a LifecycleRules")
        self.lifecycle = lifecycle
        self.rules = ClockRules(policy, self._adapters, lifecycle, calendars)
        self.sweep_config = sweep_config if sweep_config is not None else SweepConfig()
        if not isinstance(self.sweep_config, SweepConfig):
            raise InvalidInputError("sweep_config", sweep_config, "must be a SweepConfig")
        self.router = router if router is not None else _plugin_router(self._adapters)
        self.lang = lang
        if notifiers is None:
            from sp4n.adapters.notifiers import LogNotifier

            notifiers = {"log": LogNotifier()}
        self.notifiers: Mapping[str, Notifier] = dict(notifiers)
        self.recipients = Recipients(self.router.directory)
        self._recent: OrderedDict[str, Complaint] = OrderedDict()
        self._recent_lock = threading.Lock()  # a server may share the Desk between threads

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        pm: pluggy.PluginManager | None = None,
        clock: Clock | None = None,
        policy: str | Policy = "lapor",
        router: Router | None = None,
        notifiers: Mapping[str, Notifier] | None = None,
        lang: str = "id",
        lifecycle: LifecycleRules = DEFAULT_RULES,
        calendars: Callable[[str], WorkingCalendar] | None = None,
        sweep_config: SweepConfig | None = None,
    ) -> Self:
        """Open a Desk on the store at ``url``.

        :param url: ``sqlite:///path`` (default ``sqlite:///sp4n.db``, or what a deployment
            plugin's ``sp4n_default_store_url`` names), ``memory://`` or ``postgresql://...``.
        :param pm: plugin manager (storage adapters, observers); a fresh one when ``None``.
        :param clock: returns the current aware instant; the system clock when ``None``.
        :param policy: SLA policy name (loaded per complaint with its region's and agency's
            overrides) or a :class:`~sp4n.sla.Policy` used as is.
        :param router: routes complaints and holds the agency directory (contacts);
            :meth:`sp4n.routing.Router.default` when ``None``.
        :param notifiers: notifiers by name for :meth:`deliver_notifications`; a
            :class:`~sp4n.adapters.notifiers.LogNotifier` named ``"log"`` when ``None``.
        :param lang: language of rendered notifications, ``"id"`` (default) or ``"en"``.
        :param lifecycle: the lifecycle's configurable rules (extension and reopening caps,
            referral policy, completion silence), :data:`sp4n.lifecycle.DEFAULT_RULES`.
        :param calendars: ``region -> WorkingCalendar``, replacing
            ``WorkingCalendar.indonesia(region=...)`` (e.g. a revised calendar with a new
            SKB's overlays); plugins' overlays are still applied on top.
        :param sweep_config: warnings, escalation and working hours of :meth:`sweep`
            (:class:`~sp4n.desk.SweepConfig`; its defaults when ``None``).
        """
        if clock is None:
            from sp4n._wallclock import system_clock

            clock = system_clock
        manager = pm if pm is not None else plugin_manager()
        if url is None:
            url = Adapters(manager).default_store_url()
        store = open_store(url, pm=manager, clock=clock)
        try:
            return cls(
                store,
                pm=manager,
                clock=clock,
                policy=policy,
                router=router,
                notifiers=notifiers,
                lang=lang,
                lifecycle=lifecycle,
                calendars=calendars,
                sweep_config=sweep_config,
            )
        except BaseException:
            store.close()
            raise

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the store; the Desk is unusable afterwards."""
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------------

    def _now(self, at: dt.datetime | None) -> dt.datetime:
        return require_aware("at", self.clock() if at is None else at)

    def _complaint_id(self, ref: str) -> str:
        return self._reference(ref)[0]

    def _reference(self, ref: str) -> tuple[str, int | None]:
        """The complaint id ``ref`` names, and its stored version when looking it up read it
        (a tracking id is looked up in the projection rows)."""
        if not isinstance(ref, str) or not ref.strip():
            raise InvalidInputError("ref", ref, "must be a tracking id or a complaint id")
        text = check_clean("ref", ref).strip()
        if tracking_id_is_valid(text.upper()):
            row = self.store.by_tracking_id(text.upper())
            if row is None:
                raise UnknownComplaintError(ref)
            return row.complaint_id, row.version
        return text, None

    def get(self, ref: str) -> Complaint:
        """The complaint with tracking id or complaint id ``ref``, rebuilt from its events
        (or the one this Desk committed last, while the store holds that version: decision
        0280).

        :raises UnknownComplaintError: no complaint has that reference.
        """
        complaint_id, version = self._reference(ref)
        known = self._recent.get(complaint_id)
        if known is not None:
            if version is None:
                version = self.store.version(complaint_id)
            if version == known.version:
                return known
            self._forget(complaint_id)  # another writer moved it: read it again
        events = self.store.load(complaint_id)
        if not events:
            raise UnknownComplaintError(ref)
        return replay(events)

    def _remember(self, complaint: Complaint) -> None:
        """Keep ``complaint`` as just committed (the newest :data:`RECENT_COMPLAINTS`)."""
        with self._recent_lock:
            recent = self._recent
            recent[complaint.complaint_id] = complaint
            recent.move_to_end(complaint.complaint_id)
            while len(recent) > RECENT_COMPLAINTS:
                recent.popitem(last=False)

    def _forget(self, complaint_id: str) -> None:
        with self._recent_lock:
            self._recent.pop(complaint_id, None)

    def view(self, ref: str, actor: Actor | None = None) -> Mapping[str, Any] | None:
        """The complaint as ``actor`` may see it (:func:`sp4n.lifecycle.view_for`), or its
        public view when ``actor`` is ``None`` (``None`` unless it is published:
        :func:`sp4n.lifecycle.published_view`, decision 0151).

        :raises PermissionDenied: the actor may not read this complaint.
        """
        complaint = self.get(ref)
        if actor is None:
            return published_view(complaint)
        return view_for(complaint, actor)

    def history(self, ref: str) -> tuple[Event, ...]:
        """The complaint's events, oldest first."""
        return self.get(ref).history

    def clocks(self, ref: str, *, now: dt.datetime | None = None) -> tuple[SlaClock, ...]:
        """Every SLA clock of the complaint at ``now`` (default: the Desk's clock).

        Each clock's ``deadline.explanation`` lists the days skipped and why.
        """
        return self.rules.clocks(self.get(ref), now=self._now(now))

    def list(
        self,
        *,
        status: str | None = None,
        agency: str | None = None,
        region_prefix: str | None = None,
        overdue_as_of: dt.date | None = None,
        title_contains: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[ComplaintRow]:
        """Projection rows matching every given filter (see :meth:`sp4n.adapters.Store.query`)."""
        if status is not None:
            try:
                status = Status(status).value
            except ValueError:
                allowed = ", ".join(s.value for s in Status)
                raise InvalidInputError("status", status, f"must be one of {allowed}") from None
        return query_rows(
            self.store,
            RowQuery(
                status=status,
                agency=agency,
                region_prefix=region_prefix,
                overdue_as_of=overdue_as_of,
                title_contains=title_contains,
                limit=limit,
                offset=offset,
            ),
        )

    def public_feed(
        self,
        *,
        status: str | None = None,
        region_prefix: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> builtins.list[Mapping[str, Any]]:
        """Public views (:func:`sp4n.lifecycle.public_view`) of the published complaints
        matching the filters (in the store's order for them).

        Only published complaints appear (:func:`sp4n.lifecycle.publication`, decision
        0151): public or anonymous, and forwarded (not unverified, archived or merged ones);
        anonymous ones appear without identity. ``offset`` and ``limit`` count public items.
        """
        if status is not None:
            try:
                status = Status(status).value
            except ValueError:
                allowed = ", ".join(s.value for s in Status)
                raise InvalidInputError("status", status, f"must be one of {allowed}") from None
        statuses = sorted(s.value for s in PUBLISHED_STATUSES if status in (None, s.value))
        if not statuses:
            return []
        rows = query_rows(
            self.store,
            RowQuery(
                statuses=statuses,
                visibilities=sorted(v.value for v in PUBLISHED_VISIBILITIES),
                region_prefix=region_prefix,
                limit=limit,
                offset=offset,
            ),
        )
        items: builtins.list[Mapping[str, Any]] = []
        for row in rows:
            view = published_view(self.get(row.complaint_id))
            if view is not None:  # the row is a projection: the events decide
                items.append(view)
        return items

    # -- writing ------------------------------------------------------------------------------

    def _project(self, complaint: Complaint, clocks: Sequence[SlaClock]) -> ComplaintRow:
        """The projection row of ``complaint`` with its next sweep day (decision 0181) and
        its compliance report facts (decision 0184); ``clocks`` at its last event."""
        day = next_action(complaint, clocks, self.rules.calendar_for(complaint), self.sweep_config)
        policy = self.rules.policy_for(complaint)
        facts = report_facts(
            complaint.history,
            self.rules.calendar_for_region(complaint.region),
            policy.rule("T1"),
            policy.rule("T2"),
        )
        return project(complaint, clocks, next_action=day, facts=facts)

    def _commit(
        self,
        complaint: Complaint,
        events: Sequence[Event],
        outbox: Sequence[OutboxMessage] | None = None,
        *,
        expected_version: int | None = None,
        before: Complaint | None = None,
    ) -> Complaint:
        """Append ``events`` (the last ones of ``complaint``) with the projection row and the
        outbox in one transaction, then tell the observers.

        ``outbox=None`` renders the default notifications of the events. ``before``: the
        complaint as it was before ``events`` (its status is what observers hear as the
        previous one; replayed from the history when not given). Raises
        :class:`~sp4n.errors.ConcurrencyError` (nothing written) when the stream moved.
        """
        if not events:
            raise InvalidInputError("events", events, "a commit needs at least one event")
        base = complaint.version - len(events)
        if expected_version is not None and expected_version != base:
            raise ConcurrencyError(complaint.complaint_id, expected_version, base)
        clocks = self.rules.clocks(complaint, now=events[-1].occurred_at)
        row = self._project(complaint, clocks)
        if outbox is None:
            outbox = messages_for(
                complaint,
                events,
                self.recipients,
                notifiers=tuple(self.notifiers),
                lang=self.lang,
            )
        try:
            self.store.append(complaint.complaint_id, base, events, row=row, outbox=outbox)
        except ConcurrencyError:
            self._forget(complaint.complaint_id)
            raise
        self._committed(complaint, events, row, before)
        return complaint

    def _commit_many(self, batch: Sequence[Commit]) -> builtins.list[bool]:
        """Append each :class:`Commit` of ``batch`` (rows and outbox computed already) in one
        transaction, or one by one if another writer moved any of them, then tell the
        observers of each one written; per item, whether it was written (``False``: its
        stream moved, nothing of it written, and what this Desk kept of it is forgotten)."""
        requests = [
            AppendRequest(c.complaint.complaint_id, c.before.version, c.events, c.row, c.outbox)
            for c in batch
        ]
        written = [False] * len(batch)
        try:
            if len(requests) > 1:  # a single one goes straight to ``append``
                self.store.append_many(requests)
                written = [True] * len(batch)
        except ConcurrencyError:
            pass
        if not any(written):
            for index, request in enumerate(requests):
                try:
                    self.store.append(
                        request.complaint_id,
                        request.expected_version,
                        request.events,
                        row=request.row,
                        outbox=request.outbox,
                    )
                    written[index] = True
                except ConcurrencyError:
                    self._forget(request.complaint_id)
        for item, done in zip(batch, written, strict=True):
            if done:
                self._committed(item.complaint, item.events, item.row, item.before)
        return written

    def _committed(
        self,
        complaint: Complaint,
        events: Sequence[Event],
        row: ComplaintRow,
        before: Complaint | None,
    ) -> None:
        """After an append: keep the complaint (decision 0280) and tell the observers."""
        self._remember(complaint)
        self._broadcast(complaint, events, row, before=before)

    def _broadcast(
        self,
        complaint: Complaint,
        events: Sequence[Event],
        row: ComplaintRow,
        *,
        before: Complaint | None = None,
    ) -> None:
        status: str | None = None
        if events[0].seq > 1:
            if before is None or before.version != events[0].seq - 1:
                before = replay(complaint.history[: events[0].seq - 1])
            status = before.status.value
        for event in events:
            try:
                self._adapters.complaint_transitioned(event=event, row=row, previous_status=status)
            except Exception:  # an observer cannot veto: the event is stored already
                _log.exception("observer failed on %s#%s", event.complaint_id, event.seq)
            if status is None:
                status = LAPOR_TABLE.initial.value
            else:
                step = LAPOR_TABLE.row(Status(status), event.type)
                status = step.target.value if step is not None else status

    def _act(
        self,
        ref: str | Complaint,
        event_type: str,
        actor: Actor,
        at: dt.datetime | None,
        payload: Mapping[str, Any],
        *,
        expected_version: int | None = None,
    ) -> Complaint:
        """Load (unless given the complaint just loaded), apply one lifecycle event and commit
        it; returns the updated complaint."""
        current = ref if isinstance(ref, Complaint) else self.get(ref)
        if expected_version is not None and expected_version != current.version:
            raise ConcurrencyError(current.complaint_id, expected_version, current.version)
        updated = apply(
            current,
            event_type,
            actor=actor,
            at=self._now(at),
            payload=payload,
            rules=self.lifecycle,
        )
        return self._commit(updated, updated.history[current.version :], before=current)

    # -- notifications ------------------------------------------------------------------------

    def deliver_notifications(
        self,
        *,
        limit: int = 100,
        default: str | None = None,
        by_role: Mapping[str, str] | None = None,
        backoff: Backoff | None = None,
    ) -> DeliveryReport:
        """Deliver pending outbox messages through the Desk's notifiers (retries with backoff).

        Any exception a notifier raises is contained: the message is retried after
        ``backoff`` (default :class:`~sp4n.adapters.notifiers.Backoff`: 30 s doubling, parked
        after 12 tries) and the rest of the round goes on (decision 0133).

        A message for a role in ``by_role`` goes through the notifier named there. Any other
        carries the notifier its address needs (``via``: ``smtp`` for an e-mail address,
        ``webhook`` for a URL) when the Desk had one at enqueue time, else goes to
        ``default`` (default: ``log`` when configured, else the first notifier).
        """
        from sp4n.adapters.notifiers import Backoff, OutboxDispatcher

        if backoff is None:
            backoff = Backoff()
        elif not isinstance(backoff, Backoff):
            raise InvalidInputError("backoff", backoff, "must be a Backoff")
        if default is None:
            default = "log" if "log" in self.notifiers else next(iter(self.notifiers), "log")
        unknown = sorted(set((by_role or {}).values()) - set(self.notifiers))
        if unknown:
            raise InvalidInputError(
                "by_role", dict(by_role or {}), f"names no notifier of this Desk: {unknown[0]!r}"
            )
        dispatcher = OutboxDispatcher(
            store=self.store,
            notifiers=self.notifiers,
            clock=self.clock,
            default=default,
            by_role=dict(by_role or {}),
            unseal=self._sealed_contact,
            backoff=backoff,
        )
        return dispatcher.deliver_pending(limit=limit)

    def _sealed_contact(self, message: OutboxMessage) -> str | None:
        """The contact behind a sealed message's relay handle, read from the case file."""
        try:
            return sealed_contact(self.get(message.complaint_id))
        except UnknownComplaintError:
            return None
