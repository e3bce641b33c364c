"""Reading GeoReport v2 request parameters into checked values, or an :class:`Open311Error`.

Every problem names the parameter, the value and the rule, and maps to HTTP 400
(or 403 for a missing or wrong ``api_key``), as the specification's error format expects.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from urllib.parse import parse_qs

import attrs

from sp4n._text import check_clean
from sp4n.errors import InvalidInputError, Open311Error

__all__ = [
    "DESCRIPTION_MAX",
    "NewRequest",
    "RequestQuery",
    "parse_new_request",
    "parse_params",
    "parse_query",
]

DESCRIPTION_MAX = 4000
"""Longest ``description`` accepted (the specification says "up to 4,000 characters")."""
_FIELD_MAX = 500
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_.-]{1,64})\]$")
_STATUSES = ("open", "closed")


def parse_params(raw: bytes | str) -> dict[str, str]:
    """Decode a form body or query string; each parameter must appear once and be valid UTF-8."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Open311Error("body", raw[:40], "must be valid UTF-8 form data") from exc
    try:
        parsed = parse_qs(
            raw, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=200
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise Open311Error("body", raw[:40], f"cannot read form data: {exc}") from exc
    result: dict[str, str] = {}
    for key, values in parsed.items():
        if len(values) != 1:
            raise Open311Error(key, values, "must be given once")
        result[key] = values[0]
    return result


def _text(params: Mapping[str, str], key: str, maximum: int = _FIELD_MAX) -> str | None:
    value = params.get(key)
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > maximum:
        raise Open311Error(
            key, f"{value[:30]}... ({len(value)} chars)", f"must be at most {maximum} characters"
        )
    try:
        return check_clean(key, value)
    except InvalidInputError as exc:
        raise Open311Error(key, exc.value, exc.rule) from None


def _number(params: Mapping[str, str], key: str, limit: float) -> float | None:
    text = _text(params, key, 40)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        raise Open311Error(key, text, "must be a decimal number (WGS84 degrees)") from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise Open311Error(key, text, f"must be between -{limit:g} and {limit:g}")
    return number


def _instant(params: Mapping[str, str], key: str) -> datetime | None:
    text = _text(params, key, 40)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            key, text, "must be a W3C date-time, e.g. 2026-03-02T09:00:00+07:00"
        ) from None
    if value.tzinfo is None:
        raise Open311Error(key, text, "must carry a UTC offset, e.g. 2026-03-02T09:00:00+07:00")
    try:
        value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first instant Python holds
        raise Open311Error(
            key, text, "must lie between 0001-01-01 and 9999-12-31 once converted to UTC"
        ) from None
    return value


def _frozen_mapping(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen
class NewRequest:
    """A checked ``POST requests`` submission."""

    api_key: str
    service_code: str
    jurisdiction_id: str | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    attributes: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping)
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    description: str | None = None
    media_url: str | None = None


def parse_new_request(params: Mapping[str, str]) -> NewRequest:
    """Check a ``POST requests`` parameter set (see the specification's "Arguments")."""
    api_key = _text(params, "api_key", 200)
    if api_key is None:
        raise Open311Error("api_key", None, "is required to create a service request", status=403)
    service_code = _text(params, "service_code", 64)
    if service_code is None:
        raise Open311Error("service_code", params.get("service_code"), "is required")
    lat, long = _number(params, "lat", 90.0), _number(params, "long", 180.0)
    if (lat is None) != (long is None):
        raise Open311Error(
            "lat/long",
            (params.get("lat"), params.get("long")),
            "lat and long must be given together",
        )
    address_string, address_id = _text(params, "address_string"), _text(params, "address_id", 64)
    if lat is None and address_string is None and address_id is None:
        raise Open311Error(
            "location", None, "one of lat & long, address_string or address_id is required"
        )
    email = _text(params, "email", 254)
    if email is not None and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        raise Open311Error("email", email, "must be an e-mail address")
    attributes: dict[str, str] = {}
    for key, value in params.items():
        match = _ATTRIBUTE.match(key)
        if match:
            attributes[match.group(1)] = _text(params, key) or ""
        elif key.startswith("attribute"):
            raise Open311Error(key, value, "attributes are written attribute[CODE]=VALUE")
    return NewRequest(
        api_key=api_key,
        service_code=service_code,
        jurisdiction_id=_text(params, "jurisdiction_id", 64),
        lat=lat,
        long=long,
        address_string=address_string,
        address_id=address_id,
        attributes=attributes,
        email=email,
        device_id=_text(params, "device_id", 200),
        account_id=_text(params, "account_id", 200),
        first_name=_text(params, "first_name", 100),
        last_name=_text(params, "last_name", 100),
        phone=_text(params, "phone", 40),
        description=_text(params, "description", DESCRIPTION_MAX),
        media_url=_text(params, "media_url", 2000),
    )


@attrs.frozen
class RequestQuery:
    """A checked ``GET requests`` filter set."""

    service_request_ids: tuple[str, ...] = ()
    service_code: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    status: str | None = None
    jurisdiction_id: str | None = None


def parse_query(params: Mapping[str, str]) -> RequestQuery:
    """Check a ``GET requests`` query (service_request_id, service_code, dates, status)."""
    ids_text = _text(params, "service_request_id", 2000)
    ids = tuple(part.strip() for part in ids_text.split(",") if part.strip()) if ids_text else ()
    status = _text(params, "status", 20)
    if status is not None:
        statuses = [s.strip() for s in status.split(",")]
        if any(s not in _STATUSES for s in statuses) or len(set(statuses)) != 1:
            raise Open311Error("status", status, "must be 'open' or 'closed'")
        status = statuses[0]
    start, end = _instant(params, "start_date"), _instant(params, "end_date")
    if start is not None and end is not None and end < start:
        raise Open311Error("end_date", params.get("end_date"), "must not be before start_date")
    return RequestQuery(
        service_request_ids=ids,
        service_code=_text(params, "service_code", 64),
        start_date=start,
        end_date=end,
        status=status,
        jurisdiction_id=_text(params, "jurisdiction_id", 64),
    )
