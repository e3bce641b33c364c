"""E-mail delivery over SMTP with the standard library's :mod:`smtplib`."""

from __future__ import annotations

import hashlib
import smtplib
from email.message import EmailMessage
from email.utils import formataddr

import attrs

from sp4n.adapters.notifiers._message import Notification
from sp4n.errors import DeliveryError

__all__ = ["SmtpNotifier"]


@attrs.frozen
class SmtpNotifier:
    """Send notifications as plain-text e-mail through an SMTP server.

    Each message carries a ``Message-ID`` derived from the key and ``X-Sp4n-Idempotency-Key``
    so a receiving system can drop a duplicate. A refused recipient is a permanent
    :class:`DeliveryError`; a connection problem is a temporary one.

    :param host: SMTP server host.
    :param port: SMTP server port.
    :param sender: the ``From`` address.
    :param starttls: upgrade the connection with STARTTLS before sending.
    :param username: log in with these credentials when given.
    """

    host: str
    port: int = 25
    sender: str = "sp4n@localhost"
    sender_name: str = "SP4N-LAPOR!"
    starttls: bool = False
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    timeout: float = 10.0
    message_id_domain: str = "sp4n.invalid"
    name: str = "smtp"

    def build(self, notification: Notification) -> EmailMessage:
        """Return the e-mail that :meth:`send` would deliver."""
        message = EmailMessage()
        message["From"] = formataddr((self.sender_name, self.sender))
        message["To"] = formataddr(
            (notification.recipient.name or "", notification.recipient.address)
        )
        message["Subject"] = notification.subject
        digest = hashlib.sha256(notification.key.encode()).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@{self.message_id_domain}>"
        message["X-Sp4n-Idempotency-Key"] = notification.key
        message["Content-Language"] = notification.recipient.lang
        message.set_content(notification.body)
        return message

    def send(self, notification: Notification) -> None:
        """Deliver ``notification``; raise :class:`DeliveryError` on failure."""
        message = self.build(notification)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
                if self.starttls:
                    client.starttls()
                if self.username is not None:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(
                self.name, notification.key, f"recipient refused: {exc.recipients}", permanent=True
            ) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                self.name, notification.key, f"{type(exc).__name__}: {exc}"
            ) from exc
