"""``sp4n serve``: Open311 GeoReport v2 at ``/open311/v2/``, ``/healthz`` and a status page at
``/``, on the waitress server of :mod:`sp4n.serving`."""

from __future__ import annotations

import argparse
import contextlib
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
        "--blobs",
        metavar="URL",
        help="blob store for uploaded media (file:///dir, s3://bucket/prefix); without it "
        "POST requests take media_url only",
    )
    parser.add_argument(
        "--upload-max-bytes",
        type=int,
        default=10 * 1024 * 1024,
        help="largest uploaded file, in bytes (default %(default)s)",
    )
    parser.add_argument(
        "--upload-types",
        metavar="LIST",
        help="accepted media types, comma-separated (default: photos, video, audio and PDF)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the site's address as the public reaches it: uploaded files get a media_url",
    )
    parser.add_argument(
        "--max-upload",
        type=int,
        default=26 * 1024 * 1024,
        help="largest multipart POST body with --blobs, in bytes (default %(default)s)",
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
        "--channels",
        metavar="FILE",
        help="TOML file of the two-way channels (whatsapp, sms) to mount at /channels/<name>",
    )
    parser.add_argument(
        "--notifiers",
        metavar="FILE",
        default=os.environ.get("SP4N_NOTIFIERS") or None,
        help="TOML file of the notifiers (default $SP4N_NOTIFIERS): messages the site causes "
        "name the notifier their address needs (sms, whatsapp, smtp), as sp4n deliver sends them",
    )
    parser.add_argument(
        "--no-access-log", action="store_true", help="do not log one line per request to stderr"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the Desk and serve until SIGTERM or Ctrl+C, then drain and close the store."""
    from sp4n.adapters.channels import known_region, load_channels
    from sp4n.adapters.notifiers import load_notifiers
    from sp4n.desk import Desk
    from sp4n.errors import InvalidInputError
    from sp4n.open311 import make_site
    from sp4n.serving import Server, ServeSettings, with_access_log

    keys = [*args.api_key, *filter(None, os.environ.get("SP4N_API_KEYS", "").split(","))]
    region = None if args.region is None else known_region(args.region, field="--region")
    check_listen(args.host, args.port)
    if not 1 <= args.max_body <= 64 * 1024 * 1024:
        raise InvalidInputError("--max-body", args.max_body, "must be 1 to 67108864 bytes")
    channels = {} if args.channels is None else load_channels(args.channels)
    notifiers = None if args.notifiers is None else load_notifiers(args.notifiers).notifiers
    if not 1 <= args.max_upload <= 256 * 1024 * 1024:
        raise InvalidInputError("--max-upload", args.max_upload, "must be 1 to 268435456 bytes")
    settings = ServeSettings(
        host=args.host,
        port=args.port,
        threads=args.threads,
        channel_timeout=args.channel_timeout,
        connection_limit=args.connection_limit,
        max_request_body=max(args.max_body, args.max_upload) if args.blobs else args.max_body,
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
    from sp4n.adapters.blobs import UploadLimits

    limits = UploadLimits.from_settings(
        {"max_bytes": str(args.upload_max_bytes)}
        | ({} if args.upload_types is None else {"media_types": args.upload_types})
    )
    with contextlib.ExitStack() as stack:
        blobs = None
        if args.blobs:
            from sp4n.adapters.blobs import open_blob_store

            blobs = open_blob_store(args.blobs)
            stack.callback(blobs.close)
        desk = stack.enter_context(Desk.open(args.db, notifiers=notifiers))
        site = make_site(
            desk,
            api_keys=keys,
            region=region,
            body_max_bytes=args.max_body,
            blobs=blobs,
            upload_limits=limits,
            upload_body_max_bytes=args.max_upload,
            public_url=args.public_url,
            channels=channels,
        )
        server = Server(site if args.no_access_log else with_access_log(site), settings)
        previous = {
            signum: signal.signal(signum, lambda *_: server.stop())
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            print(
                f"sp4n serving on {server.url}/ (Open311 at /open311/v2/, {args.threads} threads"
                + "".join(f", /channels/{name}" for name in channels)
                + ")",
                flush=True,
            )
            server.serve_forever()
        finally:
            for signum, handler_before in previous.items():
                signal.signal(signum, handler_before)
    return 0
