"""The chat notifier is found through the ``sp4n`` entry point and built from settings."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys

import pytest
from sp4n_notifier_chat import DEFAULT_ROLES, ChatNotifier, from_settings

from sp4n.adapters import Adapters, describe_plugins, plugin_manager
from sp4n.adapters.notifiers import load_notifiers
from sp4n.errors import InvalidInputError

try:
    importlib.metadata.distribution("sp4n-notifier-chat")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover - depends on the install
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise RuntimeError(
            "CI must install the example: python3 -m pip install -e examples/notifier-chat"
        ) from None
    pytest.skip(
        "sp4n-notifier-chat is not installed (pip install -e examples/notifier-chat)",
        allow_module_level=True,
    )


def test_sp4n_plugins_json_lists_it_as_an_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sp4n", "plugins", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    )
    payload = json.loads(result.stdout)
    (chat,) = [plugin for plugin in payload["plugins"] if plugin["name"] == "chat"]
    assert chat == {
        "name": "chat",
        "source": "entrypoint",
        "module": "sp4n_notifier_chat",
        "distribution": "sp4n-notifier-chat",
        "version": "0.1.0",
        "hooks": ["sp4n_register_notifiers"],
    }
    assert {"name": "chat", "plugin": "chat"} in payload["notifiers"]


def test_the_plugin_manager_hands_out_its_factory() -> None:
    pm = plugin_manager()
    (info,) = [plugin for plugin in describe_plugins(pm) if plugin.name == "chat"]
    assert (info.source, info.distribution) == ("entrypoint", "sp4n-notifier-chat")
    factory = Adapters(pm).notifier_factories()["chat"]
    notifier = factory({"url": "https://chat.example.go.id/hooks/x", "timeout": "2.5"})
    assert notifier == ChatNotifier(url="https://chat.example.go.id/hooks/x", timeout=2.5)
    assert notifier.roles == DEFAULT_ROLES
    assert notifier.name == "chat"


def test_the_notifiers_file_builds_it_by_type() -> None:
    config = load_notifiers(
        {
            "default": "room",
            "room": {"type": "chat", "url": "https://chat.example.go.id/hooks/x", "timeout": 3},
        }
    )
    assert config.default == "room"
    assert config.notifiers["room"] == ChatNotifier(
        url="https://chat.example.go.id/hooks/x", timeout=3.0
    )


def test_a_blocked_plugin_is_not_loaded() -> None:
    pm = plugin_manager(blocked=["chat"])
    assert "chat" not in Adapters(pm).notifier_factories()


@pytest.mark.parametrize(
    ("settings", "field", "rule"),
    [
        ({}, "settings.url", "needs the webhook URL"),
        ({"url": "ftp://chat.example/x"}, "settings.url", "must start with http"),
        ({"url": "http:///hooks"}, "settings.url", "needs a host"),
        ({"url": "http://c.example", "timeout": "soon"}, "settings.timeout", "number of seconds"),
        ({"url": "http://c.example", "timeout": "0"}, "settings.timeout", "above 0"),
        ({"url": "http://c.example", "roles": "admin,camat"}, "settings.roles", "unknown role"),
        ({"url": "http://c.example", "roles": " , "}, "settings.roles", "at least one role"),
        ({"url": "http://c.example", "token": "t"}, "settings.token", "unknown setting"),
    ],
)
def test_bad_settings_name_the_setting(settings: dict[str, str], field: str, rule: str) -> None:
    with pytest.raises(InvalidInputError, match=rule) as caught:
        from_settings(settings)
    assert caught.value.field == field


def test_roles_and_options_come_from_strings() -> None:
    notifier = from_settings(
        {
            "url": "http://c.example/h",
            "roles": "Admin, liaison",
            "username": "SP4N-LAPOR!",
            "channel": "#pengaduan",
        }
    )
    assert notifier.roles == ("admin", "liaison")
    assert (notifier.username, notifier.channel) == ("SP4N-LAPOR!", "#pengaduan")
