"""``sp4n deadline START (--working-days N | --days N) [--region CODE] [--roll-forward]``."""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._days import KIND_LABELS, WEEKDAYS, both, calendar_for, read_start, region_label
from sp4n.cli._output import add_json_flag, emit
from sp4n.texts import text

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``deadline`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "deadline",
        help="the due date of a rule counted in working days or calendar days",
        description=(
            "Count a deadline the SP4N-LAPOR! way: day 1 of a working-day rule is the first "
            "working day strictly after START."
        ),
    )
    parser.add_argument(
        "start", metavar="START", help="YYYY-MM-DD, or an ISO datetime with a time zone"
    )
    length = parser.add_mutually_exclusive_group(required=True)
    length.add_argument("--working-days", type=int, metavar="N", help="N working days")
    length.add_argument("--days", type=int, metavar="N", help="N calendar days ('hari')")
    parser.add_argument("--region", metavar="CODE", help="Kemendagri region code, e.g. 51")
    parser.add_argument(
        "--roll-forward",
        action="store_true",
        help="a calendar-day due date on a non-working day moves to the next working day",
    )
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the deadline."""
    calendar = calendar_for(args.region)
    start = read_start(args.start, calendar)
    if args.working_days is not None:
        unit, n = "working_days", args.working_days
    else:
        unit, n = "days", args.days
    explanation = calendar.explain(start, n, unit=unit, roll_forward=args.roll_forward)
    payload = {
        "start": explanation.start.isoformat(),
        "due_date": explanation.due.isoformat(),
        "unit": unit,
        "n": n,
        "region": calendar.region,
        "timezone": calendar.timezone.key,
        "provisional": explanation.provisional,
        "provisional_reason": explanation.provisional_reason,
        "skipped": [{"date": s.date.isoformat(), "reason": s.reason} for s in explanation.skipped],
    }
    unit_text = both(f"unit.{unit}")
    due = explanation.due
    lines = [
        f"{both('cli.due_date')}: {due.isoformat()} ({WEEKDAYS[due.weekday()]})"
        + (f"  [{both('cli.provisional')}]" if explanation.provisional else ""),
        f"{both('cli.start')}: {start.isoformat()} ({WEEKDAYS[start.weekday()]}), {n} {unit_text}",
        f"{both('cli.region')}: {region_label(calendar)}",
    ]
    if explanation.skipped:
        lines.append(f"{both('cli.not_counted')}:")
        lines.extend(
            f"  {s.date.isoformat()} {WEEKDAYS[s.date.weekday()]:<7} "
            f"{KIND_LABELS[s.kind]:<27} {s.reason}"
            for s in explanation.skipped
        )
    if explanation.provisional:
        lines.append(
            f"{both('cli.note')} ({text('cli.provisional')}): {explanation.provisional_reason}"
        )
        lines.append(f"  {explanation.provisional_reason_en}")
    lines.append(f"{both('cli.calendar')}: {explanation.version}")
    return emit(args, payload, "\n".join(lines))
