"""``ReportShape`` and the grouped read of the compliance report (decision 0270).

A row's report facts (decision 0184) hold nothing that names the complaint: its local
submission date, topic, channel, T1 outcome, forwardings and escalations. Many complaints
share the same facts, region, status and (for an open one) ``next_due``: one *shape*.
The SQL stores' ``report_shapes`` lets the database count the rows of each shape
(``GROUP BY``), so the report decodes and folds each shape once, with its count.

Rows whose stored facts do not hold as of the report's instant (no facts, or updated after
it) cannot be grouped: each comes back as its own shape, with its ``complaint_id`` and a
count of 1, and the report computes its facts from its events.
:func:`report_shapes` builds the same shapes, one per row, from the narrow read
(:func:`~sp4n.adapters.report_pages`) for a store without the method.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sp4n._text import check_clean
from sp4n._time import to_utc
from sp4n.adapters._facts import FactsRow, report_pages
from sp4n.errors import InvalidInputError
from sp4n.lifecycle._status import CLOSED_STATUSES

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.adapters._store import Store

__all__ = ["CLOSED_STATUS_VALUES", "ReportShape", "check_shapes_args", "report_shapes"]

CLOSED_STATUS_VALUES = tuple(sorted(status.value for status in CLOSED_STATUSES))
"""Statuses whose ``next_due`` a shape leaves out (``None``): the report counts a complaint
as overdue only while it is open."""


class ReportShape(NamedTuple):
    """Rows the compliance report counts alike (decision 0270).

    ``region``, ``status``, ``next_due`` (``None`` for a closed status, whatever the row
    holds), ``facts`` (the rows' report facts; ``{}`` for a stale row) and ``rows`` (how
    many rows share them). ``complaint_id`` is ``None`` for such a group; for a *stale* row,
    one whose stored facts do not hold as of the report's instant (it has none, or it was
    updated after that instant), it is the row's id, ``rows`` is 1 and the report computes
    its facts from its events.
    """

    region: str
    status: str
    next_due: date | None
    facts: Mapping[str, Any]
    rows: int
    complaint_id: str | None = None


def check_shapes_args(
    region_prefix: object, updated_from: object, as_of: object
) -> tuple[str | None, datetime | None, datetime]:
    """The checked arguments of ``report_shapes``: text without control characters, and
    aware instants (in UTC); ``as_of`` is required."""
    if region_prefix is not None:
        if not isinstance(region_prefix, str):
            raise InvalidInputError("region_prefix", region_prefix, "must be text")
        check_clean("region_prefix", region_prefix)
    since = None if updated_from is None else to_utc("updated_from", updated_from)
    if as_of is None:
        raise InvalidInputError("as_of", as_of, "must be an aware date and time")
    return region_prefix, since, to_utc("as_of", as_of)


def _shape(row: FactsRow, as_of: datetime) -> ReportShape:
    """The shape of one row (count 1), stale when its facts do not hold as of ``as_of``."""
    due = None if row.status in CLOSED_STATUS_VALUES else row.next_due
    if not row.facts or row.updated_at > as_of:
        return ReportShape(row.region, row.status, due, {}, 1, row.complaint_id)
    return ReportShape(row.region, row.status, due, row.facts, 1)


def report_shapes(
    store: Store,
    *,
    region_prefix: str | None = None,
    updated_from: datetime | None = None,
    as_of: datetime,
) -> Iterator[ReportShape]:
    """Every row's shape as of ``as_of`` (with ``region_prefix``: rows in the region; with
    ``updated_from``: at least the rows updated at or after it), grouped and counted.

    Reads ``store.report_shapes`` when the store has it (the SQL stores: one ``GROUP BY``);
    otherwise builds one shape per row (count 1) from
    :func:`~sp4n.adapters.report_pages`, so the report has one fold for every store.
    """
    prefix, since, instant = check_shapes_args(region_prefix, updated_from, as_of)
    grouped = getattr(store, "report_shapes", None)
    if grouped is not None:
        found: list[ReportShape] = grouped(region_prefix=prefix, updated_from=since, as_of=instant)
        yield from found
        return
    for page in report_pages(store, region_prefix=prefix, updated_from=since):
        for row in page:
            yield _shape(row, instant)
