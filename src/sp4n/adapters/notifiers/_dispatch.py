"""Draining the store's outbox: deliver each rendered message once, retrying with backoff.

The outbox is written in the same transaction as the events that caused it, so a
transition never waits on (or is rolled back by) a notifier. Each message's ``id``
is its idempotency key: a message marked delivered is never handed out again, and
notifiers pass the key on so a receiver can drop a duplicate after a crash between
sending and marking.

A message's payload carries what was rendered when it was enqueued (decision 0060):
``address``, ``subject``, ``body``, optional ``name``, ``lang`` (``id``/``en``),
``via`` (the notifier name) and ``data``; ``sealed`` (true) when ``address`` is the relay
handle of an anonymous reporter, resolved to their contact only here, at delivery, through
the dispatcher's ``unseal`` (decision 0132).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

import attrs

from sp4n._text import xml_safe
from sp4n._time import Clock
from sp4n.adapters._records import OutboxMessage
from sp4n.adapters._store import Store
from sp4n.adapters.notifiers._message import Notification, Notifier, Recipient
from sp4n.errors import DeliveryError, InvalidInputError

__all__ = ["PARKED", "Backoff", "DeliveryReport", "OutboxDispatcher", "notification_of"]

_log = logging.getLogger("sp4n.notify")
_ERROR_MAX = 500
"""Longest error text kept with a failed message (a plugin's exception may be huge)."""

PARKED = datetime(9999, 12, 31, tzinfo=UTC)
"""``retry_at`` of a message that will not be retried (permanent failure or attempts used up)."""


def _span(instance: object, attribute: attrs.Attribute[timedelta], value: object) -> None:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise InvalidInputError(attribute.name, value, "must be a timedelta of 0 or more")


def _factor(instance: object, attribute: attrs.Attribute[float], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 1:
        raise InvalidInputError(attribute.name, value, "must be a number of at least 1")


def _attempts(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise InvalidInputError(attribute.name, value, "must be a whole number 1..1000")


@attrs.frozen
class Backoff:
    """Exponential backoff ``base * factor**(attempt-1)``, capped; ``max_attempts`` tries.

    A message that failed ``max_attempts`` times is parked (decision 0133).
    """

    base: timedelta = attrs.field(default=timedelta(seconds=30), validator=_span)
    factor: float = attrs.field(default=2.0, validator=_factor)
    cap: timedelta = attrs.field(default=timedelta(hours=6), validator=_span)
    max_attempts: int = attrs.field(default=12, validator=_attempts)

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
    :param unseal: the sealed contact behind a ``sealed`` message's relay handle (``None``:
        the reporter left none); without it sealed messages are parked. The contact goes to
        the notifier as ``recipient.address`` with the handle as ``recipient.handle``, and
        is replaced by the handle in any error recorded in the outbox.
    """

    store: Store
    notifiers: Mapping[str, Notifier]
    clock: Clock
    default: str = "log"
    backoff: Backoff = attrs.Factory(Backoff)
    by_role: Mapping[str, str] = attrs.Factory(dict)
    unseal: Callable[[OutboxMessage], str | None] | None = None

    def deliver_pending(self, *, limit: int = 100) -> DeliveryReport:
        """Try every message due now (up to ``limit``); return what happened to each."""
        now = self.clock()
        delivered: list[str] = []
        report: dict[str, list[str]] = {"retrying": [], "parked": []}
        for message in self.store.pending_outbox(limit=limit, now=now):
            contact: str | None = None
            try:
                notification = notification_of(message)
                if message.payload.get("sealed"):
                    notification, contact = self._unsealed(message, notification)
                via = self.by_role.get(message.recipient_role) or str(
                    message.payload.get("via") or self.default
                )
                notifier = self.notifiers.get(via)
                if notifier is None:
                    raise DeliveryError(via, message.id, "no notifier of that name", permanent=True)
                notifier.send(notification)
            except (DeliveryError, InvalidInputError) as exc:
                permanent = not isinstance(exc, DeliveryError) or exc.permanent
                self._failed(message, str(exc), contact, now, permanent, report)
            except Exception as exc:  # a plugin's bug must not stop the round (decision 0133)
                error = f"{type(exc).__name__}: {exc}"
                self._failed(message, error, contact, now, False, report)
            else:
                self.store.mark_delivered(message.id, at=now)
                delivered.append(message.id)
        return DeliveryReport(tuple(delivered), tuple(report["retrying"]), tuple(report["parked"]))

    def _failed(
        self,
        message: OutboxMessage,
        error: str,
        contact: str | None,
        now: datetime,
        permanent: bool,
        report: dict[str, list[str]],
    ) -> None:
        """Record a failed attempt: retry after the backoff, or park it for good."""
        if contact:
            error = error.replace(contact, str(message.payload["address"]))
        error = xml_safe(error)  # a remote's NUL or lone surrogate fits no store
        error = error if len(error) <= _ERROR_MAX else error[: _ERROR_MAX - 3] + "..."
        attempt = message.attempts + 1
        if permanent or attempt >= self.backoff.max_attempts:
            self.store.mark_failed(message.id, error=error, retry_at=PARKED)
            report["parked"].append(message.id)
            _log.warning("notification %s parked after %d tries: %s", message.id, attempt, error)
        else:
            retry_at = now + self.backoff.delay(attempt)
            self.store.mark_failed(message.id, error=error, retry_at=retry_at)
            report["retrying"].append(message.id)
            _log.warning("notification %s failed (try %d): %s", message.id, attempt, error)

    def _unsealed(
        self, message: OutboxMessage, notification: Notification
    ) -> tuple[Notification, str]:
        handle = notification.recipient.address
        contact = None if self.unseal is None else self.unseal(message)
        if not contact:
            raise DeliveryError(
                "relay",
                message.id,
                f"the anonymous reporter behind {handle} left no contact",
                permanent=True,
            )
        recipient = attrs.evolve(notification.recipient, address=contact, handle=handle)
        return attrs.evolve(notification, recipient=recipient), contact

    def undelivered(self, *, limit: int = 1000) -> Sequence[OutboxMessage]:
        """Every message not yet delivered, parked ones included (for ``sp4n outbox``)."""
        return self.store.pending_outbox(limit=limit, now=PARKED)
