"""Answering ``GET <prefix>/media/<tracking id>/<seq>/<n>``: one published complaint's file.

Which file the public may get is :func:`sp4n.adapters.blobs.public_file`'s decision (0194);
this module only answers: the bytes with their media type and headers that keep a served
file from running on the portal's origin, or the same 404 for every refusal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

from sp4n.errors import Open311Error
from sp4n.lifecycle import Attachment
from sp4n.open311._format import encode, error_items

__all__ = ["MEDIA_PATH", "serve_file"]

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

MEDIA_PATH = re.compile(r"^/media/(?P<ref>[^/]{1,80})/(?P<seq>[0-9]{1,9})/(?P<index>[0-9]{1,3})$")
"""``<prefix>/media/<tracking id>/<event seq>/<file index>``: a published complaint's file."""


def serve_file(
    environ: Mapping[str, Any],
    start_response: StartResponse,
    found: tuple[Attachment, bytes] | None,
) -> Iterable[bytes]:
    """Answer with ``found`` (200) or a GeoReport 404 when it is ``None``."""
    if found is None:
        error = Open311Error(
            "media", str(environ.get("PATH_INFO"))[:120], "no such file", status=404
        )
        content_type, body = encode("errors", error_items(404, str(error)), "json")
        start_response(
            "404 Not Found", [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        )
        return [body]
    attachment, data = found
    start_response(
        "200 OK",
        [
            ("Content-Type", attachment.media_type),
            ("Content-Length", str(len(data))),
            ("Content-Disposition", f"inline; filename*=UTF-8''{quote(attachment.name)}"),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", "sandbox; default-src 'none'"),
            ("Cache-Control", "no-store"),  # a tier raised later must take effect at once
        ],
    )
    return [b"" if str(environ.get("REQUEST_METHOD")).upper() == "HEAD" else data]
