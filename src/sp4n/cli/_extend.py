"""``sp4n extend``: extend the handling time."""

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
    parser.add_argument(
        "--tier", choices=("simple", "dispute", "field_examination"), help="new tier"
    )
    parser.add_argument("--working-days", type=int, help="extra working days")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.extend(
        ref, args.reason, tier=args.tier, working_days=args.working_days, actor=actor
    )


def register(sub: Any) -> None:
    """Add the ``extend`` subcommand."""
    action_command(sub, "extend", "extend the handling time", _act, options=_options)
