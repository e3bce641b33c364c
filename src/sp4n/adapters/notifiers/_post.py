"""One HTTP POST to a messaging gateway, through the proxy/TLS helper, with the outcome
classified the way every sp4n notifier does: 2xx delivered; 4xx (but 408, 429) permanent;
anything else, or no answer, retried."""

from __future__ import annotations

import http.client
import ssl

from sp4n.adapters.notifiers._http import open_connection
from sp4n.errors import DeliveryError, InvalidInputError

__all__ = ["check_url", "post"]


def check_url(field: str, value: object) -> str:
    """``value`` when it is an ``http://`` or ``https://`` URL, else a typed error."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise InvalidInputError(field, value, "must be a URL starting with http:// or https://")
    return value


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    notifier: str,
    key: str,
    timeout: float,
    context: ssl.SSLContext | None,
) -> bytes:
    """POST ``body`` to ``url``; return the answer's body or raise :class:`DeliveryError`.

    The error names the status and at most 200 characters of the gateway's answer, never
    the request (which carries the recipient's number).
    """
    try:
        connection, target, extra = open_connection(url, timeout=timeout, context=context)
    except InvalidInputError as exc:  # a malformed HTTPS_PROXY: fix the environment
        raise DeliveryError(notifier, key, str(exc)) from exc
    try:
        connection.request("POST", target, body=body, headers={**headers, **extra})
        response = connection.getresponse()
        answer = response.read()
    except (http.client.HTTPException, OSError) as exc:
        raise DeliveryError(notifier, key, f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
    status = response.status
    if not 200 <= status < 300:
        permanent = 400 <= status < 500 and status not in (408, 429)
        detail = answer[:200].decode("utf-8", "replace")
        raise DeliveryError(notifier, key, f"HTTP {status}: {detail}", permanent=permanent)
    return answer
