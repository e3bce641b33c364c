"""``sp4n plugins``: the loaded plugins, the hooks each implements and where it came from."""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._output import add_json_flag, emit

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``plugins`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "plugins", help="list loaded plugins, their hooks and where each came from"
    )
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the plugin manager as the library does and describe it."""
    from sp4n.adapters import Adapters, describe_plugins, plugin_manager

    pm = plugin_manager()
    adapters = Adapters(pm)
    plugins = describe_plugins(pm)
    storage = adapters.storage_plugins()
    notifiers = adapters.notifier_plugins()
    channels = adapters.channel_plugins()
    blob_stores = adapters.blob_store_plugins()
    payload = {
        "plugins": [plugin.to_dict() for plugin in plugins],
        "storage": [{"scheme": scheme, "plugin": name} for scheme, name in storage.items()],
        "blob_stores": [{"scheme": scheme, "plugin": name} for scheme, name in blob_stores.items()],
        "notifiers": [{"name": name, "plugin": plugin} for name, plugin in notifiers.items()],
        "channels": [{"name": name, "plugin": plugin} for name, plugin in channels.items()],
        "default_store_url": adapters.default_store_url(),
    }
    lines = []
    for plugin in plugins:
        origin = plugin.source
        if plugin.distribution:
            origin += f" {plugin.distribution} {plugin.version}"
        lines.append(f"{plugin.name}  ({origin}; module {plugin.module})")
        lines.extend(f"    {hook}" for hook in plugin.hooks)
    lines.append("storage schemes: " + ", ".join(f"{s}:// ({n})" for s, n in storage.items()))
    lines.append("blob stores: " + ", ".join(f"{s}:// ({n})" for s, n in blob_stores.items()))
    lines.append("notifiers: " + ", ".join(f"{n} ({p})" for n, p in notifiers.items()))
    lines.append(
        "channels (sp4n serve --channels): " + ", ".join(f"{n} ({p})" for n, p in channels.items())
    )
    lines.append(f"default store: {payload['default_store_url']}")
    return emit(args, payload, "\n".join(lines))
