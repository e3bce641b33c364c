"""Built-in notifiers built from settings deliver to real servers; their names are taken."""

from __future__ import annotations

import json
import logging

import pluggy
import pytest

from servers import http_server, smtp_server
from sp4n import hookimpl
from sp4n.adapters import Adapters
from sp4n.adapters.hookspecs import RegisterNotifier
from sp4n.adapters.notifiers import (
    LogNotifier,
    Notification,
    Recipient,
    SmtpNotifier,
    WebhookNotifier,
    verify_signature,
)
from sp4n.errors import PluginError

NOTE = Notification(
    key="c-1:2:liaison:pu@pemda.example",
    recipient=Recipient(role="liaison", address="pu@pemda.example", name="Dinas PU"),
    subject="[SP4N-LAPOR!] Laporan LAP-1: Diteruskan",
    body="Laporan LAP-1 diteruskan ke Dinas PU.",
)


def test_factories_build_the_notifiers_from_strings(pm: pluggy.PluginManager) -> None:
    factories = Adapters(pm).notifier_factories()
    smtp = factories["smtp"](
        {"host": "mail.example", "port": "587", "starttls": "yes", "timeout": "2.5"}
    )
    assert smtp == SmtpNotifier(host="mail.example", port=587, starttls=True, timeout=2.5)
    hook = factories["webhook"]({"url": "https://hooks.example/sp4n", "secret": "s3cret"})
    assert hook == WebhookNotifier("https://hooks.example/sp4n", b"s3cret")
    log = factories["log"]({"logger": "pemda.notify"})
    assert isinstance(log, LogNotifier)
    assert log.logger is logging.getLogger("pemda.notify")


def test_an_smtp_notifier_from_settings_delivers(pm: pluggy.PluginManager) -> None:
    with smtp_server() as (port, inbox):
        smtp = Adapters(pm).notifier_factories()["smtp"](
            {"host": "127.0.0.1", "port": str(port), "sender": "lapor@pemda.example"}
        )
        smtp.send(NOTE)
    (mail,) = inbox
    assert mail["To"] == "Dinas PU <pu@pemda.example>"
    assert mail["X-Sp4n-Idempotency-Key"] == NOTE.key


def test_a_webhook_notifier_from_settings_signs_what_it_posts(pm: pluggy.PluginManager) -> None:
    received: list[tuple[dict[str, str], bytes]] = []

    def handler(path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        received.append((headers, body))
        return 204, b""

    with http_server(handler) as url:
        hook = Adapters(pm).notifier_factories()["webhook"](
            {"url": f"{url}/sp4n", "secret": "rahasia", "timeout": "5"}
        )
        hook.send(NOTE)
        hook.close()
    ((headers, body),) = received
    assert verify_signature(b"rahasia", body, headers["x-sp4n-signature"])
    assert json.loads(body)["subject"] == NOTE.subject


def test_a_plugin_claiming_a_builtin_name_is_refused(
    pm: pluggy.PluginManager, register_plugin: object
) -> None:
    class Mine:
        @hookimpl
        def sp4n_register_notifiers(self, register: RegisterNotifier) -> None:
            register("smtp", lambda settings: None)

    register_plugin(Mine(), name="my-smtp")  # type: ignore[operator]
    with pytest.raises(PluginError, match="'smtp' is registered twice") as caught:
        Adapters(pm).notifier_factories()
    assert "sp4n.adapters.notifiers._plugin" in str(caught.value)
