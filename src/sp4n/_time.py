"""Time helpers shared by every layer: the clock type and aware-datetime checks."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

from sp4n.errors import InvalidDateError, NaiveDatetimeError

__all__ = ["Clock", "bad_date_error", "parse_date", "require_aware", "to_utc"]

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
    aware = require_aware(field, value)
    try:
        return aware.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 or 9999-12-31T23:59-14:00
        raise InvalidDateError(
            field, value, "must lie between 0001-01-01 and 9999-12-31 once converted to UTC"
        ) from None


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
    raise bad_date_error(field, value, "must be a date in the form YYYY-MM-DD, e.g. 2026-03-23")


_ISO_SHAPE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def bad_date_error(field: str, value: object, rule: str) -> InvalidDateError:
    """The error for a value that is not a date, with the likeliest fix as its hint.

    Two mistakes come first for a newcomer: a day that does not exist
    (``2026-02-30``) and the day-first form Indonesians write (``23/03/2026``).

    >>> print(bad_date_error("start", "2026-02-30", "must be YYYY-MM-DD"))
    start = '2026-02-30': must be YYYY-MM-DD. February 2026 has 28 days; pick a day from 1 to 28
    >>> print(bad_date_error("start", "23/03/2026", "must be YYYY-MM-DD"))
    start = '23/03/2026': must be YYYY-MM-DD. Write the year first: '2026-03-23'
    """
    return InvalidDateError(field, value, rule, hint=_date_hint(value))


def _date_hint(value: object) -> str:
    if isinstance(value, datetime | date):
        return ""
    if not isinstance(value, str):
        return f"Pass a datetime.date or a 'YYYY-MM-DD' string, not {type(value).__name__}"
    text = value.strip()
    if iso := _ISO_SHAPE.match(text):
        year, month, day = (int(part) for part in iso.groups())
        if not 1 <= month <= 12:
            return f"There is no month {month}; the middle number is the month (1-12)"
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"{_MONTHS[month]} {year} has {last} days; pick a day from 1 to {last}"
        if len(text) > 10 and text[10] in "T ":
            return "For a moment in time give a time zone, e.g. 2026-03-02T09:00+07:00"
        return f"Write it as '{year:04d}-{month:02d}-{day:02d}'"
    if day_first := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in day_first.groups())
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            return f"Write the year first: '{year:04d}-{month:02d}-{day:02d}'"
    return "Write dates as YYYY-MM-DD (year, month, day), e.g. 2026-03-23"
