"""The counting conventions page: worked examples from 2025 and 2026, computed by the calendar."""

from __future__ import annotations

import datetime as dt

from _docs_clocks_svg import STORY
from _docs_run import Session, generated_notice
from _docs_tables import table

from sp4n.sla import WorkingCalendar

__all__ = ["counting_page"]

_DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def _day(day: dt.date) -> str:
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b %Y')} ({_DAYS_ID[day.weekday()]})"


def day_by_day(calendar: WorkingCalendar, start: dt.date, n: int) -> str:
    """Each day from ``start`` to the due date of ``n`` working days: counted or why not."""
    explanation = calendar.explain(start, n)
    skipped = {s.date: s for s in explanation.skipped}
    rows = [[_day(start), "start: not counted", "-"]]
    counted = 0
    day = start
    while day < explanation.due:
        day += dt.timedelta(days=1)
        if day in skipped:
            reason = skipped[day]
            rows.append(
                [_day(day), f"no: {reason.kind.value}", f"{reason.reason_en} / *{reason.reason}*"]
            )
        else:
            counted += 1
            rows.append(
                [_day(day), f"day {counted}" + (": **due**" if day == explanation.due else ""), "-"]
            )
    return table(["date", "counts?", "why not"], rows)


def counting_page() -> str:
    """Rules in words, then worked examples whose outputs were computed when written."""
    national = WorkingCalendar.indonesia()
    s = Session()
    setup = s.block(
        "import datetime as dt",
        "from types import SimpleNamespace",
        "from sp4n.sla import WorkingCalendar, evaluate_clock, load_policy",
        "policy = load_policy()  # the shipped SP4N-LAPOR! rules",
        "T1, T2 = policy.rule('T1'), policy.rule('T2')",
        "T1.length, T1.unit.value, T2.length, T2.unit.value",
        "cal = WorkingCalendar.indonesia()  # national calendar, WIB",
    )
    story = s.block(*STORY)
    story_clocks = s.value("clocks").values()
    story_rows = [
        [
            f"`{c.rule.id}`",
            f"{c.rule.title_en} / *{c.rule.title}*: {c.rule.length} working days",
            _day(c.deadline.explanation.start),
            f"**{_day(c.deadline.due_date)}**",
            f"`{c.stopped_by}` {c.stopped_at.astimezone(s.value('wib')):%a %d %b %H:%M}",
        ]
        for c in story_clocks
    ]
    story_citations = "\n".join(f"- `{c.rule.id}`: {c.rule.citation}" for c in story_clocks)
    fitri_2025 = s.block(
        "e = cal.explain(dt.date(2025, 3, 27), T1.length)  # Thursday 27 March 2025",
        "e.due",
        "len(e.skipped), e.provisional",
        "[(d.date.isoformat(), d.kind.value) for d in e.skipped][:5]",
    )
    fitri_2026 = s.block(
        "e = cal.explain(dt.date(2026, 3, 16), T2.length)  # forwarded Monday 16 March 2026",
        "e.due",
        "[d.reason for d in e.skipped if d.kind.value != 'weekend']",
    )
    august = s.block(
        "cal.add_working_days(dt.date(2025, 8, 15), 1)  # Friday 15 August 2025",
        "[(d.date.isoformat(), d.reason_en) for d in cal.explain(dt.date(2025, 8, 15), 1).skipped]",
        "cal.add_working_days(dt.date(2025, 8, 14), T2.length)  # forwarded Thursday 14 August",
        "from sp4n.sla import Overlay",
        'first_skb = cal.with_overlays(Overlay(date="2025-08-18", kind="workday",\n'
        '    reason="Hari kerja", reason_en="Working day",\n'
        '    source="SKB as first signed", revision="skb-2025.1"))',
        "before = first_skb.explain(dt.date(2025, 8, 15), 1)  # counted under the first SKB",
        "before.due",
        "change = cal.recompute(before)  # under the revised calendar",
        "change.moved, change.old.due, change.new.due",
    )
    saturday = s.block(
        "saturday = dt.date(2026, 2, 14)",
        "saturday.strftime('%A'), cal.is_working_day(saturday)",
        "cal.add_working_days(saturday, 1)  # day 1 is the first working day after it",
        "cal.add_working_days(saturday, T1.length)",
        "[d.reason_en for d in cal.explain(saturday, T1.length).skipped]",
    )
    zones = s.block(
        "instant = dt.datetime(2026, 1, 8, 16, 30, tzinfo=dt.UTC)  # Thursday evening in Jakarta",
        'submitted = SimpleNamespace(type="submitted", occurred_at=instant, payload={})',
        "for code in ('31', '61.07', '73', '94'):\n"
        "    local = WorkingCalendar.indonesia(code)\n"
        "    clock = evaluate_clock(T1, [submitted], local, now=instant)\n"
        "    here = instant.astimezone(local.timezone).strftime('%a %H:%M')\n"
        "    print(code, local.timezone.key, here, clock.deadline.start_date,\n"
        "          clock.deadline.due_date)",
    )
    friday = s.block(
        "friday_night = dt.datetime(2026, 1, 9, 16, 30, tzinfo=dt.UTC)  # Friday 23:30 WIB",
        "for code in ('31', '94'):\n"
        "    local = WorkingCalendar.indonesia(code)\n"
        "    day = local.local_date(friday_night)\n"
        "    print(code, day.strftime('%a'), local.add_working_days(day, T1.length))",
    )
    calendar_days = s.block(
        "verified = dt.date(2026, 3, 16)  # tier 'simple': 5 calendar days, rolled forward",
        "cal.add_days(verified, 5)",
        "cal.add_days(verified, 5, roll_forward=True)",
        "cal.add_days(verified, 60)  # UU 25/2009 decision: 60 days, not rolled forward",
    )
    provisional = s.block(
        "cal.explain(dt.date(2027, 3, 5), T1.length).provisional  # Idul Fitri 2027 (estimated)",
        "cal.explain(dt.date(2026, 3, 17), T1.length).provisional",
    )
    zone_rows = []
    for code, name in (
        ("31", "DKI Jakarta"),
        ("61.07", "Kab. Bengkayang"),
        ("73", "Sulawesi Selatan"),
        ("94", "Papua"),
    ):
        local = WorkingCalendar.indonesia(code)
        instant = dt.datetime(2026, 1, 8, 16, 30, tzinfo=dt.UTC)
        start = local.local_date(instant)
        zone_rows.append(
            [
                f"`{code}` {name}",
                local.timezone.key,
                instant.astimezone(local.timezone).strftime("%a %H:%M"),
                _day(start),
                _day(local.add_working_days(start, 3)),
            ]
        )
    return "\n".join(
        [
            generated_notice(
                "the working calendar (`sp4n.sla.WorkingCalendar`) and the `lapor` policy"
            ),
            "",
            "# Counting conventions",
            "",
            'How sp4n turns "3 working days" into a date. The conventions are those of the',
            "[working-day calendar](../calendar.md) and the decisions linked below; every date on "
            "this page was computed by the calendar when",
            "the page was generated, and the test suite computes it again.",
            "",
            "## The rules",
            "",
            "- **Working days.** Monday to Friday, except national holidays and cuti bersama "
            "(joint",
            "  leave, non-working by default: [decision 0010]"
            "(../decisions/0010-cuti-bersama-non-working.md)), regional",
            "  holidays and office closures (overlays). For `n` working days from date `D`, "
            "**day 1 is the",
            "  first working day strictly after `D`**; the due date is day `n`. The start day "
            "never counts.",
            '- **Calendar days.** A plain "hari" in a statute is `D + n` calendar days '
            "([decision 0020](../decisions/0020-plain-hari-is-calendar-days.md)).",
            "  Whether a due date on a day off rolls forward to the next working day is the rule's",
            "  choice ([decision 0021](../decisions/0021-resolution-tier-units.md)).",
            "- **Time zones.** A clock starts at an instant; its start date is that instant's "
            "date where",
            "  the complaint's region is: WIB (Asia/Jakarta, Asia/Pontianak), WITA "
            "(Asia/Makassar) or WIT",
            "  (Asia/Jayapura), decided by the province.",
            '- **Provisional.** A due date that depends on an estimated ("perkiraan") '
            "holiday is marked",
            "  provisional ([decision 0011](../decisions/0011-estimated-holidays-provisional.md)).",
            "",
            "The examples share one session:",
            "",
            setup,
            "",
            "## One complaint, three clocks",
            "",
            "An SMS about a damaged regency road in Kabupaten Bengkayang on Friday 14 August 2026,",
            "through the Desk: `T1` (verify and forward), `T2` (the agency follows up) and `T3` "
            "(no reply",
            "for 10 working days completes it) each count from the day the one before stopped, and",
            "Independence Day and the Prophet's Birthday fall in between. The picture is drawn "
            "from the",
            "clocks this example ends with:",
            "",
            "![T1, T2 and T3 of one complaint from 14 August to 9 September 2026, each counted "
            "working day numbered and each skipped day shaded with its reason]"
            "(../assets/pictures/clocks.svg)",
            "",
            table(["clock", "rule", "starts from", "due", "stopped"], story_rows),
            "",
            "The rules, as the policy cites them:",
            "",
            story_citations,
            "",
            story,
            "",
            "## Idul Fitri 2025",
            "",
            "A complaint submitted on Thursday 27 March 2025 must be verified and forwarded in "
            "3 working",
            "days (rule `T1`). Nyepi, Idul Fitri and their cuti bersama close offices for most "
            "of two weeks:",
            "",
            day_by_day(national, dt.date(2025, 3, 27), 3),
            "",
            fitri_2025,
            "",
            "## Idul Fitri 2026",
            "",
            "Forwarded on Monday 16 March 2026, the agency has 5 working days (rule `T2`). In "
            "2026 Nyepi",
            "(19 March) and Idul Fitri (21-22 March) fall in the same week:",
            "",
            day_by_day(national, dt.date(2026, 3, 16), 5),
            "",
            fitri_2026,
            "",
            "## 18 August 2025",
            "",
            "Independence Day 2025 fell on a Sunday; Monday 18 August became cuti bersama by a "
            "revised",
            "SKB. A deadline counted before the revision moves by a day (simulated below with an",
            "overlay that makes the day a working day again); how the sweep records such a",
            "move is in [decision 0083](../decisions/0083-calendar-revisions-never-shorten.md) "
            "and the",
            "[calendar reference](../calendar.md).",
            "",
            day_by_day(national, dt.date(2025, 8, 15), 1),
            "",
            august,
            "",
            "## A Saturday submission",
            "",
            "Complaints arrive on any day. One sent on Saturday 14 February 2026 starts its "
            "clock that",
            "Saturday; day 1 is the first working day after it, here after the Chinese New "
            "Year and its",
            "cuti bersama:",
            "",
            day_by_day(national, dt.date(2026, 2, 14), 3),
            "",
            saturday,
            "",
            "## Each time zone, near midnight",
            "",
            "The same instant, 23:30 on Thursday 8 January 2026 in Jakarta, is already Friday "
            "in Makassar",
            "and Jayapura. The start date, and so the due date of a 3-working-day rule, depends "
            "on where",
            "the complaint is handled:",
            "",
            table(
                ["region", "time zone", "local time", "start date", "due (3 working days)"],
                zone_rows,
            ),
            "",
            "Through the SLA engine, exactly as the Desk evaluates rule `T1`:",
            "",
            zones,
            "",
            "A day later the difference disappears: 23:30 on a Friday in Jakarta is Saturday "
            "in Jayapura,",
            "and both count from the following Monday:",
            "",
            friday,
            "",
            "## Calendar days and roll-forward",
            "",
            "The resolution tiers count plain days and roll a due date off a day off; the "
            "UU 25/2009",
            "limits do not roll ([SLA rules](sla-rules.md) shows which rule does what):",
            "",
            calendar_days,
            "",
            "## Provisional results",
            "",
            "Dates of some religious holidays are fixed only shortly before. A due date that "
            "rests on an",
            "estimated holiday says so:",
            "",
            provisional,
            "",
        ]
    )
