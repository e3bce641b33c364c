"""Built-in notifiers (SMTP e-mail, signed webhooks, the log), the outbox dispatcher, and
notifiers built from a deployment's TOML file through the plugins' factories."""

from sp4n.adapters.notifiers._config import NotifierConfig, load_notifiers
from sp4n.adapters.notifiers._dispatch import (
    PARKED,
    Backoff,
    DeliveryReport,
    OutboxDispatcher,
    notification_of,
)
from sp4n.adapters.notifiers._http import open_connection, proxy_for, tls_context
from sp4n.adapters.notifiers._log import LogNotifier
from sp4n.adapters.notifiers._message import Notification, Notifier, Recipient
from sp4n.adapters.notifiers._smtp import SmtpNotifier
from sp4n.adapters.notifiers._webhook import (
    SIGNATURE_HEADER,
    WebhookNotifier,
    sign,
    verify_signature,
)

__all__ = [
    "PARKED",
    "SIGNATURE_HEADER",
    "Backoff",
    "DeliveryReport",
    "LogNotifier",
    "Notification",
    "Notifier",
    "NotifierConfig",
    "OutboxDispatcher",
    "Recipient",
    "SmtpNotifier",
    "WebhookNotifier",
    "load_notifiers",
    "notification_of",
    "open_connection",
    "proxy_for",
    "sign",
    "tls_context",
    "verify_signature",
]
