"""``sp4n archive``: the admin archives a report."""

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
        "--reason",
        required=True,
        choices=("unclear", "too_general", "not_public_service", "duplicate", "spam"),
        help="why",
    )
    parser.add_argument("--note", help="a note")
    parser.add_argument("--of", help="the original, for a duplicate")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.archive(ref, args.reason, note=args.note, of=args.of, actor=actor)


def register(sub: Any) -> None:
    """Add the ``archive`` subcommand."""
    action_command(sub, "archive", "the admin archives a report", _act, options=_options)
