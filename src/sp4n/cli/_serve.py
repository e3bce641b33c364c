"""``sp4n serve``: Open311 GeoReport v2 at ``/open311/v2/``, ``/healthz`` and a status page at
``/``, on the waitress server of :mod:`sp4n.serving`."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from typing import Any

from sp4n.cli._listen import check_listen, port_number

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "serve", help="serve Open311 GeoReport v2 and a status page over HTTP (waitress)"
    )
    parser.add_argument(
        "--db",
        default=None,
        help="store URL (default: a plugin's sp4n_default_store_url, else sqlite:///sp4n.db)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default %(default)s)"
    )
    parser.add_argument("--port", type=port_number, default=8311, help="port (default %(default)s)")
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        help="a key accepted on POST requests (repeatable; also $SP4N_API_KEYS, comma-separated)",
    )
    parser.add_argument("--region", help="the portal's own region code (default: national)")
    parser.add_argument(
        "--threads", type=int, default=4, help="worker threads (default %(default)s)"
    )
    parser.add_argument(
        "--channel-timeout",
        type=float,
        default=30.0,
        help="seconds an idle or half-sent connection is kept (default %(default)s)",
    )
    parser.add_argument(
        "--connection-limit",
        type=int,
        default=500,
        help="open connections at most (default %(default)s)",
    )
    parser.add_argument(
        "--max-body",
        type=int,
        default=64 * 1024,
        help="largest POST body in bytes (default %(default)s)",
    )
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=30.0,
        help="seconds to finish requests in flight on SIGTERM (default %(default)s)",
    )
    parser.add_argument(
        "--trusted-proxy",
        help="address of the reverse proxy whose X-Forwarded-For/-Proto are believed",
    )
    parser.add_argument(
        "--no-access-log", action="store_true", help="do not log one line per request to stderr"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the Desk and serve until SIGTERM or Ctrl+C, then drain and close the store."""
    from sp4n.adapters.channels import known_region
    from sp4n.desk import Desk
    from sp4n.errors import InvalidInputError
    from sp4n.open311 import make_site
    from sp4n.serving import Server, ServeSettings, with_access_log

    keys = [*args.api_key, *filter(None, os.environ.get("SP4N_API_KEYS", "").split(","))]
    region = None if args.region is None else known_region(args.region, field="--region")
    check_listen(args.host, args.port)
    if not 1 <= args.max_body <= 64 * 1024 * 1024:
        raise InvalidInputError("--max-body", args.max_body, "must be 1 to 67108864 bytes")
    settings = ServeSettings(
        host=args.host,
        port=args.port,
        threads=args.threads,
        channel_timeout=args.channel_timeout,
        connection_limit=args.connection_limit,
        max_request_body=args.max_body,
        drain_timeout=args.drain_timeout,
        trusted_proxy=args.trusted_proxy,
    )
    if not args.no_access_log:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        access = logging.getLogger("sp4n.access")
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False
    with Desk.open(args.db) as desk:
        site = make_site(desk, api_keys=keys, region=region, body_max_bytes=args.max_body)
        server = Server(site if args.no_access_log else with_access_log(site), settings)
        previous = {
            signum: signal.signal(signum, lambda *_: server.stop())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            print(
                f"sp4n serving on {server.url}/ (Open311 at /open311/v2/, {args.threads} threads)",
                flush=True,
            )
            server.serve_forever()
        finally:
            for signum, handler_before in previous.items():
                signal.signal(signum, handler_before)
    return 0
