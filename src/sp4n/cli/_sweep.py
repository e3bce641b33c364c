"""``sp4n sweep``: one sweep of the Desk (cron every minute; idempotent)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sp4n.cli._desk_common import add_db, open_desk
from sp4n.cli._output import emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``sweep`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "sweep",
        help="apply due completions, send deadline warnings and escalations (run from cron)",
    )
    parser.add_argument(
        "--progress", action="store_true", help="show progress on stderr while sweeping"
    )
    add_db(parser)
    parser.set_defaults(func=run)


def _progress(done: int, total: int) -> None:
    """Every 500 complaints and at the end: one rewritten line on a terminal, else a line each
    (a log file or a pipe gets no carriage returns)."""
    if done == total or done % 500 == 0:
        stream = sys.stderr
        if stream.isatty():
            stream.write(f"\rsweep: {done}/{total}" + ("\n" if done == total else ""))
        else:
            stream.write(f"sweep: {done}/{total}\n")
        stream.flush()


def run(args: argparse.Namespace) -> int:
    """Open the Desk on ``--db`` and sweep it once at the current instant."""
    with open_desk(args) as desk:
        report = desk.sweep(progress=_progress if args.progress else None)
    data = report.to_dict()
    text = (
        f"sweep {data['now']}: {report.candidates} near or past a deadline; "
        f"{report.completed} completed, {report.warnings} warnings, {report.breaches} breach "
        f"notices, {report.escalations} escalations, {report.deadline_moves} deadlines moved "
        f"({report.kept_deadlines} kept); {report.messages} messages "
        f"({report.deferred} held for working hours)"
        + (f"; {report.conflicts} skipped (changed meanwhile)" if report.conflicts else "")
    )
    return emit(args, data, text)
