"""WhatsApp delivery through the WhatsApp Business Cloud API (``POST /<phone number id>/messages``).

A free-form text message reaches the citizen only within 24 hours of their last message
to the business (the customer service window); outside it Meta accepts only an approved
template. With ``template`` set, every message is sent as that template, its one body
parameter being the rendered text; without it, as text (Meta's refusal outside the window
is an HTTP 4xx, a permanent failure the outbox records).

References:
    - Meta for Developers, "WhatsApp Cloud API: Messages" (text and template message
      objects, ``messaging_product``, ``recipient_type``) and "Customer service windows"
      [read].
"""

from __future__ import annotations

import json
import ssl
from typing import Any

import attrs

from sp4n.adapters.notifiers._http import tls_context
from sp4n.adapters.notifiers._message import Notification
from sp4n.adapters.notifiers._post import check_url, post
from sp4n.adapters.notifiers._sms import phone_number
from sp4n.errors import InvalidInputError

__all__ = ["WHATSAPP_API_URL", "WHATSAPP_TEXT_MAX", "WhatsAppNotifier"]

WHATSAPP_API_URL = "https://graph.facebook.com/v21.0"
"""The Graph API base the notifier POSTs to unless ``api_url`` names another."""

WHATSAPP_TEXT_MAX = 4096
"""Longest text body of a WhatsApp text message."""


def _api(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    check_url("api_url", value)


def _required(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(attribute.name, value, "is required")


@attrs.frozen
class WhatsAppNotifier:
    """Send notifications as WhatsApp messages from the business number ``phone_number_id``.

    :param phone_number_id: the Cloud API id of the sending business number.
    :param access_token: the system user's access token (``Authorization: Bearer``).
    :param api_url: the Graph API base (:data:`WHATSAPP_API_URL`).
    :param template: an approved template to send instead of free text (outside the
        24-hour window), with ``template_lang`` (``id``).
    """

    phone_number_id: str = attrs.field(validator=_required)
    access_token: str = attrs.field(repr=False, validator=_required)
    api_url: str = attrs.field(default=WHATSAPP_API_URL, validator=_api)
    template: str | None = None
    template_lang: str = "id"
    timeout: float = 10.0
    ca_file: str | None = None
    name: str = "whatsapp"

    _tls: ssl.SSLContext | None = attrs.field(
        init=False,
        repr=False,
        eq=False,
        hash=False,
        default=attrs.Factory(
            lambda self: tls_context(self.ca_file) if self.api_url.startswith("https://") else None,
            takes_self=True,
        ),
    )

    def document(self, notification: Notification) -> dict[str, Any]:
        """The message object :meth:`send` POSTs: the recipient's number and the text only."""
        text = " ".join(notification.body.split())
        if len(text) > WHATSAPP_TEXT_MAX:
            text = text[: WHATSAPP_TEXT_MAX - 1].rstrip() + "…"
        message: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": phone_number(notification, self.name).lstrip("+"),
            "biz_opaque_callback_data": notification.key,
        }
        if self.template:
            message["type"] = "template"
            message["template"] = {
                "name": self.template,
                "language": {"code": self.template_lang},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": text}]}],
            }
        else:
            message["type"] = "text"
            message["text"] = {"preview_url": False, "body": text}
        return message

    def send(self, notification: Notification) -> None:
        """Deliver ``notification`` over WhatsApp; raise :class:`DeliveryError` on failure."""
        body = json.dumps(self.document(notification), ensure_ascii=False).encode()
        post(
            f"{self.api_url.rstrip('/')}/{self.phone_number_id}/messages",
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.access_token}",
                "Idempotency-Key": notification.key,
                "User-Agent": "sp4n-whatsapp",
            },
            notifier=self.name,
            key=notification.key,
            timeout=self.timeout,
            context=self._tls,
        )
