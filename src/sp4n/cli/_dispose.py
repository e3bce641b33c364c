"""``sp4n dispose``: the liaison disposes the complaint to a work unit of the agency (disposisi)
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
    parser.add_argument("--unit", required=True, help="the work unit's id in the directory")
    parser.add_argument("--note", help="an instruction for the unit (officers only)")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.dispose(ref, args.unit, note=args.note, actor=actor)


def register(sub: Any) -> None:
    """Add the ``dispose`` subcommand."""
    action_command(
        sub,
        "dispose",
        "the liaison disposes the complaint to a work unit of the agency (disposisi)",
        _act,
        options=_options,
    )
