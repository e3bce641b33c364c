"""When the sweep warns, escalates and lets messages go out: :class:`SweepConfig`.

Messages from the sweep go out only on working days within working hours of the agency's
time zone (the complaint region's calendar): from 07:30 local (Perpres 21/2023 Pasal 4,
regulation.md §7.1 [C]) to 16:00 local (sp4n's choice, decision 0082). A message enqueued
outside those hours carries ``retry_at`` = the next working-hours start, so nobody is paged
at night, on a weekend or on a holiday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from sp4n._time import require_aware
from sp4n.errors import InvalidInputError
from sp4n.sla import WorkingCalendar

__all__ = ["SweepConfig", "delivery_time"]


def _count(name: str, low: int) -> Callable[[Any, Any, Any], None]:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise InvalidInputError(name, value, f"must be a whole number >= {low}")

    return check


def _time(name: str) -> Callable[[Any, Any, Any], None]:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, dt.time) or value.tzinfo is not None:
            raise InvalidInputError(name, value, "must be a datetime.time without tzinfo (local)")

    return check


@attrs.frozen
class SweepConfig:
    """What :meth:`sp4n.Desk.sweep` does, as data (decisions 0081 and 0082).

    :param warn_working_days: warn the responsible party when a clock is this many working
        days (or fewer) from its due date; ``0`` disables warnings. Default 1.
    :param escalate_after_working_days: a breach still open after this many working days
        past the due date goes to the superior or the supervising admin. Default 2.
    :param day_start: local start of working hours (07:30, Perpres 21/2023 Pasal 4).
    :param day_end: local end of working hours (16:00; the regulation sets weekly hours,
        not an end time, so this is configurable).
    """

    warn_working_days: int = attrs.field(default=1, validator=_count("warn_working_days", 0))
    escalate_after_working_days: int = attrs.field(
        default=2,
        validator=_count("escalate_after_working_days", 0),
    )
    day_start: dt.time = attrs.field(default=dt.time(7, 30), validator=_time("day_start"))
    day_end: dt.time = attrs.field(default=dt.time(16, 0), validator=_time("day_end"))
    citation: str = "Perpres 21/2023 Pasal 4: working hours start at 07:30 local time"

    def __attrs_post_init__(self) -> None:
        if self.day_end <= self.day_start:
            raise InvalidInputError(
                "day_end", self.day_end.isoformat(), f"must be after day_start {self.day_start}"
            )


def delivery_time(
    instant: dt.datetime, calendar: WorkingCalendar, config: SweepConfig
) -> dt.datetime | None:
    """``None`` when ``instant`` is within working hours on a working day of ``calendar``
    (its time zone), else the next working-hours start (aware, in the calendar's zone)."""
    local = require_aware("now", instant).astimezone(calendar.timezone)
    day = local.date()
    if calendar.is_working_day(day):
        if config.day_start <= local.time() < config.day_end:
            return None
        if local.time() < config.day_start:
            return dt.datetime.combine(day, config.day_start, tzinfo=calendar.timezone)
    following = calendar.next_working_day(day)
    return dt.datetime.combine(following, config.day_start, tzinfo=calendar.timezone)
