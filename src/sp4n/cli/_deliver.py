"""``sp4n deliver``: send the outbox's due notifications through the configured notifiers."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import add_db, notifier_config, open_desk, warn_placeholders
from sp4n.cli._output import emit

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk

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


NO_NOTIFIER = (
    "no notifier configured (--notifiers FILE or $SP4N_NOTIFIERS): messages went to the 'log' "
    "notifier (Python logging, logger sp4n.notify) and reach no recipient"
)


def _sent(desk: Desk, delivered: tuple[str, ...]) -> list[dict[str, str]]:
    """What the Desk's log notifier received in this run, one mapping per delivered message."""
    from sp4n.adapters.notifiers import Notification

    notifier = desk.notifiers.get("log")
    keys = set(delivered)
    return [
        {
            "key": n.key,
            "notifier": "log",
            "role": n.recipient.role,
            "address": n.recipient.address,
            "subject": n.subject,
        }
        for n in getattr(notifier, "sent", ())
        if isinstance(n, Notification) and n.key in keys
    ]


def run(args: argparse.Namespace) -> int:
    """Deliver up to ``--limit`` due messages once; failures wait for their retry time.

    With no notifier configured the messages go to the log notifier, which no recipient reads:
    that is said on stderr, and each message is listed with where it went.
    """
    from sp4n.errors import InvalidInputError

    if args.limit < 1:
        raise InvalidInputError("--limit", args.limit, "must be at least 1")
    config = notifier_config(args)
    with open_desk(args) as desk:
        due = {m.id: m for m in desk.store.pending_outbox(limit=args.limit, now=desk.clock())}
        report = desk.deliver_notifications(
            limit=args.limit,
            default=None if config is None else config.default,
            by_role=None if config is None else config.by_role,
        )
        sent = _sent(desk, report.delivered) if config is None else []
    data: dict[str, Any] = {
        "db": args.db,
        "notifiers": sorted(desk.notifiers),
        "delivered": list(report.delivered),
        "retrying": list(report.retrying),
        "parked": list(report.parked),
    }
    lines = [
        f"deliver: {len(report.delivered)} delivered, {len(report.retrying)} to retry, "
        f"{len(report.parked)} parked (via {', '.join(sorted(desk.notifiers))})"
    ]
    if config is None:
        data["warning"] = NO_NOTIFIER
        data["sent"] = sent
        print(f"sp4n deliver: {NO_NOTIFIER}", file=sys.stderr)
        lines += [
            f"  log -> {m['role']} <{m['address']}> [{m['key']}] {m['subject']}" for m in sent
        ]
    addresses = [due[key].payload.get("address") for key in report.delivered if key in due]
    warn_placeholders("deliver", [a for a in addresses if isinstance(a, str)])
    return emit(args, data, "\n".join(lines))
