"""``sp4n complete``: declare a followed-up complaint completed (Selesai)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.complete(ref, actor=actor)


def register(sub: Any) -> None:
    """Add the ``complete`` subcommand."""
    action_command(sub, "complete", "declare a followed-up complaint completed (Selesai)", _act)
