"""``Desk.sweep``: automatic actions, pre-breach warnings, escalations, calendar revisions.

One sweep (decision 0080):

1. applies the due automatic completions (:meth:`sp4n.Desk.apply_due_completions`);
2. selects candidates from the store's ``next_due`` index (``query(overdue_as_of=...)``,
   ordered by due date): only complaints whose earliest deadline is within the warning
   lead of the local date, or past it, are replayed; the rest are not read at all;
3. for each candidate, records a ``deadline_moved`` event when its deadline under the
   current calendar differs from the one stored with it (a calendar revision: decision
   0083; an earlier date never replaces one already communicated);
4. for each clock owed by the agency's liaison or the admin: a ``reminded`` warning when
   the due date is ``warn_working_days`` away; a ``reminded`` breach notice to the same
   party once it is overdue; and after ``escalate_after_working_days`` more working days an
   ``escalated`` event (with the ``rule_id``, so :func:`sp4n.sla.due_actions` stops listing
   it) and a message to the superior or supervising admin (decision 0081).

Every message carries a deterministic id (``"<complaint>:<rule>:warn:<due>"``,
``":breach:"``, ``":escalate:"``) and every notice is an event the next sweep sees, so
running the sweep again never duplicates anything. Messages outside working hours wait
(``retry_at``) until the next working-hours start of the agency's time zone (decision 0082).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from sp4n.adapters import (
    ComplaintRow,
    OutboxMessage,
    RowQuery,
    load_many,
    query_rows,
)
from sp4n.desk._attention import next_action, notice_recorded, owed_clocks
from sp4n.desk._hours import SweepConfig, delivery_time
from sp4n.desk._notify import _coordinator, _via, messages_for
from sp4n.desk._projection import next_due
from sp4n.errors import Sp4nError
from sp4n.lifecycle import (
    LAPOR_TABLE,
    SYSTEM_ACTOR,
    Complaint,
    Event,
    EventType,
    Role,
    apply,
    replay,
)
from sp4n.routing import AuthorityLevel
from sp4n.sla import OnExpiry, Policy, SlaClock, WorkingCalendar
from sp4n.texts import catalogue, text

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk._desk import Desk

__all__ = ["Progress", "SweepReport", "apply_completions", "run_sweep"]

Progress = Callable[[int, int], object]
"""``progress(done, total)``: called after each candidate complaint is handled."""

_EAST = dt.timezone(dt.timedelta(hours=9))  # WIT: the latest local date in Indonesia
_PAGE = 2000
_BATCH = 200  # complaints appended per store transaction
_COMPLETION_PAGE = 500  # automatic completions read, and appended, per store transaction
_COUNTER = {"warning": "warnings", "breach": "breaches", "escalation": "escalations"}
_SWEEP_EVENTS = frozenset({EventType.REMINDED, EventType.ESCALATED, EventType.DEADLINE_MOVED})
_MARGIN = dt.timedelta(days=7)  # regional days off the national calendar does not know


@attrs.frozen
class SweepReport:
    """What one sweep did (all counts are of things done in this run)."""

    now: dt.datetime
    candidates: int
    completed: int
    warnings: int
    breaches: int
    escalations: int
    deadline_moves: int
    kept_deadlines: int
    messages: int
    deferred: int
    conflicts: int
    skipped: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (``now`` as ISO 8601)."""
        out = attrs.asdict(self)
        out["now"] = self.now.isoformat()
        return out


@attrs.define
class _Tally:
    completed: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0
    deadline_moves: int = 0
    kept_deadlines: int = 0
    messages: int = 0
    deferred: int = 0
    conflicts: int = 0
    skipped: int = 0


def _local_today(now: dt.datetime, calendar: WorkingCalendar) -> dt.date:
    return now.astimezone(calendar.timezone).date()


@attrs.frozen
class _Day:
    """A region's calendar, local date and next working-hours start at the sweep instant."""

    calendar: WorkingCalendar
    today: dt.date
    retry_at: dt.datetime | None


