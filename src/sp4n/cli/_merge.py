"""``sp4n merge``: the admin merges a duplicate into another complaint."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--into", required=True, help="tracking id or complaint id of the original")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.merge(ref, args.into, actor=actor)


def register(sub: Any) -> None:
    """Add the ``merge`` subcommand."""
    action_command(
        sub, "merge", "the admin merges a duplicate into another complaint", _act, options=_options
    )
