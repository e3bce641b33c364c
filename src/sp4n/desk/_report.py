"""Compliance reports: the figures supervisors (KemenPANRB, KSP, Ombudsman) watch.

Counted from the event log (decision 0084), through the facts the Desk keeps in each
projection row (:func:`report_facts`, decision 0184), which the store groups into shapes
counted once each (decision 0270), per agency or per region, for complaints
*submitted* in a period (the local date of the ``submitted`` event in the complaint
region's calendar, both ends included):

- **received**: complaints submitted in the period (for an agency: those forwarded to it);
- **forwarded_in_3wd** (T1 met): the first ``forwarded`` event is on or before the T1 due
  date: the submission date plus the policy's T1 length (3) in working days, plus the
  working days spent in T1's pauses (``held`` until ``verified``/``info_provided``);
- **followed_up_in_5wd** (T2 met): a forwarding (for an agency: to it) answered by a
  ``followed_up`` on or before its due date: the forwarding date plus T2's length (5) in
  working days plus the working days paused (``info_requested`` until ``info_provided``);
  a forwarding ends at the first ``followed_up``, ``returned``, ``completed``,
  ``archived`` or next ``forwarded``;
- **completed**: complaints whose status now is completed (Selesai);
- **overdue_now**: open complaints whose stored ``next_due`` is before today (local);
- **median_wd_to_follow_up**: median of working days from a forwarding to its follow-up
  (pauses included), over forwardings answered by a follow-up;
- **returns**: ``returned`` events (not the agency's authority, bukan wewenang);
- **escalations**: ``escalated`` events (for an agency: while it held the complaint).

With ``by="topic"`` or ``by="channel"`` the same figures are given per group key
(:func:`group_key`: the complaint's topic as it is now, after any amendment, or its intake
channel), inside the agency or region asked for, then a total row ``*``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from sp4n._time import require_aware
from sp4n.adapters import ReportShape, load_many, report_shapes
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import Event, EventType, replay
from sp4n.lifecycle._status import CLOSED_STATUSES
from sp4n.sla import Rule, WorkingCalendar, kept_date
from sp4n.texts import text

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk._desk import Desk

__all__ = [
    "FIELDS",
    "GROUPINGS",
    "ComplianceReport",
    "ComplianceRow",
    "compliance_report",
    "report_facts",
]

_PAGE = 1000
_CLOSED = frozenset(status.value for status in CLOSED_STATUSES)

FIELDS = (
    "group",
    "received",
    "forwarded_in_3wd",
    "followed_up_in_5wd",
    "completed",
    "overdue_now",
    "median_wd_to_follow_up",
    "returns",
    "escalations",
)
"""Column names of the report (CSV header, JSON keys), in order."""

GROUPINGS = ("topic", "channel")
"""The keys a report may be grouped by besides agency and region (``by=``)."""


_ENDS = frozenset(
    {
        EventType.FOLLOWED_UP,
        EventType.RETURNED,
        EventType.COMPLETED,
        EventType.ARCHIVED,
        EventType.FORWARDED,
    }
)


@attrs.frozen
class ComplianceRow:
    """The figures of one agency or region (see the module docstring)."""

    group: str
    received: int = 0
    forwarded_in_3wd: int = 0
    followed_up_in_5wd: int = 0
    completed: int = 0
    overdue_now: int = 0
    median_wd_to_follow_up: float | None = None
    returns: int = 0
    escalations: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping, keys in :data:`FIELDS` order."""
        return {name: getattr(self, name) for name in FIELDS}


