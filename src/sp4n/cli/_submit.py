"""``sp4n submit``: file a complaint on a store."""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._desk_common import add_db, complaint_summary, open_desk, summary_text
from sp4n.cli._output import emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``submit`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser("submit", help="file a complaint")
    parser.add_argument("--title", required=True, help="one-line title")
    parser.add_argument("--body", required=True, help="what happened")
    parser.add_argument("--region", required=True, help="Kemendagri region code, e.g. 61.07")
    parser.add_argument("--topic", default="other", help="topic id (see `sp4n topics`)")
    parser.add_argument(
        "--kind",
        default="pengaduan",
        choices=("pengaduan", "aspirasi", "permintaan_informasi"),
        help="report type (default %(default)s)",
    )
    parser.add_argument(
        "--visibility",
        default="public",
        choices=("public", "anonymous", "confidential"),
        help="who may see it (default %(default)s)",
    )
    parser.add_argument("--name", help="reporter's name")
    parser.add_argument("--email", help="reporter's e-mail")
    parser.add_argument("--phone", help="reporter's phone number")
    parser.add_argument("--reporter", help="reporter account id (default: from e-mail or phone)")
    parser.add_argument("--channel", default="cli", help="intake channel (default %(default)s)")
    add_db(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the draft, submit it through the Desk and print the new complaint."""
    from sp4n.errors import InvalidInputError
    from sp4n.lifecycle import ComplaintDraft, Reporter

    reporter_id = args.reporter or args.email or args.phone
    if not reporter_id:
        raise InvalidInputError(
            "reporter", None, "give --email, --phone or --reporter so the reporter can be reached"
        )
    draft = ComplaintDraft(
        kind=args.kind,
        title=args.title,
        body=args.body,
        region=args.region,
        topic=args.topic,
        channel=args.channel,
        visibility=args.visibility,
        reporter=Reporter(id=reporter_id, name=args.name, email=args.email, phone=args.phone),
    )
    with open_desk(args) as desk:
        complaint = desk.submit(draft)
        summary = complaint_summary(desk, complaint)
    return emit(args, summary, summary_text(summary))
