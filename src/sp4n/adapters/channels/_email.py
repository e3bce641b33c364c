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
from email.headerregistry import Address
from email.message import EmailMessage
from html.parser import HTMLParser

import attrs

from sp4n.adapters.blobs import BlobStore, UploadLimits, accept_uploads
from sp4n.adapters.channels._intake import Intake, known_region, read_tags, title_from
from sp4n.errors import InvalidInputError, NaiveDatetimeError
from sp4n.lifecycle import Attachment, ComplaintDraft, Reporter

__all__ = ["EMAIL_BYTES_MAX", "EmailChannel"]

EMAIL_BYTES_MAX = 30 * 1024 * 1024
"""Largest raw message accepted (attachments included)."""

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
    header = message["Date"]
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


def _sender(message: EmailMessage) -> Address:
    header = message["From"]
    addresses: tuple[Address, ...] = tuple(getattr(header, "addresses", ()))
    if len(addresses) != 1 or not addresses[0].addr_spec or "@" not in addresses[0].addr_spec:
        raise InvalidInputError(
            "From", None if header is None else str(header), "must name exactly one sender address"
        )
    address: Address = addresses[0]
    return address


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
        message = message_from_bytes(bytes(raw), policy=policy.default)
        if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default ensures it
            raise InvalidInputError("email", type(message).__name__, "could not be parsed")
        sender = _sender(message)
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
        subject = str(message["Subject"] or "").strip()
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
                    name=attachment.get_filename() or "lampiran",
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
                id=f"email:{sender.addr_spec.lower()}",
                name=sender.display_name or None,
                email=sender.addr_spec,
            ),
            attachments=tuple(attachments),
        )
        if files and self.blobs is not None:  # the draft is checked: now store the files
            stored = accept_uploads(self.blobs, files, limits=self.upload_limits)
            draft = attrs.evolve(draft, attachments=stored)
        triage = tuple(f for f, v in (("region", region), ("topic", topic)) if v is None)
        message_id = str(message["Message-ID"] or "").strip() or None
        return Intake(
            draft=draft, received_at=received_at, external_id=message_id, needs_triage=triage
        )