@attrs.define
class _Context:
    """What one sweep works out once instead of once per candidate (decision 0300): each
    region's day, each policy's watched events, each message text's template. Every value
    depends only on its key and the sweep's instant and config, both fixed for the run."""

    desk: Desk
    now: dt.datetime
    config: SweepConfig
    _days: dict[str, _Day] = attrs.field(factory=dict, init=False)
    _touched: dict[int, tuple[Policy, frozenset[str]]] = attrs.field(factory=dict, init=False)
    _templates: dict[str, str] = attrs.field(factory=dict, init=False)

    def day(self, region: str) -> _Day:
        """The day of ``region`` (its calendar's time zone and working hours)."""
        found = self._days.get(region)
        if found is None:
            calendar = self.desk.rules.calendar_for_region(region)
            found = _Day(
                calendar,
                _local_today(self.now, calendar),
                delivery_time(self.now, calendar, self.config),
            )
            self._days[region] = found
        return found

    def touched(self, policy: Policy) -> frozenset[str]:
        """:func:`_touched` of ``policy`` (kept by identity: policies are cached objects)."""
        found = self._touched.get(id(policy))
        if found is None or found[0] is not policy:
            found = (policy, _touched(policy))
            self._touched[id(policy)] = found
        return found[1]

    def text(self, key: str, **values: object) -> str:
        """:func:`sp4n.texts.text` in the Desk's language; the first call checks the
        placeholders (the same keys every time), later ones only fill them in."""
        template = self._templates.get(key)
        if template is None:
            rendered = text(key, self.desk.lang, **values)
            self._templates[key] = catalogue()[key]["en" if self.desk.lang == "en" else "id"]
            return rendered
        return template.format(**values) if values else template


def candidates(desk: Desk, now: dt.datetime, config: SweepConfig) -> list[ComplaintRow]:
    """Rows whose next action day (decision 0181) has come in their region's calendar.

    Reads the ``next_action`` index up to the latest local date in Indonesia (WIT), each
    row then checked against its own region's local date. A run with another
    :class:`SweepConfig` than the Desk's (whose days are the stored ones), or a store
    without ``reschedule`` (written before schema 6), falls back to :func:`due_candidates`.
    """
    if config != desk.sweep_config or not hasattr(desk.store, "reschedule"):
        return due_candidates(desk, now, config)
    latest = now.astimezone(_EAST).date()
    todays: dict[str, dt.date] = {}
    out: list[ComplaintRow] = []
    after: ComplaintRow | None = None
    while True:
        rows = query_rows(desk.store, RowQuery(action_due_by=latest, limit=_PAGE, after=after))
        for row in rows:
            today = todays.get(row.region)
            if today is None:
                today = _local_today(now, desk.rules.calendar_for_region(row.region))
                todays[row.region] = today
            if row.next_action is not None and row.next_action <= today:
                out.append(row)
        if len(rows) < _PAGE:
            return out
        after = rows[-1]  # keyset paging (decision 0180): no OFFSET rescans


def due_candidates(
    desk: Desk, now: dt.datetime, config: SweepConfig, *, every: bool = False
) -> list[ComplaintRow]:
    """Rows whose earliest deadline is within the warning lead of (or past) the local date.

    Reads the ``next_due`` index in due-date order and stops at the first row beyond the
    widest possible threshold; each row is then checked against its own region's calendar
    (decision 0080: every overdue complaint, every run). ``every``: all rows with a
    ``next_due`` (a full sweep, which stores each one's next action day anew).
    """
    latest = now.astimezone(_EAST).date()
    national = WorkingCalendar.indonesia()
    bound = national.add_working_days(latest, config.warn_working_days) + _MARGIN
    if every:
        bound = dt.date.max
    thresholds: dict[str, dt.date] = {}
    out: list[ComplaintRow] = []
    after: ComplaintRow | None = None
    while True:
        rows = query_rows(desk.store, RowQuery(overdue_as_of=bound, limit=_PAGE, after=after))
        for row in rows:
            if row.next_due is None:
                continue
            limit = thresholds.get(row.region)
            if limit is None:
                calendar = desk.rules.calendar_for_region(row.region)
                today = _local_today(now, calendar)
                limit = calendar.add_working_days(today, config.warn_working_days)
                thresholds[row.region] = limit
            if every or row.next_due <= limit:
                out.append(row)
        if len(rows) < _PAGE:
            return out
        after = rows[-1]  # keyset paging (decision 0180): no OFFSET rescans