@attrs.frozen
class ComplianceReport:
    """A report: its period, the grouping (``agency``, ``region``, ``topic`` or ``channel``)
    and one row per group."""

    start: dt.date
    end: dt.date
    as_of: dt.datetime
    by: str
    rows: tuple[ComplianceRow, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"from", "to", "as_of", "by", "rows": [...]}``."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "by": self.by,
            "rows": [row.to_dict() for row in self.rows],
        }

    def to_csv(self) -> str:
        """CSV with a header row (:data:`FIELDS`); an empty median is an empty cell."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for row in self.rows:
            values = row.to_dict()
            if values["median_wd_to_follow_up"] is None:
                values["median_wd_to_follow_up"] = ""
            writer.writerow(values[name] for name in FIELDS)
        return out.getvalue()

    def to_text(self) -> str:
        """An aligned table with Indonesian column headings (English underneath)."""
        # each complaint is counted under its own policy (an override may lengthen T2), so a
        # heading names the rule, never a length (decision 0260)
        keys = (f"report.by_{self.by}", *(f"report.{name}" for name in FIELDS[1:]))
        cells = [[text(key, "id") for key in keys], [text(key, "en") for key in keys]]
        for row in self.rows:
            values = row.to_dict()
            median = values["median_wd_to_follow_up"]
            values["median_wd_to_follow_up"] = "-" if median is None else f"{median:g}"
            cells.append([str(values[name]) for name in FIELDS])
        widths = [max(len(line[i]) for line in cells) for i in range(len(FIELDS))]
        title = f"{text('report.title', 'id')} / {text('report.title', 'en')}"
        lines = [f"{title} {self.start} .. {self.end} (per {self.as_of.isoformat()})"]
        for index, line in enumerate(cells):
            lines.append(
                "  ".join(
                    cell.ljust(width) if i == 0 else cell.rjust(width)
                    for i, (cell, width) in enumerate(zip(line, widths, strict=True))
                )
            )
            if index == 1:
                lines.append("  ".join("-" * width for width in widths))
        return "\n".join(lines)


@attrs.define
class _Acc:
    received: int = 0
    t1: int = 0
    t2: int = 0
    completed: int = 0
    overdue: int = 0
    days: Counter[int] = attrs.field(factory=Counter)
    returns: int = 0
    escalations: int = 0

    def row(self, group: str) -> ComplianceRow:
        return ComplianceRow(
            group=group,
            received=self.received,
            forwarded_in_3wd=self.t1,
            followed_up_in_5wd=self.t2,
            completed=self.completed,
            overdue_now=self.overdue,
            median_wd_to_follow_up=median_of(self.days),
            returns=self.returns,
            escalations=self.escalations,
        )


def median_of(counts: Mapping[int, int]) -> float | None:
    """The median of the values counted in ``counts`` (value -> how many times), as
    ``statistics.median`` of the list holding each value that many times; ``None`` when
    there are none."""
    total = sum(counts.values())
    if total <= 0:
        return None
    low, high = (total - 1) // 2, total // 2  # positions of the middle value(s), from 0
    seen = 0
    found: list[int] = []
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and seen > (low, high)[len(found)]:
            found.append(value)
        if len(found) == 2:
            break
    return float(found[0]) if low == high else (found[0] + found[1]) / 2


def group_key(facts: Mapping[str, Any], by: str) -> str:
    """The group of a complaint (its report ``facts``) in a report ``by`` topic (as amended)
    or channel."""
    return str(facts[by])


def _topic_and_channel(events: Sequence[Event]) -> tuple[str, str]:
    """The complaint's topic as it is after its amendments, and its intake channel."""
    topic, channel = str(events[0].payload["topic"]), str(events[0].payload["channel"])
    for event in events:
        if event.type == EventType.AMENDED and "topic" in event.payload["changes"]:
            topic = str(event.payload["changes"]["topic"]["new"])
    return topic, channel


def _paused(events: Sequence[Event], rule: Rule, calendar: WorkingCalendar, until: dt.date) -> int:
    """Working days inside ``rule``'s pauses among ``events`` (an open pause runs to ``until``)."""
    total = 0
    since: dt.date | None = None
    for event in events:
        day = calendar.local_date(event.occurred_at)
        if event.type in rule.pauses and since is None:
            since = day
        elif event.type in rule.resumes and since is not None:
            total += calendar.working_days_between(since, day)
            since = None
    if since is not None:
        total += calendar.working_days_between(since, until)
    return total


def _due(
    calendar: WorkingCalendar,
    start: dt.date,
    rule: Rule,
    paused: int,
    events: Sequence[Event] = (),
) -> dt.date:
    """``start`` plus the rule's length (working or calendar days) plus ``paused`` working
    days, never before a date a ``deadline_moved`` event among ``events`` kept (decision
    0150: the deadline the clocks, the sweep and the agency were given)."""
    if rule.unit == "working_days":
        due = calendar.add_working_days(start, rule.length + paused)
    else:
        due = calendar.add_days(start, rule.length, roll_forward=rule.roll_forward)
        due = calendar.add_working_days(due, paused) if paused else due
    kept = [k for k in (kept_date(e, rule.id) for e in events) if k is not None]
    return max([due, *kept])


