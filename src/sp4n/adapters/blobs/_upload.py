"""Accepting one uploaded file: limits, sniffed type, stripped metadata, then the blob store.

Every intake door (web form, portal, e-mail, Open311 ``media``, an MMS fetched by a gateway)
and an officer adding evidence call :func:`accept_upload`; it returns the
:class:`~sp4n.lifecycle.Attachment` to put in the event, or raises before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from sp4n.adapters.blobs._media import STRIPPABLE_MEDIA_TYPES, sniff_media_type, strip_metadata
from sp4n.adapters.blobs._store import BlobStore, _check_bytes, blob_ref
from sp4n.errors import InvalidInputError, StoreError
from sp4n.lifecycle import Attachment
from sp4n.lifecycle._model import ATTACHMENT_BYTES_MAX, ATTACHMENTS_MAX

__all__ = ["DEFAULT_MEDIA_TYPES", "UploadLimits", "accept_upload", "accept_uploads"]

DEFAULT_MEDIA_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "video/mp4",
        "video/quicktime",
        "video/3gpp",
        "video/webm",
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "audio/amr",
        "application/pdf",
    }
)
"""Photos, video, voice notes and PDF documents: what citizens send as evidence."""


def _max_bytes(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not value >= 1:
        raise InvalidInputError("max_bytes", value, "must be a whole number of bytes >= 1")
    if value > ATTACHMENT_BYTES_MAX:
        raise InvalidInputError(
            "max_bytes", value, f"must be at most {ATTACHMENT_BYTES_MAX} (an attachment's limit)"
        )
    return value


def _media_types(value: object) -> frozenset[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, frozenset | set | list | tuple):
        raise InvalidInputError("media_types", value, "must be media types, comma-separated")
    types = frozenset(str(item).strip().lower() for item in items if str(item).strip())
    unknown = sorted(types - DEFAULT_MEDIA_TYPES)
    if not types or unknown:
        raise InvalidInputError(
            "media_types",
            sorted(unknown or types),
            f"must be a non-empty subset of {sorted(DEFAULT_MEDIA_TYPES)} (sp4n sniffs these)",
        )
    return types


@attrs.frozen
class UploadLimits:
    """What an upload may be: ``max_bytes`` per file and the accepted ``media_types``.

    >>> limits = UploadLimits.from_settings({"max_bytes": "5242880", "media_types": "image/png"})
    >>> limits.max_bytes, sorted(limits.media_types)
    (5242880, ['image/png'])
    """

    max_bytes: int = attrs.field(default=10 * 1024 * 1024, converter=_max_bytes)
    media_types: frozenset[str] = attrs.field(default=DEFAULT_MEDIA_TYPES, converter=_media_types)

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> UploadLimits:
        """Read ``max_bytes`` and ``media_types`` (comma-separated) from text settings.

        :raises InvalidInputError: an unknown key or a bad value, naming it.
        """
        unknown = sorted(set(settings) - {"max_bytes", "media_types"})
        if unknown:
            raise InvalidInputError(
                "settings", unknown, "unknown upload settings; known: max_bytes, media_types"
            )
        return cls(**dict(settings))


def _prepare(
    data: bytes, name: str, limits: UploadLimits, *, anonymous: bool, share_location: bool
) -> tuple[bytes, Attachment]:
    """The bytes to store and their attachment (ref set), or a typed error; stores nothing."""
    data = _check_bytes(data)
    if not data:
        raise InvalidInputError("attachment.size_bytes", 0, "an attachment must not be empty")
    if len(data) > limits.max_bytes:
        raise InvalidInputError(
            "attachment.size_bytes",
            len(data),
            f"must be at most {limits.max_bytes} bytes (setting max_bytes)",
        )
    media_type = sniff_media_type(data)
    if media_type is None:
        raise InvalidInputError(
            "attachment.media_type",
            data[:8].hex(" "),
            "the content is no photo, video, audio or PDF sp4n recognizes",
        )
    if media_type not in limits.media_types:
        raise InvalidInputError(
            "attachment.media_type",
            media_type,
            f"this portal accepts only {sorted(limits.media_types)} (setting media_types)",
        )
    if anonymous and media_type not in STRIPPABLE_MEDIA_TYPES:
        raise InvalidInputError(
            "attachment.media_type",
            media_type,
            "an anonymous report accepts only JPEG and PNG photos, whose metadata sp4n "
            "removes: other files may carry the reporter's identity",
        )
    if isinstance(name, str):  # a browser may send C:\\fakepath\\foto.jpg: keep the last part
        name = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "lampiran"
    file_name = Attachment(name=name, media_type=media_type, size_bytes=0).name  # checked first
    stored = strip_metadata(data, media_type, keep_location=share_location and not anonymous)
    attachment = Attachment(
        name=file_name, media_type=media_type, size_bytes=len(stored), ref=blob_ref(stored)
    )
    return stored, attachment


def accept_upload(
    blobs: BlobStore,
    data: bytes,
    *,
    name: str,
    limits: UploadLimits | None = None,
    anonymous: bool = False,
    share_location: bool = False,
) -> Attachment:
    """Check, clean and store one uploaded file; return its attachment.

    The media type is the one the bytes show (:func:`sniff_media_type`), never the one the
    client declared. JPEG and PNG files lose their identifying metadata and, unless
    ``share_location``, the place they were taken (:func:`strip_metadata`); the reference is
    the SHA-256 of the bytes stored.

    :param name: the file name the reporter gave (kept as the attachment's name).
    :param anonymous: the report is anonymous: only types whose metadata sp4n strips are
        accepted, and the location is never kept (the file must not identify the reporter).
    :param share_location: the reporter chose to share where the photo was taken.
    :raises InvalidInputError: too large, empty, of an unknown or unaccepted type, a type
        sp4n cannot strip on an anonymous report, or a malformed JPEG/PNG; the field is
        ``attachment.size_bytes``, ``attachment.media_type`` or ``attachment``, and nothing
        is stored.
    """
    (attachment,) = accept_uploads(
        blobs,
        [(name, data)],
        limits=limits,
        anonymous=anonymous,
        share_location=share_location,
    )
    return attachment


def accept_uploads(
    blobs: BlobStore,
    files: Sequence[tuple[str, bytes]],
    *,
    limits: UploadLimits | None = None,
    anonymous: bool = False,
    share_location: bool = False,
) -> tuple[Attachment, ...]:
    """Check every ``(name, data)`` of one report first, then store them all.

    One bad file refuses the whole report before any byte is stored, so no blob of a refused
    report is left behind. The rules are :func:`accept_upload`'s; at most
    :data:`~sp4n.lifecycle.ATTACHMENTS_MAX` files.

    :raises InvalidInputError: as :func:`accept_upload`, the field prefixed with the file's
        position (``attachments[1].media_type``), or ``attachments`` for too many files.
    """
    limits = limits or UploadLimits()
    if len(files) > ATTACHMENTS_MAX:
        raise InvalidInputError(
            "attachments", len(files), f"at most {ATTACHMENTS_MAX} attachments per report"
        )
    prepared = []
    for index, (name, data) in enumerate(files):
        try:
            prepared.append(
                _prepare(data, name, limits, anonymous=anonymous, share_location=share_location)
            )
        except InvalidInputError as exc:
            if len(files) == 1:
                raise
            field = exc.field.replace("attachment", f"attachments[{index}]", 1)
            raise InvalidInputError(field, exc.value, exc.rule, hint=exc.hint) from None
    for stored, attachment in prepared:
        if blobs.put(stored) != attachment.ref:  # pragma: no cover - a broken adapter
            msg = f"blob store {blobs.url} returned another reference than the SHA-256"
            raise StoreError(msg)
    return tuple(attachment for _, attachment in prepared)
