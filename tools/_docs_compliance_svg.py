"""The compliance picture: on-time rates per agency from ``Desk.report`` over a seeded store (SVG).

The store is sample data, made here: :data:`COMPLAINTS` complaints submitted in the first
quarter of 2026 in Kabupaten Bengkayang (61.07) about five topics, forwarded by the admin and
followed up by the agency after a number of days drawn from ``random.Random(SEED)`` (each
agency has its own range, :data:`FOLLOW_UP_DAYS`; officers act on working days only), some
never followed up; the sweep runs at the end. Every figure drawn is then the library's own:
the rows of ``desk.report(start=..., end=...)`` as of :data:`AS_OF`, T1 and T2 as the report
counts them (decision 0084). The picture says on its face that the data is sample data.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from _docs_svg import Svg, text_width

from sp4n import Desk
from sp4n.desk import ComplianceReport, ComplianceRow
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.sla import WorkingCalendar
from sp4n.testing import FrozenClock

__all__ = ["AS_OF", "COMPLAINTS", "FOLLOW_UP_DAYS", "SEED", "compliance_svg", "sample_report"]

SEED = 2026
COMPLAINTS = 80
REGION = "61.07"
START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
_WIB = ZoneInfo("Asia/Pontianak")
AS_OF = dt.datetime(2026, 4, 30, 17, 0, tzinfo=_WIB)

TOPICS: dict[str, dict[str, str]] = {
    "road": {"road_status": "kabupaten"},
    "puskesmas": {},
    "waste": {},
    "population_documents": {},
    "local_market": {},
}
"""The topics of the sample complaints and the routing facts the admin gives when forwarding."""

FOLLOW_UP_DAYS: dict[str, tuple[int, int]] = {
    "road": (2, 12),
    "puskesmas": (1, 6),
    "waste": (1, 9),
    "population_documents": (3, 14),
    "local_market": (1, 7),
}
"""Sample data: the range of working days (drawn uniformly) an agency takes to follow up."""

FORWARD_DAYS = (0, 4)
"""Sample data: the range of working days the admin takes to verify and forward."""

NEVER_FOLLOWED_UP = 0.1
"""Sample data: the share of forwarded complaints never followed up."""

T1_COLOUR, T2_COLOUR = "#1f5fa8", "#c2571a"


def _on_working_day(calendar: WorkingCalendar, start: dt.date, days: int, hour: int) -> dt.datetime:
    day = calendar.add_working_days(start, days) if days else start
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=_WIB)


def sample_report() -> tuple[ComplianceReport, dict[str, str]]:
    """The report over the seeded store, and the directory name of each agency in it."""
    rng = random.Random(SEED)
    calendar = WorkingCalendar.indonesia(region=REGION)
    span = (END - START).days
    plan: list[tuple[dt.datetime, int, str, str]] = []
    for i in range(COMPLAINTS):
        topic = rng.choice(sorted(TOPICS))
        submitted = dt.datetime.combine(
            START + dt.timedelta(days=rng.randint(0, span)), dt.time(rng.randint(7, 20)), _WIB
        )
        forwarded = _on_working_day(calendar, submitted.date(), rng.randint(*FORWARD_DAYS), 10)
        forwarded = max(forwarded, submitted + dt.timedelta(hours=1))
        plan.append((submitted, i, "submit", topic))
        plan.append((forwarded, i, "forward", topic))
        if rng.random() >= NEVER_FOLLOWED_UP:
            days = rng.randint(*FOLLOW_UP_DAYS[topic])
            plan.append(
                (_on_working_day(calendar, forwarded.date(), days, 14), i, "follow_up", topic)
            )
    plan.sort()
    clock = FrozenClock(plan[0][0])
    refs: dict[int, str] = {}
    with Desk.open("memory://", clock=clock) as desk:
        for instant, i, action, topic in plan:
            clock.set(instant)
            if action == "submit":
                draft = ComplaintDraft(
                    kind="pengaduan",
                    title=f"Laporan contoh {i + 1}",
                    body="Data contoh untuk grafik kepatuhan.",
                    region=REGION,
                    topic=topic,
                    channel="web",
                    reporter=Reporter(id=f"warga-{i + 1}", email=f"warga{i + 1}@example.org"),
                )
                refs[i] = desk.submit(draft).tracking_id
            elif action == "forward":
                desk.verify(refs[i])
                desk.forward(refs[i], attributes=TOPICS[topic])
            else:
                desk.follow_up(refs[i], "Sudah ditindaklanjuti.")
        clock.set(AS_OF)
        desk.sweep()  # completes what T3 closed, escalates what is overdue
        report = desk.report(start=START, end=END)
        names = {
            row.group: desk.router.directory.get(row.group).name
            for row in report.rows
            if row.group != "*"
        }
    return report, names


def _rate(part: int, row: ComplianceRow) -> float:
    return part / row.received if row.received else 0.0


def _wrap(text: str, limit: float) -> list[str]:
    lines = [""]
    for word in text.split():
        trial = f"{lines[-1]} {word}".strip()
        if lines[-1] and text_width(trial, 12, bold=True) > limit:
            lines.append(word)
        else:
            lines[-1] = trial
    return lines


def compliance_svg() -> str:
    """Per agency, the share of complaints forwarded within T1 and followed up within T2."""
    report, names = sample_report()
    suffix = " Kabupaten Bengkayang"
    width, margin = 760.0, 18.0
    label_w = 290.0
    bar_x = margin + label_w
    bar_w = width - bar_x - margin - 96
    top = 96.0
    group_h = 50.0
    svg = Svg(
        0,
        0,
        title="Kepatuhan tenggat per instansi / On-time rate per agency",
        sources="`Desk.report` over the seeded sample store of tools/_docs_compliance_svg.py",
    )
    svg.text(
        margin,
        margin + 8,
        "Kepatuhan tenggat per instansi",
        size=17,
        font_weight="bold",
        fill="#222",
    )
    svg.text(
        margin + text_width("Kepatuhan tenggat per instansi", 17, bold=True) + 16,
        margin + 8,
        "On-time rate per agency",
        size=14,
        font_style="italic",
        fill="#555",
    )
    svg.text(
        margin,
        margin + 28,
        f"Laporan masuk {START:%d-%m-%Y} s.d. {END:%d-%m-%Y}, per {AS_OF:%d-%m-%Y}; "
        f"instansi{suffix}",
        size=12,
        fill="#555",
    )
    svg.text(
        margin,
        margin + 44,
        f"DATA CONTOH / SAMPLE DATA: {COMPLAINTS} laporan acak (seed {SEED}), bukan kinerja nyata "
        "/ not real figures",
        size=12,
        font_weight="bold",
        fill="#b3261e",
    )
    rows = sorted((r for r in report.rows if r.group != "*"), key=lambda r: names[r.group])
    rows += [r for r in report.rows if r.group == "*"]
    labels = []
    for row in rows:
        if row.group == "*":
            lines, sub = ["Semua instansi / all agencies"], f"{row.received} laporan / complaints"
        else:
            name = names[row.group].removesuffix(suffix)
            lines = _wrap(name, label_w - 14)
            sub = f"{row.group} · {row.received} laporan / complaints"
        labels.append((lines, sub))
    heights = [max(group_h, 15 * len(lines) + 30) for lines, _ in labels]
    bottom = top + sum(heights)
    for pct in (0, 25, 50, 75, 100):
        x = bar_x + bar_w * pct / 100
        svg.add("line", x1=x, y1=top - 8, x2=x, y2=bottom, stroke="#dddddd" if pct else "#888888")
        svg.text(x, top - 12, f"{pct}%", size=11, text_anchor="middle", fill="#555")
    y = top
    for row, (lines, sub), height in zip(rows, labels, heights, strict=True):
        if row.group == "*":
            svg.add("line", x1=margin, y1=y - 2, x2=width - margin, y2=y - 2, stroke="#888888")
        for i, line in enumerate(lines):
            svg.text(margin, y + 18 + 15 * i, line, size=12, font_weight="bold", fill="#222")
        svg.text(margin, y + 18 + 15 * len(lines), sub, size=11, fill="#555")
        for b, (count, colour) in enumerate(
            ((row.forwarded_in_3wd, T1_COLOUR), (row.followed_up_in_5wd, T2_COLOUR))
        ):
            rate = _rate(count, row)
            by = y + 8 + b * 18
            svg.add("rect", x=bar_x, y=by, width=max(bar_w * rate, 1.0), height=15, fill=colour)
            svg.text(
                bar_x + bar_w * rate + 6,
                by + 12,
                f"{rate:.0%} ({count}/{row.received})",
                size=11,
                fill="#222",
            )
        y += height
    y = bottom + 26
    x = margin
    for colour, words in (
        (T1_COLOUR, "T1: diteruskan ≤ 3 HK / forwarded within 3 working days"),
        (T2_COLOUR, "T2: ditindaklanjuti ≤ 5 HK / followed up within 5 working days"),
    ):
        svg.add("rect", x=x, y=y - 11, width=14, height=14, fill=colour)
        svg.text(x + 20, y, words, size=12, fill="#222")
        y += 20
    svg.text(
        margin,
        y + 4,
        "Dihitung dari log peristiwa oleh Desk.report (keputusan 0084) / computed from the "
        "event log by Desk.report",
        size=11,
        fill="#555",
    )
    svg.width, svg.height = width, y + 4 + margin
    return svg.render()
