"""``sp4n report``: the compliance report per agency, region, topic or channel for a period."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import add_db, open_desk
from sp4n.cli._output import emit

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk

__all__ = ["register"]

_NATIONAL = "31"  # DKI Jakarta: the date of a national report is the capital's (WIB)


def register(sub: Any) -> None:
    """Add the ``report`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="compliance report: received, T1/T2 met, completed, overdue, returns, escalations",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--agency", help="one agency id")
    group.add_argument("--region", help="one region code prefix, e.g. 61 or 61.07")
    parser.add_argument(
        "--by",
        choices=("topic", "channel"),
        help="one row per topic or intake channel (inside --agency/--region), then a total",
    )
    parser.add_argument(
        "--from", dest="start", help="first submission date (default: 1 January of --to's year)"
    )
    parser.add_argument("--to", dest="end", help="last submission date (default: today)")
    parser.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        help="output format (default text; --json prints the JSON object too)",
    )
    add_db(parser)
    parser.set_defaults(func=run)


def _period(desk: Desk, args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    """``--from``/``--to``, a missing end being today and a missing start 1 January of the
    end's year; today is the local date of ``--region`` (else Jakarta) on the Desk's clock."""
    from sp4n._time import parse_date

    end = None if args.end is None else parse_date("--to", args.end)
    if end is None:
        end = desk.rules.calendar_for_region(args.region or _NATIONAL).local_date(desk.clock())
    start = dt.date(end.year, 1, 1) if args.start is None else parse_date("--from", args.start)
    return start, end


def run(args: argparse.Namespace) -> int:
    """Compute the report on ``--db`` as of now and print it."""
    defaulted = args.start is None or args.end is None
    with open_desk(args, read_only=True) as desk:
        start, end = _period(desk, args)
        report = desk.report(
            start=start, end=end, agency=args.agency, region=args.region, by=args.by
        )
    data = {**report.to_dict(), "default_period": defaulted}
    if args.format == "csv":
        text = report.to_csv()
    elif args.format == "json":
        text = json.dumps(data, ensure_ascii=False)
    else:
        text = report.to_text()
    if defaulted:
        note = (
            f"periode bawaan / default period: {start} .. {end} (tahun ini sampai hari ini / "
            "this year to today; --from/--to to choose)"
        )
        if args.format == "text" and not args.json:
            text = f"{note}\n{text}"
        elif args.format == "csv" and not args.json:
            print(f"sp4n report: {note}", file=sys.stderr)  # the CSV stays machine-readable
    return emit(args, data, text)
