"""WSGI wrappers every sp4n site gets: ``/healthz`` over the store, and an access log."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk

__all__ = ["HEALTH_PATH", "health", "with_access_log", "with_health"]

HEALTH_PATH = "/healthz"
"""Where :func:`with_health` answers."""

App = Callable[[Mapping[str, Any], Callable[..., Any]], Iterable[bytes]]
access = logging.getLogger("sp4n.access")
_SECRET = re.compile(r"((?:^|&)(?:api_key|hub\.verify_token)=)[^&]*", re.IGNORECASE)
"""Query parameters whose values the access log hides: Open311 keys, the WhatsApp verify token."""


def health(desk: Desk) -> tuple[int, dict[str, Any]]:
    """Check that ``desk``'s store answers a read; return the HTTP status and the document.

    ``200 {"status": "ok", "store": ...}`` when it does, ``503 {"status": "unavailable",
    "store": ..., "reason": ...}`` when the read fails (the store is down or locked).
    """
    store = type(desk.store).__name__
    started = time.perf_counter()
    try:
        desk.store.version("healthz-probe")
    except Exception as exc:  # any failure of any store plugin means "not healthy"
        reason = f"{type(exc).__name__}: {exc}"[:300]
        return 503, {"status": "unavailable", "store": store, "reason": reason}
    elapsed = round((time.perf_counter() - started) * 1000, 2)
    return 200, {"status": "ok", "store": store, "store_ms": elapsed}


def with_health(app: App, desk: Desk, *, path: str = HEALTH_PATH) -> App:
    """Answer ``GET path`` with :func:`health` (JSON, never cached); pass the rest to ``app``."""

    def wrapped(environ: Mapping[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != path:
            return app(environ, start_response)
        method = str(environ.get("REQUEST_METHOD") or "GET").upper()
        if method not in ("GET", "HEAD"):
            status, document = 405, {"status": "method not allowed", "allow": "GET, HEAD"}
        else:
            status, document = health(desk)
        body = json.dumps(document).encode()
        reason = {200: "OK", 405: "Method Not Allowed", 503: "Service Unavailable"}[status]
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ]
        if status == 405:
            headers.append(("Allow", "GET, HEAD"))
        start_response(f"{status} {reason}", headers)
        return [b"" if method == "HEAD" else body]

    return wrapped


def with_access_log(app: App, logger: logging.Logger = access) -> App:
    """Log one line per request to ``logger`` (``sp4n.access``) at INFO, after it is answered:
    client address, method, path and query (``api_key`` and ``hub.verify_token`` values
    hidden), status, bytes, ms."""

    def wrapped(environ: Mapping[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: dict[str, str] = {}

        def recording(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            seen["length"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, *exc)

        try:
            return app(environ, recording)
        finally:
            if logger.isEnabledFor(logging.INFO):
                query = _SECRET.sub(r"\1***", str(environ.get("QUERY_STRING") or ""))
                target = str(environ.get("PATH_INFO") or "/") + (f"?{query}" if query else "")
                logger.info(
                    '%s "%s %s %s" %s %s %.1fms',
                    environ.get("REMOTE_ADDR", "-"),
                    environ.get("REQUEST_METHOD", "-"),
                    target.encode("unicode_escape").decode("ascii")[:500],
                    environ.get("SERVER_PROTOCOL", "-"),
                    seen.get("status", "-"),
                    seen.get("length", "-"),
                    (time.perf_counter() - started) * 1000,
                )

    return wrapped
