"""``sp4n history REF``: a complaint's events, oldest first."""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._desk_common import actor_from, add_actor_options, add_db, open_desk
from sp4n.cli._output import emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``history`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser("history", help="list a complaint's events")
    parser.add_argument("ref", metavar="REF", help="tracking id or complaint id")
    add_actor_options(parser)
    add_db(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the events as the actor may see them (default: a national admin)."""
    from sp4n.desk import ADMIN
    from sp4n.lifecycle import view_for

    actor = actor_from(args) or ADMIN
    with open_desk(args, read_only=True) as desk:
        complaint = desk.get(args.ref)
    view = view_for(complaint, actor)
    events = list(view["history"])
    lines = [f"{complaint.tracking_id}: {len(events)} event(s)"]
    for event in events:
        who = event["actor"].get("agency") or event["actor"]["role"]
        lines.append(f"  #{event['seq']:<3} {event['occurred_at']}  {event['type']:<18} {who}")
    return emit(
        args,
        {
            "complaint_id": complaint.complaint_id,
            "tracking_id": complaint.tracking_id,
            "events": events,
        },
        "\n".join(lines),
    )
