"""Calendar overlays: regional holidays, ad-hoc closures and extra working days, as data.

An :class:`Overlay` changes the status of one date or a range of dates on top of
the national table. Every overlay names its reason (Indonesian and English), its
source and a revision label; the revision labels become part of the calendar's
version, so a deadline computed before and after a decree can be told apart.

Regional overlays ship as TOML files in ``sp4n/sla/data/overlays/<code>.toml``
(``51.toml`` for Bali) and apply to every region whose code starts with the
file's code.
"""

from __future__ import annotations

import datetime as dt
import enum
import tomllib
from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import attrs

from sp4n._certainty import Certainty
from sp4n._time import parse_date
from sp4n.errors import InvalidInputError, OutOfCalendarRangeError
from sp4n.sla._days import CALENDAR_FIRST, CALENDAR_LAST, DayKind

__all__ = ["Overlay", "OverlayKind", "region_overlays"]

CERTAINTIES = tuple(member.value for member in Certainty)


def _to_certainty(value: object) -> Certainty:
    if isinstance(value, Certainty):
        return value
    if isinstance(value, str) and value in CERTAINTIES:
        return Certainty(value)
    raise InvalidInputError("overlay.certainty", value, f"must be one of {', '.join(CERTAINTIES)}")


class OverlayKind(enum.StrEnum):
    """What an overlay does to its dates."""

    REGIONAL = "regional"
    """A regional holiday (non-working)."""
    CLOSURE = "closure"
    """An ad-hoc closure of the office (non-working)."""
    HOLIDAY = "holiday"
    """A national holiday the installed data lacks, e.g. a newly decreed one (non-working)."""
    JOINT_LEAVE = "joint_leave"
    """Cuti bersama the installed data lacks, e.g. added by a revised SKB (non-working)."""
    WORKDAY = "workday"
    """A working day, e.g. a cancelled holiday or a Saturday the office opens."""

    @property
    def day_kind(self) -> DayKind | None:
        """The :class:`DayKind` of the dates, or ``None`` for a working day."""
        if self is OverlayKind.WORKDAY:
            return None
        return DayKind(self.value)


def _to_date(value: object) -> dt.date:
    return parse_date("overlay.date", value)


def _to_optional_date(value: object) -> dt.date | None:
    return None if value is None else parse_date("overlay.end", value)


def _to_kind(value: object) -> OverlayKind:
    if isinstance(value, str) and value in OverlayKind.__members__.values():
        return OverlayKind(value)
    kinds = ", ".join(k.value for k in OverlayKind)
    raise InvalidInputError("overlay.kind", value, f"must be one of {kinds}")


def _in_range(field: str, value: dt.date) -> None:
    if not CALENDAR_FIRST <= value <= CALENDAR_LAST:
        raise OutOfCalendarRangeError(
            field, value, f"the calendar covers {CALENDAR_FIRST} to {CALENDAR_LAST}"
        )


def _non_empty(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"overlay.{attribute.name}", value, "must be a non-empty string")


@attrs.frozen
class Overlay:
    """A change to the status of a date (or the range ``date``..``end``), with its source.

    >>> Overlay(date="2026-02-02", kind="closure", reason="Banjir", reason_en="Flood",
    ...         source="SE Bupati 1/2026", revision="flood-2026-02").kind
    <OverlayKind.CLOSURE: 'closure'>
    """

    date: dt.date = attrs.field(converter=_to_date)
    kind: OverlayKind = attrs.field(converter=_to_kind)
    reason: str = attrs.field(validator=_non_empty)
    reason_en: str = attrs.field(validator=_non_empty)
    source: str = attrs.field(validator=_non_empty)
    revision: str = attrs.field(validator=_non_empty)
    end: dt.date | None = attrs.field(default=None, converter=_to_optional_date, kw_only=True)
    certainty: Certainty = attrs.field(
        default=Certainty.REPORTED, converter=_to_certainty, kw_only=True
    )
    provisional: bool = attrs.field(default=False, kw_only=True)

    @date.validator
    def _check_date(self, _attribute: object, value: dt.date) -> None:
        _in_range("overlay.date", value)

    @end.validator
    def _check_end(self, _attribute: object, value: dt.date | None) -> None:
        if value is None:
            return
        _in_range("overlay.end", value)
        if value < self.date:
            raise InvalidInputError(
                "overlay.end", value, f"must not be before overlay.date ({self.date})"
            )

    def days(self) -> Iterator[dt.date]:
        """Yield every date the overlay covers, in order."""
        last = self.end or self.date
        for ordinal in range(self.date.toordinal(), last.toordinal() + 1):
            yield dt.date.fromordinal(ordinal)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], defaults: Mapping[str, Any] = {}) -> Overlay:
        """Build an overlay from a TOML/JSON mapping, filling gaps from ``defaults``."""
        merged = {**defaults, **data}
        known = {a.name for a in attrs.fields(cls)}
        unknown = sorted(set(merged) - known)
        if unknown:
            raise InvalidInputError(
                "overlay", unknown[0], f"unknown key; known keys: {', '.join(sorted(known))}"
            )
        missing = [
            name
            for name in ("date", "kind", "reason", "reason_en", "source", "revision")
            if name not in merged
        ]
        if missing:
            raise InvalidInputError("overlay", dict(data), f"missing key {missing[0]!r}")
        return cls(**merged)


def _load_file(name: str) -> tuple[Overlay, ...]:
    resource = files("sp4n.sla").joinpath("data", "overlays", name)
    if not resource.is_file():
        return ()
    data = tomllib.loads(resource.read_text("utf-8"))
    defaults = data.get("defaults", {})
    return tuple(Overlay.from_mapping(item, defaults) for item in data.get("overlay", ()))


@cache
def region_overlays(region: str) -> tuple[Overlay, ...]:
    """Return the overlays shipped for ``region`` (a normalized code) and its parents.

    The province file comes first, so a regency's own file can override it.
    """
    parts = region.split(".")
    found: list[Overlay] = []
    for depth in range(1, len(parts) + 1):
        found.extend(_load_file(".".join(parts[:depth]) + ".toml"))
    return tuple(found)
