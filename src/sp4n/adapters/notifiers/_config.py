"""Notifiers built from a TOML file, through the factories plugins register.

A deployment names its notifiers once, in a file every command reads::

    default = "smtp"              # for messages whose address needs no particular notifier

    [smtp]                        # a table per notifier: its name, then its settings
    host = "mail.pemda.go.id"
    port = 587
    starttls = true

    [ops-chat]
    type = "chat"                 # the registered notifier to build; default: the table name
    url = "https://chat.example/hooks/abc"
    for_roles = ["admin", "liaison"]   # messages to these recipients go here, not by address

Values may be strings, numbers or booleans; factories receive them as strings
(``true``/``false`` for booleans), as :data:`~sp4n.adapters.hookspecs.NotifierFactory`
promises.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pluggy

from sp4n.adapters._toml import read_settings
from sp4n.adapters.notifiers._message import Notifier
from sp4n.errors import InvalidInputError, PluginError

__all__ = ["NotifierConfig", "load_notifiers"]


@attrs.frozen
class NotifierConfig:
    """The notifiers a deployment configured, by name, the one used when none is named, and
    which recipient roles go to which notifier (``for_roles``)."""

    notifiers: Mapping[str, Notifier]
    default: str
    by_role: Mapping[str, str] = attrs.field(factory=dict)


def _setting(field: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise InvalidInputError(field, value, "a notifier setting must be a string, number or boolean")


def load_notifiers(
    source: str | Path | Mapping[str, Any], *, pm: pluggy.PluginManager | None = None
) -> NotifierConfig:
    """Build the notifiers a TOML file (or an already-parsed mapping) describes.

    :param source: the path of the TOML file, or its content as a mapping.
    :param pm: the plugin manager whose ``sp4n_register_notifiers`` factories build them
        (default: :func:`~sp4n.adapters.plugin_manager`, installed plugins included).
    :raises InvalidInputError: an unreadable file, an unknown notifier or a bad setting,
        named as ``<file>: [<table>].<setting>``.
    """
    from sp4n.adapters._manager import Adapters, plugin_manager

    where, data = _read(source)
    factories = Adapters(pm if pm is not None else plugin_manager()).notifier_factories()
    notifiers: dict[str, Notifier] = {}
    by_role: dict[str, str] = {}
    for name, table in data.items():
        if name == "default":
            continue
        if not isinstance(table, Mapping):
            raise InvalidInputError(
                f"{where}: {name}", table, "must be a table of settings, e.g. [smtp]"
            )
        kind = str(table.get("type", name))
        factory = factories.get(kind)
        if factory is None:
            raise InvalidInputError(
                f"{where}: [{name}].type",
                kind,
                "no notifier of that name is registered",
                hint="registered: " + ", ".join(sorted(factories)) + " (sp4n plugins lists them)",
            )
        for role in _roles(f"{where}: [{name}].for_roles", table.get("for_roles", [])):
            if role in by_role:
                raise InvalidInputError(
                    f"{where}: [{name}].for_roles",
                    role,
                    f"is already sent through [{by_role[role]}]; a role has one notifier",
                )
            by_role[role] = name
        settings = {
            key: _setting(f"{where}: [{name}].{key}", value)
            for key, value in table.items()
            if key not in ("type", "for_roles")
        }
        try:
            notifiers[name] = _checked(kind, factory(settings))
        except InvalidInputError as exc:
            raise InvalidInputError(
                f"{where}: [{name}].{exc.field.removeprefix('settings.')}",
                exc.value,
                exc.rule,
                hint=exc.hint,
            ) from exc
    default = data.get("default", "log" if "log" in notifiers else next(iter(notifiers), "log"))
    if default == "log" and "log" not in notifiers:
        notifiers["log"] = _checked("log", factories["log"]({}))
    if default not in notifiers:
        raise InvalidInputError(
            f"{where}: default",
            default,
            "must name one of the notifiers in the file",
            hint="configured: " + ", ".join(notifiers),
        )
    return NotifierConfig(notifiers=notifiers, default=str(default), by_role=by_role)


_ROLES = ("reporter", "admin", "liaison", "unit", "supervisor")


def _roles(field: str, value: object) -> tuple[str, ...]:
    """The recipient roles of ``for_roles``: a list of role names."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInputError(field, value, "must be a list of recipient roles")
    for role in value:
        if role not in _ROLES:
            raise InvalidInputError(
                field, role, "is not a recipient role", hint="roles: " + ", ".join(_ROLES)
            )
    return tuple(value)


def _checked(kind: str, built: object) -> Notifier:
    """A factory's product, checked against the :class:`Notifier` protocol."""
    if not isinstance(built, Notifier):
        raise PluginError(
            f"the {kind!r} notifier factory returned {type(built).__name__}, which has no "
            "name and send(notification)",
            notifier=kind,
        )
    return built


def _read(source: str | Path | Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    return read_settings(source, "notifiers")
