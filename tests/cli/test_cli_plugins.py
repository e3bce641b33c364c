"""``sp4n plugins``: what is loaded, which hooks, and from where."""

from __future__ import annotations

import argparse
import json

import pytest

from sp4n.cli import COMMANDS, _plugins


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="sp4n")
    _plugins.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["plugins", *argv])
    status: int = args.func(args)
    return status


def test_plugins_is_a_command() -> None:
    assert "plugins" in COMMANDS


def test_plugins_json_lists_builtins_hooks_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--json") == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {
        "plugins",
        "storage",
        "blob_stores",
        "notifiers",
        "channels",
        "default_store_url",
    }
    builtins = {p["name"]: p for p in payload["plugins"] if p["source"] == "builtin"}
    assert set(builtins) == {
        "sp4n.adapters._memory",
        "sp4n.adapters._sqlite",
        "sp4n.adapters._postgres",
        "sp4n.adapters.blobs._plugin",
        "sp4n.adapters.notifiers._plugin",
        "sp4n.adapters.channels._plugin",
    }
    assert builtins["sp4n.adapters._sqlite"]["hooks"] == ["sp4n_register_storage"]
    assert builtins["sp4n.adapters._sqlite"]["distribution"] is None
    schemes = {row["scheme"]: row["plugin"] for row in payload["storage"]}
    assert schemes["sqlite"] == "sp4n.adapters._sqlite"
    assert schemes["memory"] == "sp4n.adapters._memory"
    assert payload["default_store_url"] == "sqlite:///sp4n.db"
    notifiers = {row["name"]: row["plugin"] for row in payload["notifiers"]}
    assert {name: notifiers[name] for name in ("log", "smtp", "webhook")} == dict.fromkeys(
        ("log", "smtp", "webhook"), "sp4n.adapters.notifiers._plugin"
    )
    channels = {row["name"]: row["plugin"] for row in payload["channels"]}
    assert channels == dict.fromkeys(("sms", "whatsapp"), "sp4n.adapters.channels._plugin")


def test_plugins_text_names_every_plugin(capsys: pytest.CaptureFixture[str]) -> None:
    assert run() == 0
    out = capsys.readouterr().out
    assert "sp4n.adapters._postgres  (builtin; module sp4n.adapters._postgres)" in out
    assert "    sp4n_register_storage" in out
    assert "memory:// (sp4n.adapters._memory)" in out.split("storage schemes: ")[1]


def test_main_runs_plugins_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    from sp4n.cli import main

    assert main(["plugins", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {"sp4n.adapters._memory", "sp4n.adapters._sqlite"} <= {
        plugin["name"] for plugin in payload["plugins"]
    }


def test_plugins_lists_blob_store_schemes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--json") == 0
    payload = json.loads(capsys.readouterr().out)
    schemes = {row["scheme"]: row["plugin"] for row in payload["blob_stores"]}
    assert schemes == dict.fromkeys(("memory", "file", "s3"), "sp4n.adapters.blobs._plugin")
    assert run() == 0
    out = capsys.readouterr().out
    assert "blob stores: memory:// (sp4n.adapters.blobs._plugin), file://" in out
