"""``sp4n verify``: the admin verifies a report."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tier", choices=("simple", "dispute", "field_examination"), help="resolution tier"
    )
    parser.add_argument(
        "--visibility",
        choices=("public", "anonymous", "confidential"),
        help="correct the visibility",
    )


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.verify(ref, tier=args.tier, visibility=args.visibility, actor=actor)


def register(sub: Any) -> None:
    """Add the ``verify`` subcommand."""
    action_command(sub, "verify", "the admin verifies a report", _act, options=_options)
