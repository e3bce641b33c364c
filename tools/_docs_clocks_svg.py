"""The clocks picture: one complaint's T1, T2 and T3 over the days around 17 August 2026 (SVG).

The story is code (:data:`STORY`), run through the Desk on a frozen clock; the counting page
shows the same statements as a doctest block, so the picture and the example cannot disagree.
Every date, counted day, skipped day and reason comes from the clocks sp4n computes
(``desk.clocks(ref)``, each deadline's ``explanation``); nothing is placed by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from _docs_run import Session
from _docs_svg import Svg, text_width

from sp4n.sla import DayKind, SkippedDay, WorkingCalendar

__all__ = ["CLOCKS", "STORY", "clocks_svg", "story_clocks"]

STORY = (
    "from datetime import datetime",
    "from zoneinfo import ZoneInfo",
    "from sp4n import Desk",
    "from sp4n.lifecycle import ComplaintDraft, Reporter",
    "from sp4n.testing import FrozenClock",
    'wib = ZoneInfo("Asia/Pontianak")  # Kabupaten Bengkayang (61.07)',
    "clock = FrozenClock(datetime(2026, 8, 14, 9, 0, tzinfo=wib))  # Friday 14 August",
    'desk = Desk.open("memory://", clock=clock)',
    'draft = ComplaintDraft(kind="pengaduan", title="Jalan berlubang", body="Sejak Juli.",\n'
    '                       region="61.07", topic="road", channel="sms",\n'
    '                       reporter=Reporter(id="warga-1", phone="+6281234567890"))',
    "ref = desk.submit(draft).tracking_id  # T1 starts: verify and forward",
    "now = clock.set(datetime(2026, 8, 18, 10, 0, tzinfo=wib))  # Tuesday",
    "desk.verify(ref).status.label",
    'desk.forward(ref, attributes={"road_status": "kabupaten"}).agency  # T1 stops, T2 starts',
    "now = clock.set(datetime(2026, 8, 24, 14, 0, tzinfo=wib))  # Monday",
    'desk.follow_up(ref, "Lubang sudah ditambal.").status.label  # T2 stops, T3 starts',
    "now = clock.set(datetime(2026, 9, 9, 8, 0, tzinfo=wib))  # after T3's due date",
    "desk.sweep().completed  # T3 ran out without a reply: completed automatically",
    "desk.get(ref).status.label",
    'clocks = {c.rule.id: c for c in desk.clocks(ref) if c.rule.id in ("T1", "T2", "T3")}',
    "[(c.rule.id, c.deadline.due_date.isoformat(), c.stopped_by) for c in clocks.values()]",
    "desk.close()",
)
"""The complaint's story, as the counting page shows it."""

CLOCKS = ("T1", "T2", "T3")

_HARI = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
_BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
    "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
_EVENT_WORDS = {
    "submitted": "diterima / submitted",
    "forwarded": "diteruskan / forwarded",
    "followed_up": "ditindaklanjuti / followed up",
    "completed": "selesai otomatis / completed automatically",
}
COL = {
    "counted": "#1f5fa8",
    "weekend": "#ececec",
    "holiday": "#fbd9b6",
    "text": "#222222",
    "muted": "#555555",
    "met": "#2e7d32",
}


def story_clocks() -> tuple[dict[str, Any], WorkingCalendar]:
    """Run :data:`STORY` in a fresh session: the clocks it ends with, and the region's calendar."""
    session = Session()
    for statement in STORY:
        session.run(statement)
    clocks: dict[str, Any] = session.value("clocks")
    return clocks, WorkingCalendar.indonesia(region=session.value("draft.region"))


def _short(day: dt.date) -> str:
    return f"{day.day} {_BULAN[day.month - 1][:3]}"


