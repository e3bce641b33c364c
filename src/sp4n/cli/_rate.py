"""``sp4n rate``: the reporter rates the handling (1-5)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--score", required=True, type=int, choices=range(1, 6), help="1 to 5")
    parser.add_argument("--comment", help="a comment")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.rate(ref, args.score, comment=args.comment, actor=actor)


def register(sub: Any) -> None:
    """Add the ``rate`` subcommand."""
    action_command(sub, "rate", "the reporter rates the handling (1-5)", _act, options=_options)
