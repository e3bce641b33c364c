"""The built-in notifiers, registered through ``sp4n_register_notifiers`` like any plugin's.

Each factory builds its notifier from string settings (what a configuration file holds), so a
deployment configures ``smtp``, ``webhook``, ``log`` and a plugin's notifiers the same way::

    factories = Adapters.default().notifier_factories()
    smtp = factories["smtp"]({"host": "mail.pemda.go.id", "port": "587", "starttls": "true"})

Unknown keys, missing required keys and values that do not parse raise
:class:`~sp4n.errors.InvalidInputError` naming ``settings.<key>``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sp4n.adapters._spec import hookimpl
from sp4n.adapters.hookspecs import RegisterNotifier
from sp4n.adapters.notifiers._log import LogNotifier
from sp4n.adapters.notifiers._smtp import SmtpNotifier
from sp4n.adapters.notifiers._webhook import WebhookNotifier
from sp4n.errors import InvalidInputError

__all__ = ["SETTINGS", "log_from_settings", "smtp_from_settings", "webhook_from_settings"]

SETTINGS: Mapping[str, Mapping[str, str]] = {
    "log": {"logger": "the logging logger name (default sp4n.notify)"},
    "smtp": {
        "host": "SMTP server host; required",
        "port": "SMTP port (default 25)",
        "sender": "the From address (default sp4n@localhost)",
        "sender_name": "the From name (default SP4N-LAPOR!)",
        "starttls": "true to upgrade with STARTTLS (default false)",
        "username": "log in with this user (and password)",
        "password": "the password for username",
        "timeout": "seconds to wait for the server (default 10)",
        "message_id_domain": "domain of the Message-ID (default sp4n.invalid)",
    },
    "webhook": {
        "url": "where to POST (http:// or https://); required",
        "secret": "the HMAC-SHA256 signing secret; required",
        "timeout": "seconds to wait for the receiver (default 10)",
    },
}
"""The settings each built-in notifier understands, with what each means."""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _checked(kind: str, settings: object, required: tuple[str, ...]) -> Mapping[str, str]:
    if not isinstance(settings, Mapping):
        raise InvalidInputError("settings", settings, f"the {kind} notifier needs a mapping")
    known = SETTINGS[kind]
    for key in settings:
        if key not in known:
            raise InvalidInputError(
                f"settings.{key}",
                settings[key],
                f"unknown {kind} setting; known: {', '.join(known)}",
            )
    for key in required:
        if not settings.get(key):
            raise InvalidInputError(f"settings.{key}", None, f"the {kind} notifier needs it")
    return settings


def _number(settings: Mapping[str, str], key: str, kind: type[int] | type[float]) -> Any:
    value = settings[key]
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"settings.{key}", value, f"must be a{'n integer' if kind is int else ' number'}"
        ) from None
    if number <= 0:
        raise InvalidInputError(f"settings.{key}", value, "must be above 0")
    return number


def _flag(settings: Mapping[str, str], key: str) -> bool:
    value = str(settings[key]).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInputError(f"settings.{key}", settings[key], "must be true or false")


def log_from_settings(settings: Mapping[str, str]) -> LogNotifier:
    """Build a :class:`LogNotifier` (``logger``: the logger name)."""
    checked = _checked("log", settings, ())
    if "logger" in checked:
        return LogNotifier(logger=logging.getLogger(checked["logger"]))
    return LogNotifier()


def smtp_from_settings(settings: Mapping[str, str]) -> SmtpNotifier:
    """Build an :class:`SmtpNotifier` from ``host``, ``port``, ``sender``, ``starttls``, ..."""
    checked = _checked("smtp", settings, ("host",))
    options: dict[str, Any] = {"host": checked["host"]}
    for key in ("sender", "sender_name", "username", "password", "message_id_domain"):
        if key in checked:
            options[key] = checked[key]
    if "port" in checked:
        options["port"] = _number(checked, "port", int)
    if "timeout" in checked:
        options["timeout"] = _number(checked, "timeout", float)
    if "starttls" in checked:
        options["starttls"] = _flag(checked, "starttls")
    return SmtpNotifier(**options)


def webhook_from_settings(settings: Mapping[str, str]) -> WebhookNotifier:
    """Build a :class:`WebhookNotifier` from ``url``, ``secret`` and ``timeout``."""
    checked = _checked("webhook", settings, ("url", "secret"))
    if "timeout" in checked:
        return WebhookNotifier(
            checked["url"], checked["secret"], timeout=_number(checked, "timeout", float)
        )
    return WebhookNotifier(checked["url"], checked["secret"])


@hookimpl
def sp4n_register_notifiers(register: RegisterNotifier) -> None:
    """Register ``log``, ``smtp`` and ``webhook``."""
    register("log", log_from_settings)
    register("smtp", smtp_from_settings)
    register("webhook", webhook_from_settings)
