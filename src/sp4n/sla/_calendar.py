"""The Indonesian working-day calendar (:class:`WorkingCalendar`).

Counting convention (ARCHITECTURE.md): day 1 of an ``n``-working-day rule is the
first working day strictly after the start date ``D``; the due date is day ``n``.
``add_working_days(D, 0)`` is ``D`` if ``D`` is a working day, else the next one.
``working_days_between(a, b)`` counts working days in ``(a, b]`` and is antisymmetric.

References:
    - Perpres 21/2023 Pasal 3 (Monday to Friday) [read], Pasal 7 (direct-service units may
      work other days) [reported]; regulation.md §7.1.
    - SKB 3 Menteri on national holidays and cuti bersama, via ``holidays``; §7.2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sp4n._time import parse_date, require_aware
from sp4n.errors import InvalidDateError, InvalidInputError, OutOfCalendarRangeError
from sp4n.regions import get_region
from sp4n.sla._days import (
    CALENDAR_FIRST,
    CALENDAR_LAST,
    SkippedDay,
    decreed_through,
    holidays_version,
)
from sp4n.sla._explain import DeadlineChange, Explanation, compare
from sp4n.sla._overlays import Overlay, region_overlays
from sp4n.sla._tables import DayTables, build_tables, weekend_day
from sp4n.texts import text

__all__ = ["WorkingCalendar"]

NATIONAL_TIMEZONE = "Asia/Jakarta"
_RANGE_RULE = f"the calendar covers {CALENDAR_FIRST} to {CALENDAR_LAST}"
_UNITS = ("working_days", "days")
_ONE_DAY = dt.timedelta(days=1)
_DATE = dt.date  # one global lookup instead of two on the hot path
_EXPLAINED = 4096  # explanations a calendar keeps (decision 0300); then it starts afresh


def _check_n(n: object, field: str = "n") -> int:
    if type(n) is not int or n < 0:
        raise InvalidInputError(field, n, "must be a whole number of days >= 0")
    return n


class WorkingCalendar:
    """Working days of an Indonesian government office, answered from precomputed tables.

    Build one with :meth:`indonesia` (cached: the same arguments give the same object).

    >>> import datetime as dt
    >>> cal = WorkingCalendar.indonesia()
    >>> cal.add_working_days(dt.date(2025, 3, 24), 5)  # Idul Fitri week 2025
    datetime.date(2025, 4, 9)
    """

    __slots__ = (
        "_cumulative",
        "_explained",
        "_first",
        "_joint_leave_is_working",
        "_n_working",
        "_overlays",
        "_region",
        "_shipped",
        "_span",
        "_tables",
        "_timezone",
        "_version",
        "_working",
        "_working_dates",
        "_workweek",
    )

    def __init__(
        self,
        *,
        region: str | None,
        timezone: ZoneInfo,
        shipped: tuple[Overlay, ...],
        overlays: tuple[Overlay, ...],
        workweek: int,
        joint_leave_is_working: bool,
    ) -> None:
        """Build the tables; prefer :meth:`indonesia`, which validates and caches."""
        self._region = region
        self._timezone = timezone
        self._shipped = shipped
        self._overlays = overlays
        self._workweek = workweek
        self._joint_leave_is_working = joint_leave_is_working
        tables = _shared_tables(shipped + overlays, workweek, joint_leave_is_working)
        self._tables: DayTables = tables
        self._first = tables.first
        self._span = tables.last - tables.first
        self._working = tables.working
        self._cumulative = tables.cumulative
        self._working_dates = tables.working_dates
        self._n_working = len(tables.working_dates)
        parts = [f"holidays-{holidays_version()}"]
        for overlay in shipped + overlays:
            if overlay.revision not in parts:
                parts.append(overlay.revision)
        if workweek != 5:  # the Perpres 21/2023 default
            parts.append(f"workweek-{workweek}")
        if joint_leave_is_working:
            parts.append("joint-leave-working")
        self._version = "+".join(parts)
        # the same start and length again (complaints forwarded on the same day): the
        # same answer, which is immutable; keyed with the argument types, which it checks
        self._explained: dict[tuple[object, ...], Explanation] = {}

    # Construction ---------------------------------------------------------------------------

    @classmethod
    def indonesia(
        cls,
        region: str | None = None,
        *,
        overlays: Iterable[Overlay] = (),
        workweek: int = 5,
        joint_leave_is_working: bool = False,
    ) -> WorkingCalendar:
        """Return the calendar of ``region`` (a Kemendagri code) or the national one.

        :param region: e.g. ``"51"`` (Bali) or ``"61.07"``; its province sets the time zone
            and the overlays shipped for it apply. ``None``: national, Asia/Jakarta.
        :param overlays: extra overlays (closures, corrections), applied after the shipped ones.
        :param workweek: 5 (Monday to Friday, Perpres 21/2023 Pasal 3), or 6 / 7 for a
            direct-service unit (Pasal 7).
        :param joint_leave_is_working: count cuti bersama as working days (units that roster
            staff on them); national holidays stay non-working.
        :raises MalformedRegionCodeError: for a malformed region code.
        :raises UnknownRegionError: for a region code not in the Kemendagri list.
        """
        # get_region rejects a malformed code and a well-formed one that names no region.
        code = None if region is None else get_region(region).code
        extra = tuple(overlays)
        for item in extra:
            if not isinstance(item, Overlay):
                raise InvalidInputError(
                    "overlays", item, "each overlay must be an sp4n.sla.Overlay"
                )
        if type(workweek) is not int or workweek not in (5, 6, 7):
            raise InvalidInputError(
                "workweek", workweek, "must be 5 (Perpres 21/2023 Pasal 3), 6 or 7 (Pasal 7)"
            )
        if not isinstance(joint_leave_is_working, bool):
            raise InvalidInputError(
                "joint_leave_is_working", joint_leave_is_working, "must be a bool"
            )
        return _build(code, extra, workweek, joint_leave_is_working)

    def with_overlays(self, *overlays: Overlay) -> WorkingCalendar:
        """Return a new calendar with ``overlays`` applied after this one's (new version)."""
        return WorkingCalendar.indonesia(
            self._region,
            overlays=self._overlays + overlays,
            workweek=self._workweek,
            joint_leave_is_working=self._joint_leave_is_working,
        )

    # Properties -----------------------------------------------------------------------------

    @property
    def region(self) -> str | None:
        """The normalized region code, or ``None`` for the national calendar."""
        return self._region

    @property
    def timezone(self) -> ZoneInfo:
        """The time zone of the region's province (Asia/Jakarta nationally)."""
        return self._timezone

    @property
    def version(self) -> str:
        """The data this calendar was built from: ``holidays`` version plus overlay revisions."""
        return self._version

    @property
    def overlays(self) -> tuple[Overlay, ...]:
        """Every overlay in force: the shipped regional ones first, then the extra ones."""
        return self._shipped + self._overlays

    @property
    def workweek(self) -> int:
        """Working days per week: 5, 6 or 7."""
        return self._workweek

    @property
    def joint_leave_is_working(self) -> bool:
        """Whether cuti bersama count as working days."""
        return self._joint_leave_is_working

    @property
    def decreed_through(self) -> int:
        """The last year whose cuti bersama decree (SKB 3 Menteri) the holiday data holds."""
        return decreed_through()

    def decreed(self, year: int) -> bool:
        """Whether ``year``'s cuti bersama are decreed in the data (not estimated).

        Years up to :attr:`decreed_through` are; a later year's joint leave is unknown, so a
        deadline counted into it is provisional (decision 0154).
        """
        if isinstance(year, bool) or not isinstance(year, int):
            raise InvalidInputError("year", year, "must be a year (an int)")
        return year <= decreed_through()

    def provisional_reason(self, first: dt.date, last: dt.date) -> tuple[str, str] | None:
        """Why a count over ``first..last`` (inclusive) is provisional, in Indonesian and
        English, or ``None`` when it rests on no estimate."""
        if last < first or not self._any_provisional(first, last):
            return None
        reasons: list[str] = []
        reasons_en: list[str] = []
        estimated = [s for s in self.non_working_days(first, last) if s.provisional]
        if estimated:
            days = ", ".join(s.date.isoformat() for s in estimated)
            reasons.append(text("calendar.estimated_holidays", days=days))
            reasons_en.append(text("calendar.estimated_holidays", "en", days=days))
        undecreed = [y for y in range(first.year, last.year + 1) if not self.decreed(y)]
        if undecreed and not self._joint_leave_is_working:
            values = {"years": ", ".join(str(y) for y in undecreed), "version": holidays_version()}
            reasons.append(text("calendar.not_decreed", **values))
            reasons_en.append(text("calendar.not_decreed", "en", **values))
        if not reasons:  # pragma: no cover - a provisional day is one of the two
            return None
        return "; ".join(reasons), "; ".join(reasons_en)

    @property
    def first_date(self) -> dt.date:
        """The first date covered."""
        return CALENDAR_FIRST

    @property
    def last_date(self) -> dt.date:
        """The last date covered."""
        return CALENDAR_LAST

    def __repr__(self) -> str:
        return f"WorkingCalendar(region={self._region!r}, version={self._version!r})"

    # Checks ---------------------------------------------------------------------------------

    def _date(self, field: str, value: object) -> tuple[dt.date, int]:
        day = value if type(value) is dt.date else parse_date(field, value)
        index = day.toordinal() - self._first
        if not 0 <= index <= self._span:
            raise OutOfCalendarRangeError(field, day, _RANGE_RULE)
        return day, index

    def _beyond(self, n: int) -> OutOfCalendarRangeError:
        return OutOfCalendarRangeError(
            "n", n, f"the due date would fall after the calendar's last date {CALENDAR_LAST}"
        )

    # Queries --------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day."""
        _day, index = self._date("date", day)
        return bool(self._working[index])

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The due date of an ``n``-working-day rule starting on ``start``.

        Day 1 is the first working day strictly after ``start``; ``n = 0`` gives ``start``
        itself when it is a working day, else the next working day. Constant time.
        """
        if type(start) is _DATE and type(n) is int and n > 0:
            index = start.toordinal() - self._first
            if 0 <= index <= self._span:
                try:
                    return self._working_dates[self._cumulative[index + 1] + n - 1]
                except IndexError:
                    raise self._beyond(n) from None
        day, index = self._date("start", start)
        n = _check_n(n)
        if n == 0:
            if self._working[index]:
                return day
            n = 1
        position = self._cumulative[index + 1] + n - 1
        if position >= self._n_working:
            raise self._beyond(n)
        return self._working_dates[position]

    def add_working_days_many(self, starts: Iterable[dt.date], n: int) -> list[dt.date]:
        """:meth:`add_working_days` for many start dates at once (pure Python, no numpy).

        All inputs are checked before anything is computed; the first bad one raises.
        """
        n = _check_n(n)
        ordinals = list(map(dt.date.toordinal, _only_dates(starts)))
        if not ordinals:
            return []
        low, high = min(ordinals), max(ordinals)
        if low < self._first or high > self._first + self._span:
            bad = low if low < self._first else high
            raise OutOfCalendarRangeError("starts", dt.date.fromordinal(bad), _RANGE_RULE)
        cumulative, dates, shift = self._cumulative, self._working_dates, 1 - self._first
        if cumulative[high + shift] + max(n, 1) - 1 >= self._n_working:
            raise self._beyond(n)
        if n == 0:
            working, first = self._working, self._first
            return [
                dt.date.fromordinal(o) if working[o - first] else dates[cumulative[o + shift]]
                for o in ordinals
            ]
        step = n - 1
        return [dates[cumulative[o + shift] + step] for o in ordinals]

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in ``(a, b]``; ``-working_days_between(b, a)`` when ``b < a``."""
        if type(a) is _DATE and type(b) is _DATE:
            first, span = self._first, self._span
            i, j = a.toordinal() - first, b.toordinal() - first
            if 0 <= i <= span and 0 <= j <= span:
                cumulative = self._cumulative
                return cumulative[j + 1] - cumulative[i + 1]
        _a, i = self._date("a", a)
        _b, j = self._date("b", b)
        return self._cumulative[j + 1] - self._cumulative[i + 1]

    def add_days(self, start: dt.date, n: int, *, roll_forward: bool = False) -> dt.date:
        """The due date of an ``n``-calendar-day rule ("hari" in a statute): ``start + n``.

        With ``roll_forward`` a due date on a non-working day moves to the next working day.
        """
        day, index = self._date("start", start)
        n = _check_n(n)
        if index + n > self._span:
            raise self._beyond(n)
        due = dt.date.fromordinal(day.toordinal() + n)
        return self.add_working_days(due, 0) if roll_forward else due

    def is_provisional_between(self, a: dt.date, b: dt.date) -> bool:
        """Whether a day in ``(a, b]`` (or ``(b, a]``) rests on an estimated holiday."""
        _a, i = self._date("a", a)
        _b, j = self._date("b", b)
        i, j = min(i, j), max(i, j)
        counts = self._tables.provisional_cumulative
        return counts[j + 1] != counts[i + 1]

    def _any_provisional(self, first: dt.date, last: dt.date) -> bool:
        """Whether a day in ``first..last`` (inclusive, both in range) is provisional."""
        if last < first:
            return False
        counts = self._tables.provisional_cumulative
        return counts[last.toordinal() - self._first + 1] != counts[first.toordinal() - self._first]

    def non_working_days(self, start: dt.date, end: dt.date) -> tuple[SkippedDay, ...]:
        """Every non-working day in ``start..end`` (inclusive), with its kind and reason."""
        first_day, i = self._date("start", start)
        _last_day, j = self._date("end", end)
        if j < i:
            raise InvalidInputError("end", end, f"must not be before start ({first_day})")
        special, working, base = self._tables.special, self._working, self._first
        return tuple(
            special.get(base + k) or weekend_day(dt.date.fromordinal(base + k))
            for k in range(i, j + 1)
            if not working[k]
        )

    def explain(
        self,
        start: dt.date,
        n: int,
        *,
        unit: str = "working_days",
        roll_forward: bool = False,
    ) -> Explanation:
        """The due date of a rule with every day that did not count, and why.

        For working days, ``skipped`` holds the non-working days in ``(start, due]`` (for
        ``n = 0``, in ``[start, due)``), so ``n + len(skipped)`` is the number of days from
        start to due. For calendar days, ``skipped`` holds the days a roll-forward stepped over.
        """
        key = (type(start), start, type(n), n, unit, type(roll_forward), roll_forward)
        try:
            found = self._explained.get(key)
        except TypeError:  # an unhashable argument: the checks below reject it
            found = None
        if found is not None:
            return found
        if unit not in _UNITS:
            raise InvalidInputError("unit", unit, "must be 'working_days' or 'days'")
        day, _index = self._date("start", start)
        n = _check_n(n)
        if unit == "working_days":
            due = self.add_working_days(day, n)
            skipped = self.non_working_days(day, due)
            if n > 0:
                skipped = tuple(s for s in skipped if s.date != day)
            counted = (day if n == 0 else day + _ONE_DAY, due)
        else:
            plain = self.add_days(day, n)
            due = self.add_days(day, n, roll_forward=roll_forward)
            skipped = self.non_working_days(plain, due)[: (due - plain).days]
            counted = (plain, due if roll_forward else plain - _ONE_DAY)
        reason = self.provisional_reason(*counted)
        provisional = reason is not None
        if len(self._explained) >= _EXPLAINED:
            self._explained.clear()
        found = self._explained[key] = Explanation(
            start=day,
            due=due,
            n=n,
            unit=unit,
            skipped=skipped,
            provisional=provisional,
            version=self._version,
            roll_forward=roll_forward,
            provisional_reason=None if reason is None else reason[0],
            provisional_reason_en=None if reason is None else reason[1],
        )
        return found

    def recompute(self, explanation: Explanation) -> DeadlineChange:
        """Recompute a deadline explained under another calendar version on this calendar.

        The result says whether the due date moved, from where to where, and by which
        revision(s), e.g. when a revised SKB adds a day of cuti bersama.
        """
        if not isinstance(explanation, Explanation):
            raise InvalidInputError("explanation", explanation, "must be an sp4n.sla.Explanation")
        new = self.explain(
            explanation.start,
            explanation.n,
            unit=explanation.unit,
            roll_forward=explanation.roll_forward,
        )
        return compare(explanation, new)

    # Time zone ------------------------------------------------------------------------------

    def local_date(self, instant: dt.datetime) -> dt.date:
        """The date of an aware ``instant`` in this calendar's time zone."""
        try:
            return require_aware("instant", instant).astimezone(self._timezone).date()
        except OverflowError:  # 0001-01-01T00:00+14:00 is still year 0 in Asia/Jakarta
            raise InvalidDateError(
                "instant",
                instant,
                f"must lie between 0001-01-01 and 9999-12-31 in {self._timezone.key}",
            ) from None

    def start_of_day(self, day: dt.date) -> dt.datetime:
        """00:00 local time of ``day``, timezone-aware (any date; no range check)."""
        checked = day if type(day) is _DATE else parse_date("date", day)
        return dt.datetime.combine(checked, dt.time(), tzinfo=self._timezone)