@attrs.frozen
class _Notice:
    stage: str  # warning | breach | escalation
    rule: str
    title: str
    title_en: str
    due: dt.date
    role: str  # liaison | admin | unit (who owes the action)
    days: int = 0
    sla_key: str = ""
    provisional: bool = False  # the due date rests on an estimate (decision 0154)


def _notices(
    complaint: Complaint,
    clocks: Sequence[SlaClock],
    today: dt.date,
    calendar: WorkingCalendar,
    config: SweepConfig,
) -> list[_Notice]:
    out: list[_Notice] = []
    for clock in owed_clocks(complaint, clocks):
        rule = clock.rule
        assert clock.deadline is not None  # owed_clocks made sure
        due = clock.deadline.due_date  # a kept deadline already (decision 0150)
        provisional = clock.deadline.provisional

        def notice(stage: str, days: int = 0, key: str = "") -> _Notice:
            return _Notice(
                stage,
                rule.id,  # noqa: B023 - called in this iteration only
                rule.title,  # noqa: B023
                rule.title_en,  # noqa: B023
                due,  # noqa: B023
                rule.role,  # noqa: B023
                days,
                key,
                provisional,  # noqa: B023
            )

        if today <= due:
            lead = calendar.working_days_between(today, due)
            if config.warn_working_days and lead <= config.warn_working_days:
                out.append(notice("warning"))
            continue
        out.append(notice("breach"))
        if rule.role == "unit":  # a unit's own clock is internal to the agency: no escalation
            continue
        late = calendar.working_days_between(due, today)
        if late > config.escalate_after_working_days:
            started = clock.started_at.isoformat() if clock.started_at else ""
            out.append(notice("escalation", late, f"{rule.id}#{clock.cycle}@{started}"))
    return out


def _recipient(desk: Desk, complaint: Complaint, notice: _Notice) -> tuple[str, str, str | None]:
    """``(recipient role, address, name)`` of a notice; address ``""`` when nobody fills it."""
    if notice.stage != "escalation":
        if notice.role == "liaison":
            found = desk.recipients.liaison(complaint.agency)
        elif notice.role == "unit":
            found = desk.recipients.unit(complaint)
        else:
            found = desk.recipients.admin(complaint)
        if found is None:
            return notice.role, "", None
        return notice.role, found.address, found.name
    if notice.role == "liaison":  # the agency's superior: its supervising admin (0081)
        found = desk.recipients.admin(complaint)
        return "admin", (found.address if found else ""), (found.name if found else None)
    # the admin's supervisor: the next coordinator up (province, then national)
    directory = desk.router.directory
    first = _coordinator(directory, complaint.region)
    for level, code in (
        (AuthorityLevel.PROVINSI, complaint.region[:2]),
        (AuthorityLevel.PUSAT, None),
    ):
        for agency in directory.coordinators(level, code):
            if first is None or agency.id != first.id:
                address = agency.contact.email or f"admin@{agency.id}"
                return "supervisor", address, agency.contact.name or None
    return "supervisor", "", None


