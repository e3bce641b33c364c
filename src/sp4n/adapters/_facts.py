"""``FactsRow`` and the narrow read of the compliance report (decision 0230).

The report counts, per projection row, only its id, region, status, ``next_due``,
``updated_at`` and report facts (decision 0184). :meth:`sp4n.adapters.Store.report_facts`
returns just those, in keyset pages ordered by ``(region, complaint_id)``, so a store does
not decode whole :class:`~sp4n.adapters.ComplaintRow` values (title, listing JSON, ...) a
million times. :func:`report_pages` falls back to :meth:`~sp4n.adapters.Store.query` for a
third-party store written before the method existed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sp4n._text import check_clean
from sp4n._time import to_utc
from sp4n.adapters._query import COUNT_MAX, RowQuery, query_rows
from sp4n.adapters._records import ComplaintRow
from sp4n.errors import InvalidInputError

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.adapters._store import Store

__all__ = ["FactsRow", "check_facts_page", "report_pages"]


class FactsRow(NamedTuple):
    """What the compliance report reads of one projection row (decision 0230).

    Its fields: ``complaint_id`` (the stream), ``region`` (its region code), ``status`` (its
    status now), ``next_due`` (the earliest running due date or ``None``), ``updated_at``
    (aware instant of its last event) and ``facts`` (the row's report facts,
    ``ComplaintRow.facts``; ``{}`` when unknown).
    """

    complaint_id: str
    region: str
    status: str
    next_due: date | None
    updated_at: datetime
    facts: Mapping[str, Any]

    @classmethod
    def of(cls, row: ComplaintRow) -> FactsRow:
        """The facts row of a whole projection row."""
        return cls(
            row.complaint_id, row.region, row.status, row.next_due, row.updated_at, row.facts
        )


def check_facts_page(
    region_prefix: object, after: object, updated_from: object, limit: object
) -> tuple[str | None, tuple[str, str] | None, datetime | None, int]:
    """The checked arguments of :meth:`~sp4n.adapters.Store.report_facts`: text without
    control characters, ``after`` a ``(region, complaint_id)`` pair, an aware
    ``updated_from`` (in UTC) and a ``limit`` from 1 to :data:`COUNT_MAX`."""
    if region_prefix is not None:
        if not isinstance(region_prefix, str):
            raise InvalidInputError("region_prefix", region_prefix, "must be text")
        check_clean("region_prefix", region_prefix)
    pair: tuple[str, str] | None = None
    if after is not None:
        if (
            not isinstance(after, tuple)
            or len(after) != 2
            or not all(isinstance(part, str) for part in after)
        ):
            raise InvalidInputError(
                "after", after, "must be a (region, complaint_id) pair of text, or None"
            )
        pair = (after[0], after[1])
    since = None if updated_from is None else to_utc("updated_from", updated_from)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= COUNT_MAX:
        raise InvalidInputError("limit", limit, f"must be a whole number from 1 to {COUNT_MAX}")
    return region_prefix, pair, since, limit


def report_pages(
    store: Store,
    *,
    region_prefix: str | None = None,
    updated_from: datetime | None = None,
    page: int = 1000,
) -> Iterator[list[FactsRow]]:
    """Every row's :class:`FactsRow` (with ``region_prefix``: those in the region;
    with ``updated_from``: at least those updated at or after it), in pages of up to
    ``page`` rows ordered by ``(region, complaint_id)``.

    Reads :meth:`~sp4n.adapters.Store.report_facts`; for a store without it, whole rows
    through :func:`~sp4n.adapters.query_rows` (then ``updated_from`` filters nothing).
    """
    narrow = getattr(store, "report_facts", None)
    if narrow is not None:
        after: tuple[str, str] | None = None
        while True:
            found: list[FactsRow] = narrow(
                region_prefix=region_prefix, after=after, updated_from=updated_from, limit=page
            )
            if found:
                yield found
            if len(found) < page:
                return
            after = (found[-1].region, found[-1].complaint_id)
    last: ComplaintRow | None = None
    while True:
        rows = query_rows(store, RowQuery(region_prefix=region_prefix, limit=page, after=last))
        if rows:
            yield [FactsRow.of(row) for row in rows]
        if len(rows) < page:
            return
        last = rows[-1]
