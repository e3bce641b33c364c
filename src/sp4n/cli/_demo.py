"""``sp4n demo``: a whole complaint story on the embedded SQLite store."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sp4n.cli._output import add_json_flag, emit
from sp4n.texts import text

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``demo`` subcommand."""
    from sp4n.desk._demo import DEMO_URL

    parser: argparse.ArgumentParser = sub.add_parser(
        "demo", help="play a whole complaint story (SMS from Bengkayang to Selesai)"
    )
    parser.add_argument(
        "--db", default=DEMO_URL, help="store URL (default %(default)s, replaced each run)"
    )
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Play the story, printing each step with its status, deadline and explanation."""
    from sp4n.desk._demo import DemoStep, run_demo

    def echo(step: DemoStep) -> None:
        if not args.json:
            sys.stdout.write(step.to_text() + "\n")

    if not args.json:
        sys.stdout.write(f"{text('demo.heading')}\n{text('demo.store', url=args.db)}\n\n")
    steps = run_demo(args.db, echo=echo)
    last = steps[-1]
    if args.json:
        return emit(
            args,
            {"db": args.db, "final_status": last.status, "steps": [s.to_dict() for s in steps]},
            "",
        )
    sys.stdout.write(f"\n{text('demo.end', label=last.status_label, status=last.status)}\n")
    return 0
