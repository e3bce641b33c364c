"""The plugin system: the plugin manager, every hook, and meta-tests that keep it honest."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import pluggy
import pytest

import sp4n
from sp4n.adapters import (
    BUILTIN_ADAPTERS,
    DEFAULT_STORE_URL,
    Adapters,
    MemoryStore,
    describe_plugins,
    hookimpl,
    open_store,
    plugin_manager,
)
from sp4n.adapters import hookspecs as specs
from sp4n.errors import PluginError, UnknownStoreSchemeError
from sp4n.testing import FrozenClock, make_event, make_row

ROOT = Path(__file__).resolve().parents[2]
Register = Callable[..., object]


def hook_names(pm: pluggy.PluginManager) -> list[str]:
    return sorted(name for name in dir(pm.hook) if name.startswith("sp4n_"))


# -- the manager ---------------------------------------------------------------------------------


def test_hookimpl_is_one_object_everywhere() -> None:
    assert sp4n.hookimpl is hookimpl
    assert sp4n.adapters.NAME == "sp4n"


def test_import_builds_no_manager_and_sp4n_stays_light() -> None:
    code = textwrap.dedent(
        """
        import sys, sp4n
        light = "pluggy" not in sys.modules
        import pluggy, sp4n.adapters, sp4n.adapters.hookspecs
        managers = [v for v in vars(sp4n.adapters).values() if isinstance(v, pluggy.PluginManager)]
        print(light, managers == [], "sqlite3" in sys.modules, "psycopg" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "False", "False"]


def test_builtins_register_through_the_storage_hook(pm: pluggy.PluginManager) -> None:
    assert [info.name for info in describe_plugins(pm)] == list(BUILTIN_ADAPTERS)
    assert {info.source for info in describe_plugins(pm)} == {"builtin"}
    assert Adapters(pm).storage_plugins() == {
        "memory": "sp4n.adapters._memory",
        "sqlite": "sp4n.adapters._sqlite",
        "postgresql": "sp4n.adapters._postgres",
        "postgres": "sp4n.adapters._postgres",
    }


def test_blocked_builtin_is_not_registered() -> None:
    pm = plugin_manager(load_entrypoints=False, blocked=["sp4n.adapters._sqlite"])
    assert "sqlite" not in Adapters(pm).storage_factories()
    with pytest.raises(UnknownStoreSchemeError, match=r"sqlite:///x\.db"):
        open_store("sqlite:///x.db", pm=pm)
    with pytest.raises(ValueError, match="collection of plugin names"):
        plugin_manager(blocked="sp4n.adapters._sqlite")


class Misspelled:
    @hookimpl
    def sp4n_register_storag(self, register: Register) -> None:
        register("typo", MemoryStore)


def test_misspelled_hookimpl_fails_check_pending(pm: pluggy.PluginManager) -> None:
    pm.register(Misspelled(), name="misspelled")
    with pytest.raises(pluggy.PluginValidationError, match="sp4n_register_storag"):
        pm.check_pending()


def test_register_plugin_fixture_rejects_a_misspelled_hook(
    pm: pluggy.PluginManager, register_plugin: Register
) -> None:
    with pytest.raises(pluggy.PluginValidationError):
        register_plugin(Misspelled(), name="misspelled")
    assert pm.get_plugin("misspelled") is None


def test_unknown_hook_argument_fails_at_registration(pm: pluggy.PluginManager) -> None:
    class WrongArgs:
        @hookimpl
        def sp4n_calendar_overlays(self, region: str | None, province: str) -> list[object]:
            return []

    with pytest.raises(pluggy.PluginValidationError, match="province"):
        pm.register(WrongArgs())


def _install_dist(root: Path, module: str, source: str, entry_name: str) -> None:
    """Write a module and a *.dist-info with an ``sp4n`` entry point under ``root``."""
    (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = root / f"{module.replace('_', '-')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 1.2.3\n",
        encoding="utf-8",
    )
    (info / "entry_points.txt").write_text(f"[sp4n]\n{entry_name} = {module}\n", encoding="utf-8")


