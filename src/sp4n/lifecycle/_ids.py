"""Deterministic identifiers: complaint UUIDs, readable tracking ids, event ids.

Nothing here reads the wall clock or a random source: the same draft submitted by
the same actor at the same instant gets the same ids, so a retried intake is
idempotent. A complaint id is a version-8 UUID (RFC 9562 section 5.8) laid out as
UUIDv7 is, for index locality (decision 0310): the submission instant in Unix
milliseconds (48 bits), then 74 bits of a SHA-256 of who, when and what, so ids sort
by submission time. Ids made before 0310 are version-5 UUIDs and stay valid: nothing
reads an id's version. Event ids are ``<complaint id>#<seq>``. Tracking ids look like
``LAPOR-2026-7KQ2-M9XDS``: the year of
submission (Asia/Jakarta), eight Crockford base32 symbols (40 bits) taken from the
last 40 bits of the complaint UUID, hash bits, never the clock's (decisions 0041 and
0310), and a check symbol from the same alphabet, a
letter or a digit: the weighted sum of the symbols in GF(32), which catches every
single mistyped symbol and every swap of two different neighbours (decision 0111).
Ids issued before 0111 carry a Crockford mod-37 check symbol (possibly ``*``, ``~``,
``$``, ``=`` or ``U``) and stay valid.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sp4n._time import require_aware
from sp4n.errors import InvalidDateError

__all__ = ["complaint_uuid", "event_id", "tracking_id_for", "tracking_id_is_valid"]

NAMESPACE = uuid.UUID("5f2d7c1e-4a8b-5e0f-9c3d-2b1a0e9f8d7c")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LEGACY_CHECK = _ALPHABET + "*~$=U"  # Crockford mod 37 (decision 0041), still accepted
_GF32_POLY = 0b100101  # x^5 + x^2 + 1, primitive: x generates the 31 non-zero elements
_JAKARTA = ZoneInfo("Asia/Jakarta")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)
_TRACKING_BITS = (1 << 40) - 1  # the last 40 bits: hash bits in version-8 and version-5 ids


def complaint_uuid(actor_id: str, at: datetime, title: str, body: str) -> str:
    """A UUID for a new complaint, derived from who, when and what (decision 0310).

    Version 8 (RFC 9562 section 5.8) in UUIDv7's layout: the first 48 bits are ``at`` in
    Unix milliseconds, big-endian, so ids sort by submission time and a store's indexes
    take new complaints at their end; the other 74 bits (around the version and variant
    bits) are the first 74 of a SHA-256 over the namespace, the actor id, ``at`` (to the
    microsecond, as given) and the title and body. The same submission gives the same id.

    :raises NaiveDatetimeError: ``at`` has no time zone.
    :raises InvalidDateError: ``at`` is before 1970-01-01 UTC (no Unix millisecond).
    """
    aware = require_aware("at", at)
    millis = (aware - _EPOCH) // _MILLISECOND
    if millis < 0:
        raise InvalidDateError(
            "at", at, "a complaint id holds the submission instant from 1970-01-01 UTC on"
        )
    name = f"{actor_id}\x1f{aware.isoformat()}\x1f{title}\x1f{body}"
    digest = hashlib.sha256(NAMESPACE.bytes + name.encode()).digest()
    bits = int.from_bytes(digest[:10]) >> 6  # 74 bits
    value = (millis << 80) | (0x8 << 76) | ((bits >> 62) << 64) | (0b10 << 62)
    return str(uuid.UUID(int=value | (bits & ((1 << 62) - 1))))


def event_id(complaint_id: str, seq: int) -> str:
    """The id of event ``seq`` of a complaint: ``"<complaint_id>#<seq>"``.

    An event is identified by its stream and position (decision 0041): unique across
    complaints, stable across replays and retries (a retried append collides on the
    store's unique event id instead of duplicating), readable in logs, and cheap.
    """
    return f"{complaint_id}#{seq}"


def _gf32_times_x(value: int) -> int:
    """``value * x`` in GF(32) = GF(2)[x] / (x^5 + x^2 + 1)."""
    value <<= 1
    return value ^ _GF32_POLY if value & 0b100000 else value


def _gf32_times(a: int, b: int) -> int:
    """``a * b`` in GF(32)."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        a = _gf32_times_x(a)
        b >>= 1
    return product


def _check_symbol(symbols: str) -> str:
    """The check symbol (decision 0111): the sum over positions ``i`` of ``x^(i+1) * s_i``.

    Every weight is non-zero, so one wrong symbol changes the sum; a swap of neighbours
    ``s_i != s_(i+1)`` changes it by ``x^(i+1) * (1 + x) * (s_i - s_(i+1))``, non-zero too.
    """
    total, weight = 0, 1
    for char in symbols:
        weight = _gf32_times_x(weight)
        total ^= _gf32_times(weight, _ALPHABET.index(char))
    return _ALPHABET[total]


def _legacy_check_symbol(symbols: str) -> str:
    """The mod-37 check symbol of ids issued before decision 0111 (decision 0041)."""
    value = 0
    for char in symbols:
        value = value * 32 + _ALPHABET.index(char)
    return _LEGACY_CHECK[value % 37]


def tracking_id_for(complaint_id: str, at: datetime) -> str:
    """The readable tracking id of a complaint submitted at ``at``.

    Its eight symbols are the last 40 bits of ``complaint_id``: hash bits (decision 0310),
    so complaints submitted in the same second do not share symbols. A complaint keeps the
    tracking id it was given at submission; this function is not asked again for stored ones.
    """
    year = require_aware("at", at).astimezone(_JAKARTA).year
    number = uuid.UUID(complaint_id).int & _TRACKING_BITS  # hash bits, not the clock's
    symbols = "".join(_ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))
    return f"LAPOR-{year:04d}-{symbols[:4]}-{symbols[4:]}{_check_symbol(symbols)}"


def tracking_id_is_valid(tracking_id: str, *, legacy: bool = True) -> bool:
    """Whether ``tracking_id`` is well formed and its check symbol matches.

    ``legacy`` also accepts the mod-37 check symbol of ids issued before decision 0111, so
    old ids keep resolving; ``legacy=False`` accepts only the current check symbol.
    Remembered for the last 4,096 ids: every complaint value checks its id (decision 0280).
    """
    return _tracking_id_is_valid(tracking_id, legacy)


@functools.lru_cache(maxsize=4096)
def _tracking_id_is_valid(tracking_id: str, legacy: bool) -> bool:
    parts = tracking_id.split("-")
    if len(parts) != 4 or parts[0] != "LAPOR" or not parts[1].isdigit() or len(parts[1]) != 4:
        return False
    body, rest = parts[2], parts[3]
    if len(body) != 4 or len(rest) != 5:
        return False
    symbols = body + rest[:4]
    if any(c not in _ALPHABET for c in symbols):
        return False
    if _check_symbol(symbols) == rest[4]:
        return True
    return legacy and _legacy_check_symbol(symbols) == rest[4]
