"""``sp4n amend``: the admin corrects a report's topic, region, kind or title at triage."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from sp4n.cli._desk_common import action_command

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", required=True, help="why the report is corrected")
    parser.add_argument(
        "--new-topic", dest="topic", help="the right topic (an id or alias, see `sp4n topics`)"
    )
    parser.add_argument(
        "--new-region", dest="region", help="the right region code (see `sp4n region`)"
    )
    parser.add_argument(
        "--new-kind",
        dest="kind",
        choices=("pengaduan", "aspirasi", "permintaan_informasi"),
        help="the right kind of report",
    )
    parser.add_argument("--new-title", dest="title", help="the corrected title")


def _act(desk: Desk, ref: str, args: argparse.Namespace, actor: Actor | None) -> Complaint:
    return desk.amend(
        ref,
        reason=args.reason,
        topic=args.topic,
        region=args.region,
        kind=args.kind,
        title=args.title,
        actor=actor,
    )


def register(sub: Any) -> None:
    """Add the ``amend`` subcommand."""
    action_command(
        sub,
        "amend",
        "the admin corrects a report's topic, region, kind or title (audited)",
        _act,
        options=_options,
    )
