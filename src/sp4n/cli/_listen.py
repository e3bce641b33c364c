"""Checks on where a server listens: a port number, a host that resolves, a port that is free.

A busy port or a host name that does not resolve is a bad ``--host``/``--port``, reported
as one line with exit status 2 before anything is opened (decision 0142).
"""

from __future__ import annotations

import argparse
import errno
import socket

from sp4n.errors import InvalidInputError

__all__ = ["check_listen", "port_number"]

_HINTS = {
    errno.EADDRINUSE: "another program listens there; stop it or pick another --port",
    errno.EACCES: "ports below 1024 need privileges; pick a port from 1024 to 65535",
    errno.EADDRNOTAVAIL: "this machine has no such address; use 127.0.0.1 or 0.0.0.0",
}


def port_number(text: str) -> int:
    """An ``argparse`` type: a TCP port from 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port


def check_listen(host: str, port: int) -> None:
    """Raise :class:`~sp4n.errors.InvalidInputError` unless a server can listen at host:port.

    Resolves ``host`` and binds (then closes) a socket with the options an HTTP server
    uses, so the server itself then binds the same address.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise InvalidInputError(
            "--host", host, f"cannot be resolved ({exc})", hint="use an address or a known name"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            on_host = exc.errno == errno.EADDRNOTAVAIL
            raise InvalidInputError(
                "--host" if on_host else "--port",
                host if on_host else port,
                f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                hint=_HINTS.get(exc.errno or 0),
            ) from None