def _message(
    context: _Context,
    complaint: Complaint,
    notice: _Notice,
    event: Event,
    now: dt.datetime,
    retry_at: dt.datetime | None,
) -> OutboxMessage | None:
    desk = context.desk
    role, address, name = _recipient(desk, complaint, notice)
    if not address:
        return None
    lang = desk.lang
    estimated = context.text("sweep.estimated") if notice.provisional else ""
    values = {
        "rule": notice.title_en if lang == "en" else notice.title,
        "tracking": complaint.tracking_id,
        "title": complaint.title,
        "due": notice.due.isoformat() + estimated,
        "days": notice.days,
    }
    stage_key = {"warning": "warn", "breach": "breach", "escalation": "escalate"}[notice.stage]
    payload: dict[str, Any] = {
        "address": address,
        "subject": (
            f"[SP4N-LAPOR!] {context.text(f'sweep.{notice.stage}_subject')}: "
            f"{complaint.tracking_id}"
        ),
        "body": context.text(f"sweep.{notice.stage}", **values),
        "lang": lang,
        "data": {
            "tracking_id": complaint.tracking_id,
            "rule_id": notice.rule,
            "stage": notice.stage,
            "due": notice.due.isoformat(),
            "provisional": notice.provisional,
            "agency": complaint.agency,
        },
    }
    if name:
        payload["name"] = name
    via = _via(address, tuple(desk.notifiers))
    if via is not None:
        payload["via"] = via
    return OutboxMessage(
        id=f"{complaint.complaint_id}:{notice.rule}:{stage_key}:{notice.due.isoformat()}",
        complaint_id=complaint.complaint_id,
        event_seq=event.seq,
        recipient_role=role,
        template=f"sla.{notice.stage}.{role}",
        payload=payload,
        created_at=now,
        retry_at=retry_at,
    )


def _revision(
    complaint: Complaint,
    row: ComplaintRow,
    clocks: Sequence[SlaClock],
    at: dt.datetime,
    counts: Counter[str],
) -> Complaint:
    """Record a ``deadline_moved`` event when the stored deadline differs from the one the
    current calendar gives (decision 0083); an earlier date keeps the communicated one.

    Without new events a clock's due date does not change with time (paused clocks do not
    count for ``next_due``), so the clocks at the sweep instant stand for the clocks at the
    last event, which computed the stored ``next_due``.
    """
    if row.next_due is None or LAPOR_TABLE.row(complaint.status, EventType.DEADLINE_MOVED) is None:
        return complaint
    first = next_due(clocks)
    if first is None or first.deadline is None or first.deadline.due_date == row.next_due:
        return complaint
    new = first.deadline.due_date
    revision = first.deadline.calendar_version
    if new < row.next_due:  # never shorten a deadline already communicated
        kept = row.next_due.isoformat()
        payload = {
            "rule_id": first.rule.id,
            "old_due": kept,
            "new_due": kept,
            "revision": f"{revision}; kept (revision gives {new.isoformat()})",
        }
        counts["kept_deadlines"] += 1
    else:
        payload = {
            "rule_id": first.rule.id,
            "old_due": row.next_due.isoformat(),
            "new_due": new.isoformat(),
            "revision": revision,
        }
    counts["deadline_moves"] += 1
    return apply(complaint, EventType.DEADLINE_MOVED, actor=SYSTEM_ACTOR, at=at, payload=payload)


@attrs.frozen
class _Pending:
    """One complaint's sweep events, row and messages, waiting for a batched append."""

    complaint: Complaint
    before: Complaint  # the complaint before ``events`` (what the store holds)
    events: tuple[Event, ...]
    row: ComplaintRow
    outbox: tuple[OutboxMessage, ...]
    counts: Mapping[str, int]


def _touched(policy: Policy) -> frozenset[str]:
    """Every event name a rule of ``policy`` reacts to."""
    names: set[str] = set()
    for rule in policy.rules:
        for field in ("starts", "stops", "pauses", "resumes", "restarts", "reopens"):
            names.update(getattr(rule, field, ()))
    return frozenset(names)


