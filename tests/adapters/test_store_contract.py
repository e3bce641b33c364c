"""Every built-in store passes the conformance suite plugin authors run on theirs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import attrs
import pytest

from sp4n.adapters import AppendRequest, MemoryStore, Store
from sp4n.testing import FrozenClock, StoreContract


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self, store_factory: Callable[..., Store]) -> Store:
        return store_factory("memory://")


class TestSqliteStore(StoreContract):
    @pytest.fixture
    def store(self, store_factory: Callable[..., Store], sqlite_url: str) -> Store:
        return store_factory(sqlite_url)


class TestSqliteInMemoryStore(StoreContract):
    @pytest.fixture
    def store(self, store_factory: Callable[..., Store]) -> Store:
        return store_factory("sqlite:///:memory:")


@pytest.mark.postgres
class TestPostgresStore(StoreContract):
    @pytest.fixture
    def store(self, store_factory: Callable[..., Store], postgres_url: str) -> Store:
        return store_factory(postgres_url)


class _LaxStore(MemoryStore):
    """A broken store: it ignores expected_version (last writer wins)."""

    def append_many(self, batch: Sequence[AppendRequest]) -> tuple[int, ...]:
        fixed = []
        for request in batch:
            actual = self.version(request.complaint_id)
            events = tuple(
                attrs.evolve(e, seq=actual + i + 1) for i, e in enumerate(request.events)
            )
            row = attrs.evolve(request.row, version=actual + len(events))
            fixed.append(
                attrs.evolve(request, expected_version=actual, events=events, row=row, outbox=())
            )
        return super().append_many(fixed)


class _ForgetfulOutboxStore(MemoryStore):
    """A broken store: it hands delivered messages out again."""

    def mark_delivered(self, message_id: str, *, at: datetime | None = None) -> None:
        self._message(message_id)


@pytest.mark.parametrize(
    ("broken", "test"),
    [
        (_LaxStore, "test_stale_expected_version_raises_and_writes_nothing"),
        (_LaxStore, "test_second_creation_of_a_stream_conflicts"),
        (_ForgetfulOutboxStore, "test_delivery_is_recorded_once_and_never_handed_out_again"),
    ],
)
def test_the_contract_catches_broken_stores(
    broken: type[MemoryStore], test: str, frozen_clock: FrozenClock
) -> None:
    with pytest.raises((AssertionError, pytest.fail.Exception)):
        getattr(StoreContract(), test)(broken(clock=frozen_clock))
