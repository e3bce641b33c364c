"""Built-in notifiers (SMTP e-mail, signed webhooks, SMS gateway, WhatsApp, the log), the
outbox dispatcher, and notifiers built from a deployment's TOML file through the plugins'
factories."""

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
from sp4n.adapters.notifiers._sms import SMS_BODY_MAX, SmsNotifier, sms_text
from sp4n.adapters.notifiers._smtp import SmtpNotifier
from sp4n.adapters.notifiers._webhook import (
    SIGNATURE_HEADER,
    WebhookNotifier,
    sign,
    verify_signature,
)
from sp4n.adapters.notifiers._whatsapp import WHATSAPP_API_URL, WhatsAppNotifier

__all__ = [
    "PARKED",
    "SIGNATURE_HEADER",
    "SMS_BODY_MAX",
    "WHATSAPP_API_URL",
    "Backoff",
    "DeliveryReport",
    "LogNotifier",
    "Notification",
    "Notifier",
    "NotifierConfig",
    "OutboxDispatcher",
    "Recipient",
    "SmsNotifier",
    "SmtpNotifier",
    "WebhookNotifier",
    "WhatsAppNotifier",
    "load_notifiers",
    "notification_of",
    "open_connection",
    "proxy_for",
    "sign",
    "sms_text",
    "tls_context",
    "verify_signature",
]
