"""Deterministic identifiers: complaint UUIDs, readable tracking ids, event ids.

Nothing here reads the wall clock or a random source: the same draft submitted by
the same actor at the same instant gets the same ids, so a retried intake is
idempotent. Event ids are ``<complaint id>#<seq>``. Tracking ids look like
``LAPOR-2026-7KQ2-M9XDT``: the year of
submission (Asia/Jakarta), eight Crockford base32 symbols (40 bits) taken from
the complaint UUID, and a Crockford mod-37 check symbol that catches a mistyped
or swapped symbol (decision 0041).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sp4n._time import require_aware

__all__ = ["complaint_uuid", "event_id", "tracking_id_for", "tracking_id_is_valid"]

NAMESPACE = uuid.UUID("5f2d7c1e-4a8b-5e0f-9c3d-2b1a0e9f8d7c")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CHECK = _ALPHABET + "*~$=U"
_JAKARTA = ZoneInfo("Asia/Jakarta")


def complaint_uuid(actor_id: str, at: datetime, title: str, body: str) -> str:
    """A UUID (version 5) for a new complaint, derived from who, when and what."""
    instant = require_aware("at", at).isoformat()
    return str(uuid.uuid5(NAMESPACE, f"{actor_id}\x1f{instant}\x1f{title}\x1f{body}"))


def event_id(complaint_id: str, seq: int) -> str:
    """The id of event ``seq`` of a complaint: ``"<complaint_id>#<seq>"``.

    An event is identified by its stream and position (decision 0041): unique across
    complaints, stable across replays and retries (a retried append collides on the
    store's unique event id instead of duplicating), readable in logs, and cheap.
    """
    return f"{complaint_id}#{seq}"


def _check_symbol(symbols: str) -> str:
    value = 0
    for char in symbols:
        value = value * 32 + _ALPHABET.index(char)
    return _CHECK[value % 37]


def tracking_id_for(complaint_id: str, at: datetime) -> str:
    """The readable tracking id of a complaint submitted at ``at``."""
    year = require_aware("at", at).astimezone(_JAKARTA).year
    number = uuid.UUID(complaint_id).int >> 88  # the top 40 bits
    symbols = "".join(_ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))
    return f"LAPOR-{year:04d}-{symbols[:4]}-{symbols[4:]}{_check_symbol(symbols)}"


def tracking_id_is_valid(tracking_id: str) -> bool:
    """Whether ``tracking_id`` is well formed and its check symbol matches."""
    parts = tracking_id.split("-")
    if len(parts) != 4 or parts[0] != "LAPOR" or not parts[1].isdigit() or len(parts[1]) != 4:
        return False
    body, rest = parts[2], parts[3]
    if len(body) != 4 or len(rest) != 5:
        return False
    symbols = body + rest[:4]
    if any(c not in _ALPHABET for c in symbols):
        return False
    return _check_symbol(symbols) == rest[4]
