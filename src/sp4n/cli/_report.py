"""``sp4n report``: the compliance report per agency or region for a period."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sp4n.cli._desk_common import add_db, open_desk
from sp4n.cli._output import emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``report`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="compliance report: received, T1/T2 met, completed, overdue, returns, escalations",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--agency", help="one agency id")
    group.add_argument("--region", help="one region code prefix, e.g. 61 or 61.07")
    parser.add_argument("--from", dest="start", required=True, help="first submission date")
    parser.add_argument("--to", dest="end", required=True, help="last submission date")
    parser.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        help="output format (default text; --json prints the JSON object too)",
    )
    add_db(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute the report on ``--db`` as of now and print it."""
    with open_desk(args) as desk:
        report = desk.report(start=args.start, end=args.end, agency=args.agency, region=args.region)
    data = report.to_dict()
    if args.format == "csv":
        text = report.to_csv()
    elif args.format == "json":
        text = json.dumps(data, ensure_ascii=False)
    else:
        text = report.to_text()
    return emit(args, data, text)
