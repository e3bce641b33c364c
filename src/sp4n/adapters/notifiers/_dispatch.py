"""Draining the store's outbox: deliver each rendered message once, retrying with backoff.

The outbox is written in the same transaction as the events that caused it, so a
transition never waits on (or is rolled back by) a notifier. Each message's ``id``
is its idempotency key: a message marked delivered is never handed out again, and
notifiers pass the key on so a receiver can drop a duplicate after a crash between
sending and marking.

A message's payload carries what was rendered when it was enqueued (decision 0060):
``address``, ``subject``, ``body``, optional ``name``, ``lang`` (``id``/``en``),
``via`` (the notifier name) and ``data``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import attrs

from sp4n._text import xml_safe
from sp4n._time import Clock
from sp4n.adapters._records import OutboxMessage
from sp4n.adapters._store import Store
from sp4n.adapters.notifiers._message import Notification, Notifier, Recipient
from sp4n.errors import DeliveryError, InvalidInputError

__all__ = ["PARKED", "Backoff", "DeliveryReport", "OutboxDispatcher", "notification_of"]

PARKED = datetime(9999, 12, 31, tzinfo=UTC)
"""``retry_at`` of a message that will not be retried (permanent failure or attempts used up)."""


@attrs.frozen
class Backoff:
    """Exponential backoff ``base * factor**(attempt-1)``, capped; ``max_attempts`` tries."""

    base: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=6)
    max_attempts: int = 12

    def delay(self, attempt: int) -> timedelta:
        """Return the wait after failed attempt number ``attempt`` (1-based)."""
        seconds = self.base.total_seconds() * self.factor ** max(attempt - 1, 0)
        return min(timedelta(seconds=seconds), self.cap)


@attrs.frozen
class DeliveryReport:
    """What one :meth:`OutboxDispatcher.deliver_pending` call did."""

    delivered: tuple[str, ...] = ()
    retrying: tuple[str, ...] = ()
    parked: tuple[str, ...] = ()


def notification_of(message: OutboxMessage) -> Notification:
    """Build the :class:`Notification` an outbox message carries, or raise a typed error."""
    payload = message.payload
    for key in ("address", "subject", "body"):
        if not isinstance(payload.get(key), str):
            raise InvalidInputError(
                f"payload.{key}", payload.get(key), "an outbox message needs it"
            )
    data = payload.get("data")
    return Notification(
        key=message.id,
        recipient=Recipient(
            role=message.recipient_role,
            address=payload["address"],
            name=payload.get("name"),
            lang=payload.get("lang", "id"),
        ),
        subject=payload["subject"],
        body=payload["body"],
        data={
            "complaint_id": message.complaint_id,
            "event_seq": message.event_seq,
            "template": message.template,
            **(data if isinstance(data, Mapping) else {}),
        },
    )


@attrs.define
class OutboxDispatcher:
    """Deliver pending outbox messages through the named notifiers.

    :param store: where the outbox lives.
    :param notifiers: notifiers by name; a message's ``via`` picks one, else ``default``.
    :param clock: the current instant (injected; never the wall clock in domain code).
    :param by_role: ``{recipient role: notifier name}``; a message for such a role goes
        through that notifier whatever its ``via`` (officers to a chat room, say).
    """

    store: Store
    notifiers: Mapping[str, Notifier]
    clock: Clock
    default: str = "log"
    backoff: Backoff = attrs.Factory(Backoff)
    by_role: Mapping[str, str] = attrs.Factory(dict)

    def deliver_pending(self, *, limit: int = 100) -> DeliveryReport:
        """Try every message due now (up to ``limit``); return what happened to each."""
        now = self.clock()
        delivered: list[str] = []
        retrying: list[str] = []
        parked: list[str] = []
        for message in self.store.pending_outbox(limit=limit, now=now):
            try:
                notification = notification_of(message)
                via = self.by_role.get(message.recipient_role) or str(
                    message.payload.get("via") or self.default
                )
                notifier = self.notifiers.get(via)
                if notifier is None:
                    raise DeliveryError(via, message.id, "no notifier of that name", permanent=True)
                notifier.send(notification)
            except (DeliveryError, InvalidInputError) as exc:
                attempt = message.attempts + 1
                permanent = not isinstance(exc, DeliveryError) or exc.permanent
                error = xml_safe(str(exc))  # a remote's NUL or lone surrogate fits no store
                if permanent or attempt >= self.backoff.max_attempts:
                    self.store.mark_failed(message.id, error=error, retry_at=PARKED)
                    parked.append(message.id)
                else:
                    retry_at = now + self.backoff.delay(attempt)
                    self.store.mark_failed(message.id, error=error, retry_at=retry_at)
                    retrying.append(message.id)
            else:
                self.store.mark_delivered(message.id, at=now)
                delivered.append(message.id)
        return DeliveryReport(tuple(delivered), tuple(retrying), tuple(parked))

    def undelivered(self, *, limit: int = 1000) -> Sequence[OutboxMessage]:
        """Every message not yet delivered, parked ones included (for ``sp4n outbox``)."""
        return self.store.pending_outbox(limit=limit, now=PARKED)
