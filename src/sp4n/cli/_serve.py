"""``sp4n serve``: Open311 GeoReport v2 at ``/open311/v2/`` and a status page at ``/``."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Any

from sp4n.cli._listen import check_listen, port_number

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "serve", help="serve Open311 GeoReport v2 and a status page over HTTP (wsgiref)"
    )
    parser.add_argument("--db", default="sqlite:///sp4n.db", help="store URL (default %(default)s)")
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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the Desk and serve until interrupted."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from sp4n.adapters.channels import known_region
    from sp4n.desk import Desk
    from sp4n.open311 import make_site

    keys = [*args.api_key, *filter(None, os.environ.get("SP4N_API_KEYS", "").split(","))]
    region = None if args.region is None else known_region(args.region, field="--region")
    check_listen(args.host, args.port)

    class _Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *values: Any) -> None:
            sys.stderr.write(f"{self.address_string()} {format % values}\n")

    with Desk.open(args.db) as desk:
        site = make_site(desk, api_keys=keys, region=region)
        with make_server(args.host, args.port, site, handler_class=_Quiet) as server:
            port = server.server_address[1]
            print(
                f"sp4n serving on http://{args.host}:{port}/ (Open311 at /open311/v2/)", flush=True
            )
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
    return 0
