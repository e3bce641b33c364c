"""Built-in notifiers: SMTP e-mail, signed webhooks and the log."""

from sp4n.adapters.notifiers._dispatch import (
    PARKED,
    Backoff,
    DeliveryReport,
    OutboxDispatcher,
    notification_of,
)
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
    "OutboxDispatcher",
    "Recipient",
    "SmtpNotifier",
    "WebhookNotifier",
    "notification_of",
    "sign",
    "verify_signature",
]
