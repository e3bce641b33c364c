"""The storage conformance suite: a test-class mixin every storage adapter must pass.

Use it the way the ``holidays`` project uses ``CommonCountryTests``::

    import pytest
    from sp4n.testing import StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store(self, tmp_path):
            store = MyStore(f"mine://{tmp_path}")
            yield store
            store.close()

Each test starts from an empty store and checks one promise of
:class:`sp4n.adapters.Store`: append and load, versions and optimistic concurrency, atomic
batches, queries and their order, the transactional outbox and its idempotence.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from sp4n.adapters import (
    AppendRequest,
    ComplaintRow,
    FactsRow,
    ReportShape,
    RowQuery,
    Store,
    report_shapes,
)
from sp4n.errors import ConcurrencyError, InvalidInputError, NaiveDatetimeError, NotFoundError
from sp4n.testing._builders import BASE_TIME, make_event, make_message, make_request, make_row

__all__ = ["StoreContract"]


def _tally(shapes: Iterable[ReportShape]) -> Counter[tuple[Any, ...]]:
    """Rows per shape, whether a store groups them or not (the fallback's count is 1 each)."""
    out: Counter[tuple[Any, ...]] = Counter()
    for shape in shapes:
        facts = json.dumps(dict(shape.facts), sort_keys=True)
        out[shape.region, shape.status, shape.next_due, facts, shape.complaint_id] += shape.rows
    return out


def _state(store: Store, *complaint_ids: str) -> tuple[object, ...]:
    """Everything observable about some complaints, to prove nothing was written."""
    streams = tuple((store.version(cid), store.load(cid), store.get(cid)) for cid in complaint_ids)
    return (*streams, tuple(store.pending_outbox(now=BASE_TIME + timedelta(days=3650), limit=1000)))


class StoreContract:
    """Conformance tests for a :class:`sp4n.adapters.Store`; override the ``store`` fixture."""

    @pytest.fixture
    def store(self) -> Store:
        """The store under test, empty; a subclass must override this fixture."""
        raise NotImplementedError("override the `store` fixture in your StoreContract subclass")

    # -- append and load ---------------------------------------------------------------------

    def test_satisfies_the_store_protocol(self, store: Store) -> None:
        assert isinstance(store, Store)
        assert isinstance(store.url, str)

    def test_unknown_complaint_is_empty(self, store: Store) -> None:
        assert store.load("nope") == ()
        assert store.version("nope") == 0
        assert store.get("nope") is None
        assert store.by_tracking_id("LAP-nope") is None
        assert store.query() == []

    def test_append_returns_new_version_and_load_round_trips(self, store: Store) -> None:
        events = [
            make_event("c1", 1, payload={"title": "Jalan berlubang di Bengkayang", "n": [1, 2]}),
            make_event("c1", 2, payload={"nested": {"ok": True, "none": None}, "x": 1.5}),
        ]
        row = make_row("c1", 2, title="Jalan berlubang — Bengkayang")
        assert store.append("c1", 0, events, row=row) == 2
        assert store.load("c1") == tuple(events)
        assert store.version("c1") == 2
        assert store.get("c1") == row
        assert store.by_tracking_id("LAP-c1") == row

    def test_loaded_events_keep_utc_instants_and_actors(self, store: Store) -> None:
        event = make_event("c1", 1)
        store.append("c1", 0, [event], row=make_row("c1", 1))
        (loaded,) = store.load("c1")
        assert loaded.occurred_at == event.occurred_at
        assert loaded.occurred_at.utcoffset() == timedelta(0)
        assert loaded.actor == event.actor
        assert loaded.id == event.id

    def test_appends_continue_the_stream(self, store: Store) -> None:
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
        version = store.append(
            "c1", 1, [make_event("c1", 2), make_event("c1", 3)], row=make_row("c1", 3)
        )
        assert version == 3
        assert [event.seq for event in store.load("c1")] == [1, 2, 3]
        row = store.get("c1")
        assert row is not None
        assert row.version == 3

    def test_streams_are_independent(self, store: Store) -> None:
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
        store.append("c2", 0, [make_event("c2", 1)], row=make_row("c2", 1))
        store.append("c2", 1, [make_event("c2", 2)], row=make_row("c2", 2))
        assert store.version("c1") == 1
        assert store.version("c2") == 2
        assert {event.complaint_id for event in store.load("c2")} == {"c2"}

    # -- optimistic concurrency ----------------------------------------------------------------

    def test_stale_expected_version_raises_and_writes_nothing(self, store: Store) -> None:
        store.append("c1", 0, [make_event("c1", 1), make_event("c1", 2)], row=make_row("c1", 2))
        before = _state(store, "c1")
        with pytest.raises(ConcurrencyError) as info:
            store.append(
                "c1",
                1,
                [make_event("c1", 2)],
                row=make_row("c1", 2, status="archived"),
                outbox=[make_message("c1", 2, id="late")],
            )
        assert (info.value.complaint_id, info.value.expected, info.value.actual) == ("c1", 1, 2)
        assert _state(store, "c1") == before

    def test_second_creation_of_a_stream_conflicts(self, store: Store) -> None:
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
        with pytest.raises(ConcurrencyError) as info:
            store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
        assert info.value.actual == 1
        assert len(store.load("c1")) == 1

    def test_expected_version_ahead_of_the_stream_conflicts(self, store: Store) -> None:
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
        with pytest.raises(ConcurrencyError) as info:
            store.append("c1", 4, [make_event("c1", 5)], row=make_row("c1", 5))
        assert (info.value.expected, info.value.actual) == (4, 1)
        assert store.version("c1") == 1

    def test_retry_after_conflict_succeeds(self, store: Store) -> None:
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
        with pytest.raises(ConcurrencyError):
            store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
        current = store.version("c1")
        assert store.append("c1", current, [make_event("c1", 2)], row=make_row("c1", 2)) == 2

    # -- invalid appends -----------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("case", "field"),
        [
            ("no events", "events"),
            ("gap in seq", "events[0].seq"),
            ("other complaint's event", "events[0].complaint_id"),
            ("row of another complaint", "row.complaint_id"),
            ("row at the wrong version", "row.version"),
            ("message of another event", "outbox[0].event_seq"),
            ("negative expected version", "expected_version"),
        ],
    )
    def test_inconsistent_append_is_rejected_and_writes_nothing(
        self, store: Store, case: str, field: str
    ) -> None:
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
        before = _state(store, "c1", "c2")
        arguments = {
            "no events": ("c1", 1, [], make_row("c1", 2), []),
            "gap in seq": ("c1", 1, [make_event("c1", 3)], make_row("c1", 3), []),
            "other complaint's event": ("c1", 1, [make_event("c2", 2)], make_row("c1", 2), []),
            "row of another complaint": ("c1", 1, [make_event("c1", 2)], make_row("c2", 2), []),
            "row at the wrong version": ("c1", 1, [make_event("c1", 2)], make_row("c1", 7), []),
            "message of another event": (
                "c1",
                1,
                [make_event("c1", 2)],
                make_row("c1", 2),
                [make_message("c1", 1)],
            ),
            "negative expected version": ("c1", -1, [make_event("c1", 1)], make_row("c1", 1), []),
        }[case]
        complaint_id, expected, events, row, outbox = arguments
        with pytest.raises(InvalidInputError) as info:
            store.append(complaint_id, expected, events, row=row, outbox=outbox)
        assert info.value.field == field
        assert _state(store, "c1", "c2") == before

    def test_tracking_id_belongs_to_one_complaint(self, store: Store) -> None:
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1, tracking_id="LAP-1"))
        before = _state(store, "c1", "c2")
        with pytest.raises(InvalidInputError, match="tracking"):
            store.append("c2", 0, [make_event("c2", 1)], row=make_row("c2", 1, tracking_id="LAP-1"))
        assert _state(store, "c1", "c2") == before
        row = store.by_tracking_id("LAP-1")
        assert row is not None
        assert row.complaint_id == "c1"

    def test_tracking_id_is_unique_within_a_batch_too(self, store: Store) -> None:
        with pytest.raises(InvalidInputError, match="tracking"):
            store.append_many(
                [
                    make_request("c1", 0, 1, tracking_id="LAP-9"),
                    make_request("c2", 0, 1, tracking_id="LAP-9"),
                ]
            )
        assert (store.version("c1"), store.version("c2")) == (0, 0)

    def test_event_ids_are_unique_across_the_store(self, store: Store) -> None:
        first = make_event("c1", 1)
        store.append("c1", 0, [first], row=make_row("c1", 1))
        copy = make_event("c2", 1)
        clash = type(copy)(
            complaint_id="c2",
            seq=1,
            type=copy.type,
            occurred_at=copy.occurred_at,
            actor=copy.actor,
            payload=copy.payload,
            id=first.id,
        )
        with pytest.raises(InvalidInputError, match="event ids are unique"):
            store.append("c2", 0, [clash], row=make_row("c2", 1))
        assert store.version("c2") == 0

    # -- batches -------------------------------------------------------------------------------

    def test_append_many_returns_each_new_version(self, store: Store) -> None:
        versions = store.append_many(
            [make_request("c1", 0, 3), make_request("c2", 0, 1), make_request("c3", 0, 2)]
        )
        assert versions == (3, 1, 2)
        assert [store.version(cid) for cid in ("c1", "c2", "c3")] == [3, 1, 2]
        assert store.append_many([]) == ()

    def test_append_many_is_all_or_nothing(self, store: Store) -> None:
        store.append_many([make_request("c3", 0, 1)])
        before = _state(store, "c1", "c2", "c3")
        with pytest.raises(ConcurrencyError) as info:
            store.append_many(
                [make_request("c1", 0, 2), make_request("c2", 0, 1), make_request("c3", 0, 1)]
            )
        assert info.value.complaint_id == "c3"
        assert _state(store, "c1", "c2", "c3") == before

    def test_append_many_rejects_a_complaint_twice(self, store: Store) -> None:
        with pytest.raises(InvalidInputError, match="twice"):
            store.append_many([make_request("c1", 0, 1), make_request("c1", 1, 1)])
        assert store.version("c1") == 0

    # -- queries -------------------------------------------------------------------------------

    @pytest.fixture
    def populated(self, store: Store) -> Store:
        """Six complaints across regions, agencies, statuses and due dates."""
        rows: dict[str, dict[str, Any]] = {
            "a1": {"region": "61.07", "agency": "dpu-bky", "status": "forwarded",
                   "next_due": date(2026, 3, 4), "title": "Jalan RUSAK parah"},
            "a2": {"region": "61.07.01", "agency": "dpu-bky", "status": "verified",
                   "next_due": date(2026, 3, 10), "title": "Lampu jalan mati"},
            "a3": {"region": "61.71", "agency": "dinkes-ptk", "status": "forwarded",
                   "next_due": date(2026, 3, 3), "title": "Puskesmas tutup"},
            "a4": {"region": "61.07", "agency": None, "status": "submitted",
                   "next_due": None, "title": "Sampah menumpuk"},
            "a5": {"region": "51.03", "agency": "dpu-bdg", "status": "completed",
                   "next_due": None, "title": "jalan rusak di Badung"},
            "a6": {"region": "61.1", "agency": "x", "status": "forwarded",
                   "next_due": date(2026, 3, 4), "title": "Antrean"},
        }  # fmt: skip
        store.append_many(
            [
                AppendRequest(cid, 0, (make_event(cid, 1),), make_row(cid, 1, **changes))
                for cid, changes in reversed(list(rows.items()))
            ]
        )
        return store

    @staticmethod
    def _ids(rows: Sequence[ComplaintRow]) -> list[str]:
        return [row.complaint_id for row in rows]

    def test_query_without_filters_lists_by_complaint_id(self, populated: Store) -> None:
        assert self._ids(populated.query()) == ["a1", "a2", "a3", "a4", "a5", "a6"]

    def test_query_by_status_and_agency(self, populated: Store) -> None:
        assert self._ids(populated.query(status="forwarded")) == ["a1", "a3", "a6"]
        assert self._ids(populated.query(agency="dpu-bky")) == ["a1", "a2"]
        assert self._ids(populated.query(status="forwarded", agency="dpu-bky")) == ["a1"]
        assert populated.query(status="archived") == []

    def test_query_by_region_prefix_orders_by_region(self, populated: Store) -> None:
        assert self._ids(populated.query(region_prefix="61.07")) == ["a1", "a4", "a2"]
        assert self._ids(populated.query(region_prefix="61")) == ["a1", "a4", "a2", "a6", "a3"]
        assert self._ids(populated.query(region_prefix="5")) == ["a5"]
        assert populated.query(region_prefix="62") == []

    def test_report_facts_are_the_rows_report_columns_by_region(self, populated: Store) -> None:
        # decision 0230: the compliance report's narrow read, in (region, complaint_id) order
        every = populated.report_facts()
        assert [r.complaint_id for r in every] == ["a5", "a1", "a4", "a2", "a6", "a3"]
        by_id = {row.complaint_id: row for row in populated.query(limit=1000)}
        for found in every:
            row = by_id[found.complaint_id]
            assert found == FactsRow.of(row)
            assert found.updated_at.utcoffset() == timedelta(0)
        assert [r.complaint_id for r in populated.report_facts(region_prefix="61.07")] == [
            "a1",
            "a4",
            "a2",
        ]
        assert populated.report_facts(region_prefix="62") == []

    def test_report_facts_pages_by_keyset_and_filters_by_update(self, populated: Store) -> None:
        seen: list[str] = []
        after: tuple[str, str] | None = None
        while page := populated.report_facts(after=after, limit=4):
            seen += [r.complaint_id for r in page]
            after = (page[-1].region, page[-1].complaint_id)
        assert seen == ["a5", "a1", "a4", "a2", "a6", "a3"]
        (updated,) = {row.updated_at for row in populated.query(limit=1000)}
        wita = timezone(timedelta(hours=8))
        assert len(populated.report_facts(updated_from=updated.astimezone(wita))) == 6
        assert populated.report_facts(updated_from=updated + timedelta(microseconds=1)) == []

    def test_report_facts_keeps_stored_facts(self, store: Store) -> None:
        facts = {"submitted": "2026-03-02", "t1": True, "episodes": [["dpu", None, False, None]]}
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1, facts=facts))
        (found,) = store.report_facts()
        assert dict(found.facts) == facts

    @pytest.mark.parametrize(
        ("field", "kwargs"),
        [
            ("limit", {"limit": 0}),
            ("limit", {"limit": True}),
            ("after", {"after": "61.07"}),
            ("after", {"after": ("61.07", 3)}),
            ("region_prefix", {"region_prefix": "61\x00"}),
        ],
    )
    def test_report_facts_rejects_bad_arguments(
        self, store: Store, field: str, kwargs: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidInputError) as caught:
            store.report_facts(**kwargs)
        assert caught.value.field == field

    def test_report_facts_rejects_a_naive_instant(self, store: Store) -> None:
        with pytest.raises(NaiveDatetimeError):
            store.report_facts(updated_from=datetime(2026, 3, 1))  # noqa: DTZ001 - on purpose

    # -- the report's grouped read (decision 0270) --------------------------------------------

    @pytest.fixture
    def shaped(self, store: Store) -> Store:
        """Nine rows: shapes shared across complaints, a closed status whose ``next_due`` is
        left out, a row without facts and one updated later than the others."""
        one = {
            "submitted": "2026-03-02",
            "topic": "road",
            "channel": "web",
            "t1": True,
            "episodes": [["dpu", "followed_up", True, 2]],
            "escalations": [],
        }
        two = {**one, "t1": False, "escalations": ["dpu"]}
        rows: dict[str, dict[str, Any]] = {
            "s1": {"facts": one, "status": "forwarded", "next_due": date(2026, 3, 5)},
            "s2": {"facts": one, "status": "forwarded", "next_due": date(2026, 3, 5)},
            "s3": {"facts": one, "status": "forwarded", "next_due": date(2026, 3, 6)},
            "s4": {"facts": one, "status": "completed", "next_due": date(2026, 3, 5)},
            "s5": {"facts": one, "status": "completed", "next_due": None},
            "s6": {"facts": two, "status": "forwarded", "next_due": date(2026, 3, 5),
                   "region": "61.71"},
            "s7": {"facts": {}, "status": "forwarded", "next_due": date(2026, 3, 5)},
            "s8": {"facts": one, "status": "forwarded", "next_due": date(2026, 3, 5),
                   "updated_at": BASE_TIME + timedelta(days=2)},
            "s9": {"facts": two, "status": "forwarded", "next_due": date(2026, 3, 5),
                   "region": "61.71"},
        }  # fmt: skip
        store.append_many(
            [
                AppendRequest(cid, 0, (make_event(cid, 1),), make_row(cid, 1, **changes))
                for cid, changes in rows.items()
            ]
        )
        return store

    def test_report_shapes_count_rows_alike(self, shaped: Store) -> None:
        as_of = BASE_TIME + timedelta(days=1)
        found = _tally(report_shapes(shaped, as_of=as_of))
        row = {row.complaint_id: row for row in shaped.query(limit=1000)}
        one = json.dumps(dict(row["s1"].facts), sort_keys=True)
        two = json.dumps(dict(row["s6"].facts), sort_keys=True)
        assert found == {
            ("61.07", "forwarded", date(2026, 3, 5), one, None): 2,
            ("61.07", "forwarded", date(2026, 3, 6), one, None): 1,
            ("61.07", "completed", None, one, None): 2,  # a closed row's next_due is left out
            ("61.71", "forwarded", date(2026, 3, 5), two, None): 2,
            ("61.07", "forwarded", date(2026, 3, 5), "{}", "s7"): 1,  # no facts: stale
            ("61.07", "forwarded", date(2026, 3, 5), "{}", "s8"): 1,  # updated after as_of
        }
        later = _tally(report_shapes(shaped, as_of=BASE_TIME + timedelta(days=3)))
        assert later[("61.07", "forwarded", date(2026, 3, 5), one, None)] == 3
        assert sum(later.values()) == 9

    def test_report_shapes_filter_by_region_and_update(self, shaped: Store) -> None:
        as_of = (BASE_TIME + timedelta(days=3)).astimezone(timezone(timedelta(hours=8)))
        in_region = _tally(report_shapes(shaped, region_prefix="61.7", as_of=as_of))
        assert sum(in_region.values()) == 2
        assert {key[0] for key in in_region} == {"61.71"}
        assert report_shapes(shaped, region_prefix="62", as_of=as_of) is not None
        assert list(report_shapes(shaped, region_prefix="62", as_of=as_of)) == []
        recent = _tally(
            report_shapes(shaped, updated_from=BASE_TIME + timedelta(days=1), as_of=as_of)
        )
        assert sum(recent.values()) >= 1
        assert all(key[4] == "s8" or key[3] != "{}" for key in recent)
        if getattr(shaped, "report_shapes", None) is not None:  # the store's own read is exact
            assert sum(recent.values()) == 1

    def test_report_shapes_reject_bad_arguments(self, store: Store) -> None:
        as_of = BASE_TIME
        with pytest.raises(NaiveDatetimeError):
            list(report_shapes(store, as_of=datetime(2026, 3, 1)))  # noqa: DTZ001 - on purpose
        with pytest.raises(NaiveDatetimeError):
            list(report_shapes(store, as_of=as_of, updated_from=datetime(2026, 3, 1)))  # noqa: DTZ001
        with pytest.raises(InvalidInputError) as caught:
            list(report_shapes(store, region_prefix="61\x00", as_of=as_of))
        assert caught.value.field == "region_prefix"
        with pytest.raises(InvalidInputError) as caught:
            list(report_shapes(store, as_of=None))  # type: ignore[arg-type]
        assert caught.value.field == "as_of"
        grouped = getattr(store, "report_shapes", None)
        if grouped is not None:
            with pytest.raises(NaiveDatetimeError):
                grouped(as_of=datetime(2026, 3, 1))  # noqa: DTZ001 - on purpose

    def test_overdue_is_strictly_before_the_date_and_ordered_by_due(self, populated: Store) -> None:
        assert self._ids(populated.query(overdue_as_of=date(2026, 3, 4))) == ["a3"]
        assert self._ids(populated.query(overdue_as_of=date(2026, 3, 5))) == ["a3", "a1", "a6"]
        assert self._ids(
            populated.query(overdue_as_of=date(2026, 3, 5), region_prefix="61.07")
        ) == ["a1"]
        assert populated.query(overdue_as_of=date(2026, 3, 3)) == []

    def test_title_search_is_case_insensitive(self, populated: Store) -> None:
        assert self._ids(populated.query(title_contains="jalan rusak")) == ["a1", "a5"]
        assert self._ids(populated.query(title_contains="JALAN")) == ["a1", "a2", "a5"]
        assert populated.query(title_contains="50%_") == []

    def test_limit_and_offset_page_through_results(self, populated: Store) -> None:
        assert self._ids(populated.query(limit=2)) == ["a1", "a2"]
        assert self._ids(populated.query(limit=2, offset=2)) == ["a3", "a4"]
        assert populated.query(offset=10) == []
        with pytest.raises(InvalidInputError, match="limit"):
            populated.query(limit=0)
        with pytest.raises(InvalidInputError, match="offset"):
            populated.query(offset=-1)

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("title_contains", "jalan\x00"),
            ("title_contains", "jalan\ud800"),
            ("status", "forwarded\x00"),
            ("agency", "\x08"),
            ("region_prefix", "61\x00"),
            ("topic", "road\x1b"),
            ("statuses", ["forwarded", "x\x00"]),
            ("visibilities", ["public\udfff"]),
        ],
    )
    def test_filters_with_nul_controls_or_surrogates_are_typed_errors(
        self, populated: Store, name: str, value: object
    ) -> None:
        with pytest.raises(InvalidInputError) as caught:
            populated.query(**{name: value})
        assert caught.value.field == name
        assert "must not contain U+" in caught.value.rule

    _FOLDED_TITLES = (
        "STRASSE rusak",
        "Jalan Straße berlubang",
        "ÜBER Jembatan",
        "ſtraße lama",
        "ΣΟΦΊΑ kantor",
        "İzin usaha",
        "Kaﬁr ligatur",
    )

    @pytest.mark.parametrize(
        "needle",
        [
            "strasse",
            "STRASSE",
            "straße",
            "über",
            "ÜBER",
            "σοφία",
            "ΣΟΦΊΑ",
            "fi",
            "ﬁ",
            "İ",
            "i",
            "ss",
        ],
    )
    def test_title_search_folds_case_like_str_casefold_in_every_store(
        self, store: Store, needle: str
    ) -> None:
        """One definition of case-insensitive: ``needle.casefold() in title.casefold()``."""
        store.append_many(
            [
                AppendRequest(f"f{n}", 0, (make_event(f"f{n}", 1),), make_row(f"f{n}", 1, title=t))
                for n, t in enumerate(self._FOLDED_TITLES)
            ]
        )
        expected = [
            f"f{n}"
            for n, title in enumerate(self._FOLDED_TITLES)
            if needle.casefold() in title.casefold()
        ]
        assert self._ids(store.query(title_contains=needle)) == expected
        if needle == "straße":  # a spelling with ß finds the one written with ss, and back
            assert expected == ["f0", "f1", "f3"]

    def test_huge_limit_and_offset_are_typed_errors(self, populated: Store) -> None:
        assert self._ids(populated.query(limit=2**63 - 1, offset=5)) == ["a6"]
        assert populated.query(offset=2**63 - 1) == []
        with pytest.raises(InvalidInputError, match="limit"):
            populated.query(limit=2**63)
        with pytest.raises(InvalidInputError, match="offset"):
            populated.query(offset=10**30)

    def test_region_prefix_of_the_last_code_point_matches_nothing(self, populated: Store) -> None:
        assert populated.query(region_prefix="\U0010ffff") == []
        assert populated.query(region_prefix="6\U0010ffff") == []
        assert self._ids(populated.query(region_prefix="5")) == ["a5"]

    def test_load_many_returns_every_stream_in_one_call(self, store: Store) -> None:
        store.append_many(
            [make_request("c1", 0, 2), make_request("c2", 0, 1), make_request("c3", 0, 3)]
        )
        found = store.load_many(["c3", "nope", "c1", "c3"])
        assert list(found) == ["c3", "nope", "c1"]
        assert found["c1"] == store.load("c1")
        assert found["c3"] == store.load("c3")
        assert [event.seq for event in found["c3"]] == [1, 2, 3]
        assert found["nope"] == ()
        assert store.load_many([]) == {}

    def test_keyset_pages_follow_each_order(self, populated: Store) -> None:
        def walk(**filters: Any) -> list[str]:
            seen: list[str] = []
            page = populated.query(limit=2, **filters)
            while page:
                seen += self._ids(page)
                page = populated.query(limit=2, after=page[-1], **filters)
            return seen

        for filters in (
            {},
            {"region_prefix": "61"},
            {"overdue_as_of": date(2026, 3, 11)},
            {"status": "forwarded"},
            {"newest_first": True},
        ):
            assert walk(**filters) == self._ids(populated.query(**filters)), filters

    def test_keyset_after_rejects_an_offset_and_a_foreign_value(self, populated: Store) -> None:
        (first,) = populated.query(limit=1)
        with pytest.raises(InvalidInputError, match="after"):
            populated.query(after=first, offset=1)
        with pytest.raises(InvalidInputError, match="after"):
            populated.query(after="a1")
        undated = populated.get("a4")
        with pytest.raises(InvalidInputError, match="next_due"):
            populated.query(overdue_as_of=date(2026, 3, 11), after=undated)

    def test_next_action_is_stored_and_selects_rows_by_action_day(self, store: Store) -> None:
        days = {"n1": date(2026, 3, 5), "n2": date(2026, 3, 3), "n3": None, "n4": date(2026, 3, 3)}
        store.append_many(
            [
                AppendRequest(cid, 0, (make_event(cid, 1),), make_row(cid, 1, next_action=day))
                for cid, day in days.items()
            ]
        )
        assert store.get("n1") == make_row("n1", 1, next_action=date(2026, 3, 5))
        assert self._ids(store.query(action_due_by=date(2026, 3, 4))) == ["n2", "n4"]
        assert self._ids(store.query(action_due_by=date(2026, 3, 5))) == ["n2", "n4", "n1"]
        assert store.query(action_due_by=date(2026, 3, 2)) == []
        (first,) = store.query(action_due_by=date(2026, 3, 5), limit=1)
        assert self._ids(store.query(action_due_by=date(2026, 3, 5), after=first)) == [
            "n4",
            "n1",
        ]
        with pytest.raises(InvalidInputError, match="next_action"):
            store.query(action_due_by=date(2026, 3, 5), after=store.get("n3"))

    def test_report_facts_round_trip_with_the_row(self, store: Store) -> None:
        facts = {"submitted": "2026-03-02", "t1": True, "episodes": [["dpu", None, False, None]],
                 "escalations": [None, "dpu"]}  # fmt: skip
        row = make_row("f1", 1, facts=facts)
        store.append("f1", 0, [make_event("f1", 1)], row=row)
        assert store.get("f1") == row
        assert dict(store.query()[0].facts) == facts

    def test_reschedule_moves_only_rows_still_at_their_version(self, store: Store) -> None:
        store.append_many([make_request("r1", 0, 1), make_request("r2", 0, 2)])
        changed = store.reschedule(
            [("r1", 1, date(2026, 4, 1)), ("r2", 1, date(2026, 4, 1)), ("nope", 1, None)]
        )
        assert changed == 1
        assert store.get("r1") == make_row("r1", 1, next_action=date(2026, 4, 1))
        assert store.get("r2") == make_row("r2", 2)
        assert store.version("r1") == 1
        assert store.reschedule([("r1", 1, None)]) == 1
        assert store.get("r1") == make_row("r1", 1)
        assert store.reschedule([]) == 0
        with pytest.raises(InvalidInputError, match="next_action"):
            store.reschedule([("r1", 1, "2026-04-01")])  # type: ignore[list-item]

    def test_query_takes_one_query_value(self, populated: Store) -> None:
        assert getattr(populated, "accepts_row_query", False) is True
        for filters in (
            {},
            {"status": "forwarded", "agency": "dpu-bky"},
            {"region_prefix": "61", "limit": 2},
            {"overdue_as_of": date(2026, 3, 5), "offset": 1},
            {"title_contains": "jalan", "statuses": ("forwarded", "completed")},
        ):
            assert populated.query(RowQuery(**filters)) == populated.query(**filters), filters
        with pytest.raises(InvalidInputError, match="query"):
            populated.query(RowQuery(), status="forwarded")
        with pytest.raises(InvalidInputError, match="colour"):
            populated.query(colour="red")

    def test_projection_follows_the_latest_append(self, populated: Store) -> None:
        populated.append(
            "a1",
            1,
            [make_event("a1", 2)],
            row=make_row("a1", 2, status="followed_up", next_due=None, region="61.07"),
        )
        assert "a1" not in self._ids(populated.query(status="forwarded"))
        assert "a1" in self._ids(populated.query(status="followed_up"))
        assert "a1" not in self._ids(populated.query(overdue_as_of=date(2030, 1, 1)))

    # -- public lists (schema 3) -------------------------------------------------------------

    @pytest.fixture
    def listed(self, store: Store) -> Store:
        """Five complaints with submission instants, topics and visibilities; one undated."""
        day = timedelta(days=1)
        rows: dict[str, dict[str, Any]] = {
            "b1": {"submitted_at": BASE_TIME, "status": "forwarded", "topic": "land"},
            "b2": {"submitted_at": BASE_TIME + day, "status": "completed", "topic": "road",
                   "visibility": "anonymous"},
            "b3": {"submitted_at": BASE_TIME + day, "status": "archived", "topic": "land"},
            "b4": {"submitted_at": BASE_TIME + 2 * day, "status": "submitted", "topic": "land",
                   "visibility": "confidential"},
            "b5": {"submitted_at": None, "status": "verified", "topic": "land"},
        }  # fmt: skip
        store.append_many(
            [
                AppendRequest(cid, 0, (make_event(cid, 1),), make_row(cid, 1, **changes))
                for cid, changes in rows.items()
            ]
        )
        return store

    def test_submitted_at_and_listing_round_trip(self, store: Store) -> None:
        wib = timezone(timedelta(hours=7))
        listing = {"description": "Jalan berlubang", "lat": 0.85, "lon": 109.47,
                   "address": None, "expected_at": "2026-03-05T17:00:00+00:00",
                   "status_notes": None, "tags": ["a", "b"]}  # fmt: skip
        row = make_row(
            "c1", 1, submitted_at=datetime(2026, 3, 2, 9, 0, tzinfo=wib), listing=listing
        )
        store.append("c1", 0, [make_event("c1", 1)], row=row)
        stored = store.get("c1")
        assert stored == row
        assert stored is not None
        assert stored.submitted_at == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
        assert stored.submitted_at.utcoffset() == timedelta(0)
        assert dict(stored.listing) == listing
        assert store.query() == [row]
        bare = make_row("c2", 1)
        store.append("c2", 0, [make_event("c2", 1)], row=bare)
        assert store.get("c2") == bare
        assert store.get("c2").listing == {}  # type: ignore[union-attr]

    def test_newest_first_orders_by_submission_undated_last(self, listed: Store) -> None:
        assert self._ids(listed.query(newest_first=True)) == ["b4", "b3", "b2", "b1", "b5"]
        assert self._ids(listed.query(newest_first=True, limit=2, offset=1)) == ["b3", "b2"]
        pages = [listed.query(newest_first=True, limit=2)]
        while pages[-1]:
            pages.append(listed.query(newest_first=True, limit=2, after=pages[-1][-1]))
        assert [self._ids(page) for page in pages] == [["b4", "b3"], ["b2", "b1"], ["b5"], []]

    def test_public_list_filters(self, listed: Store) -> None:
        day = timedelta(days=1)
        public = ("public", "anonymous")
        assert self._ids(listed.query(visibilities=public, newest_first=True)) == [
            "b3", "b2", "b1", "b5"]  # fmt: skip
        assert self._ids(listed.query(topic="land", newest_first=True)) == ["b4", "b3", "b1", "b5"]
        closed = ("completed", "archived", "merged")
        assert self._ids(listed.query(statuses=closed, newest_first=True)) == ["b3", "b2"]
        assert listed.query(statuses=()) == []
        assert listed.query(visibilities=()) == []
        assert self._ids(listed.query(submitted_from=BASE_TIME + day, newest_first=True)) == [
            "b4",
            "b3",
            "b2",
        ]
        assert self._ids(listed.query(submitted_until=BASE_TIME + day, newest_first=True)) == [
            "b3",
            "b2",
            "b1",
        ]
        assert self._ids(
            listed.query(
                submitted_from=BASE_TIME + day / 2,
                submitted_until=BASE_TIME + day,
                topic="land",
                statuses=closed,
                visibilities=public,
            )
        ) == ["b3"]
        with pytest.raises(NaiveDatetimeError):
            listed.query(submitted_from=datetime(2026, 3, 2, 9, 0))  # noqa: DTZ001

    # -- outbox --------------------------------------------------------------------------------

    def test_outbox_is_written_with_the_events(self, store: Store) -> None:
        message = make_message("c1", 1)
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1), outbox=[message])
        assert store.pending_outbox(now=BASE_TIME + timedelta(days=1)) == [message]

    def test_pending_outbox_is_oldest_first_and_limited(self, store: Store) -> None:
        messages = [
            make_message("c1", 3, id="m3", created_at=BASE_TIME + timedelta(minutes=1)),
            make_message("c1", 1, id="m1", created_at=BASE_TIME),
            make_message("c1", 2, id="m2", created_at=BASE_TIME),
        ]
        events = [make_event("c1", seq) for seq in (1, 2, 3)]
        store.append("c1", 0, events, row=make_row("c1", 3), outbox=messages)
        now = BASE_TIME + timedelta(hours=1)
        assert [m.id for m in store.pending_outbox(now=now)] == ["m1", "m2", "m3"]
        assert [m.id for m in store.pending_outbox(now=now, limit=2)] == ["m1", "m2"]

    def test_failed_message_waits_until_retry_at(self, store: Store) -> None:
        store.append(
            "c1", 0, [make_event("c1", 1)], row=make_row("c1", 1), outbox=[make_message("c1", 1)]
        )
        (message,) = store.pending_outbox(now=BASE_TIME)
        retry_at = BASE_TIME + timedelta(minutes=5)
        store.mark_failed(message.id, error="SMTP 451 coba lagi", retry_at=retry_at)
        assert store.pending_outbox(now=retry_at - timedelta(seconds=1)) == []
        (again,) = store.pending_outbox(now=retry_at)
        assert (again.attempts, again.retry_at, again.last_error) == (
            1,
            retry_at,
            "SMTP 451 coba lagi",
        )
        store.mark_failed(message.id, error="again", retry_at=retry_at)
        assert store.pending_outbox(now=retry_at)[0].attempts == 2

    def test_delivery_is_recorded_once_and_never_handed_out_again(self, store: Store) -> None:
        store.append(
            "c1", 0, [make_event("c1", 1)], row=make_row("c1", 1), outbox=[make_message("c1", 1)]
        )
        (message,) = store.pending_outbox(now=BASE_TIME)
        store.mark_delivered(message.id, at=BASE_TIME + timedelta(seconds=1))
        store.mark_delivered(message.id, at=BASE_TIME + timedelta(seconds=9))
        store.mark_failed(message.id, error="late failure report", retry_at=BASE_TIME)
        assert store.pending_outbox(now=BASE_TIME + timedelta(days=30)) == []

    def test_enqueueing_the_same_message_id_keeps_one(self, store: Store) -> None:
        first = make_message("c1", 1, id="notify-once")
        store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1), outbox=[first])
        second = make_message("c1", 2, id="notify-once", template="other")
        store.append("c1", 1, [make_event("c1", 2)], row=make_row("c1", 2), outbox=[second])
        assert store.pending_outbox(now=BASE_TIME + timedelta(days=1)) == [first]

    def test_unknown_message_is_a_typed_error(self, store: Store) -> None:
        with pytest.raises(NotFoundError, match="no-such"):
            store.mark_delivered("no-such", at=BASE_TIME)
        with pytest.raises(NotFoundError, match="no-such"):
            store.mark_failed("no-such", error="x", retry_at=BASE_TIME)

    def test_outbox_rejects_naive_instants(self, store: Store) -> None:
        with pytest.raises(NaiveDatetimeError):
            store.pending_outbox(now=datetime(2026, 3, 2, 9, 0))  # noqa: DTZ001
        store.append(
            "c1", 0, [make_event("c1", 1)], row=make_row("c1", 1), outbox=[make_message("c1", 1)]
        )
        with pytest.raises(NaiveDatetimeError):
            store.mark_failed("c1:1:reporter", error="x", retry_at=datetime(2026, 3, 2))  # noqa: DTZ001
        assert store.pending_outbox(now=datetime(2026, 3, 3, tzinfo=UTC))[0].attempts == 0
