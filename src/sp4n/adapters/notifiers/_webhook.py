"""Webhook delivery: an HTTP POST of JSON signed with HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any

import attrs

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
    """

    url: str = attrs.field(validator=_check_url)
    secret: bytes = attrs.field(repr=False, converter=_as_bytes)
    timeout: float = 10.0
    name: str = "webhook"

    def send(self, notification: Notification) -> None:
        """Deliver ``notification``; raise :class:`DeliveryError` on failure."""
        body = json.dumps(payload_of(notification), ensure_ascii=False, sort_keys=True).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": notification.key,
                SIGNATURE_HEADER: sign(self.secret, body),
                "User-Agent": "sp4n-webhook",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            exc.close()  # the error carries the open response; release its socket
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise DeliveryError(
                self.name, notification.key, f"HTTP {exc.code}", permanent=permanent
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(
                self.name, notification.key, f"{type(exc).__name__}: {exc}"
            ) from exc
