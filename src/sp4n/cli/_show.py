"""``sp4n show REF``: a complaint's case file, its clocks and their explanations."""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._desk_common import actor_from, add_actor_options, add_db, open_desk
from sp4n.cli._output import emit
from sp4n.texts import text

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``show`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "show", help="show a complaint with its deadlines"
    )
    parser.add_argument("ref", metavar="REF", help="tracking id or complaint id")
    add_actor_options(parser)
    add_db(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the case file as the actor may see it (default: a national admin)."""
    from sp4n.desk import ADMIN
    from sp4n.lifecycle import view_for

    actor = actor_from(args) or ADMIN
    with open_desk(args, read_only=True) as desk:
        complaint = desk.get(args.ref)
        view = dict(view_for(complaint, actor))
        clocks = desk.clocks(complaint.complaint_id)
    view["clocks"] = [c.to_dict() for c in clocks if c.status.value != "not_started"]
    lines = [
        f"{complaint.tracking_id}  {complaint.title}",
        "  " + text("show.status", label=complaint.status.label, status=complaint.status.value),
        "  "
        + text(
            "show.place",
            region=complaint.region,
            topic=complaint.topic,
            agency=complaint.agency or "-",
        ),
    ]
    for clock in clocks:
        if clock.status.value == "not_started" or clock.deadline is None:
            continue
        d = clock.deadline
        notes = ""
        if d.kept_from is not None:  # decision 0150
            notes += f"  [{text('show.kept', date=d.kept_from.isoformat())}]"
        if d.provisional:  # decision 0154
            notes += f"  [{text('show.provisional', reason=d.provisional_reason)}]"
        due = text(
            "show.clock",
            due=d.due_date.isoformat(),
            n=d.n,
            unit=text(f"unit.{d.unit.value}"),
            start=d.start_date.isoformat(),
        )
        lines.append(f"  {clock.rule.id:<14} {clock.status.value:<8} {due}{notes}")
        lines.extend(
            "      " + text("show.not_counted", date=s.date.isoformat(), reason=s.reason)
            for s in d.explanation.skipped
        )
    return emit(args, view, "\n".join(lines))