def _sweep_one(
    context: _Context,
    row: ComplaintRow,
    events: Sequence[Event],
    tally: _Tally,
    later: list[tuple[str, int, dt.date | None]],
) -> _Pending | None:
    """The sweep's events for one candidate, or ``None``; a candidate with nothing to do
    whose stored next action day is stale goes to ``later`` (``Store.reschedule``)."""
    if not events:
        return None
    desk, now, config = context.desk, context.now, context.config
    last = events[-1]
    if last.actor.role is Role.SYSTEM and last.type in _SWEEP_EVENTS:
        local = context.day(row.region)
        if local.calendar.local_date(last.occurred_at) == local.today:
            # a sweep handled it today and nothing happened since: every trigger is a
            # local date, so today's notices are all recorded already
            tally.skipped += 1
            return None
    complaint = replay(events)
    if complaint.status.is_closed:
        if row.next_action is not None:
            later.append((row.complaint_id, row.version, None))
        return None
    base = complaint
    at = max(now, complaint.history[-1].occurred_at)
    clocks = desk.rules.clocks(complaint, now=now)
    counts: Counter[str] = Counter()
    moved = _revision(complaint, row, clocks, at, counts)
    if moved is not complaint:  # a kept deadline counts from its own event on
        clocks = desk.rules.clocks(moved, now=at)
    complaint = moved
    local = context.day(complaint.region)  # the region of desk.rules.calendar_for(complaint)
    calendar, today, retry_at = local.calendar, local.today, local.retry_at
    outbox: list[OutboxMessage] = []
    for notice in _notices(complaint, clocks, today, calendar, config):
        if notice_recorded(complaint.history, notice.rule, notice.stage, notice.due, calendar):
            continue
        escalation = notice.stage == "escalation"
        target = "superior" if notice.role == "liaison" else "supervisor"
        if escalation and LAPOR_TABLE.row(complaint.status, EventType.ESCALATED) is not None:
            try:
                complaint = apply(
                    complaint,
                    EventType.ESCALATED,
                    actor=SYSTEM_ACTOR,
                    at=at,
                    payload={
                        "target": target,
                        "reason": f"{notice.rule} overdue since {notice.due.isoformat()}",
                        "rule_id": notice.rule,
                        "sla_key": notice.sla_key,
                    },
                )
            except Sp4nError:
                escalation = False
        else:
            escalation = False
        if not escalation:
            payload = {
                "rule_id": notice.rule,
                "stage": notice.stage,
                "to": target if notice.stage == "escalation" else notice.role,
                "due": notice.due.isoformat(),
            }
            complaint = apply(
                complaint, EventType.REMINDED, actor=SYSTEM_ACTOR, at=at, payload=payload
            )
        counts[_COUNTER[notice.stage]] += 1
        message = _message(context, complaint, notice, complaint.history[-1], at, retry_at)
        if message is not None:
            outbox.append(message)
    if complaint.version == base.version:
        day = next_action(complaint, clocks, calendar, desk.sweep_config)
        if day != row.next_action:
            later.append((row.complaint_id, row.version, day))
        return None
    new = complaint.history[base.version :]
    policy = desk.rules.policy_for(complaint)
    if at != now or not context.touched(policy).isdisjoint(e.type for e in new):
        clocks = desk.rules.clocks(complaint, now=new[-1].occurred_at)
    counts["messages"] = len(outbox)
    counts["deferred"] = len(outbox) if retry_at is not None else 0
    row = desk._project(complaint, clocks)
    return _Pending(complaint, base, new, row, tuple(outbox), counts)


def _append(desk: Desk, pending: Sequence[_Pending]) -> tuple[list[_Pending], list[_Pending]]:
    """Append the pending complaints (:meth:`DeskCore._commit_many`: one transaction, one by
    one if another writer moved any); returns ``(written, moved)`` (``moved``: nothing
    written, the stream moved)."""
    written = desk._commit_many(pending)
    done = [item for item, ok in zip(pending, written, strict=True) if ok]
    moved = [item for item, ok in zip(pending, written, strict=True) if not ok]
    return done, moved


def _flush(desk: Desk, pending: list[_Pending], tally: _Tally) -> None:
    """Append the pending complaints (:func:`_append`) and count what they did; a complaint
    another writer moved counts as a conflict: the next sweep sees it again."""
    if not pending:
        return
    done, moved = _append(desk, pending)
    tally.conflicts += len(moved)
    for item in done:
        for name, value in item.counts.items():
            setattr(tally, name, getattr(tally, name) + value)
    pending.clear()


