"""``sp4n migrate --from URL --to URL``: copy every complaint into another, empty store."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from sp4n.cli._output import add_json_flag, emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``migrate`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "migrate",
        help="copy every complaint from one store into another, empty one",
        description="Copy every complaint's events and projection row, and the notifications "
        "not delivered yet, from --from into the empty store --to (e.g. SQLite to "
        "PostgreSQL). Stop every writer of --from first. See docs/howto/sqlite-to-postgresql.md.",
    )
    parser.add_argument(
        "--from", dest="source", required=True, metavar="URL", help="the store to copy"
    )
    parser.add_argument(
        "--to", dest="target", required=True, metavar="URL", help="an empty store to fill"
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=1_000,
        help="complaints per transaction in the target (default %(default)s)",
    )
    parser.add_argument(
        "--blobs-from", metavar="URL", help="also copy attachment files from this blob store"
    )
    parser.add_argument(
        "--blobs-to", metavar="URL", help="into this blob store (with --blobs-from)"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress lines on stderr while copying"
    )
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open both stores, copy, print the counts; a non-empty target exits with status 2."""
    from sp4n.adapters import copy_store, open_store, redact_url
    from sp4n.errors import InvalidInputError

    if args.source == args.target:
        raise InvalidInputError("to", redact_url(args.target), "must differ from --from")
    if (args.blobs_from is None) != (args.blobs_to is None):
        given = "blobs-from" if args.blobs_to is None else "blobs-to"
        raise InvalidInputError(given, args.blobs_from or args.blobs_to, "needs the other one too")
    if args.blobs_from is not None and args.blobs_from == args.blobs_to:
        raise InvalidInputError("blobs-to", args.blobs_to, "must differ from --blobs-from")

    def progress(complaints: int, events: int) -> None:
        if not args.quiet:
            print(f"  {complaints:,} complaints, {events:,} events copied", file=sys.stderr)

    with contextlib.ExitStack() as stack:
        blobs = None
        if args.blobs_from is not None:
            from sp4n.adapters.blobs import open_blob_store

            blobs_from = open_blob_store(args.blobs_from)
            stack.callback(blobs_from.close)
            blobs_to = open_blob_store(args.blobs_to)
            stack.callback(blobs_to.close)
            blobs = (blobs_from, blobs_to)
        source = open_store(args.source)
        stack.callback(source.close)
        target = open_store(args.target)
        stack.callback(target.close)
        report = copy_store(source, target, batch=args.batch, progress=progress, blobs=blobs)
    text = (
        f"copied {report.complaints:,} complaint(s), {report.events:,} event(s) and "
        f"{report.messages:,} undelivered notification(s)"
        + (f" and {report.blobs:,} attachment file(s)" if blobs is not None else "")
        + "\n"
        f"  from {report.source}\n  to   {report.target}\n"
        f"  checksum {report.checksum}: "
        + ("the target reads back the same" if report.verified else "MISMATCH")
    )
    emit(args, report.to_dict(), text)
    return 0 if report.verified else 1
