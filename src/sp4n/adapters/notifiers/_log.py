"""A notifier that writes to the :mod:`logging` system and remembers what it sent."""

from __future__ import annotations

import logging

import attrs

from sp4n.adapters.notifiers._message import Notification

__all__ = ["LogNotifier"]


@attrs.define
class LogNotifier:
    """Log each notification at INFO on ``logger`` and keep it in :attr:`sent`.

    Useful for development, the demo and as the always-available default.
    """

    logger: logging.Logger = attrs.field(factory=lambda: logging.getLogger("sp4n.notify"))
    sent: list[Notification] = attrs.field(factory=list)
    name: str = "log"

    def send(self, notification: Notification) -> None:
        """Record and log ``notification``; never fails."""
        self.sent.append(notification)
        self.logger.info(
            "notify %s <%s> [%s]: %s",
            notification.recipient.role,
            notification.recipient.shown,
            notification.key,
            notification.subject,
        )
