"""SMS delivery through a gateway's HTTP API (pluggable: a gateway with another API
registers its own notifier through ``sp4n_register_notifiers``).

The built-in speaks the two shapes most gateways accept: a JSON object (``body = "json"``,
default) or a form (``body = "form"``), with the fields ``to`` (``+62...``), ``text`` and
``reference`` (the idempotency key), renamed with ``to_field`` / ``text_field`` when the
gateway calls them otherwise. A ``token`` goes in ``Authorization: Bearer``; a ``secret``
signs the body in ``X-Sp4n-Signature`` like the webhook notifier.
"""

from __future__ import annotations

import json
import ssl
from urllib.parse import urlencode

import attrs

from sp4n.adapters.notifiers._http import tls_context
from sp4n.adapters.notifiers._message import Notification
from sp4n.adapters.notifiers._post import check_url, post
from sp4n.adapters.notifiers._webhook import SIGNATURE_HEADER, sign
from sp4n.errors import DeliveryError, InvalidInputError

__all__ = ["SMS_BODY_MAX", "SmsNotifier", "phone_number", "sms_text"]

SMS_BODY_MAX = 1600
"""Longest text sent: ten concatenated segments (as the SMS channel accepts)."""


def sms_text(notification: Notification, limit: int = SMS_BODY_MAX) -> str:
    """The text an SMS carries: the rendered body (cut at ``limit`` with an ellipsis)."""
    text = " ".join(notification.body.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _url(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    check_url("url", value)


def _body_kind(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value not in ("json", "form"):
        raise InvalidInputError("body", value, "must be 'json' or 'form'")


def phone_number(notification: Notification, notifier: str) -> str:
    """The recipient's number as ``+62...``; a permanent :class:`DeliveryError` if not one."""
    digits = notification.recipient.address.replace(" ", "").replace("-", "")
    if not digits.lstrip("+").isdigit() or not 6 <= len(digits.lstrip("+")) <= 15:
        raise DeliveryError(
            notifier,
            notification.key,
            f"{notification.recipient.shown} is not a phone number",
            permanent=True,
        )
    return "+62" + digits[1:] if digits.startswith("0") else digits


@attrs.frozen
class SmsNotifier:
    """Send notifications as SMS through a gateway's HTTP API at ``url``.

    :param url: the gateway's send endpoint.
    :param token: sent as ``Authorization: Bearer <token>`` when given.
    :param secret: signs the body in ``X-Sp4n-Signature`` when given.
    :param body: ``json`` (default) or ``form``.
    :param to_field: the gateway's name of the recipient field (``to``).
    :param text_field: the gateway's name of the text field (``text``).
    :param ca_file: PEM file of the CAs to trust for an ``https://`` gateway.
    """

    url: str = attrs.field(validator=_url)
    token: str | None = attrs.field(default=None, repr=False)
    secret: str | None = attrs.field(default=None, repr=False)
    body: str = attrs.field(default="json", validator=_body_kind)
    to_field: str = "to"
    text_field: str = "text"
    timeout: float = 10.0
    ca_file: str | None = None
    name: str = "sms"

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

    def request(self, notification: Notification) -> tuple[bytes, dict[str, str]]:
        """The body and headers :meth:`send` POSTs for ``notification``."""
        fields = {
            self.to_field: phone_number(notification, self.name),
            self.text_field: sms_text(notification),
            "reference": notification.key,
        }
        if self.body == "form":
            data = urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
            kind = "application/json; charset=utf-8"
        headers = {
            "Content-Type": kind,
            "Idempotency-Key": notification.key,
            "User-Agent": "sp4n-sms",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret.encode(), data)
        return data, headers

    def send(self, notification: Notification) -> None:
        """Deliver ``notification`` by SMS; raise :class:`DeliveryError` on failure."""
        data, headers = self.request(notification)
        post(
            self.url,
            data,
            headers,
            notifier=self.name,
            key=notification.key,
            timeout=self.timeout,
            context=self._tls,
        )
