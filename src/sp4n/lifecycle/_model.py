"""The complaint value: what a channel hands in (a draft) and what the lifecycle folds into.

Every field is checked when the value is built, so an invalid :class:`Complaint`
or :class:`ComplaintDraft` cannot exist. Errors name the field, the value and the
rule (:class:`sp4n.errors.InvalidInputError`).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import attrs

from sp4n._text import check_clean
from sp4n._time import parse_date, to_utc
from sp4n.errors import InvalidInputError
from sp4n.lifecycle._events import Actor, Event
from sp4n.lifecycle._ids import tracking_id_is_valid
from sp4n.lifecycle._status import Status
from sp4n.regions import normalize_code

__all__ = [
    "BODY_MAX",
    "TITLE_MAX",
    "Attachment",
    "Complaint",
    "ComplaintDraft",
    "Kind",
    "Location",
    "Reporter",
    "Tier",
    "Visibility",
]

TITLE_MAX = 200
"""Longest title accepted, in characters (LAPOR! sets no published limit; decision 0041)."""
BODY_MAX = 10_000
"""Longest body accepted, in characters."""
ADDRESS_MAX = 500
ATTACHMENTS_MAX = 20
ATTACHMENT_BYTES_MAX = 25 * 1024 * 1024


class Kind(enum.StrEnum):
    """Report type (jenis laporan), regulation.md §4."""

    PENGADUAN = "pengaduan"
    """A complaint about a public service."""
    ASPIRASI = "aspirasi"
    """An aspiration or suggestion."""
    PERMINTAAN_INFORMASI = "permintaan_informasi"
    """A request for information."""


class Visibility(enum.StrEnum):
    """Who may see the report and its reporter (regulation.md §5)."""

    PUBLIC = "public"
    """In the public feed, reporter named."""
    ANONYMOUS = "anonymous"
    """Anonim: in the public feed, reporter's identity hidden from everyone but sp4n itself."""
    CONFIDENTIAL = "confidential"
    """Rahasia: never in the public feed; handlers see the reporter."""


class Tier(enum.StrEnum):
    """Resolution tier (regulation.md T4-T4d, PermenPANRB 62/2018 tiering [I])."""

    SIMPLE = "simple"
    DISPUTE = "dispute"
    FIELD_EXAMINATION = "field_examination"


_E = TypeVar("_E", bound=enum.StrEnum)

TIER_ORDER = {Tier.SIMPLE: 0, Tier.DISPUTE: 1, Tier.FIELD_EXAMINATION: 2}


def enum_converter(enum_cls: type[_E], field: str) -> Callable[[object], _E]:
    """Return an attrs converter that turns strings into ``enum_cls`` or raises a typed error."""

    def convert(value: object) -> _E:
        if isinstance(value, enum_cls):
            return value
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return enum_cls(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum_cls)
            raise InvalidInputError(field, value, f"must be one of {allowed}") from None

    return convert


def _text(field: str, maximum: int, *, multiline: bool) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if not isinstance(value, str):
            raise InvalidInputError(field, value, "must be text")
        text = value.strip()
        if not text:
            raise InvalidInputError(field, value, "must not be empty")
        if len(text) > maximum:
            raise InvalidInputError(
                field, f"{text[:40]}... ({len(text)} chars)", f"must be at most {maximum} chars"
            )
        if not multiline and ("\n" in text or "\r" in text):
            raise InvalidInputError(field, value, "must be a single line")
        return text

    return convert


_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


