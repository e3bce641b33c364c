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
        f"  status: {complaint.status.label} ({complaint.status.value})",
        f"  wilayah: {complaint.region}  topik: {complaint.topic}  instansi: "
        f"{complaint.agency or '-'}",
    ]
    for clock in clocks:
        if clock.status.value == "not_started" or clock.deadline is None:
            continue
        d = clock.deadline
        notes = ""
        if d.kept_from is not None:  # decision 0150
            notes += f"  [dipertahankan; revisi kalender memberi {d.kept_from.isoformat()}]"
        if d.provisional:  # decision 0154
            notes += f"  [perkiraan: {d.provisional_reason}]"
        lines.append(
            f"  {clock.rule.id:<14} {clock.status.value:<8} batas {d.due_date.isoformat()}"
            f"  ({d.n} {text(f'unit.{d.unit.value}')} sejak "
            f"{d.start_date.isoformat()}){notes}"
        )
        lines.extend(
            f"      tidak dihitung {s.date.isoformat()}: {s.reason}" for s in d.explanation.skipped
        )
    return emit(args, view, "\n".join(lines))
