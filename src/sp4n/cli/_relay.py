"""``sp4n relay``: forward a complaint to a hub over Open311, or follow relayed ones."""

from __future__ import annotations

import argparse
import os
from typing import Any

from sp4n.cli._desk_common import add_db, attributes, complaint_summary, open_desk, summary_text
from sp4n.cli._output import emit
from sp4n.texts import text as said

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``relay`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "relay",
        help="forward a central-government matter to a hub over Open311, or --sync relayed ones",
    )
    parser.add_argument("ref", metavar="REF", nargs="?", help="tracking id or complaint id")
    parser.add_argument("--hub", required=True, help="the hub's GeoReport v2 URL (.../open311/v2)")
    parser.add_argument("--api-key", help="this portal's key at the hub (or $SP4N_HUB_API_KEY)")
    parser.add_argument("--portal", default="sp4n", help="this portal's name at the hub")
    parser.add_argument("--attr", action="append", default=[], help="routing attribute KEY=VALUE")
    parser.add_argument(
        "--sync", action="store_true", help="record the hub's status (of REF, or of every one)"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per HTTP call")
    add_db(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Forward REF, or sync REF / every relayed complaint."""
    from sp4n.errors import InvalidInputError
    from sp4n.open311 import GeoReportClient, Relay

    key = args.api_key or os.environ.get("SP4N_HUB_API_KEY") or None
    client = GeoReportClient(args.hub, api_key=key, timeout=args.timeout)
    with open_desk(args) as desk:
        relay = Relay(desk, client, portal=args.portal)
        if args.sync:
            if args.ref is not None:
                events = relay.sync(args.ref)
                summary = {**complaint_summary(desk, desk.get(args.ref)), "recorded": list(events)}
                text = summary_text(summary) + (
                    "  " + said("relay.recorded", events=", ".join(events)) if events else ""
                )
                return emit(args, summary, text)
            report = relay.sync_all()
            payload = {
                "checked": report.checked,
                "recorded": [{"tracking_id": t, "event": e} for t, e in report.recorded],
                "failed": [{"tracking_id": t, "error": e} for t, e in report.failed],
            }
            lines = [said("relay.checked", count=report.checked, hub=client.base_url)]
            lines += [f"  {t}: {e}" for t, e in report.recorded]
            lines += [f"  {t}: {said('relay.failed', error=e)}" for t, e in report.failed]
            emit(args, payload, "\n".join(lines))
            return 1 if report.failed else 0
        if args.ref is None:
            raise InvalidInputError("REF", None, "name the complaint to relay, or pass --sync")
        complaint = relay.forward(args.ref, attributes=attributes(args.attr))
        summary = complaint_summary(desk, complaint)
        event = complaint.history[-1].payload
        summary["remote_url"], summary["remote_id"] = (
            event.get("remote_url"),
            event.get("remote_id"),
        )
        text = summary_text(summary) + f"  hub: {summary['remote_id']}"
        return emit(args, summary, text)