def _episodes(events: Sequence[Event]) -> list[tuple[int, int | None]]:
    """``(index of a forwarded event, index of the event that ended it or None)``."""
    out = []
    for i, event in enumerate(events):
        if event.type != EventType.FORWARDED:
            continue
        end = next((j for j in range(i + 1, len(events)) if events[j].type in _ENDS), None)
        out.append((i, end))
    return out


def report_facts(
    events: Sequence[Event], calendar: WorkingCalendar, t1: Rule, t2: Rule
) -> dict[str, Any]:
    """What the report counts of one complaint, from its events (decision 0184).

    ``submitted`` (local date), ``topic`` (as amended), ``channel``, ``t1`` (the first
    forwarding met T1; ``None`` before one),
    ``episodes`` (per forwarding: agency, the event type that ended it or ``None``, whether
    a follow-up met T2, working days to that follow-up) and ``escalations`` (per
    ``escalated`` event: the agency holding the complaint then, or ``None``). JSON values,
    kept in the projection row by the Desk (``ComplaintRow.facts``).
    """
    submitted = calendar.local_date(events[0].occurred_at)
    topic, channel = _topic_and_channel(events)
    met_t1: bool | None = None
    first = next((e for e in events if e.type == EventType.FORWARDED), None)
    if first is not None:
        day = calendar.local_date(first.occurred_at)
        before = [e for e in events if e.seq < first.seq]
        met_t1 = day <= _due(calendar, submitted, t1, _paused(before, t1, calendar, day), before)
    episodes: list[list[Any]] = []
    for i, end in _episodes(events):
        agency = events[i].payload.get("agency")
        if end is None:
            episodes.append([agency, None, False, None])
            continue
        stop = events[end]
        if stop.type != EventType.FOLLOWED_UP:
            episodes.append([agency, str(stop.type), False, None])
            continue
        start = calendar.local_date(events[i].occurred_at)
        day = calendar.local_date(stop.occurred_at)
        paused = _paused(events[i + 1 : end], t2, calendar, day)
        met = day <= _due(calendar, start, t2, paused, events[i + 1 : end])
        days = calendar.working_days_between(start, day)
        episodes.append([agency, str(stop.type), met, days])
    escalations: list[Any] = []
    holder = None
    for event in events:
        if event.type == EventType.FORWARDED:
            holder = event.payload.get("agency")
        elif event.type == EventType.RETURNED:
            holder = None
        elif event.type == EventType.ESCALATED:
            escalations.append(holder)
    return {
        "submitted": submitted.isoformat(),
        "topic": topic,
        "channel": channel,
        "t1": met_t1,
        "episodes": episodes,
        "escalations": escalations,
    }


def _add(
    acc: _Acc,
    facts: Mapping[str, Any],
    weight: int,
    agency: str | None,
    status: str,
    overdue: bool,
) -> None:
    """Count ``weight`` complaints of the same facts, status and overdue state (each once)."""
    episodes = [e for e in facts["episodes"] if agency is None or e[0] == agency]
    if agency is not None and not episodes:
        return
    acc.received += weight
    if facts["t1"]:
        acc.t1 += weight
    if status == "completed":
        acc.completed += weight
    if overdue:
        acc.overdue += weight
    met = False
    for _agency, end, on_time, days in episodes:
        if end == EventType.RETURNED:
            acc.returns += weight
        if end != EventType.FOLLOWED_UP:
            continue
        met = met or bool(on_time)
        acc.days[days] += weight
    if met:
        acc.t2 += weight
    acc.escalations += weight * sum(
        1 for holder in facts["escalations"] if agency is None or holder == agency
    )


