"""``sp4n forward``: the admin forwards to an agency (the router's suggestion by default).

When the router's suggestion is a manual disposition (no agency fits for certain, so a
complaint coordinator must dispose of it by hand), the output says so with the router's
reasons; when the destination's contact is a sample directory placeholder, stderr says that.
"""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._desk_common import (
    actor_from,
    add_actor_options,
    add_db,
    attributes,
    complaint_summary,
    open_desk,
    summary_text,
    warn_placeholders,
)
from sp4n.cli._output import emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``forward`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "forward", help="the admin forwards to an agency (the router's suggestion by default)"
    )
    parser.add_argument("ref", metavar="REF", help="tracking id or complaint id")
    parser.add_argument("--agency", help="destination agency id (default: the router's suggestion)")
    parser.add_argument(
        "--attr",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="topic attribute for routing, e.g. road_status=kabupaten",
    )
    add_actor_options(parser, agency=False)
    add_db(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Forward ``REF``; print its new state, and the manual disposition if the router chose one."""
    actor = actor_from(args)
    attrs = attributes(args.attr)
    with open_desk(args) as desk:
        decision = None
        if args.agency is None:
            decision = desk.suggest(desk.get(args.ref), attributes=attrs)
        complaint = desk.forward(args.ref, args.agency, attributes=attrs, actor=actor)
        summary = complaint_summary(desk, complaint)
        agency = desk.router.directory.get(complaint.agency) if complaint.agency else None
    manual = decision is not None and decision.manual
    reasons = [] if decision is None else [reason.to_dict() for reason in decision.reasons]
    text = summary_text(summary)
    if manual:
        last = reasons[-1]
        text += f"\n  disposisi manual / manual disposition: {last['text']} / {last['text_en']}"
    if agency is not None and agency.contact.email:
        warn_placeholders("forward", [agency.contact.email], agency=agency.id)
    return emit(args, {**summary, "manual": manual, "routing_reasons": reasons}, text)
