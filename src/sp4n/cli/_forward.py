"""``sp4n forward``: the admin forwards to an agency (the router's suggestion by default)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command, attributes

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--agency", help="destination agency id (default: the router's suggestion)")
    parser.add_argument(
        "--attr",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="topic attribute for routing, e.g. road_status=kabupaten",
    )


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.forward(ref, args.agency, attributes=attributes(args.attr), actor=actor)


def register(sub: Any) -> None:
    """Add the ``forward`` subcommand."""
    action_command(
        sub,
        "forward",
        "the admin forwards to an agency (the router's suggestion by default)",
        _act,
        options=_options,
        actor_agency=False,
    )
