"""``sp4n follow-up``: the agency records its follow-up (tindak lanjut)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text", required=True, help="what the agency did")
    parser.add_argument(
        "--decided-on",
        metavar="YYYY-MM-DD",
        help="the day the decision this follow-up delivers was made: starts the UU 25/2009 "
        "Pasal 50 14-day delivery clock",
    )


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.follow_up(ref, args.text, decided_on=args.decided_on, actor=actor)


def register(sub: Any) -> None:
    """Add the ``follow-up`` subcommand."""
    action_command(
        sub, "follow-up", "the agency records its follow-up (tindak lanjut)", _act, options=_options
    )
