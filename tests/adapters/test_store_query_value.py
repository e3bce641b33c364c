"""``RowQuery``: one frozen value for ``Store.query``'s filters (decision 0183)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from sp4n.adapters import ComplaintRow, MemoryStore, RowQuery, query_rows
from sp4n.errors import InvalidInputError, NaiveDatetimeError
from sp4n.testing import FrozenClock, make_event, make_row

CLOCK = FrozenClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))


class KeywordStore:
    """A third-party store from before RowQuery: its ``query`` takes keywords only."""

    def __init__(self) -> None:
        self._inner = MemoryStore(clock=CLOCK)
        self.url = "kw://"
        self.calls: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        if name == "accepts_row_query":  # it does not announce the value form
            raise AttributeError(name)
        return getattr(self._inner, name)

    def query(self, **filters: Any) -> list[ComplaintRow]:
        self.calls.append(filters)
        return self._inner.query(**filters)


def test_the_value_is_frozen_and_checks_its_fields() -> None:
    query = RowQuery(status="forwarded", statuses=["forwarded"], limit=5)
    assert query.statuses == ("forwarded",)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        query.limit = 6  # type: ignore[misc]
    with pytest.raises(InvalidInputError, match="limit"):
        RowQuery(limit=0)
    with pytest.raises(InvalidInputError, match="offset"):
        RowQuery(offset=-1)
    with pytest.raises(NaiveDatetimeError):
        RowQuery(submitted_from=dt.datetime(2026, 3, 2, 9, 0))
    with pytest.raises(InvalidInputError, match="statuses"):
        RowQuery(statuses="forwarded")
    with pytest.raises(InvalidInputError, match="overdue_as_of"):
        RowQuery(overdue_as_of="2026-03-02")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="after"):
        RowQuery(after="c1")  # type: ignore[arg-type]
    assert RowQuery(status="x", limit=5).keywords() == {"status": "x", "limit": 5}


def test_a_keyword_only_store_still_answers_with_a_deprecation_warning() -> None:
    store = KeywordStore()
    store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
    with pytest.warns(DeprecationWarning, match="RowQuery"):
        rows = query_rows(store, RowQuery(region_prefix="61", limit=5))  # type: ignore[arg-type]
    assert [row.complaint_id for row in rows] == ["c1"]
    assert store.calls == [{"region_prefix": "61", "limit": 5}]


def test_a_value_store_gets_the_value_without_a_warning() -> None:
    store = MemoryStore(clock=CLOCK)
    store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
    assert query_rows(store, RowQuery(status=make_row("c1", 1).status)) == [make_row("c1", 1)]
