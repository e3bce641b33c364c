"""The precomputed day tables behind a calendar: status per day and cumulative counts.

Every query of :class:`~sp4n.sla.WorkingCalendar` is a constant number of list
lookups into these tables, whatever ``n`` is:

- ``working[i]`` is 1 when day ``first + i`` is a working day;
- ``cumulative[i]`` is the number of working days among the first ``i`` days, so the
  working days in ``(a, b]`` are ``cumulative[b - first + 1] - cumulative[a - first + 1]``;
- ``working_dates[k]`` is the ``k``-th working day (0-based), so the ``n``-th working day
  after ``D`` is ``working_dates[cumulative[D - first + 1] + n - 1]``;
- ``provisional_cumulative`` counts days that rest on an estimated date the same way.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from itertools import accumulate, compress

import attrs

from sp4n.sla._days import (
    CALENDAR_FIRST,
    CALENDAR_LAST,
    DayKind,
    SkippedDay,
    decreed_through,
    national_days,
)
from sp4n.sla._overlays import Overlay, OverlayKind

__all__ = ["DayTables", "build_tables", "weekend_day"]

_NATIONAL = (DayKind.HOLIDAY, DayKind.JOINT_LEAVE)


@attrs.frozen
class DayTables:
    """Status and cumulative tables over ``first``..``last`` (see the module docstring)."""

    first: int
    last: int
    working: bytes
    cumulative: Sequence[int]
    working_dates: Sequence[dt.date]
    provisional_cumulative: Sequence[int]
    special: dict[int, SkippedDay]
    """Every non-working day that is not a plain weekend, keyed by ordinal."""


_SUNDAY = 6


def weekend_day(day: dt.date) -> SkippedDay:
    """Return the record of a plain weekend day (Perpres 21/2023 Pasal 3)."""
    if day.weekday() == _SUNDAY:
        return SkippedDay(day, DayKind.WEEKEND, "Hari Minggu", "Sunday")
    return SkippedDay(day, DayKind.WEEKEND, "Hari Sabtu", "Saturday")


def _apply(existing: SkippedDay | None, overlay: Overlay, day: dt.date) -> SkippedDay | None:
    kind = overlay.kind.day_kind
    if kind is None:
        return None
    new = SkippedDay(
        day,
        kind,
        overlay.reason,
        overlay.reason_en,
        provisional=overlay.provisional,
        source=overlay.source,
    )
    if (
        overlay.kind in (OverlayKind.REGIONAL, OverlayKind.CLOSURE)
        and existing is not None
        and existing.kind in _NATIONAL
    ):
        # A regional holiday on a national one: the national kind stays, both reasons show.
        return attrs.evolve(
            existing,
            reason=f"{existing.reason}; {overlay.reason}",
            reason_en=f"{existing.reason_en}; {overlay.reason_en}",
            provisional=existing.provisional or overlay.provisional,
            source=f"{existing.source}; {overlay.source}",
        )
    return new


def build_tables(
    overlays: Sequence[Overlay], *, workweek: int, joint_leave_is_working: bool
) -> DayTables:
    """Build the tables for the national calendar plus ``overlays`` (later ones win)."""
    first, last = CALENDAR_FIRST.toordinal(), CALENDAR_LAST.toordinal()
    size = last - first + 1
    # Weekday pattern: Monday is weekday 0; a unit works weekdays 0 .. workweek - 1.
    week = bytes(1 if wd < workweek else 0 for wd in range(7))
    offset = CALENDAR_FIRST.weekday()
    working = bytearray((week[offset:] + week[:offset]) * (size // 7 + 1))[:size]

    special: dict[int, SkippedDay] = {}
    for ordinal, national in national_days().items():
        if not first <= ordinal <= last:  # pragma: no cover - holidays covers the years asked
            continue
        if national.public or not joint_leave_is_working:
            kind = DayKind.HOLIDAY if national.public else DayKind.JOINT_LEAVE
            special[ordinal] = SkippedDay(
                national.date,
                kind,
                national.reason,
                national.reason_en,
                # An estimated holiday only matters on a day that would otherwise be worked.
                provisional=national.provisional and bool(working[ordinal - first]),
                source=national.source,
            )
            working[ordinal - first] = 0

    for overlay in overlays:
        for day in overlay.days():
            ordinal = day.toordinal()
            index = ordinal - first
            existing = special.get(ordinal)
            if existing is None and not working[index]:
                existing = weekend_day(day)
            result = _apply(existing, overlay, day)
            if result is None:
                special.pop(ordinal, None)
                working[index] = 1
            else:
                special[ordinal] = result
                working[index] = 0

    # array('l') keeps the counts contiguous (4-8 bytes each, cache friendly) where a list
    # would point at scattered int objects; lookups at n = 60 then cost what they do at n = 1.
    cumulative = array("l", accumulate(working, initial=0))
    working_dates = [dt.date.fromordinal(o) for o in compress(range(first, last + 1), working)]
    provisional = bytearray(size)
    for ordinal, skipped in special.items():
        if skipped.provisional:
            provisional[ordinal - first] = 1
    if not joint_leave_is_working:
        # No cuti bersama decree yet for these years: any day may still become joint leave,
        # so a count over them is an estimate (decision 0154).
        undecreed = dt.date(decreed_through() + 1, 1, 1).toordinal()
        if undecreed <= last:
            provisional[undecreed - first :] = b"\x01" * (last - undecreed + 1)
    return DayTables(
        first=first,
        last=last,
        working=bytes(working),
        cumulative=cumulative,
        working_dates=working_dates,
        provisional_cumulative=array("l", accumulate(provisional, initial=0)),
        special=special,
    )
