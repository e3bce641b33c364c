"""``sp4n calendar YEAR [--region CODE]``: every non-working day of a year."""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from typing import Any

from sp4n.cli._days import KIND_LABELS, WEEKDAYS, both, calendar_for, region_label
from sp4n.cli._output import add_json_flag, emit
from sp4n.errors import OutOfCalendarRangeError
from sp4n.sla import DayKind
from sp4n.texts import text

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``calendar`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "calendar",
        help="the non-working days of a year (weekends, holidays, cuti bersama, regional)",
    )
    parser.add_argument("year", metavar="YEAR", type=int, help="e.g. 2026")
    parser.add_argument("--region", metavar="CODE", help="Kemendagri region code, e.g. 51")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List the year's non-working days."""
    calendar = calendar_for(args.region)
    year: int = args.year
    if not calendar.first_date.year <= year <= calendar.last_date.year:
        raise OutOfCalendarRangeError(
            "year",
            year,
            f"the calendar covers {calendar.first_date.year} to {calendar.last_date.year}",
        )
    days = calendar.non_working_days(dt.date(year, 1, 1), dt.date(year, 12, 31))
    payload = {
        "year": year,
        "region": calendar.region,
        "timezone": calendar.timezone.key,
        "decreed": calendar.decreed(year),
        "non_working": [
            {"date": s.date.isoformat(), "reason": s.reason, "kind": str(s.kind)} for s in days
        ],
    }
    counts = Counter(s.kind for s in days)
    total = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    working = text("cli.out_of", "en", count=total - len(days), total=total)
    lines = [
        f"{both('cli.calendar')} {year}: {region_label(calendar)}",
        f"{both('cli.version')}: {calendar.version}",
        f"{both('cli.working_days')}: {working}",
    ]
    if not calendar.decreed(year):
        lines.append(
            f"{text('day_kind.joint_leave').capitalize()} {year} {both('cli.not_decreed')}: "
            + text("cli.decrees_through", "en", year=calendar.decreed_through)
        )
    lines.extend(f"  {KIND_LABELS[kind]}: {counts[kind]}" for kind in DayKind if counts[kind])
    lines.append("")
    estimated = f" [{both('cli.estimated')}]"
    lines.extend(
        f"{s.date.isoformat()} {WEEKDAYS[s.date.weekday()]:<7} {KIND_LABELS[s.kind]:<27} "
        f"{s.reason}" + (estimated if s.provisional else "")
        for s in days
        if s.kind is not DayKind.WEEKEND
    )
    return emit(args, payload, "\n".join(lines))
