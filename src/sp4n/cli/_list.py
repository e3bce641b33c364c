"""``sp4n list``: complaints matching filters, from the store's projection."""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._days import both
from sp4n.cli._desk_common import add_db, open_desk
from sp4n.cli._output import emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``list`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser("list", help="list complaints")
    parser.add_argument("--status", help="only this status, e.g. forwarded")
    parser.add_argument("--agency", help="only complaints with this agency")
    parser.add_argument("--region", help="only this region code and the regions inside it")
    parser.add_argument("--overdue-as-of", metavar="DATE", help="only those due before DATE")
    parser.add_argument("--title", help="title contains this text")
    parser.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many")
    add_db(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Query the projection and print one line per complaint."""
    from sp4n._time import parse_date

    overdue = (
        None if args.overdue_as_of is None else parse_date("--overdue-as-of", args.overdue_as_of)
    )
    from sp4n.routing import normalize_code

    region = None if args.region is None else normalize_code(args.region, field="--region")
    with open_desk(args, read_only=True) as desk:
        rows = desk.list(
            status=args.status,
            agency=args.agency,
            region_prefix=region,
            overdue_as_of=overdue,
            title_contains=args.title,
            limit=args.limit,
            offset=args.offset,
        )
    from sp4n.lifecycle import Status

    lines = [f"{len(rows)} {both('list.complaints')}"]
    for row in rows:
        due = row.next_due.isoformat() if row.next_due else "-"
        label = (
            Status(row.status).label if row.status in Status.__members__.values() else row.status
        )
        lines.append(
            f"  {row.tracking_id}  {label:<29} {row.region:<8} {row.agency or '-':<14} "
            f"{due:<10}  {row.title}"
        )
    return emit(args, {"complaints": [r.to_dict() for r in rows]}, "\n".join(lines))
