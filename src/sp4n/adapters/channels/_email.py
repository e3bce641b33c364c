"""The e-mail channel: RFC 5322 messages read with the standard library's :mod:`email`.

Subject becomes the title, the plain-text part the body (HTML is reduced to text when
it is the only part). Attachments are stored in the channel's blob store when it has one
(checked, stripped and addressed by :func:`~sp4n.adapters.blobs.accept_uploads`; signature
parts are not evidence and are skipped); without one they are kept as metadata only (name,
type, size, SHA-256).
``#61.07`` / ``#road`` tags in the subject or body name region and topic, as for SMS.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email import message_from_bytes, policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any

import attrs

from sp4n.adapters.blobs import BlobStore, UploadLimits, accept_uploads
from sp4n.adapters.channels._intake import Intake, known_region, read_tags, title_from
from sp4n.errors import InvalidInputError, NaiveDatetimeError
from sp4n.lifecycle import Attachment, ComplaintDraft, Reporter

__all__ = ["EMAIL_BYTES_MAX", "EMAIL_CONTAINERS_MAX", "EmailChannel"]

EMAIL_BYTES_MAX = 30 * 1024 * 1024
"""Largest raw message accepted (attachments included)."""
EMAIL_CONTAINERS_MAX = 50
"""Most ``multipart/*`` and ``message/*`` parts in one message; they bound its MIME depth,
which the standard library's parser follows by recursion (decision 0141)."""

_CONTAINER = re.compile(rb"^content-type:\s*(?:multipart|message)/", re.IGNORECASE | re.MULTILINE)


def _utf8(field: str, text: str) -> str:
    """Header text as RFC 6532 sends it: raw UTF-8, which :mod:`email` keeps as escapes."""
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeDecodeError:
        raw = text.encode("utf-8", "surrogateescape")
        raise InvalidInputError(
            field, raw[:60], "must be UTF-8 (RFC 6532) or an RFC 2047 encoded-word"
        ) from None


_SIGNATURES = frozenset(
    {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
)
"""Parts that sign the message (S/MIME, PGP): not evidence, never stored."""


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()


def _sent_at(message: EmailMessage) -> datetime:
    header = _header(message, "Date")
    if header is None:
        raise InvalidInputError("Date", None, "an e-mail must carry a Date header (RFC 5322 3.6)")
    try:
        sent: datetime | None = header.datetime
    except (AttributeError, ValueError, TypeError):
        sent = None
    if sent is None:
        raise InvalidInputError("Date", str(header), "must be an RFC 5322 date")
    if sent.tzinfo is None:  # "-0000": the zone is unknown
        raise NaiveDatetimeError("Date", str(header))
    return sent


def _header(message: EmailMessage, name: str) -> Any:
    """A parsed header, or a typed error when the standard library cannot parse it."""
    try:
        header = message[name]
        if header is not None:
            str(header)
            getattr(header, "addresses", None)  # address headers parse lazily
    except (IndexError, ValueError, TypeError, AttributeError, MessageError):
        raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
        raise InvalidInputError(name, raw, "cannot be parsed as an RFC 5322 header") from None
    return header


def _sender(message: EmailMessage) -> Address:
    header = _header(message, "From")
    addresses: tuple[Address, ...] = tuple(getattr(header, "addresses", ()))
    if len(addresses) != 1 or not addresses[0].addr_spec or "@" not in addresses[0].addr_spec:
        raise InvalidInputError(
            "From", None if header is None else str(header), "must name exactly one sender address"
        )
    address: Address = addresses[0]
    return address


def _parse(raw: bytes) -> EmailMessage:
    containers = len(_CONTAINER.findall(raw))
    if containers > EMAIL_CONTAINERS_MAX:
        raise InvalidInputError(
            "email",
            f"{containers} multipart/message parts",
            f"must have at most {EMAIL_CONTAINERS_MAX} (MIME nesting is bounded)",
        )
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except RecursionError:  # pragma: no cover - the bound above keeps the parser shallow
        raise InvalidInputError("email", f"{len(raw)} bytes", "nests MIME parts too deep") from None
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default ensures it
        raise InvalidInputError("email", type(message).__name__, "could not be parsed")
    return message


@attrs.frozen
class EmailChannel:
    """Read complaint e-mails for a portal whose own region is ``default_region``.

    :param blobs: where attachment bytes are stored; ``None`` keeps metadata only.
    :param upload_limits: size and type limits of stored attachments (decision 0192).
    """

    default_region: str = attrs.field(converter=known_region)
    name: str = "email"
    blobs: BlobStore | None = attrs.field(default=None, kw_only=True)
    upload_limits: UploadLimits | None = attrs.field(default=None, kw_only=True)

    def parse(self, raw: object, *, received_at: datetime) -> Intake:
        """Read one raw RFC 5322 message (bytes); bad messages raise typed errors."""
        if not isinstance(raw, bytes | bytearray):
            raise InvalidInputError("email", type(raw).__name__, "must be the raw message bytes")
        if len(raw) > EMAIL_BYTES_MAX:
            raise InvalidInputError(
                "email", f"{len(raw)} bytes", f"must be at most {EMAIL_BYTES_MAX}"
            )
        message = _parse(bytes(raw))
        sender = _sender(message)
        sender_name = _utf8("From", sender.display_name) or None
        sender_address = _utf8("From", sender.addr_spec)
        _sent_at(message)
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            raise InvalidInputError("body", None, "the e-mail has no text part")
        try:
            content = part.get_content()
            charset = part.get_content_charset()
            raw_body = part.get_payload(decode=True)
            if charset and isinstance(raw_body, bytes):
                raw_body.decode(charset)  # strict: get_content() replaces bad bytes silently
        except (LookupError, UnicodeDecodeError) as exc:
            raise InvalidInputError(
                "body", part.get_content_charset(), f"cannot be decoded: {exc}"
            ) from None
        text = _html_to_text(content) if part.get_content_subtype() == "html" else str(content)
        subject = _utf8("Subject", str(_header(message, "Subject") or "")).strip()
        subject_tags, body_tags = read_tags(subject, field="Subject"), read_tags(text, field="body")
        body = body_tags.text
        if not body:
            raise InvalidInputError("body", text[:40], "must describe the complaint")
        attachments = []
        files = []
        for attachment in message.iter_attachments():
            decoded = attachment.get_payload(decode=True)
            payload = decoded if isinstance(decoded, bytes) else b""
            if self.blobs is not None:
                if attachment.get_content_type() not in _SIGNATURES:
                    files.append((attachment.get_filename() or "lampiran", payload))
                continue
            attachments.append(
                Attachment(
                    name=_utf8("attachment.name", attachment.get_filename() or "lampiran"),
                    media_type=attachment.get_content_type(),
                    size_bytes=len(payload),
                    ref="sha256:" + hashlib.sha256(payload).hexdigest(),
                )
            )
        region = subject_tags.region or body_tags.region
        topic = subject_tags.topic or body_tags.topic
        draft = ComplaintDraft(
            kind="pengaduan",
            title=subject_tags.text or title_from(body),
            body=body,
            region=region or self.default_region,
            topic=topic or "other",
            channel=self.name,
            reporter=Reporter(
                id=f"email:{sender_address.lower()}",
                name=sender_name,
                email=sender_address,
            ),
            attachments=tuple(attachments),
        )
        if files and self.blobs is not None:  # the draft is checked: now store the files
            stored = accept_uploads(self.blobs, files, limits=self.upload_limits)
            draft = attrs.evolve(draft, attachments=stored)
        triage = tuple(f for f, v in (("region", region), ("topic", topic)) if v is None)
        message_id = str(_header(message, "Message-ID") or "").strip() or None
        return Intake(
            draft=draft, received_at=received_at, external_id=message_id, needs_triage=triage
        )
