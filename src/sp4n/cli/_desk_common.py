"""Shared parts of the Desk subcommands: ``--db``, actor options, output of a complaint."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sp4n.cli._output import add_json_flag, emit

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.adapters.notifiers import NotifierConfig
    from sp4n.desk import Desk
    from sp4n.lifecycle import Actor, Complaint

__all__ = [
    "action_command",
    "actor_from",
    "add_actor_options",
    "add_db",
    "attributes",
    "complaint_summary",
    "notifier_config",
    "open_desk",
    "require_existing",
    "summary_text",
    "warn_placeholders",
]


def add_db(parser: argparse.ArgumentParser) -> None:
    """Add ``--db URL``, ``--notifiers FILE`` and ``--json``.

    ``--db`` defaults to ``None``; :func:`sp4n.cli.main` puts the store URL a deployment
    plugin names (``sp4n_default_store_url``) in its place, else ``sqlite:///sp4n.db``.
    """
    parser.add_argument(
        "--db",
        default=None,
        help="store URL (default: a plugin's sp4n_default_store_url, else sqlite:///sp4n.db)",
    )
    parser.add_argument(
        "--notifiers",
        metavar="FILE",
        default=os.environ.get("SP4N_NOTIFIERS") or None,
        help="TOML file naming the notifiers (smtp, webhook, plugins'); default $SP4N_NOTIFIERS, "
        "else the log",
    )
    add_json_flag(parser)


def add_actor_options(parser: argparse.ArgumentParser, *, agency: bool = True) -> None:
    """Add ``--actor ID --role ROLE [--agency ID] [--region CODE]``."""
    parser.add_argument("--actor", help="id of the person acting (default: the usual role)")
    parser.add_argument(
        "--role",
        choices=("reporter", "admin", "liaison", "unit", "supervisor", "system"),
        help="the role they act in",
    )
    if agency:
        parser.add_argument("--agency", dest="actor_agency", help="a liaison's agency id")
        parser.add_argument(
            "--unit-of-actor", dest="actor_unit", help="a work-unit officer's unit id"
        )
    parser.add_argument("--region", dest="actor_region", help="a regional admin's region code")


def actor_from(args: argparse.Namespace) -> Actor | None:
    """The actor the options name, or ``None`` to let the Desk use the verb's usual role."""
    from sp4n.errors import InvalidInputError
    from sp4n.lifecycle import Actor

    agency = getattr(args, "actor_agency", None)
    region = getattr(args, "actor_region", None)
    unit = getattr(args, "actor_unit", None)
    if args.actor is None and args.role is None:
        if agency is not None or region is not None or unit is not None:
            raise InvalidInputError(
                "--role", None, "is required with --agency or --region of the actor"
            )
        return None
    if args.role is None:
        raise InvalidInputError("--role", None, "is required with --actor")
    return Actor(
        id=args.actor or args.role, role=args.role, agency=agency, region=region, unit=unit
    )


def require_existing(url: str) -> None:
    """Raise :class:`~sp4n.errors.StoreUnavailableError` when ``url`` is a SQLite file that does
    not exist: a command that only reads must not create an empty store (a mistyped ``--db``)."""
    from sp4n.adapters._store import store_scheme
    from sp4n.errors import StoreUnavailableError

    if store_scheme(url) != "sqlite":  # a malformed URL is named as such first
        return
    from sp4n.adapters._sqlite import sqlite_path

    path = sqlite_path(url)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        return  # opening the store says the directory is missing (and how to create it)
    if path != ":memory:" and not os.path.exists(path):
        raise StoreUnavailableError(
            url,
            f"the SQLite file {os.path.abspath(path)} does not exist",
            hint="check --db; sp4n submit (or sp4n demo) creates a store",
        )


PLACEHOLDER_DOMAIN = ".example"
"""The reserved top-level domain (RFC 2606) of every contact in the sample directory."""


