"""Helpers shared by the ``deadline`` and ``calendar`` commands."""

from __future__ import annotations

import datetime as dt
import re

from sp4n._time import bad_date_error
from sp4n.errors import NaiveDatetimeError
from sp4n.routing import get_region
from sp4n.sla import DayKind, WorkingCalendar
from sp4n.texts import text

__all__ = ["KIND_LABELS", "WEEKDAYS", "both", "calendar_for", "read_start", "region_label"]

WEEKDAYS = tuple(
    text(f"weekday.{day}")
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)
"""Indonesian weekday names, Monday first (from the text catalogue)."""


def both(key: str, **values: object) -> str:
    """The catalogue text ``key`` in both languages: ``"Tenggat / due date"``."""
    return f"{text(key, 'id', **values)} / {text(key, 'en', **values)}"


KIND_LABELS = {kind: both(f"day_kind.{kind.value}") for kind in DayKind}
"""``"cuti bersama / joint leave"``: each kind of non-working day in both languages."""

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_START_RULE = "must be YYYY-MM-DD or an ISO datetime with a time zone, e.g. 2026-03-02T09:00+07:00"


def calendar_for(region: str | None) -> WorkingCalendar:
    """The calendar of ``region`` (national when ``None``), with installed plugins' overlays,
    as a Desk counts it."""
    from sp4n.adapters import Adapters, plugin_manager
    from sp4n.desk._projection import plugin_calendar

    calendar = WorkingCalendar.indonesia(region)
    return plugin_calendar(calendar, region=calendar.region, adapters=Adapters(plugin_manager()))


def region_label(calendar: WorkingCalendar) -> str:
    """``"61.07 Kabupaten Bengkayang (Asia/Pontianak)"``, or the national label."""
    if calendar.region is None:
        return f"{both('cli.national')} ({calendar.timezone.key})"
    name = get_region(calendar.region).name
    return f"{calendar.region} {name} ({calendar.timezone.key})"


def read_start(text: str, calendar: WorkingCalendar) -> dt.date:
    """Read START: a date, or an aware ISO datetime converted to the region's local date."""
    value = text.strip()
    if _DATE_ONLY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise bad_date_error("start", text, _START_RULE) from None
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        raise bad_date_error("start", text, _START_RULE) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise NaiveDatetimeError(
            "start", text, hint="Add the local offset: +07:00 (WIB), +08:00 (WITA) or +09:00 (WIT)"
        )
    return calendar.local_date(instant)