def _slug(field: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        if not isinstance(value, str) or not _SLUG.match(value.strip().lower()):
            raise InvalidInputError(
                field, value, "must be a short identifier of letters, digits, '_', '.', '-'"
            )
        return value.strip().lower()

    return convert


def _region(value: object) -> str:
    return normalize_code(value, field="region")


def _coordinate(field: str, limit: float) -> Callable[[object], float]:
    def convert(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInputError(field, value, "must be a number")
        number = float(value)
        if not math.isfinite(number) or not -limit <= number <= limit:
            raise InvalidInputError(field, value, f"must be between -{limit:g} and {limit:g}")
        return number

    return convert


_title_text = _text("title", TITLE_MAX, multiline=False)
_body_text = _text("body", BODY_MAX, multiline=True)
_topic_slug = _slug("topic")
_channel_slug = _slug("channel")
_kind_enum = enum_converter(Kind, "kind")
_visibility_enum = enum_converter(Visibility, "visibility")
_lat_number = _coordinate("location.lat", 90.0)
_lon_number = _coordinate("location.lon", 180.0)
_attachment_name_text = _text("attachment.name", 255, multiline=False)
_reporter_id_text = _text("reporter.id", 200, multiline=False)
_complaint_id_text = _text("complaint_id", 64, multiline=False)


def _title(value: object) -> str:
    return _title_text(value)


def _body(value: object) -> str:
    return _body_text(value)


def _topic(value: object) -> str:
    return _topic_slug(value)


def _channel(value: object) -> str:
    return _channel_slug(value)


def _kind(value: object) -> Kind:
    return _kind_enum(value)


def _visibility(value: object) -> Visibility:
    return _visibility_enum(value)


def _lat(value: object) -> float:
    return _lat_number(value)


def _lon(value: object) -> float:
    return _lon_number(value)


def _attachment_name(value: object) -> str:
    return _attachment_name_text(value)


def _reporter_id(value: object) -> str:
    return _reporter_id_text(value)


def _complaint_id(value: object) -> str:
    return _complaint_id_text(value)


def _status(value: object) -> Status:
    return enum_converter(Status, "status")(value)


def _optional_address(value: object) -> str | None:
    if value is None:
        return None
    return _text("location.address", ADDRESS_MAX, multiline=False)(value)


@attrs.frozen
class Location:
    """Where the problem is: WGS84 latitude/longitude and an optional street address."""

    lat: float = attrs.field(converter=_lat)
    lon: float = attrs.field(converter=_lon)
    address: str | None = attrs.field(default=None, converter=_optional_address)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {"lat": self.lat, "lon": self.lon, "address": self.address}


def _attachment_size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError("attachment.size_bytes", value, "must be a whole number >= 0")
    if value > ATTACHMENT_BYTES_MAX:
        raise InvalidInputError(
            "attachment.size_bytes", value, f"must be at most {ATTACHMENT_BYTES_MAX} bytes"
        )
    return value


_MEDIA = re.compile(r"^[a-z0-9.+-]+/[a-z0-9.+-]+$")


def _media_type(value: object) -> str:
    if not isinstance(value, str) or not _MEDIA.match(value.strip().lower()):
        raise InvalidInputError(
            "attachment.media_type", value, "must be a media type such as 'image/jpeg'"
        )
    return value.strip().lower()


@attrs.frozen
class Attachment:
    """Metadata of an uploaded file (the bytes live elsewhere, addressed by ``ref``)."""

    name: str = attrs.field(converter=_attachment_name)
    media_type: str = attrs.field(converter=_media_type)
    size_bytes: int = attrs.field(converter=_attachment_size)
    ref: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "name": self.name,
            "media_type": self.media_type,
            "size_bytes": self.size_bytes,
            "ref": self.ref,
        }


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")


def _email(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise InvalidInputError("reporter.email", value, "must be an e-mail address")
    return value.strip()


def _phone(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _PHONE.match(value.strip()):
        raise InvalidInputError("reporter.phone", value, "must be a phone number, e.g. +62812...")
    return value.strip()


def _optional_name(value: object) -> str | None:
    if value is None:
        return None
    return _text("reporter.name", 200, multiline=False)(value)


@attrs.frozen
class Reporter:
    """The pelapor: an account id plus the contact details only sp4n itself may always see."""

    id: str = attrs.field(converter=_reporter_id)
    name: str | None = attrs.field(default=None, converter=_optional_name)
    email: str | None = attrs.field(default=None, converter=_email)
    phone: str | None = attrs.field(default=None, converter=_phone)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (all details: never show it to other people)."""
        return {"id": self.id, "name": self.name, "email": self.email, "phone": self.phone}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reporter:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            id=data["id"], name=data.get("name"), email=data.get("email"), phone=data.get("phone")
        )


def _location(value: object) -> Location | None:
    if value is None or isinstance(value, Location):
        return value
    if isinstance(value, Mapping):
        return Location(lat=value.get("lat"), lon=value.get("lon"), address=value.get("address"))
    raise InvalidInputError("location", value, "must be a Location or a mapping with lat and lon")


def _attachments(value: object) -> tuple[Attachment, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise InvalidInputError("attachments", value, "must be a sequence of attachments")
    items: list[Attachment] = []
    for item in value:
        if isinstance(item, Attachment):
            items.append(item)
        elif isinstance(item, Mapping):
            items.append(
                Attachment(
                    name=item.get("name"),
                    media_type=item.get("media_type"),
                    size_bytes=item.get("size_bytes"),
                    ref=item.get("ref"),
                )
            )
        else:
            raise InvalidInputError("attachments", item, "each must be an Attachment or a mapping")
    if len(items) > ATTACHMENTS_MAX:
        raise InvalidInputError(
            "attachments", len(items), f"at most {ATTACHMENTS_MAX} attachments per report"
        )
    return tuple(items)


def _reporter(value: object) -> Reporter:
    if isinstance(value, Reporter):
        return value
    if isinstance(value, Mapping):
        return Reporter.from_dict(value)
    raise InvalidInputError("reporter", value, "must be a Reporter or a mapping with an id")


def _optional_date(value: object) -> date | None:
    return None if value is None else parse_date("service_received_on", value)


@attrs.frozen
class ComplaintDraft:
    """What an intake channel produces before the complaint exists.

    >>> d = ComplaintDraft(kind="pengaduan", title="Jalan rusak", body="Berlubang sejak Mei.",
    ...                    region="3273", topic="infrastruktur", channel="web",
    ...                    reporter=Reporter(id="u-1"))
    >>> d.region
    '32.73'
    """

    kind: Kind = attrs.field(converter=_kind)
    title: str = attrs.field(converter=_title)
    body: str = attrs.field(converter=_body)
    region: str = attrs.field(converter=_region)
    topic: str = attrs.field(converter=_topic)
    channel: str = attrs.field(converter=_channel)
    reporter: Reporter = attrs.field(converter=_reporter)
    visibility: Visibility = attrs.field(default=Visibility.PUBLIC, converter=_visibility)
    location: Location | None = attrs.field(default=None, converter=_location)
    attachments: tuple[Attachment, ...] = attrs.field(default=(), converter=_attachments)
    service_received_on: date | None = attrs.field(default=None, converter=_optional_date)
    """When the reporter used or received the service (starts the filing-window flag)."""

    def __attrs_post_init__(self) -> None:
        """Refuse NUL, control characters and lone surrogates in every text (decision 0140).

        Checked on the draft, where a complaint enters, and not on :class:`Complaint`, so
        that a complaint stored before the check was added still loads.
        """
        reporter = self.reporter
        texts = [
            ("title", self.title),
            ("body", self.body),
            ("reporter.id", reporter.id),
            ("reporter.name", reporter.name),
            ("reporter.email", reporter.email),
            ("location.address", None if self.location is None else self.location.address),
        ]
        texts += [("attachment.name", a.name) for a in self.attachments]
        texts += [("attachment.ref", a.ref) for a in self.attachments]
        for field, text in texts:
            if isinstance(text, str):
                check_clean(field, text)

    def to_payload(self) -> dict[str, Any]:
        """The ``submitted`` event payload (CONTRACTS.md keys plus location/attachments)."""
        return {
            "kind": self.kind.value,
            "title": self.title,
            "body": self.body,
            "region": self.region,
            "topic": self.topic,
            "channel": self.channel,
            "visibility": self.visibility.value,
            "reporter": self.reporter.to_dict(),
            "location": None if self.location is None else self.location.to_dict(),
            "attachments": [a.to_dict() for a in self.attachments],
            "service_received_on": (
                None if self.service_received_on is None else self.service_received_on.isoformat()
            ),
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> ComplaintDraft:
        """Rebuild a draft from a ``submitted`` payload (missing keys raise typed errors)."""
        for key in ("kind", "title", "body", "region", "topic", "channel", "reporter"):
            if key not in payload:
                raise InvalidInputError(key, None, "is required in a submitted payload")
        return cls(
            kind=payload["kind"],
            title=payload["title"],
            body=payload["body"],
            region=payload["region"],
            topic=payload["topic"],
            channel=payload["channel"],
            reporter=payload["reporter"],
            visibility=payload.get("visibility", Visibility.PUBLIC.value),
            location=payload.get("location"),
            attachments=payload.get("attachments") or (),
            service_received_on=payload.get("service_received_on"),
        )


def _tracking(value: object) -> str:
    if not isinstance(value, str) or not tracking_id_is_valid(value):
        raise InvalidInputError(
            "tracking_id",
            value,
            "must look like LAPOR-YYYY-XXXX-XXXXC (Crockford base32 and a matching check symbol)",
        )
    return value


def _aware(value: object) -> datetime:
    return to_utc("submitted_at", value)


def _returned_by(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise InvalidInputError("returned_by", value, "must be a sequence of agency ids")
    return tuple(str(v) for v in value)


def _optional_tier(value: object) -> Tier | None:
    return None if value is None else enum_converter(Tier, "tier")(value)


def _version(instance: Complaint, attribute: attrs.Attribute[int], value: int) -> None:
    if value != len(instance.history):
        raise InvalidInputError("version", value, f"must equal the {len(instance.history)} events")


@attrs.frozen(slots=False)  # a __dict__ lets apply() copy a complaint in one step
class Complaint:
    """One complaint: its intake data plus the state folded from its events.

    Build it with :func:`sp4n.lifecycle.submit`, change it with
    :func:`sp4n.lifecycle.apply`, rebuild it with :func:`sp4n.lifecycle.replay`.
    """

    complaint_id: str = attrs.field(converter=_complaint_id)
    tracking_id: str = attrs.field(converter=_tracking)
    kind: Kind = attrs.field(converter=_kind)
    title: str = attrs.field(converter=_title)
    body: str = attrs.field(converter=_body)
    region: str = attrs.field(converter=_region)
    topic: str = attrs.field(converter=_topic)
    channel: str = attrs.field(converter=_channel)
    reporter: Reporter = attrs.field(converter=_reporter)
    submitted_at: datetime = attrs.field(converter=_aware)
    status: Status = attrs.field(converter=_status)
    visibility: Visibility = attrs.field(default=Visibility.PUBLIC, converter=_visibility)
    location: Location | None = attrs.field(default=None, converter=_location)
    attachments: tuple[Attachment, ...] = attrs.field(default=(), converter=_attachments)
    service_received_on: date | None = attrs.field(default=None, converter=_optional_date)
    agency: str | None = None
    unit: str | None = None
    """The work unit inside ``agency`` the liaison disposed the complaint to (decision 0201)."""
    draft: str | None = None
    """The unit's follow-up draft awaiting the liaison's approval, if any (internal)."""
    returned_by: tuple[str, ...] = attrs.field(default=(), converter=_returned_by)
    tier: Tier | None = attrs.field(default=None, converter=_optional_tier)
    rating: int | None = None
    archive_reason: str | None = None
    merged_into: str | None = None
    escalations: tuple[str, ...] = ()
    extensions: int = 0
    reopenings: int = 0
    history: tuple[Event, ...] = ()
    version: int = attrs.field(default=0, validator=_version)

    @property
    def relay_handle(self) -> str:
        """How people reach the reporter without learning who they are (through sp4n)."""
        return f"pelapor@{self.tracking_id}"

    def view_for(self, actor: Actor) -> Mapping[str, Any]:
        """The case file as ``actor`` may see it (:func:`sp4n.lifecycle.view_for`)."""
        from sp4n.lifecycle._privacy import view_for

        return view_for(self, actor)

    def public_view(self) -> Mapping[str, Any] | None:
        """The public-feed view; ``None`` if confidential (:func:`sp4n.lifecycle.public_view`)."""
        from sp4n.lifecycle._privacy import public_view

        return public_view(self)
