"""Two-way channels: what an inbound webhook receives and the citizen messages it yields.

A webhook channel (WhatsApp Cloud API, an SMS gateway) turns one HTTP request into an
:class:`Inbound`: the answer the sender expects (a verification challenge, ``200 OK``) and
the :class:`InboundMessage` values it carried. The Desk decides what each message is
(:meth:`sp4n.Desk.receive`: a new complaint, ``provide_info`` or ``reply``); the server
mounts every configured channel (:func:`sp4n.serving.mount_channels`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

import attrs

from sp4n._time import to_utc
from sp4n.adapters.channels._intake import Intake
from sp4n.adapters.channels._sms import SmsChannel, SmsMessage
from sp4n.lifecycle import Attachment

__all__ = ["MEDIA_ONLY_TEXT", "Inbound", "InboundMessage", "InboundRequest", "WebhookChannel"]

MEDIA_ONLY_TEXT = "(lampiran tanpa keterangan)"
"""The text of a complaint (or answer) that came as media without a caption."""


def _received(value: object) -> datetime:
    return to_utc("received_at", value)


def _lower_keys(value: Mapping[str, str]) -> Mapping[str, str]:
    return {str(k).lower(): str(v) for k, v in value.items()}


@attrs.frozen
class InboundRequest:
    """One HTTP request to a channel webhook, as the server read it.

    :param method: ``GET`` or ``POST`` (upper case).
    :param query: the query string's parameters (first value of each).
    :param headers: request headers, names in lower case.
    :param body: the raw body (signatures are computed over these exact bytes).
    :param received_at: when the server received it (aware).
    """

    method: str
    query: Mapping[str, str]
    headers: Mapping[str, str] = attrs.field(converter=_lower_keys)
    body: bytes
    received_at: datetime = attrs.field(converter=_received)


@attrs.frozen
class InboundMessage:
    """One citizen message a two-way channel received.

    :param channel: the channel's name (``whatsapp``, ``sms``).
    :param sender: the sender's phone number in international form (``+6281234567890``).
    :param text: the message text (a media caption, possibly empty for media only).
    :param external_id: the channel's own message id (drops a message delivered twice).
    :param received_at: when the channel says it was sent or received (aware, UTC).
    :param name: the sender's profile name when the channel gives one; shown to nobody and
        not stored with a complaint (a profile name is not an identity the citizen chose to
        show, decision 0200).
    :param attachments: media the message carried, by reference (the URL or media id).
    """

    channel: str
    sender: str
    text: str
    external_id: str | None
    received_at: datetime = attrs.field(converter=_received)
    name: str | None = None
    attachments: tuple[Attachment, ...] = ()

    def intake(self, default_region: str) -> Intake:
        """The :class:`~sp4n.adapters.channels.Intake` of a new complaint from this message,
        read like an SMS 1708 (decision 0061: ``#61.07`` and ``#road`` tags, ``LAPOR``);
        the reporter is the phone number only."""
        text = self.text if self.text.strip() or not self.attachments else MEDIA_ONLY_TEXT
        intake = SmsChannel(default_region=default_region, name=self.channel).parse(
            SmsMessage(sender=self.sender, text=text, gateway_id=self.external_id),
            received_at=self.received_at,
        )
        draft = intake.draft
        if self.attachments:
            draft = attrs.evolve(draft, attachments=self.attachments)
        return attrs.evolve(intake, draft=draft)


@attrs.frozen
class Inbound:
    """What a webhook channel made of one request: the HTTP answer and the messages.

    :param status: HTTP status to answer with (200 unless the channel says otherwise).
    :param body: the answer's body (the ``hub.challenge`` of a WhatsApp verification).
    :param content_type: the answer's media type.
    :param messages: the citizen messages to hand to the Desk, in order.
    """

    status: int = 200
    body: bytes = b"OK"
    content_type: str = "text/plain; charset=utf-8"
    messages: tuple[InboundMessage, ...] = ()


@runtime_checkable
class WebhookChannel(Protocol):
    """An intake channel reached over HTTP: the server mounts it at ``/channels/<name>``."""

    name: str
    default_region: str

    def receive(self, request: InboundRequest) -> Inbound:
        """Check and read one request; raise :class:`~sp4n.errors.WebhookRefusedError` for
        a bad signature or token, :class:`~sp4n.errors.InvalidInputError` for a bad body."""
        ...  # pragma: no cover - protocol
