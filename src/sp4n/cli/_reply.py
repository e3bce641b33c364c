"""``sp4n reply``: the reporter (or an admin with --role admin) replies."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text", required=True, help="the reply")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.reply(ref, args.text, actor=actor)


def register(sub: Any) -> None:
    """Add the ``reply`` subcommand."""
    action_command(
        sub, "reply", "the reporter (or an admin with --role admin) replies", _act, options=_options
    )
