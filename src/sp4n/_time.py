"""Time helpers shared by every layer: the clock type and aware-datetime checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sp4n.errors import InvalidDateError, NaiveDatetimeError

__all__ = ["Clock", "parse_date", "require_aware", "to_utc"]

Clock = Callable[[], datetime]
"""Anything that returns the current instant as an aware datetime."""


def require_aware(field: str, value: object) -> datetime:
    """Return ``value`` if it is a timezone-aware datetime, else raise a typed error."""
    if not isinstance(value, datetime):
        raise InvalidDateError(field, value, "must be a timezone-aware datetime")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise NaiveDatetimeError(field, value)
    return value


def to_utc(field: str, value: object) -> datetime:
    """Check that ``value`` is aware and return it converted to UTC."""
    if isinstance(value, datetime) and value.tzinfo is UTC:
        return value  # already UTC: the common case when reading stored instants
    return require_aware(field, value).astimezone(UTC)


def parse_date(field: str, value: object) -> date:
    """Read a ``date`` or an ISO ``YYYY-MM-DD`` string; reject datetimes and anything else."""
    if isinstance(value, datetime):
        raise InvalidDateError(
            field, value, "must be a calendar date, not a datetime", hint="pass value.date()"
        )
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidDateError(field, value, "must be a date in the form YYYY-MM-DD, e.g. 2026-03-23")
