"""The SMS gateway webhook: an inbound SMS as the gateway POSTs it, signed with a shared key.

Gateways differ; sp4n's own format is small so that a gateway's forwarding rule (or a
few lines of glue) can produce it. ``POST`` a JSON object or an
``application/x-www-form-urlencoded`` form with:

- ``from``: the sender's number (``+6281234567890`` or ``081234567890``);
- ``text``: the message text;
- ``id``: the gateway's message id (optional; drops a message delivered twice);
- ``received_at``: ISO 8601 with an offset (optional; default: when sp4n received it;
  a time without an offset is refused).

The raw body is signed like sp4n's outbound webhooks: ``X-Sp4n-Signature:
sha256=<hex HMAC-SHA256 of the body under the shared secret>``. A gateway that speaks
another format registers its own channel through ``sp4n_register_channels``.
"""

from __future__ import annotations

import hmac
import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import attrs

from sp4n.adapters.channels._inbound import Inbound, InboundMessage, InboundRequest
from sp4n.adapters.channels._intake import known_region
from sp4n.adapters.notifiers._webhook import SIGNATURE_HEADER, sign
from sp4n.errors import InvalidInputError, NaiveDatetimeError, WebhookRefusedError

__all__ = ["SmsGatewayChannel", "international"]

_PHONE = re.compile(r"^\+?[0-9]{6,15}$")


def international(phone: str, *, field: str = "from") -> str:
    """``+62...`` for an Indonesian number written ``08...`` or ``62...``; checks the shape."""
    digits = phone.replace(" ", "").replace("-", "")
    if not _PHONE.match(digits):
        raise InvalidInputError(field, phone, "must be a phone number such as +6281234567890")
    if digits.startswith("0"):
        return "+62" + digits[1:]
    return digits if digits.startswith("+") else "+" + digits


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not value:
        raise InvalidInputError(attribute.name, None, "is required")


def _fields(request: InboundRequest) -> dict[str, Any]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/x-www-form-urlencoded":
            form = parse_qs(request.body.decode("utf-8"), strict_parsing=False)
            return {key: values[0] for key, values in form.items()}
        document = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError("body", f"{len(request.body)} bytes", f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise InvalidInputError("body", type(document).__name__, "must be a JSON object")
    return document


def _received_at(value: object, default: datetime) -> datetime:
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise InvalidInputError("received_at", value, "must be ISO 8601 text")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError("received_at", value, "must be ISO 8601 with an offset") from None
    if parsed.tzinfo is None:
        raise NaiveDatetimeError("received_at", value)
    return parsed


@attrs.frozen
class SmsGatewayChannel:
    """Read signed inbound SMS from a gateway for a portal whose region is ``default_region``.

    :param secret: the key shared with the gateway; it signs each body (``X-Sp4n-Signature``).
    :param default_region: the portal's region, for messages that name none (``#61.07``).
    """

    secret: bytes = attrs.field(repr=False, converter=_as_bytes, validator=_non_empty)
    default_region: str = attrs.field(converter=known_region)
    name: str = "sms"

    def receive(self, request: InboundRequest) -> Inbound:
        """Check the signature and read the one SMS a POST carries."""
        if request.method != "POST":
            raise InvalidInputError("method", request.method, "must be POST")
        header = request.headers.get(SIGNATURE_HEADER.lower())
        if header is None:
            raise WebhookRefusedError(SIGNATURE_HEADER, None, "is required: sign every body")
        if not hmac.compare_digest(sign(self.secret, request.body), header.strip()):
            raise WebhookRefusedError(
                SIGNATURE_HEADER,
                header[:16] + "...",
                "must be sha256=<HMAC-SHA256 of the raw body under the shared secret>",
            )
        fields = _fields(request)
        sender = fields.get("from")
        if not isinstance(sender, str):
            raise InvalidInputError("from", sender, "must be the sender's phone number")
        text = fields.get("text")
        if not isinstance(text, str):
            raise InvalidInputError("text", text, "must be the message text")
        external = fields.get("id")
        message = InboundMessage(
            channel=self.name,
            sender=international(sender),
            text=text,
            external_id=None if external in (None, "") else str(external),
            received_at=_received_at(fields.get("received_at"), request.received_at),
        )
        return Inbound(messages=(message,))
