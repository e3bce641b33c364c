"""Webhook delivery: an HTTP POST of JSON signed with HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import ssl
import threading
from typing import Any

import attrs

from sp4n.adapters.notifiers._http import open_connection, tls_context
from sp4n.adapters.notifiers._message import Notification
from sp4n.errors import DeliveryError, InvalidInputError

__all__ = ["SIGNATURE_HEADER", "WebhookNotifier", "sign", "verify_signature"]

SIGNATURE_HEADER = "X-Sp4n-Signature"
"""Header carrying ``sha256=<hex digest>`` of the raw request body."""


def sign(secret: bytes, body: bytes) -> str:
    """Return the signature header value for ``body`` under ``secret``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_signature(secret: bytes, body: bytes, header: str | None) -> bool:
    """Check a received signature header in constant time."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


def _check_url(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.startswith(("http://", "https://")):
        raise InvalidInputError("url", value, "a webhook URL must start with http:// or https://")


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def payload_of(notification: Notification) -> dict[str, Any]:
    """Return the JSON document a webhook receives for ``notification``."""
    return {
        "idempotency_key": notification.key,
        "recipient": {
            "role": notification.recipient.role,
            "address": notification.recipient.address,
            "lang": notification.recipient.lang,
        },
        "subject": notification.subject,
        "body": notification.body,
        "data": dict(notification.data),
    }


@attrs.frozen
class WebhookNotifier:
    """POST each notification as JSON to ``url``.

    Headers: ``Content-Type: application/json``, ``Idempotency-Key`` and
    :data:`SIGNATURE_HEADER` (HMAC-SHA256 of the body with ``secret``). A 2xx answer
    is delivery; 4xx (except 408 and 429) is permanent; anything else is retried.

    The proxy comes from ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``; an ``https://``
    receiver's certificate is verified against the system's CAs or ``ca_file`` (PEM).
    """

    url: str = attrs.field(validator=_check_url)
    secret: bytes = attrs.field(repr=False, converter=_as_bytes)
    timeout: float = 10.0
    name: str = "webhook"
    ca_file: str | None = None

    _tls: ssl.SSLContext | None = attrs.field(
        init=False,
        repr=False,
        eq=False,
        hash=False,
        default=attrs.Factory(
            lambda self: tls_context(self.ca_file) if self.url.startswith("https://") else None,
            takes_self=True,
        ),
    )

    _pool: threading.local = attrs.field(
        factory=threading.local, init=False, repr=False, eq=False, hash=False
    )

    def _connection(self) -> tuple[http.client.HTTPConnection, str, dict[str, str], bool]:
        """This thread's kept-alive connection to the webhook (through the environment's
        proxy, if any), the request target, headers for the proxy; ``True`` when it is new."""
        kept = getattr(self._pool, "connection", None)
        if kept is not None:
            return (*kept, False)
        connection, target, extra = open_connection(
            self.url, timeout=self.timeout, context=self._tls
        )
        self._pool.connection = (connection, target, extra)
        return connection, target, extra, True

    def close(self) -> None:
        """Close this thread's kept-alive connection (a later :meth:`send` reopens one)."""
        self._drop()

    def _drop(self) -> None:
        kept = getattr(self._pool, "connection", None)
        self._pool.connection = None
        if kept is not None:
            kept[0].close()

    def send(self, notification: Notification) -> None:
        """Deliver ``notification``; raise :class:`DeliveryError` on failure.

        The connection is kept alive between notifications (HTTP/1.1), one per thread; a
        kept-alive connection the receiver closed meanwhile is reopened once.
        """
        body = json.dumps(payload_of(notification), ensure_ascii=False, sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": notification.key,
            SIGNATURE_HEADER: sign(self.secret, body),
            "User-Agent": "sp4n-webhook",
        }
        while True:
            try:
                connection, target, extra, fresh = self._connection()
            except InvalidInputError as exc:  # a malformed HTTPS_PROXY: fix the environment
                raise DeliveryError(self.name, notification.key, str(exc)) from exc
            try:
                connection.request("POST", target, body=body, headers={**headers, **extra})
                response = connection.getresponse()
                response.read()
            except (http.client.HTTPException, OSError) as exc:
                self._drop()
                if fresh:
                    raise DeliveryError(
                        self.name, notification.key, f"{type(exc).__name__}: {exc}"
                    ) from exc
                continue  # a stale kept-alive connection: try once on a new one
            if response.will_close:
                self._drop()
            break
        status = response.status
        if not 200 <= status < 300:
            permanent = 400 <= status < 500 and status not in (408, 429)
            raise DeliveryError(self.name, notification.key, f"HTTP {status}", permanent=permanent)
