"""The SMS 1708 channel: plain text from a gateway, region and topic read where given.

Format (decision 0061): free text, optionally starting with the keyword ``LAPOR``;
``#61.07`` (or ``#6107``) names the region by its Kemendagri code and ``#road``
names the topic. What the text does not name is left for the admin (``needs_triage``):
the portal's own region stands in, and the topic is ``other``.
"""

from __future__ import annotations

import re
from datetime import datetime

import attrs

from sp4n._text import check_clean
from sp4n.adapters.channels._intake import Intake, known_region, read_tags, title_from
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import ComplaintDraft, Reporter

__all__ = ["SMS_TEXT_MAX", "SmsChannel", "SmsMessage"]

SMS_TEXT_MAX = 1600
"""Longest SMS text accepted (ten concatenated segments of 160 characters)."""

_PHONE = re.compile(r"^\+?[0-9]{6,15}$")
_KEYWORD = re.compile(r"^\s*lapor\b[\s:,-]*", re.IGNORECASE)


def _check_sender(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not _PHONE.match(value.replace(" ", "")):
        raise InvalidInputError("sender", value, "must be a phone number such as +6281234567890")


@attrs.frozen
class SmsMessage:
    """One SMS as the gateway hands it over (``text`` may be raw bytes in UTF-8)."""

    sender: str = attrs.field(validator=_check_sender)
    text: str | bytes
    gateway_id: str | None = None


def _decode(text: str | bytes) -> str:
    if isinstance(text, bytes):
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInputError("text", text[:40], "must be valid UTF-8") from None
    return check_clean("text", text.replace("\x00", ""))  # gateways pad with NUL: drop it


@attrs.frozen
class SmsChannel:
    """Read SMS 1708 messages for a portal whose own region is ``default_region``."""

    default_region: str = attrs.field(converter=known_region)
    name: str = "sms"

    def parse(self, raw: object, *, received_at: datetime) -> Intake:
        """Read one :class:`SmsMessage`; bad text raises a typed error naming the field."""
        if not isinstance(raw, SmsMessage):
            raise InvalidInputError("sms", type(raw).__name__, "must be an SmsMessage")
        text = _decode(raw.text)
        if len(text) > SMS_TEXT_MAX:
            raise InvalidInputError(
                "text", f"{text[:30]}... ({len(text)} chars)", f"must be at most {SMS_TEXT_MAX}"
            )
        tags = read_tags(text)
        region, topic = tags.region, tags.topic
        body = _KEYWORD.sub("", tags.text).strip()
        if not body:
            raise InvalidInputError("text", raw.text, "must describe the complaint")
        phone = raw.sender.replace(" ", "")
        draft = ComplaintDraft(
            kind="pengaduan",
            title=title_from(body),
            body=body,
            region=region or self.default_region,
            topic=topic or "other",
            channel=self.name,
            reporter=Reporter(id=f"{self.name}:{phone}", phone=phone),
        )
        triage = tuple(f for f, v in (("region", region), ("topic", topic)) if v is None)
        return Intake(
            draft=draft, received_at=received_at, external_id=raw.gateway_id, needs_triage=triage
        )