def compliance_report(
    desk: Desk,
    *,
    start: dt.date,
    end: dt.date,
    agency: str | None = None,
    region: str | None = None,
    now: dt.datetime,
    by: str | None = None,
) -> ComplianceReport:
    """The report for complaints submitted in ``start``..``end`` (see the module docstring).

    With ``agency`` one row for it; with ``region`` one row for that code prefix; with
    neither one row per agency that received complaints, then a total row ``*``. With
    ``by`` (one of :data:`GROUPINGS`) one row per topic or channel that received complaints
    (in the agency or region given), then a total row ``*``.
    """
    now = require_aware("now", now)
    if by is not None and by not in GROUPINGS:
        raise InvalidInputError("by", by, "must be topic or channel (or none: per agency)")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
        raise InvalidInputError("to", end, f"must be a date on or after from ({start})")
    if agency is not None and region is not None:
        raise InvalidInputError("agency", agency, "give an agency or a region, not both")
    if agency is not None:
        desk.router.directory.get(agency)  # UnknownAgencyError for an unknown id
    if region is not None:
        from sp4n.routing import normalize_code

        region = normalize_code(region)
    groups: dict[str, _Acc] = {}
    total = _Acc()
    first, last = start.isoformat(), end.isoformat()
    today: dict[str, dt.date] = {}
    for shape, facts in _facts(desk, region, start, now):
        if not first <= facts["submitted"] <= last:  # ISO dates order as the dates do
            continue
        if shape.region not in today:
            today[shape.region] = desk.rules.calendar_for_region(shape.region).local_date(now)
        status, weight = shape.status, shape.rows
        closed = status in _CLOSED
        overdue = not closed and shape.next_due is not None and shape.next_due < today[shape.region]
        if by is not None:
            key = group_key(facts, by)
            _add(groups.setdefault(key, _Acc()), facts, weight, agency, status, overdue)
            _add(total, facts, weight, agency, status, overdue)
            continue
        if agency is not None or region is not None:
            key = agency or region or ""
            _add(groups.setdefault(key, _Acc()), facts, weight, agency, status, overdue)
            continue
        _add(total, facts, weight, None, status, overdue)
        for name in sorted({str(e[0]) for e in facts["episodes"]}):
            _add(groups.setdefault(name, _Acc()), facts, weight, name, status, overdue)
    if by is not None:
        named = [groups[key].row(key) for key in sorted(groups) if groups[key].received]
        rows = [*named, total.row("*")]
    elif agency is not None or region is not None:
        key = agency or region or ""
        rows = [groups.get(key, _Acc()).row(key)]
    else:
        rows = [groups[name].row(name) for name in sorted(groups)] + [total.row("*")]
    grouping = by or ("region" if region is not None and agency is None else "agency")
    return ComplianceReport(start=start, end=end, as_of=now, by=grouping, rows=tuple(rows))


def _facts(
    desk: Desk, region: str | None, start: dt.date, now: dt.datetime
) -> Iterator[tuple[ReportShape, Mapping[str, Any]]]:
    """The rows' shapes as of ``now`` (decision 0270: grouped and counted by the store) with
    their report facts (decision 0184).

    A shape's stored facts, decoded once for all its rows; for a stale row (no facts, or
    updated after ``now``) the facts computed from its events up to ``now``, loaded
    ``_PAGE`` rows per read (decision 0180). Only rows updated since a day before ``start``
    in UTC (earlier than ``start`` begins in any time zone) are asked for: a row last
    updated before the period was not submitted in it.
    """
    since = None  # from the first days of year 1 on, every row (no instant before them)
    if start > dt.date.min + dt.timedelta(days=1):
        since = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    stale: list[ReportShape] = []
    for shape in report_shapes(desk.store, region_prefix=region, updated_from=since, as_of=now):
        if shape.complaint_id is None:
            yield shape, shape.facts
            continue
        stale.append(shape)
        if len(stale) == _PAGE:
            yield from _from_events(desk, stale, now)
            stale = []
    if stale:
        yield from _from_events(desk, stale, now)


def _from_events(
    desk: Desk, stale: Sequence[ReportShape], now: dt.datetime
) -> Iterator[tuple[ReportShape, Mapping[str, Any]]]:
    """Stale rows with the facts of their events up to ``now`` (one ``load_many``)."""
    streams = load_many(desk.store, [str(shape.complaint_id) for shape in stale])
    for shape in stale:
        events = streams[str(shape.complaint_id)]
        seen = tuple(e for e in events if e.occurred_at <= now)
        if not seen:
            continue  # submitted after ``now``: not yet received as of the report
        policy = desk.rules.policy_for(replay(events))
        calendar = desk.rules.calendar_for_region(shape.region)
        yield shape, report_facts(seen, calendar, policy.rule("T1"), policy.rule("T2"))
