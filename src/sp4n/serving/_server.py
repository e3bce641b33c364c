"""The HTTP server of ``sp4n serve`` and the portal: waitress, threaded, bounded, drained on stop.

waitress reads every request asynchronously in one I/O thread and hands only complete
requests to ``threads`` worker threads, so a client that sends half a request holds a
socket, never a worker; idle or stalled connections are closed after ``channel_timeout``
seconds. :meth:`Server.stop` (what SIGTERM calls) stops accepting, lets the requests already
received finish and their answers be sent, then closes (decision 0160).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs
from waitress import wasyncore
from waitress.server import create_server

from sp4n.errors import InvalidInputError
from sp4n.serving._body import BODY_MAX_BYTES

__all__ = ["ServeSettings", "Server", "serving"]

log = logging.getLogger("sp4n.serving")


def _between(low: float, high: float) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise InvalidInputError(
                attribute.name, value, f"must be a number from {low:g} to {high:g}"
            )

    return check


@attrs.frozen(kw_only=True)
class ServeSettings:
    """How the server listens and what it bounds; every limit is a setting.

    :param host: address to listen on.
    :param port: TCP port; 0 picks a free one (see :attr:`Server.port`).
    :param threads: worker threads running the application (requests answered at once).
    :param channel_timeout: seconds a connection may stay idle or half-sent before it is closed.
    :param connection_limit: open connections at most; more wait in the listen backlog.
    :param max_request_body: bytes at most in any request body, chunked ones included; a
        longer one is refused (413) as soon as its ``Content-Length`` or its chunks show it,
        before it is read. Applications keep their own limit on top, for other servers.
    :param max_request_header: bytes at most in the request line and headers.
    :param drain_timeout: seconds :meth:`Server.stop` waits for requests in flight.
    :param trusted_proxy: address of a reverse proxy whose ``X-Forwarded-*`` headers are
        believed (``None``: none are; ``"*"``: any, only when nothing else can connect).
    """

    host: str = "127.0.0.1"
    port: int = attrs.field(default=8311, validator=_between(0, 65535))
    threads: int = attrs.field(default=4, validator=_between(1, 256))
    channel_timeout: float = attrs.field(default=30.0, validator=_between(1, 3600))
    connection_limit: int = attrs.field(default=500, validator=_between(1, 100_000))
    max_request_body: int = attrs.field(default=BODY_MAX_BYTES, validator=_between(1, 1 << 31))
    max_request_header: int = attrs.field(default=64 * 1024, validator=_between(1024, 1 << 24))
    drain_timeout: float = attrs.field(default=30.0, validator=_between(0, 3600))
    trusted_proxy: str | None = None

    def adjustments(self) -> dict[str, Any]:
        """The waitress adjustments these settings stand for."""
        options: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "threads": int(self.threads),
            "channel_timeout": int(self.channel_timeout),
            "cleanup_interval": max(1, min(30, int(self.channel_timeout) // 2)),
            "connection_limit": int(self.connection_limit),
            "max_request_body_size": int(self.max_request_body) + 1,  # waitress refuses >=
            "max_request_header_size": int(self.max_request_header),
            "ident": "sp4n",
            "expose_tracebacks": False,
            "clear_untrusted_proxy_headers": True,
        }
        if self.trusted_proxy is not None:
            options["trusted_proxy"] = self.trusted_proxy
            options["trusted_proxy_headers"] = {"x-forwarded-for", "x-forwarded-proto"}
        return options


class Server:
    """A WSGI ``app`` served by waitress under ``settings``; bound when constructed.

    Run it with :meth:`serve_forever` (blocking) and end it with :meth:`stop` from any
    thread or a signal handler; or use :func:`serving` to run it in a background thread.
    """

    def __init__(self, app: Callable[..., Any], settings: ServeSettings | None = None) -> None:
        self.settings = settings or ServeSettings()
        self._map: dict[int, Any] = {}
        try:
            self._server: Any = create_server(app, map=self._map, **self.settings.adjustments())
        except OSError as exc:
            wasyncore.close_all(self._map)  # the half-made listener and its wake-up pipe
            raise InvalidInputError(
                "port", self.settings.port, f"cannot listen on {self.settings.host}: {exc}"
            ) from None
        self._stopping = threading.Event()
        self._closing = threading.RLock()  # re-entrant: a signal handler may call stop()
        self.stopped = threading.Event()

    @property
    def port(self) -> int:
        """The TCP port listened on (the chosen one when ``port`` was 0)."""
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        """``http://host:port`` of this server."""
        return f"http://{self.settings.host}:{self.port}"

    def stop(self) -> None:
        """Ask the server to stop: safe from any thread and from a signal handler."""
        with self._closing:  # never write to the wake-up pipe once it is closed
            self._stopping.set()
            if not self.stopped.is_set():
                self._server.trigger.pull_trigger()

    def serve_forever(self) -> None:
        """Serve until :meth:`stop`, then drain: refuse new connections, finish the requests
        already received (up to ``drain_timeout`` seconds) and close every connection."""
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=0.5, map=self._map, use_poll=True, count=1)
            wasyncore.dispatcher.close(self._server)  # the listening socket only
            deadline = time.monotonic() + self.settings.drain_timeout
            while self._busy() and time.monotonic() < deadline:
                wasyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)
            if self._busy():
                log.warning("stopped with requests still running after the drain timeout")
        finally:
            self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
            with self._closing:
                wasyncore.close_all(self._map)
                self.stopped.set()

    def _busy(self) -> bool:
        dispatcher = self._server.task_dispatcher
        busy = bool(dispatcher.queue) or dispatcher.active_count > 0
        for channel in list(self._server.active_channels.values()):
            if channel.requests or channel.total_outbufs_len:
                busy = True
            else:  # idle keep-alive or a half-sent request: not accepted, so let it go
                channel.will_close = True
        return busy


@contextmanager
def serving(app: Callable[..., Any], settings: ServeSettings | None = None) -> Iterator[Server]:
    """Run ``app`` in a background thread for the ``with`` block; stop and drain at its end."""
    server = Server(app, settings)
    thread = threading.Thread(target=server.serve_forever, name="sp4n-serve", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        thread.join()
