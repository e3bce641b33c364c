"""``sp4n outbox``: notifications not yet delivered, with their attempts and last error."""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._output import add_json_flag, emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``outbox`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "outbox", help="list notifications that are not delivered yet"
    )
    parser.add_argument(
        "--db",
        default=None,
        help="store URL (default: a plugin's sp4n_default_store_url, else sqlite:///sp4n.db)",
    )
    parser.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the store and list its undelivered outbox messages, parked ones included."""
    from sp4n.adapters import open_store
    from sp4n.adapters.notifiers import PARKED
    from sp4n.cli._desk_common import require_existing

    require_existing(args.db)
    store = open_store(args.db)
    try:
        messages = store.pending_outbox(limit=args.limit, now=PARKED)
    finally:
        store.close()
    items = []
    lines = [f"{len(messages)} undelivered notification(s) in {args.db}"]
    for message in messages:
        parked = message.retry_at == PARKED
        items.append(
            {
                "id": message.id,
                "complaint_id": message.complaint_id,
                "recipient_role": message.recipient_role,
                "template": message.template,
                "attempts": message.attempts,
                "retry_at": None
                if message.retry_at is None or parked
                else message.retry_at.isoformat(),
                "parked": parked,
                "last_error": message.last_error,
            }
        )
        when = "parked" if parked else (message.retry_at.isoformat() if message.retry_at else "now")
        lines.append(
            f"  {message.id}  {message.recipient_role}  attempts={message.attempts}  next={when}"
            + (f"  error: {message.last_error}" if message.last_error else "")
        )
    return emit(args, {"db": args.db, "undelivered": items}, "\n".join(lines))