def _completion(desk: Desk, complaint: Complaint, now: dt.datetime) -> _Pending | None:
    """The automatic ``completed`` event of ``complaint`` due by ``now``, with its row and
    its messages (what :meth:`DeskCore._act` would commit), or ``None``."""
    for action in desk.rules.due_actions(complaint, now=now):
        if action.action is not OnExpiry.COMPLETE:
            continue
        at = max(action.due_at, complaint.history[-1].occurred_at)
        updated = apply(
            complaint,
            EventType.COMPLETED,
            actor=SYSTEM_ACTOR,
            at=desk._now(at),
            payload={"by": "system", "rule_id": action.rule_id, "sla_key": action.key},
            rules=desk.lifecycle,
        )
        events = updated.history[complaint.version :]
        row = desk._project(updated, desk.rules.clocks(updated, now=events[-1].occurred_at))
        outbox = messages_for(
            updated, events, desk.recipients, notifiers=tuple(desk.notifiers), lang=desk.lang
        )
        return _Pending(updated, complaint, events, row, tuple(outbox), {})
    return None


def apply_completions(desk: Desk, now: dt.datetime) -> list[Complaint]:
    """:meth:`sp4n.Desk.apply_due_completions` at ``now``: one read and one transaction per
    page of followed-up complaints (issue 17); a complaint another writer moved meanwhile
    is reloaded and completed alone if its completion is still due, else left out."""
    latest = now.astimezone(_EAST).date()  # the latest local date: a superset of rows
    ids: list[str] = []
    after: ComplaintRow | None = None
    while True:
        query = RowQuery(status="followed_up", overdue_as_of=latest, limit=_PAGE, after=after)
        rows = query_rows(desk.store, query)
        ids.extend(r.complaint_id for r in rows)
        if len(rows) < _PAGE:
            break
        after = rows[-1]  # keyset paging (decision 0180)
    out: list[Complaint] = []
    for start in range(0, len(ids), _COMPLETION_PAGE):
        streams = load_many(desk.store, ids[start : start + _COMPLETION_PAGE])
        pending = [
            item
            for item in (_completion(desk, replay(events), now) for events in streams.values())
            if item is not None
        ]
        if not pending:
            continue
        done, moved = _append(desk, pending)
        finished = {item.complaint.complaint_id: item.complaint for item in done}
        for item in moved:  # reload it: what the other writer did decides
            again = _completion(desk, desk.get(item.complaint.complaint_id), now)
            if again is not None and _append(desk, [again])[0]:
                finished[again.complaint.complaint_id] = again.complaint
        out.extend(
            finished[p.complaint.complaint_id]
            for p in pending
            if p.complaint.complaint_id in finished
        )
    return out


def run_sweep(
    desk: Desk,
    now: dt.datetime,
    *,
    config: SweepConfig,
    progress: Progress | None = None,
    full: bool = False,
) -> SweepReport:
    """One sweep at ``now`` (see the module docstring); ``full``: decision 0080's selection."""
    tally = _Tally()
    context = _Context(desk, now, config)
    tally.completed = len(desk.apply_due_completions(now))
    rows = due_candidates(desk, now, config, every=True) if full else candidates(desk, now, config)
    total = len(rows)
    pending: list[_Pending] = []
    done = 0
    for start in range(0, total, _BATCH):
        chunk = rows[start : start + _BATCH]
        streams = load_many(desk.store, [row.complaint_id for row in chunk])
        later: list[tuple[str, int, dt.date | None]] = []
        for row in chunk:
            events = streams.get(row.complaint_id, ())
            item = _sweep_one(context, row, events, tally, later)
            if item is not None:
                pending.append(item)
            if len(pending) >= _BATCH:
                _flush(desk, pending, tally)
            done += 1
            if progress is not None:
                progress(done, total)
        if later and hasattr(desk.store, "reschedule"):
            desk.store.reschedule(later)  # a row that moved since keeps its new day
    _flush(desk, pending, tally)
    return SweepReport(now=now, candidates=total, **attrs.asdict(tally))
