"""``RowQuery``: one frozen value for every filter of :meth:`sp4n.adapters.Store.query`.

A store receives the whole query as one value (decision 0183), so a filter added later is a
new field with a default, not a new keyword that breaks every third-party ``query``
signature. The keyword form (``store.query(status="forwarded")``) still works: it builds the
same value.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from sp4n._text import check_clean
from sp4n._time import to_utc
from sp4n.adapters._records import ComplaintRow
from sp4n.errors import InvalidInputError

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.adapters._store import Store

__all__ = ["RowQuery", "as_row_query", "query_rows"]


COUNT_MAX = 2**63 - 1
"""The largest ``limit`` or ``offset``: what a signed 64-bit SQL integer holds (decision 0142)."""


def _count(low: int) -> Any:
    def check(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= COUNT_MAX:
            raise InvalidInputError(
                attribute.name, value, f"must be a whole number from {low} to {COUNT_MAX}"
            )

    return check


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Filter text holds no NUL, control character or lone surrogate (decision 0140), so no
    store sees what PostgreSQL would refuse."""
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidInputError(attribute.name, value, "must be text")
    check_clean(attribute.name, value)


def _values(name: str, value: Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise InvalidInputError(name, value, "must be a sequence of strings, not one string")
    values = tuple(value)
    for text in values:
        if not isinstance(text, str):
            raise InvalidInputError(name, text, "must be text")
        check_clean(name, text)
    return values


def _statuses(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return _values("statuses", value)


def _visibilities(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return _values("visibilities", value)


def _from(value: datetime | None) -> datetime | None:
    return None if value is None else to_utc("submitted_from", value)


def _until(value: datetime | None) -> datetime | None:
    return None if value is None else to_utc("submitted_until", value)


def _day(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise InvalidInputError(attribute.name, value, "must be a datetime.date or None")


def _row(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, ComplaintRow):
        raise InvalidInputError(
            "after", value, "must be a ComplaintRow (the last row of the previous page)"
        )


@attrs.frozen(kw_only=True)
class RowQuery:
    """What :meth:`~sp4n.adapters.Store.query` returns: rows matching every given filter.

    :param status: equal to this status. :param statuses: any of these (``()`` matches none).
    :param agency: equal to this agency id.
    :param region_prefix: region code starting with this prefix; orders by region.
    :param topic: equal to this topic id.
    :param visibilities: any of these visibilities (``()`` matches none).
    :param overdue_as_of: ``next_due`` before this date; orders by ``next_due``.
    :param action_due_by: ``next_action`` on or before this date; orders by it (decision 0181).
    :param title_contains: case-insensitive substring of the title.
    :param submitted_from: ``submitted_at`` at or after this aware instant.
    :param submitted_until: ``submitted_at`` at or before this aware instant.
    :param newest_first: order by ``(submitted_at, complaint_id)`` descending, undated last.
    :param after: keyset pagination: rows after this one in the query's order (decision 0180).
    :param limit: at most this many rows (>= 1). :param offset: skip this many (not with after).
    """

    status: str | None = attrs.field(default=None, validator=_text)
    agency: str | None = attrs.field(default=None, validator=_text)
    region_prefix: str | None = attrs.field(default=None, validator=_text)
    overdue_as_of: date | None = attrs.field(default=None, validator=_day)
    title_contains: str | None = attrs.field(default=None, validator=_text)
    limit: int = attrs.field(default=100, validator=_count(1))
    offset: int = attrs.field(default=0, validator=_count(0))
    topic: str | None = attrs.field(default=None, validator=_text)
    statuses: tuple[str, ...] | None = attrs.field(default=None, converter=_statuses)
    visibilities: tuple[str, ...] | None = attrs.field(default=None, converter=_visibilities)
    submitted_from: datetime | None = attrs.field(default=None, converter=_from)
    submitted_until: datetime | None = attrs.field(default=None, converter=_until)
    newest_first: bool = False
    after: ComplaintRow | None = attrs.field(default=None, validator=_row)
    action_due_by: date | None = attrs.field(default=None, validator=_day)

    def keywords(self) -> dict[str, Any]:
        """The filters that differ from their defaults, as ``Store.query`` keywords."""
        defaults = RowQuery()
        return {
            field.name: getattr(self, field.name)
            for field in attrs.fields(RowQuery)
            if getattr(self, field.name) != getattr(defaults, field.name)
        }


_FIELDS = frozenset(field.name for field in attrs.fields(RowQuery))


def as_row_query(query: RowQuery | None, filters: Mapping[str, Any]) -> RowQuery:
    """The :class:`RowQuery` of a ``Store.query`` call: the value, or one built from the
    keyword filters (an unknown filter is an :class:`~sp4n.errors.InvalidInputError`)."""
    if query is not None:
        if not isinstance(query, RowQuery):
            raise InvalidInputError("query", query, "must be a sp4n.adapters.RowQuery")
        if filters:
            raise InvalidInputError(
                "query", sorted(filters), "give a RowQuery or keyword filters, not both"
            )
        return query
    unknown = sorted(set(filters) - _FIELDS)
    if unknown:
        raise InvalidInputError(
            "query", unknown[0], f"is not a filter; known: {', '.join(sorted(_FIELDS))}"
        )
    return RowQuery(**filters)


def query_rows(store: Store, query: RowQuery) -> list[ComplaintRow]:
    """``store.query(query)``, or the keyword form for a third-party store written before
    :class:`RowQuery` (a :class:`DeprecationWarning`: such a store should accept the value).

    A store announces the value form with a true ``accepts_row_query`` attribute.
    """
    if getattr(store, "accepts_row_query", False):
        return store.query(query)
    warnings.warn(
        f"{type(store).__name__}.query should accept a sp4n.adapters.RowQuery "
        "(set accepts_row_query = True); the keyword form is deprecated (decision 0183)",
        DeprecationWarning,
        stacklevel=2,
    )
    found: list[ComplaintRow] = store.query(**query.keywords())
    return found
