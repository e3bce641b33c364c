"""Post sp4n notifications to a chat room through an incoming webhook.

Slack, Mattermost and Rocket.Chat all accept an HTTP POST of ``{"text": "..."}`` to an
incoming-webhook URL. This plugin registers a notifier named ``chat`` through sp4n's
``sp4n_register_notifiers`` hook; a deployment builds it from settings, the way every
notifier factory is built::

    from sp4n.adapters import Adapters

    chat = Adapters.default().notifier_factories()["chat"](
        {"url": "https://chat.pemda.go.id/hooks/abc123", "timeout": "5"}
    )

The text posted is the notification sp4n rendered when the event was stored (Indonesian by
default): the subject in bold, then the body. A chat room is read by officers, so only
messages for officer roles (``admin``, ``liaison``, ``supervisor`` by default) are posted;
the recipient's own address and name are never part of the post, and a message meant for the
reporter is refused (a permanent failure the outbox parks) rather than shown to the room.
"""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

import sp4n
from sp4n.adapters.hookspecs import RegisterNotifier
from sp4n.adapters.notifiers import Notification, open_connection, tls_context
from sp4n.errors import DeliveryError, InvalidInputError

__all__ = [
    "DEFAULT_ROLES",
    "SETTINGS",
    "ChatNotifier",
    "from_settings",
    "payload_of",
    "sp4n_register_notifiers",
    "text_of",
]

DEFAULT_ROLES: tuple[str, ...] = ("admin", "liaison", "supervisor")
"""Roles whose notifications are posted to the room: officers, never the reporter."""

SETTINGS: Mapping[str, str] = {
    "url": "the incoming-webhook URL (http:// or https://); required",
    "timeout": "seconds to wait for the chat server (default 10)",
    "roles": "comma-separated recipient roles to post (default admin,liaison,supervisor)",
    "username": "the sender name shown in the room (Mattermost, Rocket.Chat, legacy Slack)",
    "channel": "a channel overriding the webhook's own (where the server allows it)",
    "ca_file": "a PEM file of the CAs to trust for an https:// URL (default: the system's)",
}
"""The settings :func:`from_settings` understands, with what each means."""

_KNOWN_ROLES = ("admin", "liaison", "supervisor")


