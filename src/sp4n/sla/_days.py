"""Day kinds, skipped-day records and the national holiday table from ``holidays``.

National holidays (libur nasional) and joint leave (cuti bersama) come from the
``holidays`` package, ``holidays.Indonesia(categories=("public", "government"))``:
the ``public`` category holds the holidays set by the SKB of the Ministers of
Religion, Manpower and Administrative Reform, the ``government`` category the
cuti bersama for civil servants. Names are read in Indonesian (``id``) and
English (``en_US``). A name containing ``(perkiraan)`` is an estimated date (a
religious holiday the Minister of Religion has not fixed yet).

References:
    - SKB 1017/2024, 2/2024, 2/2024 (2025) and SKB 1497/2025, 2/2025, 5/2025 (2026);
      regulation.md §7.2 [reported].
    - Perpres 21/2023 Pasal 3 (Monday to Friday), Pasal 6 (cuti bersama) [read].
"""

from __future__ import annotations

import datetime as dt
import enum
from functools import cache

import attrs

__all__ = [
    "CALENDAR_FIRST",
    "CALENDAR_LAST",
    "DayKind",
    "NationalDay",
    "SkippedDay",
    "decreed_through",
    "holidays_version",
    "national_days",
]

CALENDAR_FIRST = dt.date(2000, 1, 1)
"""The first date every calendar covers (see decision 0012)."""
CALENDAR_LAST = dt.date(2100, 12, 31)
"""The last date every calendar covers; ``holidays`` has Indonesian data up to 2100."""

ESTIMATED_MARK = "(perkiraan)"
"""How ``holidays`` marks an estimated date in Indonesian names."""


class DayKind(enum.StrEnum):
    """Why a day is not a working day."""

    WEEKEND = "weekend"
    """Saturday or Sunday (or Sunday only for a 6-day unit)."""
    HOLIDAY = "holiday"
    """A national holiday (libur nasional), or a holiday added by an overlay."""
    JOINT_LEAVE = "joint_leave"
    """Joint leave for civil servants (cuti bersama)."""
    REGIONAL = "regional"
    """A regional holiday, e.g. Bali's libur fakultatif."""
    CLOSURE = "closure"
    """An ad-hoc office closure: a disaster, an office move."""


@attrs.frozen
class SkippedDay:
    """A non-working day, with why it does not count.

    ``reason`` is Indonesian (what a citizen or officer reads), ``reason_en`` English.
    ``provisional`` is true when the day rests on an estimated date ("perkiraan").
    """

    date: dt.date
    kind: DayKind
    reason: str
    reason_en: str
    provisional: bool = False
    source: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping (dates as ISO strings)."""
        return {
            "date": self.date.isoformat(),
            "kind": str(self.kind),
            "reason": self.reason,
            "reason_en": self.reason_en,
            "provisional": self.provisional,
            "source": self.source,
        }


@attrs.frozen
class NationalDay:
    """One date of the national table, possibly both a holiday and joint leave."""

    date: dt.date
    public: bool
    joint_leave: bool
    reason: str
    reason_en: str
    provisional: bool
    source: str


@cache
def holidays_version() -> str:
    """Return the version of the installed ``holidays`` package."""
    from importlib.metadata import version

    return version("holidays")


def _names(category: str, language: str) -> dict[dt.date, str]:
    import holidays

    table = holidays.country_holidays(
        "ID",
        categories=(category,),
        years=range(CALENDAR_FIRST.year, CALENDAR_LAST.year + 1),
        language=language,
    )
    return {day: str(name) for day, name in table.items()}


@cache
def national_days() -> dict[int, NationalDay]:
    """Return the national holidays and joint leave days, keyed by date ordinal.

    Built once per process from ``holidays`` (about 0.2 s) and shared by every calendar.
    """
    version = holidays_version()
    public_id, public_en = _names("public", "id"), _names("public", "en_US")
    joint_id, joint_en = _names("government", "id"), _names("government", "en_US")
    table: dict[int, NationalDay] = {}
    for day in sorted(public_id.keys() | joint_id.keys()):
        reasons = [public_id[day]] if day in public_id else []
        reasons_en = [public_en[day]] if day in public_en else []
        if day in joint_id:
            reasons.append(joint_id[day])
            reasons_en.append(joint_en[day])
        reason = "; ".join(reasons)
        if day in public_id:
            source = f"SKB 3 Menteri, hari libur nasional (holidays {version}, Indonesia public)"
        else:
            source = f"SKB 3 Menteri, cuti bersama (holidays {version}, Indonesia government)"
        table[day.toordinal()] = NationalDay(
            date=day,
            public=day in public_id,
            joint_leave=day in joint_id,
            reason=reason,
            reason_en="; ".join(reasons_en),
            provisional=ESTIMATED_MARK in reason,
            source=source,
        )
    return table


@cache
def decreed_through() -> int:
    """The last year whose cuti bersama decree (SKB 3 Menteri) the ``holidays`` data holds.

    Read from the data: the latest year with a day in the ``government`` category (joint
    leave). A later year's joint leave is not known yet, so a deadline counted into it rests
    on an estimate (decision 0154).
    """
    return max(day.date.year for day in national_days().values() if day.joint_leave)
