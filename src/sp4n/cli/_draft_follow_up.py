"""``sp4n draft-follow-up``: the work unit drafts the follow-up for the liaison to approve
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
    parser.add_argument("--text", required=True, help="the draft follow-up")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.draft_follow_up(ref, args.text, actor=actor)


def register(sub: Any) -> None:
    """Add the ``draft-follow-up`` subcommand."""
    action_command(
        sub,
        "draft-follow-up",
        "the work unit drafts the follow-up for the liaison to approve",
        _act,
        options=_options,
    )
