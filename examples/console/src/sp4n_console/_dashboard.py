"""The supervisor's dashboard: the compliance figures of ``Desk.report`` in the officer's scope.

Every compliance number comes from :meth:`sp4n.Desk.report`, the same call as
``sp4n report``: per agency, per province, per month, per topic and per channel
(``Desk.report(by=...)``, decision 0221). On-time rates are shares of the complaints
received in the period (decision 0171). Charts are SVG drawn on the server.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from html import escape

import attrs

from sp4n import Desk
from sp4n.desk import ComplianceReport, ComplianceRow
from sp4n.lifecycle import Actor, Role, Status, in_region
from sp4n_console._queues import scoped_rows

__all__ = ["Dashboard", "bar_chart", "build_dashboard", "figures_csv", "rate"]

_CLOSED = frozenset(s.value for s in Status if s.is_closed)


def figures_csv(rows: Iterable[ComplianceRow], months: Sequence[str] = ()) -> str:
    """CSV of compliance rows in ``sp4n report``'s columns (a ``month`` column first if given)."""
    names = [field.name for field in attrs.fields(ComplianceRow)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((["month"] if months else []) + names)
    for index, row in enumerate(rows):
        values = row.to_dict()
        if values["median_wd_to_follow_up"] is None:
            values["median_wd_to_follow_up"] = ""
        writer.writerow(([months[index]] if months else []) + [values[f] for f in names])
    return out.getvalue()


def rate(part: int, whole: int) -> float | None:
    """``part / whole`` as a percentage rounded to one decimal, ``None`` when ``whole`` is 0."""
    return None if whole == 0 else round(100 * part / whole, 1)


@attrs.frozen
class Dashboard:
    """Everything the dashboard page and the CSV export show."""

    start: dt.date
    end: dt.date
    by_agency: ComplianceReport
    by_region: tuple[ComplianceRow, ...]
    by_month: tuple[tuple[str, ComplianceRow], ...]
    by_topic: ComplianceReport
    by_channel: ComplianceReport
    backlog: int


def _report_scope(actor: Actor) -> dict[str, str | None]:
    if actor.role is not Role.ADMIN and actor.agency is not None:
        return {"agency": actor.agency, "region": None}
    return {"agency": None, "region": actor.region}


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    out = []
    first = start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        out.append((max(first, start), min(following - dt.timedelta(days=1), end)))
        first = following
    return out


def build_dashboard(
    desk: Desk, actor: Actor, *, start: dt.date, end: dt.date, now: dt.datetime
) -> Dashboard:
    """The dashboard of ``actor``'s scope for complaints submitted ``start``..``end``."""
    scope = _report_scope(actor)
    by_agency = desk.report(start=start, end=end, now=now, **scope)
    if scope["agency"] is None and scope["region"] is not None:
        # a regional officer: the region's row, then one row per agency of that region
        directory = desk.router.directory
        agencies = sorted(
            a.id for a in directory if a.region is not None and in_region(a.region, actor.region)
        )
        rows = [desk.report(start=start, end=end, agency=a, now=now).rows[0] for a in agencies]
        rows = [r for r in rows if r.received] + list(by_agency.rows)
        by_agency = attrs.evolve(by_agency, rows=tuple(rows))
    provinces: set[str] = set()
    backlog = 0
    for row in scoped_rows(desk, actor, open_only=False):
        calendar = desk.rules.calendar_for_region(row.region)
        backlog += row.status not in _CLOSED
        if row.submitted_at is None or not start <= calendar.local_date(row.submitted_at) <= end:
            continue
        provinces.add(row.region.split(".")[0])
    by_region: tuple[ComplianceRow, ...] = ()
    if scope["agency"] is None:
        codes = sorted(provinces) if actor.region is None else [actor.region]
        by_region = tuple(
            desk.report(start=start, end=end, region=code, now=now).rows[0] for code in codes
        )
    by_month = tuple(
        (first.strftime("%Y-%m"), desk.report(start=first, end=last, now=now, **scope).rows[-1])
        for first, last in _months(start, end)
    )

    return Dashboard(
        start=start,
        end=end,
        by_agency=by_agency,
        by_region=by_region,
        by_month=by_month,
        by_topic=desk.report(start=start, end=end, now=now, by="topic", **scope),
        by_channel=desk.report(start=start, end=end, now=now, by="channel", **scope),
        backlog=backlog,
    )


def bar_chart(
    title: str, labels: list[str], series: list[tuple[str, list[float | None]]], *, unit: str = "%"
) -> str:
    """A grouped bar chart as inline SVG: each label on its own line, its bars below it.

    Values run 0..100 for ``unit="%"``, else 0..the largest value. Every label is
    HTML-escaped; a ``None`` value draws a zero-width bar and reads "-".
    """
    colours = ("#1f6f8b", "#e07a1f", "#5b8c3a")
    bar, width, total = 16, 280, 360
    group = 18 + bar * len(series) + 10
    height = 30 + group * max(len(labels), 1)
    top = max([v or 0.0 for _, values in series for v in values] + [1.0])
    scale = 100.0 if unit == "%" else top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {total} {height}" '
        f'class="chart" font-family="sans-serif"><title>{escape(title)}</title>',
    ]
    for i, (name, _) in enumerate(series):
        x = i * 130
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{colours[i % 3]}"/>'
            f'<text x="{x + 16}" y="14" font-size="12">{escape(name)}</text>'
        )
    for row, label in enumerate(labels):
        y = 30 + row * group
        short = label if len(label) <= 52 else label[:51] + "…"
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="12" fill="#333"><title>{escape(label)}</title>'
            f"{escape(short)}</text>"
        )
        for i, (_, values) in enumerate(series):
            value = values[row]
            by = y + 18 + i * bar
            length = 0.0 if value is None else width * value / scale
            text = "-" if value is None else f"{value:g}{unit}"
            parts.append(
                f'<rect x="0" y="{by}" width="{length:.1f}" height="{bar - 3}" '
                f'fill="{colours[i % 3]}"/><text x="{length + 4:.1f}" y="{by + bar - 5}" '
                f'font-size="11">{escape(text)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