def _only_dates(values: Iterable[object]) -> list[dt.date]:
    items: list[Any] = values if isinstance(values, list) else list(values)
    if not all(type(v) is dt.date for v in items):
        for position, value in enumerate(items):
            if type(value) is not dt.date:
                raise InvalidDateError(
                    f"starts[{position}]", value, "must be a datetime.date (not a datetime)"
                )
    return items


@lru_cache(maxsize=64)
def _shared_tables(
    overlays: tuple[Overlay, ...], workweek: int, joint_leave_is_working: bool
) -> DayTables:
    """Tables are shared by calendars with the same days (e.g. every region without overlays)."""
    return build_tables(overlays, workweek=workweek, joint_leave_is_working=joint_leave_is_working)


@lru_cache(maxsize=512)
def _build(
    region: str | None, overlays: tuple[Overlay, ...], workweek: int, joint_leave_is_working: bool
) -> WorkingCalendar:
    shipped: tuple[Overlay, ...] = ()
    if region is None:
        timezone = ZoneInfo(NATIONAL_TIMEZONE)
    else:
        timezone, shipped = get_region(region).timezone, region_overlays(region)
    return WorkingCalendar(
        region=region,
        timezone=timezone,
        shipped=shipped,
        overlays=overlays,
        workweek=workweek,
        joint_leave_is_working=joint_leave_is_working,
    )
