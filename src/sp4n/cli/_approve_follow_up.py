"""``sp4n approve-follow-up``: the liaison approves the unit's draft: the reporter receives it
(decision 0201)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text", help="the approved wording (default: the draft as written)")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.approve_follow_up(ref, text=args.text, actor=actor)


def register(sub: Any) -> None:
    """Add the ``approve-follow-up`` subcommand."""
    action_command(
        sub,
        "approve-follow-up",
        "the liaison approves the unit's draft: the reporter receives it",
        _act,
        options=_options,
    )
