"""``sp4n return``: the agency returns it as not its authority (bukan wewenang)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", required=True, help="why it is not the agency's authority")
    parser.add_argument("--suggest", help="agency id that is competent")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.return_(ref, args.reason, suggested_agency=args.suggest, actor=actor)


def register(sub: Any) -> None:
    """Add the ``return`` subcommand."""
    action_command(
        sub,
        "return",
        "the agency returns it as not its authority (bukan wewenang)",
        _act,
        options=_options,
    )
