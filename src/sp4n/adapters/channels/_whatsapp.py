"""The WhatsApp channel: the WhatsApp Business Cloud API webhook, both directions' inbound half.

- ``GET`` with ``hub.mode=subscribe``, ``hub.verify_token`` and ``hub.challenge`` is Meta's
  verification request: the token must be the one configured; the answer is the challenge.
- ``POST`` carries notifications as JSON, signed in ``X-Hub-Signature-256`` with
  ``sha256=<hex HMAC-SHA256 of the raw body under the app secret>``. Each
  ``entry[].changes[]`` with ``field == "messages"`` holds ``value.messages[]``; text
  messages give their ``text.body``, media messages their caption and the media id as an
  attachment reference (``whatsapp-media:<id>``, fetched from the Graph API by whoever
  stores evidence; sp4n stores only the reference). ``statuses`` (delivery receipts) and
  other message types are acknowledged and ignored.

References:
    - Meta for Developers, "WhatsApp Cloud API: Webhooks" (verification request,
      ``X-Hub-Signature-256``) and "Webhooks: messages" payload reference [read].
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import attrs

from sp4n.adapters.channels._inbound import Inbound, InboundMessage, InboundRequest
from sp4n.adapters.channels._intake import known_region
from sp4n.errors import InvalidInputError, WebhookRefusedError
from sp4n.lifecycle import Attachment

__all__ = ["WHATSAPP_SIGNATURE_HEADER", "WhatsAppChannel", "whatsapp_signature"]

WHATSAPP_SIGNATURE_HEADER = "X-Hub-Signature-256"
"""Header in which Meta signs each webhook POST."""

_MEDIA = ("image", "document", "audio", "video", "sticker")


def whatsapp_signature(app_secret: bytes, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends for ``body``: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(app_secret, body, hashlib.sha256).hexdigest()


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not value:
        raise InvalidInputError(attribute.name, None, "is required")


def _object(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInputError(field, type(value).__name__, "must be a JSON object")
    return value


def _list(value: object, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInputError(field, type(value).__name__, "must be a JSON array")
    return value


def _sent_at(message: dict[str, Any], field: str) -> datetime:
    raw = message.get("timestamp")
    if not isinstance(raw, str | int) or not str(raw).isdigit():
        raise InvalidInputError(field, raw, "must be Unix seconds, as the Cloud API sends them")
    try:
        return datetime.fromtimestamp(int(raw), tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise InvalidInputError(field, raw, "is not a representable instant") from None


@attrs.frozen
class WhatsAppChannel:
    """Read WhatsApp Cloud API webhooks for a portal whose own region is ``default_region``.

    :param app_secret: the Meta app secret that signs each POST (``X-Hub-Signature-256``).
    :param verify_token: the token configured for the webhook's verification request.
    :param default_region: the portal's region, for messages that name none (``#61.07``).
    """

    app_secret: bytes = attrs.field(repr=False, converter=_as_bytes, validator=_non_empty)
    verify_token: str = attrs.field(repr=False, validator=_non_empty)
    default_region: str = attrs.field(converter=known_region)
    name: str = "whatsapp"

    def receive(self, request: InboundRequest) -> Inbound:
        """Answer a verification request, or check and read a notification POST."""
        if request.method == "GET":
            return self._verify(request)
        if request.method != "POST":
            raise InvalidInputError("method", request.method, "must be GET or POST")
        header = request.headers.get(WHATSAPP_SIGNATURE_HEADER.lower())
        if header is None:
            raise WebhookRefusedError(
                WHATSAPP_SIGNATURE_HEADER, None, "is required: Meta signs every webhook POST"
            )
        expected = whatsapp_signature(self.app_secret, request.body)
        if not hmac.compare_digest(expected, header.strip()):
            raise WebhookRefusedError(
                WHATSAPP_SIGNATURE_HEADER,
                header[:16] + "...",
                "must be sha256=<HMAC-SHA256 of the raw body under the app secret>",
            )
        try:
            document = json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidInputError(
                "body", f"{len(request.body)} bytes", f"not JSON: {exc}"
            ) from None
        return Inbound(messages=tuple(self._messages(_object(document, "body"))))

    def _verify(self, request: InboundRequest) -> Inbound:
        mode = request.query.get("hub.mode")
        if mode != "subscribe":
            raise InvalidInputError("hub.mode", mode, "must be 'subscribe'")
        token = request.query.get("hub.verify_token") or ""
        if not hmac.compare_digest(token.encode(), self.verify_token.encode()):
            raise WebhookRefusedError(
                "hub.verify_token",
                "***",
                "is not the token configured for this webhook",
                status=403,
            )
        challenge = request.query.get("hub.challenge")
        if not challenge:
            raise InvalidInputError("hub.challenge", challenge, "is required")
        return Inbound(body=challenge.encode())

    def _messages(self, document: dict[str, Any]) -> list[InboundMessage]:
        kind = document.get("object")
        if kind != "whatsapp_business_account":
            raise InvalidInputError("object", kind, "must be 'whatsapp_business_account'")
        found: list[InboundMessage] = []
        for e, entry in enumerate(_list(document.get("entry"), "entry")):
            changes = _object(entry, f"entry[{e}]").get("changes")
            for c, change in enumerate(_list(changes, f"entry[{e}].changes")):
                where = f"entry[{e}].changes[{c}]"
                change = _object(change, where)
                if change.get("field") != "messages":
                    continue
                value = _object(change.get("value"), f"{where}.value")
                names = {
                    str(contact.get("wa_id")): (contact.get("profile") or {}).get("name")
                    for contact in _list(value.get("contacts"), f"{where}.value.contacts")
                    if isinstance(contact, dict)
                }
                for m, message in enumerate(
                    _list(value.get("messages"), f"{where}.value.messages")
                ):
                    read = self._message(
                        _object(message, f"{where}.value.messages[{m}]"),
                        f"{where}.value.messages[{m}]",
                        names,
                    )
                    if read is not None:
                        found.append(read)
        return found

    def _message(
        self, message: dict[str, Any], where: str, names: dict[str, Any]
    ) -> InboundMessage | None:
        sender = str(message.get("from") or "")
        if not sender.isdigit() or not 6 <= len(sender) <= 15:
            raise InvalidInputError(
                f"{where}.from", message.get("from"), "must be a WhatsApp id (digits)"
            )
        kind = message.get("type")
        attachments: tuple[Attachment, ...] = ()
        if kind == "text":
            text = (message.get("text") or {}).get("body")
        elif kind in _MEDIA:
            media = _object(message.get(kind), f"{where}.{kind}")
            text = media.get("caption") or ""
            media_id = media.get("id")
            if not isinstance(media_id, str) or not media_id:
                raise InvalidInputError(
                    f"{where}.{kind}.id", media_id, "a media message names its media id"
                )
            attachments = (
                Attachment(
                    name=str(media.get("filename") or f"{kind}-{media_id}"),
                    media_type=str(media.get("mime_type") or "application/octet-stream"),
                    size_bytes=0,
                    ref=f"whatsapp-media:{media_id}",
                ),
            )
        else:
            return None  # reactions, locations, buttons...: acknowledged, not read
        if not isinstance(text, str):
            raise InvalidInputError(f"{where}.text.body", text, "must be text")
        name = names.get(sender)
        return InboundMessage(
            channel=self.name,
            sender=f"+{sender}",
            text=text,
            external_id=str(message.get("id") or "") or None,
            received_at=_sent_at(message, f"{where}.timestamp"),
            name=name if isinstance(name, str) and name.strip() else None,
            attachments=attachments,
        )
