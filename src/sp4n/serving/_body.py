"""Reading a WSGI request body within a limit, whatever the server in front of the application.

Under ``waitress`` (``sp4n serve``) a chunked body is de-chunked and given a
``Content-Length`` before the application runs; under gunicorn or another server it may
arrive without one (``Transfer-Encoding: chunked``). Either way
no more than ``limit`` bytes are read, and a request whose length cannot be known is
refused instead of waited for.

References:
    - RFC 9110 section 8.6 (Content-Length is a non-negative decimal integer) and 15.5.12
      (411 Length Required) [read]; RFC 9112 section 6.3 (message body length) [read].
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sp4n.errors import RequestBodyError

__all__ = ["BODY_MAX_BYTES", "read_body"]

BODY_MAX_BYTES = 64 * 1024
"""Default largest request body an sp4n application reads (form-encoded text only)."""

_DIGITS = re.compile(r"[0-9]{1,18}")


def _declared_length(environ: Mapping[str, Any]) -> int | None:
    raw = environ.get("CONTENT_LENGTH")
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    if not _DIGITS.fullmatch(text):
        raise RequestBodyError(
            "Content-Length",
            str(raw)[:40],
            "must be a non-negative whole number of bytes in ASCII digits",
        )
    return int(text)


def _chunked(environ: Mapping[str, Any]) -> bool:
    """A body delimited by the transfer coding (gunicorn passes ``Transfer-Encoding`` on)."""
    return "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING") or "").lower()


def read_body(environ: Mapping[str, Any], *, limit: int = BODY_MAX_BYTES) -> bytes:
    """Return the request body of ``environ``, at most ``limit`` bytes.

    :raises RequestBodyError: status 400 for a ``Content-Length`` that is not ASCII digits
        (negative, non-ASCII, garbage) or a body shorter than declared; 411 when the length is
        neither declared nor delimited by the server (chunked); 413 for a body over ``limit``.
    """
    stream = environ.get("wsgi.input")
    declared = _declared_length(environ)
    if declared is None:
        if not _chunked(environ):
            raise RequestBodyError(
                "Content-Length",
                None,
                "is required on this request (or send the body with Transfer-Encoding: chunked)",
                status=411,
            )
        body = _read(stream, limit + 1)
        if len(body) > limit:
            raise RequestBodyError(
                "body", f"over {limit} bytes", f"must be at most {limit} bytes", status=413
            )
        return body
    if declared > limit:
        raise RequestBodyError(
            "body", f"{declared} bytes", f"must be at most {limit} bytes", status=413
        )
    body = _read(stream, declared)
    if len(body) < declared:
        raise RequestBodyError(
            "body",
            f"{len(body)} bytes",
            f"ended before the {declared} bytes Content-Length declared",
        )
    return body


def _read(stream: Any, size: int) -> bytes:
    """Read up to ``size`` bytes, looping over short reads, stopping at the end of input."""
    if stream is None or size <= 0:
        return b""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = stream.read(left)
        if not chunk:
            break
        chunks.append(bytes(chunk))
        left -= len(chunk)
    return b"".join(chunks)