def warn_placeholders(command: str, addresses: Sequence[str], *, agency: str | None = None) -> None:
    """One line on stderr when any of ``addresses`` is a sample directory placeholder.

    The bundled directory is sample data: its contacts are on the reserved ``.example`` domain
    and nothing sent there reaches anyone. Said once per command, however many messages.
    """
    found = [a for a in addresses if _is_placeholder(a)]
    if not found:
        return
    if agency:
        what = f"agency {agency}'s contact {found[0]} is a placeholder"
    else:
        what = f"{len(found)} message(s) went to placeholder addresses (e.g. {min(found)})"
    print(
        f"sp4n {command}: warning: {what} of the sample directory (*{PLACEHOLDER_DOMAIN}): "
        "nothing sent there reaches anyone; load your own directory",
        file=sys.stderr,
    )


def _is_placeholder(address: str) -> bool:
    """Whether an e-mail address or URL is on the ``.example`` domain."""
    from urllib.parse import urlsplit

    host = (urlsplit(address).hostname or "") if "://" in address else address.rpartition("@")[2]
    return host.lower().rstrip(".").endswith(PLACEHOLDER_DOMAIN)


def open_desk(args: argparse.Namespace, *, read_only: bool = False) -> Desk:
    """Open a Desk on ``--db`` with the system clock (the command line is the edge) and the
    notifiers of ``--notifiers``, so queued messages name the notifier their address needs.

    ``read_only`` commands (``list``, ``show``, ``report``, ...) refuse a SQLite file that does
    not exist instead of creating an empty one (:func:`require_existing`).
    """
    from sp4n.desk import Desk

    if read_only:
        require_existing(args.db)
    config = notifier_config(args)
    if config is None:
        return Desk.open(args.db)
    return Desk.open(args.db, notifiers=dict(config.notifiers))


def notifier_config(args: argparse.Namespace) -> NotifierConfig | None:
    """The notifiers ``--notifiers FILE`` (or ``$SP4N_NOTIFIERS``) describes, if any."""
    from sp4n.adapters.notifiers import load_notifiers

    path = getattr(args, "notifiers", None)
    return None if path is None else load_notifiers(path)


def complaint_summary(desk: Desk, complaint: Complaint) -> dict[str, Any]:
    """The JSON form of a complaint's state after a command (no reporter details)."""
    row = desk.store.get(complaint.complaint_id)
    return {
        "complaint_id": complaint.complaint_id,
        "tracking_id": complaint.tracking_id,
        "status": complaint.status.value,
        "status_label": complaint.status.label,
        "agency": complaint.agency,
        "title": complaint.title,
        "region": complaint.region,
        "topic": complaint.topic,
        "visibility": complaint.visibility.value,
        "version": complaint.version,
        "next_due": None if row is None or row.next_due is None else row.next_due.isoformat(),
    }


def summary_text(summary: Mapping[str, Any]) -> str:
    """One line: tracking id, status label, agency and next due date."""
    from sp4n.texts import text

    line = f"{summary['tracking_id']}  {summary['status_label']} ({summary['status']})"
    if summary["agency"]:
        line += "  " + text("summary.agency", agency=summary["agency"])
    if summary["next_due"]:
        line += "  " + text("summary.next_due", due=summary["next_due"])
    return line


Action = Callable[["Desk", str, argparse.Namespace, "Actor | None"], "Complaint"]


def action_command(
    sub: Any,
    name: str,
    help_text: str,
    action: Action,
    *,
    options: Callable[[argparse.ArgumentParser], None] | None = None,
    actor_agency: bool = True,
) -> None:
    """Register an officer action ``sp4n NAME REF [options]`` that runs ``action``."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
    parser.add_argument("ref", metavar="REF", help="tracking id or complaint id")
    if options is not None:
        options(parser)
    add_actor_options(parser, agency=actor_agency)
    add_db(parser)

    def run(args: argparse.Namespace) -> int:
        actor = actor_from(args)
        with open_desk(args) as desk:
            complaint = action(desk, args.ref, args, actor)
            summary = complaint_summary(desk, complaint)
        return emit(args, summary, summary_text(summary))

    parser.set_defaults(func=run)


def attributes(pairs: list[str]) -> dict[str, str] | None:
    """``["road_status=kabupaten"]`` as a mapping; ``None`` when empty."""
    from sp4n.errors import InvalidInputError

    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInputError("--attr", pair, "expected KEY=VALUE")
        out[key.strip()] = value.strip()
    return out or None
