"""The built-in two-way channels as a plugin, and the channels a deployment configures.

``sms`` (:class:`SmsGatewayChannel`) and ``whatsapp`` (:class:`WhatsAppChannel`) register
through :func:`~sp4n.adapters.hookspecs.sp4n_register_channels`, the hook a third-party
channel uses. A deployment names the channels to mount in a TOML file (``sp4n serve
--channels FILE``)::

    [whatsapp]                    # mounted at /channels/whatsapp
    app_secret = "..."            # the Meta app secret (X-Hub-Signature-256)
    verify_token = "..."          # the webhook's verification token
    region = "61.07"              # the portal's region, for messages naming none

    [sms]                         # mounted at /channels/sms
    secret = "..."                # shared with the gateway (X-Sp4n-Signature)
    region = "61.07"

    [sms-telkomsel]
    type = "sms"                  # the registered channel to build; default: the table name
    secret = "..."
    region = "61.07"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pluggy

from sp4n.adapters._spec import hookimpl
from sp4n.adapters._toml import read_settings
from sp4n.adapters.channels._inbound import WebhookChannel
from sp4n.adapters.channels._sms_gateway import SmsGatewayChannel
from sp4n.adapters.channels._whatsapp import WhatsAppChannel
from sp4n.adapters.hookspecs import RegisterChannel
from sp4n.errors import InvalidInputError, PluginError, UnknownRegionError

__all__ = [
    "load_channels",
    "sms_gateway_from_settings",
    "sp4n_register_channels",
    "whatsapp_from_settings",
]

_PATH_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def _required(settings: Mapping[str, str], key: str, what: str) -> str:
    value = settings.get(key)
    if not value:
        raise InvalidInputError(f"settings.{key}", value, f"is required: {what}")
    return value


def _known(settings: Mapping[str, str], known: frozenset[str], channel: str) -> None:
    extra = sorted(set(settings) - known - {"type"})
    if extra:
        raise InvalidInputError(
            f"settings.{extra[0]}",
            settings[extra[0]],
            f"is not a setting of the {channel} channel",
            hint="known settings: " + ", ".join(sorted(known)),
        )


def sms_gateway_from_settings(settings: Mapping[str, str]) -> SmsGatewayChannel:
    """``sms``: ``secret`` (shared with the gateway) and ``region`` (both required)."""
    _known(settings, frozenset({"secret", "region"}), "sms")
    return SmsGatewayChannel(
        secret=_required(settings, "secret", "the key the gateway signs each body with"),
        default_region=_required(settings, "region", "the portal's region code"),
    )


def whatsapp_from_settings(settings: Mapping[str, str]) -> WhatsAppChannel:
    """``whatsapp``: ``app_secret``, ``verify_token`` and ``region`` (all required)."""
    _known(settings, frozenset({"app_secret", "verify_token", "region"}), "whatsapp")
    return WhatsAppChannel(
        app_secret=_required(settings, "app_secret", "the Meta app secret signing each POST"),
        verify_token=_required(settings, "verify_token", "the webhook verification token"),
        default_region=_required(settings, "region", "the portal's region code"),
    )


@hookimpl
def sp4n_register_channels(register: RegisterChannel) -> None:
    """Register the built-in ``sms`` (gateway webhook) and ``whatsapp`` (Cloud API) channels."""
    register("sms", sms_gateway_from_settings)
    register("whatsapp", whatsapp_from_settings)


def _setting(field: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise InvalidInputError(field, value, "a channel setting must be a string, number or boolean")


def load_channels(
    source: str | Path | Mapping[str, Any], *, pm: pluggy.PluginManager | None = None
) -> dict[str, WebhookChannel]:
    """Build the channels a TOML file (or a parsed mapping) describes, by mount name.

    :param source: the path of the TOML file, or its content as a mapping.
    :param pm: the plugin manager whose ``sp4n_register_channels`` factories build them
        (default: :func:`~sp4n.adapters.plugin_manager`, installed plugins included).
    :raises InvalidInputError: an unreadable file, an unknown channel or a bad setting,
        named as ``<file>: [<table>].<setting>``.
    :raises PluginError: a factory built something that is not a webhook channel.
    """
    from sp4n.adapters._manager import Adapters, plugin_manager

    where, data = _read(source)
    factories = Adapters(pm if pm is not None else plugin_manager()).channel_factories()
    channels: dict[str, WebhookChannel] = {}
    for name, table in data.items():
        if not isinstance(table, Mapping):
            raise InvalidInputError(f"{where}: {name}", table, "must be a table, e.g. [whatsapp]")
        if not _PATH_NAME.match(name):
            raise InvalidInputError(
                f"{where}: [{name}]",
                name,
                "must be lower-case letters, digits, - or _ (a URL path)",
            )
        kind = str(table.get("type", name))
        factory = factories.get(kind)
        if factory is None:
            raise InvalidInputError(
                f"{where}: [{name}].type",
                kind,
                "no intake channel of that name is registered",
                hint="registered: " + ", ".join(sorted(factories)),
            )
        settings = {
            key: _setting(f"{where}: [{name}].{key}", value)
            for key, value in table.items()
            if key != "type"
        }
        try:
            built = factory(settings)
        except (InvalidInputError, UnknownRegionError) as exc:
            raise InvalidInputError(
                f"{where}: [{name}].{exc.field.removeprefix('settings.')}",
                exc.value,
                exc.rule,
                hint=exc.hint,
            ) from exc
        if not isinstance(built, WebhookChannel):
            raise PluginError(
                f"the {kind!r} channel factory returned {type(built).__name__}, which has no "
                "name, default_region and receive(request)",
                channel=kind,
            )
        channels[name] = built
    return channels


def _read(source: str | Path | Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    return read_settings(source, "channels")
