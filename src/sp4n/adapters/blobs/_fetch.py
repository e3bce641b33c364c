"""Fetching a media item a gateway hosts (an MMS or WhatsApp photo) into the blob store.

SMS/MMS and chat gateways deliver media as a URL on their own servers. :func:`fetch_media`
downloads it once, within the upload limits and a time limit, and hands the bytes to
:func:`~sp4n.adapters.blobs.accept_uploads`, so a fetched photo is checked and stripped like
an uploaded one. Connections follow the environment's proxy and always verify TLS
(decision 0162); at most :data:`FETCH_REDIRECTS_MAX` redirects, to ``http(s)`` only.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Mapping
from urllib.parse import unquote, urljoin, urlsplit

from sp4n.adapters.blobs._store import BlobStore
from sp4n.adapters.blobs._upload import UploadLimits, accept_uploads
from sp4n.adapters.notifiers._http import open_connection, tls_context
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import Attachment

__all__ = ["FETCH_REDIRECTS_MAX", "fetch_media"]

FETCH_REDIRECTS_MAX = 3
"""Most redirects followed before a media URL is given up."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _refuse(url: str, rule: str) -> InvalidInputError:
    return InvalidInputError("media_url", url[:200], rule)


def _get(
    url: str,
    *,
    limit: int,
    deadline: float,
    headers: Mapping[str, str],
    ca_file: str | None,
) -> tuple[int, str | None, bytes]:
    """One GET: (status, Location, body read within ``limit`` + 1 bytes)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse(url, "must be an http:// or https:// URL")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _refuse(url, "took longer than the time limit")
    context = tls_context(ca_file) if parts.scheme == "https" else None
    connection, target, extra = open_connection(url, timeout=remaining, context=context)
    response: http.client.HTTPResponse | None = None
    try:
        connection.request("GET", target, headers={**extra, **headers, "Accept": "*/*"})
        response = connection.getresponse()
        declared = response.getheader("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise _refuse(url, f"is {declared} bytes; at most {limit} (setting max_bytes)")
        body = b""
        if response.status == 200:
            while len(body) <= limit:
                if time.monotonic() > deadline:
                    raise _refuse(url, "took longer than the time limit")
                chunk = response.read(min(65536, limit + 1 - len(body)))
                if not chunk:
                    break
                body += chunk
        return response.status, response.getheader("Location"), body
    except (OSError, http.client.HTTPException) as exc:
        raise _refuse(url, f"could not be fetched: {exc}") from None
    finally:
        if response is not None:
            response.close()
        connection.close()


def fetch_media(
    url: str,
    blobs: BlobStore,
    *,
    limits: UploadLimits | None = None,
    anonymous: bool = False,
    share_location: bool = False,
    timeout: float = 20.0,
    headers: Mapping[str, str] | None = None,
    ca_file: str | None = None,
) -> Attachment:
    """Download ``url`` and store it as :func:`~sp4n.adapters.blobs.accept_upload` does.

    :param headers: request headers the gateway needs (``Authorization`` for Twilio-style
        media URLs); never logged or stored.
    :param timeout: seconds for the whole download, redirects included.
    :param ca_file: a PEM file of CAs to trust instead of the system's.
    :returns: the attachment; its name is the URL's last path segment.
    :raises InvalidInputError: field ``media_url`` for a URL that is not http(s), an HTTP
        answer other than 200, too many redirects, a body over ``max_bytes``, a time-out or a
        network failure; the fields of :func:`accept_upload` for the content. Nothing is
        stored then.
    """
    if not isinstance(url, str):
        raise _refuse(repr(url), "must be an http:// or https:// URL")
    if not isinstance(timeout, int | float) or not 0 < timeout <= 300:
        raise InvalidInputError("timeout", timeout, "must be seconds in (0, 300]")
    limits = limits or UploadLimits()
    deadline = time.monotonic() + float(timeout)
    current = url
    for _ in range(FETCH_REDIRECTS_MAX + 1):
        status, location, body = _get(
            current,
            limit=limits.max_bytes,
            deadline=deadline,
            headers=dict(headers or {}),
            ca_file=ca_file,
        )
        if status in _REDIRECTS and location:
            current = urljoin(current, location)
            continue
        if status != 200:
            raise _refuse(url, f"answered HTTP {status}")
        if len(body) > limits.max_bytes:
            raise _refuse(url, f"is over {limits.max_bytes} bytes (setting max_bytes)")
        name = unquote(urlsplit(current).path.rstrip("/").rsplit("/", 1)[-1]) or "media"
        (attachment,) = accept_uploads(
            blobs,
            [(name[:200], body)],
            limits=limits,
            anonymous=anonymous,
            share_location=share_location,
        )
        return attachment
    raise _refuse(url, f"redirected more than {FETCH_REDIRECTS_MAX} times")