def test_entry_point_plugins_load_and_are_described(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_dist(
        tmp_path,
        "sp4n_demo_region",
        """
        import sp4n

        @sp4n.hookimpl
        def sp4n_default_store_url():
            return "memory://from-entry-point"
        """,
        "demo_region",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    pm = plugin_manager()
    info = {plugin.name: plugin for plugin in describe_plugins(pm)}["demo_region"]
    assert (info.source, info.distribution, info.version) == (
        "entrypoint",
        "sp4n-demo-region",
        "1.2.3",
    )
    assert info.hooks == ("sp4n_default_store_url",)
    assert Adapters(pm).default_store_url() == "memory://from-entry-point"
    blocked = plugin_manager(blocked=["demo_region"])
    assert Adapters(blocked).default_store_url() == DEFAULT_STORE_URL


def test_misspelled_entry_point_plugin_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_dist(
        tmp_path,
        "sp4n_typo_plugin",
        """
        import sp4n

        @sp4n.hookimpl
        def sp4n_complaint_transitoned(event, row, previous_status):
            pass
        """,
        "typo",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(pluggy.PluginValidationError, match="sp4n_complaint_transitoned"):
        plugin_manager()


# -- one test per hook ---------------------------------------------------------------------------


def test_hook_sp4n_register_storage(
    pm: pluggy.PluginManager, register_plugin: Register, frozen_clock: FrozenClock
) -> None:
    opened: list[str] = []

    class Demo:
        @hookimpl
        def sp4n_register_storage(self, register: specs.RegisterStorage) -> None:
            def factory(url: str, *, clock: Callable[[], Any]) -> MemoryStore:
                opened.append(url)
                return MemoryStore(url, clock=clock)

            register("Demo", factory)

    register_plugin(Demo(), name="demo")
    store = open_store("demo://anywhere", pm=pm, clock=frozen_clock)
    assert isinstance(store, MemoryStore)
    assert opened == ["demo://anywhere"]
    assert Adapters(pm).storage_plugins()["demo"] == "demo"

    class Clash:
        @hookimpl
        def sp4n_register_storage(self, register: specs.RegisterStorage) -> None:
            register("sqlite", MemoryStore)

    register_plugin(Clash(), name="clash")
    with pytest.raises(PluginError, match="'sqlite' is registered twice") as info:
        Adapters(pm).storage_factories()
    assert {info.value.data["plugin"], info.value.data["other"]} == {
        "clash",
        "sp4n.adapters._sqlite",
    }


def test_hook_sp4n_register_storage_rejects_a_non_callable_factory(
    pm: pluggy.PluginManager, register_plugin: Register
) -> None:
    class Broken:
        @hookimpl
        def sp4n_register_storage(self, register: Any) -> None:
            register("broken", "not a factory")

    register_plugin(Broken(), name="broken")
    with pytest.raises(PluginError, match="not callable"):
        Adapters(pm).storage_factories()


def test_hook_sp4n_default_store_url(pm: pluggy.PluginManager, register_plugin: Register) -> None:
    assert Adapters(pm).default_store_url() == "sqlite:///sp4n.db"

    class Abstains:
        @hookimpl
        def sp4n_default_store_url(self) -> str | None:
            return None

    class Chooses:
        @hookimpl
        def sp4n_default_store_url(self) -> str | None:
            return "postgresql://sp4n@db.kalbarprov.go.id/sp4n"

    register_plugin(Chooses(), name="chooses")
    register_plugin(Abstains(), name="abstains")  # called first, returns None: not the answer
    assert Adapters(pm).default_store_url() == "postgresql://sp4n@db.kalbarprov.go.id/sp4n"


def test_hook_sp4n_register_notifiers(pm: pluggy.PluginManager, register_plugin: Register) -> None:
    class Pager:
        @hookimpl
        def sp4n_register_notifiers(self, register: specs.RegisterNotifier) -> None:
            register("pager", lambda settings: SimpleNamespace(name="pager", **settings))

    register_plugin(Pager(), name="pager-plugin")
    notifier = Adapters(pm).notifier_factories()["pager"]({"endpoint": "https://pager.example"})
    assert notifier.endpoint == "https://pager.example"  # type: ignore[attr-defined]

    register_plugin(Pager(), name="pager-again")
    with pytest.raises(PluginError, match="notifier 'pager' is registered twice"):
        Adapters(pm).notifier_factories()


def test_hook_sp4n_register_channels(pm: pluggy.PluginManager, register_plugin: Register) -> None:
    class Telegram:
        @hookimpl
        def sp4n_register_channels(self, register: specs.RegisterChannel) -> None:
            register("telegram", lambda settings: ("telegram", dict(settings)))

    assert sorted(Adapters(pm).channel_factories()) == ["sms", "whatsapp"]  # the built-ins
    register_plugin(Telegram(), name="tg")
    factory = Adapters(pm).channel_factories()["telegram"]
    assert factory({"token": "t"}) == ("telegram", {"token": "t"})

    class Nameless:
        @hookimpl
        def sp4n_register_channels(self, register: specs.RegisterChannel) -> None:
            register(" ", lambda settings: None)

    register_plugin(Nameless(), name="nameless")
    with pytest.raises(PluginError, match="non-empty string"):
        Adapters(pm).channel_factories()


def test_hook_sp4n_affairs_rows(pm: pluggy.PluginManager, register_plugin: Register) -> None:
    def plugin(level: str) -> object:
        class Rows:
            @hookimpl
            def sp4n_affairs_rows(self) -> list[Mapping[str, Any]]:
                return [{"topic": "pendidikan.sma", "level": level, "certainty": "read"}]

        return Rows()

    assert Adapters(pm).affairs_rows() == ()
    register_plugin(plugin("province"), name="first")
    register_plugin(plugin("regency"), name="second")
    assert [row["level"] for row in Adapters(pm).affairs_rows()] == ["province", "regency"]


def test_hook_sp4n_routing_rules(pm: pluggy.PluginManager, register_plugin: Register) -> None:
    """The old name of ``sp4n_affairs_rows`` still works, with a DeprecationWarning."""

    class Old:
        @hookimpl
        def sp4n_routing_rules(self) -> list[Mapping[str, Any]]:
            return [{"topic": "pendidikan.sma", "level": "province", "certainty": "read"}]

    class New:
        @hookimpl
        def sp4n_affairs_rows(self) -> list[Mapping[str, Any]]:
            return [{"topic": "pendidikan.sma", "level": "regency", "certainty": "read"}]

    with pytest.warns(DeprecationWarning, match="sp4n_routing_rules.*sp4n_affairs_rows"):
        register_plugin(Old(), name="old")
    register_plugin(New(), name="new")
    assert [row["level"] for row in Adapters(pm).affairs_rows()] == ["province", "regency"]
    assert Adapters(pm).routing_rules() == Adapters(pm).affairs_rows()


def test_cli_db_default_is_a_plugins_store_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``--db`` the CLI opens the store a deployment plugin names (issue 16)."""
    from sp4n.cli import main

    store = tmp_path / "deployment.db"
    _install_dist(
        tmp_path,
        "sp4n_deployment_store",
        f"""
        import sp4n

        @sp4n.hookimpl
        def sp4n_default_store_url():
            return {f"sqlite:///{store}"!r}
        """,
        "deployment_store",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    assert main(["list", "--json"]) == 2
    assert str(store) in capsys.readouterr().err  # read-only: names the plugin's file
    submit = ["submit", "--title", "Lampu mati", "--body", "Gelap.", "--region", "61.07"]
    assert main([*submit, "--email", "warga@example.org", "--json"]) == 0
    capsys.readouterr()
    assert store.exists()
    assert not (workdir / "sp4n.db").exists()
    assert main(["list", "--json"]) == 0
    assert '"Lampu mati"' in capsys.readouterr().out
    assert main(["outbox", "--json"]) == 0
    capsys.readouterr()
    assert not (workdir / "sp4n.db").exists()


def test_hook_sp4n_directory_entries(pm: pluggy.PluginManager, register_plugin: Register) -> None:
    seen: list[str | None] = []

    class Directory:
        @hookimpl
        def sp4n_directory_entries(self, region: str | None) -> list[Mapping[str, Any]]:
            seen.append(region)
            if region and region.startswith("61.07"):
                return [{"id": "dpupr-bengkayang", "region": "61.07"}]
            return []

    register_plugin(Directory(), name="directory")
    assert [row["id"] for row in Adapters(pm).directory_entries(region="61.07.01")] == [
        "dpupr-bengkayang"
    ]
    assert Adapters(pm).directory_entries(region="51") == ()
    assert seen == ["61.07.01", "51"]


def test_hook_sp4n_calendar_overlays(pm: pluggy.PluginManager, register_plugin: Register) -> None:
    class Flood:
        @hookimpl
        def sp4n_calendar_overlays(self, region: str | None) -> list[Mapping[str, Any]]:
            return [{"date": "2026-10-28", "kind": "closure", "region": region}]

    register_plugin(Flood(), name="flood")
    (overlay,) = Adapters(pm).calendar_overlays(region="61")
    assert (overlay["kind"], overlay["region"]) == ("closure", "61")
    assert Adapters(pm).calendar_overlays()[0]["region"] is None


def test_hook_sp4n_policy_overrides(pm: pluggy.PluginManager, register_plugin: Register) -> None:
    class Province:
        @hookimpl
        def sp4n_policy_overrides(
            self, policy: str, region: str | None, agency: str | None
        ) -> Mapping[str, Mapping[str, Any]] | None:
            if region and region.startswith("61"):
                return {"T2": {"length": 4, "citation": "Pergub"}, "T1": {"length": 2}}
            return None

    class Regency:
        @hookimpl
        def sp4n_policy_overrides(self, policy: str, region: str | None) -> Any:
            return {"T2": {"length": 3}} if region == "61.07" else None

    register_plugin(Province(), name="province")
    register_plugin(Regency(), name="regency")
    adapters = Adapters(pm)
    assert adapters.policy_overrides(policy="lapor", region="61.07") == {
        "T2": {"length": 3, "citation": "Pergub"},
        "T1": {"length": 2},
    }
    assert adapters.policy_overrides(policy="lapor", region="61.71")["T2"]["length"] == 4
    assert adapters.policy_overrides(policy="lapor", region="51.03") == {}


def test_hook_sp4n_complaint_transitioned(
    pm: pluggy.PluginManager, register_plugin: Register
) -> None:
    received: list[tuple[Any, ...]] = []

    class Observer:
        @hookimpl
        def sp4n_complaint_transitioned(
            self, event: Any, row: Any, previous_status: str | None
        ) -> None:
            received.append((event, row, previous_status))
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                row.status = "hacked"
            with pytest.raises(TypeError):
                event.payload["note"] = "hacked"

    register_plugin(Observer(), name="observer")
    event = make_event("c1", 2)
    row = make_row("c1", 2, next_due=date(2026, 3, 9))
    Adapters(pm).complaint_transitioned(event=event, row=row, previous_status="submitted")
    assert received == [(event, row, "submitted")]
    assert row.status == "verified"


# -- meta-tests ----------------------------------------------------------------------------------


def test_every_hook_is_in_hookspecs_with_a_docstring(pm: pluggy.PluginManager) -> None:
    names = hook_names(pm)
    assert names == sorted(n for n in specs.__all__ if n.startswith("sp4n_"))
    for name in names:
        doc = inspect.getdoc(getattr(specs, name)) or ""
        assert ":returns:" in doc, name
        assert ".. versionadded::" in doc, name
        assert "Use in adapters" in doc, name
        firstresult = getattr(pm.hook, name).spec.opts.get("firstresult", False)
        assert ("Stops at first non-None result" in doc) == firstresult, name


def test_every_hook_is_documented_with_its_signature(pm: pluggy.PluginManager) -> None:
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    for name in hook_names(pm):
        args = ", ".join(getattr(pm.hook, name).spec.argnames)
        assert f"#### `{name}({args})`" in docs, f"{name}({args}) is not in docs/plugins.md"


def test_every_hook_has_a_test(pm: pluggy.PluginManager) -> None:
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    defined = set(re.findall(r"^def (test_hook_\w+)\(", tests, flags=re.MULTILINE))
    missing = [name for name in hook_names(pm) if f"test_hook_{name}" not in defined]
    assert missing == []


def test_hook_sp4n_register_blob_stores(
    pm: pluggy.PluginManager, register_plugin: Register
) -> None:
    from sp4n.adapters.blobs import MemoryBlobStore, open_blob_store

    opened: list[str] = []

    class Demo:
        @hookimpl
        def sp4n_register_blob_stores(self, register: specs.RegisterBlobStore) -> None:
            def factory(url: str) -> MemoryBlobStore:
                opened.append(url)
                return MemoryBlobStore(url)

            register("Vault", factory)

    register_plugin(Demo(), name="vault")
    blobs = open_blob_store("vault://bukti", pm=pm)
    assert blobs.get(blobs.put(b"foto")) == b"foto"
    assert opened == ["vault://bukti"]
    assert set(Adapters(pm).blob_store_factories()) == {"file", "memory", "s3", "vault"}

    class Clash:
        @hookimpl
        def sp4n_register_blob_stores(self, register: specs.RegisterBlobStore) -> None:
            register("file", MemoryBlobStore)

    register_plugin(Clash(), name="clash")
    with pytest.raises(PluginError, match="'file' is registered twice") as info:
        Adapters(pm).blob_store_factories()
    assert {info.value.data["plugin"], info.value.data["other"]} == {
        "clash",
        "sp4n.adapters.blobs._plugin",
    }