def clocks_svg() -> str:
    """The timeline of :data:`STORY`'s clocks as an SVG document."""
    clocks, calendar = story_clocks()
    starts = {i: c.deadline.explanation.start for i, c in clocks.items()}
    dues = {i: c.deadline.due_date for i, c in clocks.items()}
    skipped: dict[dt.date, SkippedDay] = {}
    for c in clocks.values():
        for day in c.deadline.explanation.skipped:
            skipped.setdefault(day.date, day)
    first = min(starts.values())
    last = max(dues.values()) + dt.timedelta(days=1)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]

    width, margin, left = 760.0, 18.0, 54.0
    col = (width - 2 * margin - left) / len(days)
    x0 = margin + left
    head = 76.0
    row_h = 74.0
    rows_top = head + 52
    height_rows = rows_top + row_h * len(CLOCKS)

    svg = Svg(
        0,
        0,
        title="Jam tenggat satu laporan / One complaint's clocks",
        sources="the T1, T2 and T3 clocks `Desk.clocks` computes for the story on the page",
    )
    svg.text(
        margin,
        margin + 8,
        "Tiga jam tenggat satu laporan",
        size=17,
        font_weight="bold",
        fill=COL["text"],
    )
    svg.text(
        margin + text_width("Tiga jam tenggat satu laporan", 17, bold=True) + 16,
        margin + 8,
        "One complaint's three clocks",
        size=14,
        font_style="italic",
        fill=COL["muted"],
    )
    svg.text(
        margin,
        margin + 28,
        "Kabupaten Bengkayang (61.07), hari kerja (HK) / working days, "
        "as sp4n's calendar counts them",
        size=12,
        fill=COL["muted"],
    )

    def x_of(day: dt.date) -> float:
        return x0 + (day - first).days * col

    # Day columns: skipped days shaded through every row, with the month, date and weekday.
    for day in days:
        x = x_of(day)
        off = skipped.get(day)
        if off is not None:
            fill = COL["weekend"] if off.kind is DayKind.WEEKEND else COL["holiday"]
            svg.add("rect", x=x, y=head + 4, width=col, height=height_rows - head - 4, fill=fill)
        if day.day == 1 or day == first:
            svg.text(
                x + 2,
                head - 4,
                f"{_BULAN[day.month - 1]} {day.year}",
                size=12,
                font_weight="bold",
                fill=COL["text"],
            )
            svg.add("line", x1=x, y1=head - 16, x2=x, y2=height_rows, stroke="#999", stroke_width=1)
        svg.text(
            x + col / 2, head + 20, str(day.day), size=12, text_anchor="middle", fill=COL["text"]
        )
        svg.text(
            x + col / 2,
            head + 34,
            _HARI[day.weekday()],
            size=10,
            text_anchor="middle",
            fill=COL["muted"],
        )

    marks: dict[dt.date, str] = {}
    for day in sorted(skipped):
        if skipped[day].kind is not DayKind.WEEKEND:
            marks[day] = "abcdefghijklmnopqrstuvwxyz"[len(marks)]
    for day, mark in marks.items():
        svg.text(
            x_of(day) + col / 2,
            head + 10 + 36,
            mark,
            size=11,
            font_weight="bold",
            text_anchor="middle",
            fill="#8a4b08",
        )

    for r, rule_id in enumerate(CLOCKS):
        c = clocks[rule_id]
        y = rows_top + r * row_h
        rule = c.rule
        unit = "HK" if rule.unit.value == "working_days" else "hari"
        svg.text(margin, y + 30, rule_id, size=15, font_weight="bold", fill=COL["text"])
        svg.text(margin, y + 46, f"{rule.length} {unit}", size=11, fill=COL["muted"])
        svg.text(x0 + 2, y + 10, f"{rule.title} / {rule.title_en}", size=11, fill=COL["text"])
        bar_y = y + 24
        start, due = starts[rule_id], dues[rule_id]
        counted = 0
        day = start
        while day < due:
            day += dt.timedelta(days=1)
            if day in skipped and any(s.date == day for s in c.deadline.explanation.skipped):
                svg.add(
                    "line",
                    x1=x_of(day) + 4,
                    y1=bar_y + 11,
                    x2=x_of(day) + col - 4,
                    y2=bar_y + 11,
                    stroke=COL["counted"],
                    stroke_width=1.2,
                    stroke_dasharray="2 2",
                )
                continue
            counted += 1
            is_due = day == due
            svg.add(
                "rect",
                x=x_of(day) + 1.5,
                y=bar_y,
                width=col - 3,
                height=22,
                rx=3,
                fill="#0b3d75" if is_due else COL["counted"],
            )
            svg.text(
                x_of(day) + col / 2,
                bar_y + 15,
                str(counted),
                size=11,
                font_weight="bold",
                text_anchor="middle",
                fill="#ffffff",
            )
        # The start (not counted) and where the clock stopped.
        svg.add("circle", cx=x_of(start) + col / 2, cy=bar_y + 11, r=5, fill=COL["text"])
        note = f"batas / due {_short(due)}"
        if c.stopped_at is not None:
            local = calendar.local_date(c.stopped_at)
            # A line at the instant it stopped (the hour within its local day), flag on top.
            hours = c.stopped_at - calendar.start_of_day(local)
            stop_x = x_of(local) + col * min(hours / dt.timedelta(days=1), 1.0)
            svg.add(
                "line",
                x1=stop_x,
                y1=bar_y - 6,
                x2=stop_x,
                y2=bar_y + 2,
                stroke=COL["met"],
                stroke_width=2.5,
            )
            svg.add(
                "path", d=f"M{stop_x:.1f},{bar_y - 11:.1f} l5,5 l-5,5 l-5,-5 z", fill=COL["met"]
            )
            word = _EVENT_WORDS.get(str(c.stopped_by), str(c.stopped_by))
            verdict = "tepat waktu / on time" if c.met else ""
            note += f"  ·  {word} {_short(local)}" + (f", {verdict}" if verdict else "")
        svg.text(x0 + 2, bar_y + 38, note, size=11, fill=COL["met"] if c.met else COL["muted"])

    # Legend: what the shading means, then each holiday with its reason.
    y = height_rows + 22
    items = [
        (COL["counted"], "hari kerja yang dihitung / working day counted"),
        (COL["weekend"], "akhir pekan / weekend"),
        (COL["holiday"], "hari libur / holiday"),
    ]
    x = margin
    for colour, words in items:
        svg.add(
            "rect",
            x=x,
            y=y - 11,
            width=14,
            height=14,
            rx=2,
            fill=colour,
            stroke="#999",
            stroke_width=0.5,
        )
        svg.text(x + 20, y, words, size=12, fill=COL["text"])
        x += 20 + text_width(words, 12) + 20
    y += 20
    svg.add("circle", cx=margin + 7, cy=y - 4, r=5, fill=COL["text"])
    svg.text(
        margin + 20, y, "mulai (tidak dihitung) / start (not counted)", size=12, fill=COL["text"]
    )
    x = margin + 20 + text_width("mulai (tidak dihitung) / start (not counted)", 12) + 20
    svg.add("line", x1=x + 7, y1=y - 8, x2=x + 7, y2=y, stroke=COL["met"], stroke_width=2.5)
    svg.add("path", d=f"M{x + 7:.1f},{y - 13:.1f} l5,5 l-5,5 l-5,-5 z", fill=COL["met"])
    svg.text(
        x + 20,
        y,
        "jam berhenti (pada jamnya) / clock stopped (at its hour)",
        size=12,
        fill=COL["text"],
    )
    for day, mark in marks.items():
        y += 18
        off = skipped[day]
        svg.text(margin, y, f"{mark}", size=12, font_weight="bold", fill="#8a4b08")
        svg.text(
            margin + 16,
            y,
            f"{_HARI[day.weekday()]} {_short(day)} {day.year}: "
            f"{off.reason} / {off.reason_en} ({off.kind.value})",
            size=12,
            fill=COL["text"],
        )
    svg.width, svg.height = width, y + margin
    return svg.render()
