"""``sp4n deliver``: send the outbox's due notifications through the configured notifiers."""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._desk_common import add_db, notifier_config, open_desk
from sp4n.cli._output import emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``deliver`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "deliver",
        help="send due notifications through the notifiers of --notifiers (run from cron)",
    )
    parser.add_argument(
        "--limit", type=int, default=100, help="at most this many messages (default 100)"
    )
    add_db(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Deliver up to ``--limit`` due messages once; failures wait for their retry time."""
    from sp4n.errors import InvalidInputError

    if args.limit < 1:
        raise InvalidInputError("--limit", args.limit, "must be at least 1")
    config = notifier_config(args)
    with open_desk(args) as desk:
        report = desk.deliver_notifications(
            limit=args.limit,
            default=None if config is None else config.default,
            by_role=None if config is None else config.by_role,
        )
    data = {
        "db": args.db,
        "notifiers": sorted(desk.notifiers),
        "delivered": list(report.delivered),
        "retrying": list(report.retrying),
        "parked": list(report.parked),
    }
    text = (
        f"deliver: {len(report.delivered)} delivered, {len(report.retrying)} to retry, "
        f"{len(report.parked)} parked (via {', '.join(sorted(desk.notifiers))})"
    )
    return emit(args, data, text)
