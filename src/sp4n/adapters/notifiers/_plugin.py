"""The built-in notifiers as a plugin: ``log``, ``smtp``, ``webhook``, ``sms`` and ``whatsapp``
from settings.

They register through :func:`~sp4n.adapters.hookspecs.sp4n_register_notifiers`, the hook a
third-party notifier (``examples/notifier-chat``) uses, so a deployment configures every
notifier the same way: a name and a mapping of string settings (see :func:`load_notifiers`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sp4n.adapters._spec import hookimpl
from sp4n.adapters.hookspecs import RegisterNotifier
from sp4n.adapters.notifiers._log import LogNotifier
from sp4n.adapters.notifiers._sms import SmsNotifier
from sp4n.adapters.notifiers._smtp import SmtpNotifier
from sp4n.adapters.notifiers._webhook import WebhookNotifier
from sp4n.adapters.notifiers._whatsapp import WHATSAPP_API_URL, WhatsAppNotifier
from sp4n.errors import InvalidInputError

__all__ = [
    "log_from_settings",
    "sms_from_settings",
    "smtp_from_settings",
    "sp4n_register_notifiers",
    "webhook_from_settings",
    "whatsapp_from_settings",
]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def _required(settings: Mapping[str, str], key: str, what: str) -> str:
    value = settings.get(key)
    if not value:
        raise InvalidInputError(f"settings.{key}", value, f"is required: {what}")
    return value


def _number(settings: Mapping[str, str], key: str, default: float) -> float:
    if key not in settings:
        return default
    try:
        value = float(settings[key])
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"settings.{key}", settings[key], "must be a number of seconds"
        ) from None
    if value <= 0:
        raise InvalidInputError(f"settings.{key}", settings[key], "must be more than 0")
    return value


def _flag(settings: Mapping[str, str], key: str) -> bool:
    text = str(settings.get(key, "")).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInputError(f"settings.{key}", settings[key], "must be true or false")


def _unknown_keys(settings: Mapping[str, str], known: frozenset[str], notifier: str) -> None:
    extra = sorted(set(settings) - known - {"type"})
    if extra:
        raise InvalidInputError(
            f"settings.{extra[0]}",
            settings[extra[0]],
            f"is not a setting of the {notifier} notifier",
            hint="known settings: " + ", ".join(sorted(known)),
        )


_LOG_KEYS = frozenset({"logger"})
_SMTP_KEYS = frozenset(
    {
        "host",
        "port",
        "sender",
        "sender_name",
        "starttls",
        "username",
        "password",
        "timeout",
        "message_id_domain",
    }
)
_WEBHOOK_KEYS = frozenset({"url", "secret", "timeout", "ca_file"})
_SMS_KEYS = frozenset(
    {"url", "token", "secret", "body", "to_field", "text_field", "timeout", "ca_file"}
)
_WHATSAPP_KEYS = frozenset(
    {
        "phone_number_id",
        "access_token",
        "api_url",
        "template",
        "template_lang",
        "timeout",
        "ca_file",
    }
)


def log_from_settings(settings: Mapping[str, str]) -> LogNotifier:
    """``log``: writes to :mod:`logging` (``logger``, default ``sp4n.notify``)."""
    _unknown_keys(settings, _LOG_KEYS, "log")
    return LogNotifier(logger=logging.getLogger(settings.get("logger") or "sp4n.notify"))


def smtp_from_settings(settings: Mapping[str, str]) -> SmtpNotifier:
    """``smtp``: ``host`` (required), ``port`` (25), ``sender``, ``sender_name``,
    ``starttls`` (false), ``username``, ``password``, ``timeout`` (10 s), ``message_id_domain``.
    """
    _unknown_keys(settings, _SMTP_KEYS, "smtp")
    port_text = settings.get("port", "25")
    if not str(port_text).isdigit() or not 0 < int(port_text) < 65536:
        raise InvalidInputError("settings.port", port_text, "must be a TCP port from 1 to 65535")
    defaults = SmtpNotifier(host="-")
    return SmtpNotifier(
        host=_required(settings, "host", "the SMTP server's host name"),
        port=int(port_text),
        sender=settings.get("sender") or defaults.sender,
        sender_name=settings.get("sender_name") or defaults.sender_name,
        starttls=_flag(settings, "starttls"),
        username=settings.get("username") or None,
        password=settings.get("password") or None,
        timeout=_number(settings, "timeout", defaults.timeout),
        message_id_domain=settings.get("message_id_domain") or defaults.message_id_domain,
    )


def webhook_from_settings(settings: Mapping[str, str]) -> WebhookNotifier:
    """``webhook``: ``url`` and ``secret`` (both required; the secret signs each body),
    ``timeout`` (10 s), ``ca_file`` (a PEM file of the CAs to trust for an ``https://`` URL
    instead of the system's). The proxy comes from ``HTTPS_PROXY``/``NO_PROXY``."""
    _unknown_keys(settings, _WEBHOOK_KEYS, "webhook")
    return WebhookNotifier(
        url=_required(settings, "url", "where to POST each notification"),
        secret=_required(settings, "secret", "the shared key that signs each body"),
        timeout=_number(settings, "timeout", 10.0),
        ca_file=settings.get("ca_file") or None,
    )


def sms_from_settings(settings: Mapping[str, str]) -> SmsNotifier:
    """``sms``: ``url`` of the gateway's send endpoint (required), ``token`` (Bearer),
    ``secret`` (signs each body), ``body`` (``json`` or ``form``), ``to_field`` (``to``),
    ``text_field`` (``text``), ``timeout`` (10 s), ``ca_file``. Proxy from the environment."""
    _unknown_keys(settings, _SMS_KEYS, "sms")
    return SmsNotifier(
        url=_required(settings, "url", "the gateway's HTTP endpoint that sends an SMS"),
        token=settings.get("token") or None,
        secret=settings.get("secret") or None,
        body=settings.get("body") or "json",
        to_field=settings.get("to_field") or "to",
        text_field=settings.get("text_field") or "text",
        timeout=_number(settings, "timeout", 10.0),
        ca_file=settings.get("ca_file") or None,
    )


def whatsapp_from_settings(settings: Mapping[str, str]) -> WhatsAppNotifier:
    """``whatsapp``: ``phone_number_id`` and ``access_token`` (required), ``api_url``
    (the Graph API), ``template`` and ``template_lang`` (``id``), ``timeout``, ``ca_file``."""
    _unknown_keys(settings, _WHATSAPP_KEYS, "whatsapp")
    return WhatsAppNotifier(
        phone_number_id=_required(settings, "phone_number_id", "the sending business number"),
        access_token=_required(settings, "access_token", "the Cloud API access token"),
        api_url=settings.get("api_url") or WHATSAPP_API_URL,
        template=settings.get("template") or None,
        template_lang=settings.get("template_lang") or "id",
        timeout=_number(settings, "timeout", 10.0),
        ca_file=settings.get("ca_file") or None,
    )


@hookimpl
def sp4n_register_notifiers(register: RegisterNotifier) -> None:
    """Register the built-in ``log``, ``smtp``, ``webhook``, ``sms`` and ``whatsapp``
    notifiers."""
    register("log", log_from_settings)
    register("smtp", smtp_from_settings)
    register("webhook", webhook_from_settings)
    register("sms", sms_from_settings)
    register("whatsapp", whatsapp_from_settings)
