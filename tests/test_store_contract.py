"""Every built-in store passes the conformance suite plugin authors run on theirs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sp4n.adapters import Store
from sp4n.testing import StoreContract


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
