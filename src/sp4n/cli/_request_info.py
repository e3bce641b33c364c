"""``sp4n request-info``: the agency asks the reporter for more information."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--question", required=True, help="what the agency needs")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.request_info(ref, args.question, actor=actor)


def register(sub: Any) -> None:
    """Add the ``request-info`` subcommand."""
    action_command(
        sub,
        "request-info",
        "the agency asks the reporter for more information",
        _act,
        options=_options,
    )
