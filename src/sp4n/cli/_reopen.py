"""``sp4n reopen``: reopen a completed complaint."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", required=True, help="why")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.reopen(ref, args.reason, actor=actor)


def register(sub: Any) -> None:
    """Add the ``reopen`` subcommand."""
    action_command(sub, "reopen", "reopen a completed complaint", _act, options=_options)