def _check_url(_instance: object, _attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise InvalidInputError(
            "settings.url", value, "a chat webhook URL must start with http:// or https://"
        )
    if not urlsplit(value).hostname:
        raise InvalidInputError("settings.url", value, "a chat webhook URL needs a host")


def _check_timeout(_instance: object, _attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 120:
        raise InvalidInputError(
            "settings.timeout", value, "must be a number of seconds above 0 and at most 120"
        )


def _to_roles(value: object) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise InvalidInputError("settings.roles", value, "must be a comma-separated list of roles")
    roles = tuple(str(item).strip().lower() for item in items if str(item).strip())
    if not roles:
        raise InvalidInputError("settings.roles", value, "must name at least one role")
    for role in roles:
        if role not in _KNOWN_ROLES:
            raise InvalidInputError(
                "settings.roles", role, f"unknown role; known: {', '.join(_KNOWN_ROLES)}"
            )
    return roles


def text_of(notification: Notification) -> str:
    """The message text posted for ``notification``: the subject in bold, then the body.

    ``*...*`` is bold in Slack's mrkdwn and in Rocket.Chat, italic in Mattermost's Markdown;
    either way the subject stands out. Nothing about the recipient is added.
    """
    subject = notification.subject.strip()
    body = notification.body.strip()
    return f"*{subject}*\n{body}" if subject else body


def payload_of(
    notification: Notification, *, username: str | None = None, channel: str | None = None
) -> dict[str, Any]:
    """The JSON document posted for ``notification`` (``{"text": ...}`` plus options)."""
    payload: dict[str, Any] = {"text": text_of(notification)}
    if username:
        payload["username"] = username
    if channel:
        payload["channel"] = channel
    return payload


@attrs.frozen
class ChatNotifier:
    """POST each officer-bound notification as ``{"text": ...}`` to a chat incoming webhook.

    A 2xx answer is delivery. 4xx answers other than 408 and 429 are permanent failures (a
    revoked webhook will not come back by retrying); 5xx, 408, 429, connection errors and
    timeouts are temporary, so the outbox retries them with backoff. The notification's
    idempotency key travels in the ``Idempotency-Key`` header (chat servers ignore it; a
    relay in between may use it).

    The proxy comes from ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY``, as sp4n's own
    webhook notifier reads them; TLS is verified against the system's CAs or ``ca_file``.
    """

    url: str = attrs.field(validator=_check_url)
    timeout: float = attrs.field(default=10.0, validator=_check_timeout)
    roles: tuple[str, ...] = attrs.field(default=DEFAULT_ROLES, converter=_to_roles)
    username: str | None = None
    channel: str | None = None
    name: str = "chat"
    ca_file: str | None = None
    _tls: ssl.SSLContext | None = attrs.field(
        init=False,
        repr=False,
        eq=False,
        default=attrs.Factory(
            lambda self: tls_context(self.ca_file) if self.url.startswith("https://") else None,
            takes_self=True,
        ),
    )

    def send(self, notification: Notification) -> None:
        """Post ``notification``; raise :class:`~sp4n.errors.DeliveryError` on failure."""
        role = notification.recipient.role
        if role not in self.roles:
            raise DeliveryError(
                self.name,
                notification.key,
                f"a chat room only gets messages for {', '.join(self.roles)}; a {role!r} "
                "message needs another notifier (smtp, the relay)",
                permanent=True,
            )
        body = json.dumps(
            payload_of(notification, username=self.username, channel=self.channel),
            ensure_ascii=False,
        ).encode("utf-8")
        try:
            connection, target, extra = open_connection(
                self.url, timeout=self.timeout, context=self._tls
            )
        except InvalidInputError as exc:  # a malformed HTTPS_PROXY: fix the environment
            raise DeliveryError(self.name, notification.key, str(exc)) from exc
        try:
            connection.request(
                "POST",
                target,
                body=body,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Idempotency-Key": notification.key,
                    "User-Agent": "sp4n-notifier-chat",
                    **extra,
                },
            )
            response = connection.getresponse()
            answer = response.read(200).decode("utf-8", "replace").strip()
        except TimeoutError as exc:
            raise DeliveryError(
                self.name, notification.key, f"no answer within {self.timeout:g} s: {exc}"
            ) from exc
        except (http.client.HTTPException, OSError) as exc:
            raise DeliveryError(
                self.name, notification.key, f"{type(exc).__name__}: {exc}"
            ) from exc
        finally:
            connection.close()
        status = response.status
        if not 200 <= status < 300:
            permanent = 400 <= status < 500 and status not in (408, 429)
            detail = f"HTTP {status}" + (f": {answer}" if answer else "")
            raise DeliveryError(self.name, notification.key, detail, permanent=permanent)


def from_settings(settings: Mapping[str, str]) -> ChatNotifier:
    """Build a :class:`ChatNotifier` from string settings (see :data:`SETTINGS`).

    :raises InvalidInputError: a missing ``url``, an unknown key, a bad timeout or role.
    """
    if not isinstance(settings, Mapping):
        raise InvalidInputError("settings", settings, "must be a mapping of strings")
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise InvalidInputError(
            f"settings.{unknown[0]}",
            settings[unknown[0]],
            f"unknown setting; known: {', '.join(SETTINGS)}",
        )
    if "url" not in settings:
        raise InvalidInputError("settings.url", None, "the chat notifier needs the webhook URL")
    options: dict[str, Any] = {"url": settings["url"]}
    if "timeout" in settings:
        try:
            options["timeout"] = float(settings["timeout"])
        except (TypeError, ValueError):
            raise InvalidInputError(
                "settings.timeout", settings["timeout"], "must be a number of seconds"
            ) from None
    if "roles" in settings:
        options["roles"] = settings["roles"]
    for key in ("username", "channel", "ca_file"):
        if settings.get(key):
            options[key] = settings[key]
    return ChatNotifier(**options)


@sp4n.hookimpl
def sp4n_register_notifiers(register: RegisterNotifier) -> None:
    """Register the ``chat`` notifier."""
    register("chat", from_settings)
