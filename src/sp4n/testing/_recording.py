"""A notifier that delivers into memory, for users' tests: what would have reached whom."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from sp4n.adapters._spec import hookimpl
from sp4n.adapters.hookspecs import NotifierFactory
from sp4n.adapters.notifiers import Notification
from sp4n.errors import DeliveryError, InvalidInputError

__all__ = ["RecordingNotifier"]


class RecordingNotifier:
    """A real notifier (``name`` and ``send``) that keeps every delivered notification.

    Give it to a :class:`~sp4n.desk.Desk` (``notifiers={"recording": recorder}``) or an
    :class:`~sp4n.adapters.notifiers.OutboxDispatcher`, deliver, then assert on
    :attr:`delivered`. A key delivered twice is kept once (receivers deduplicate by key, as
    :class:`~sp4n.adapters.notifiers.Notification` asks), and :attr:`attempts` counts every
    call. :meth:`fail_next` makes the next sends fail with
    :class:`~sp4n.errors.DeliveryError`, to test retries and parking. :meth:`plugin` registers
    it through the ``sp4n_register_notifiers`` hook like any notifier plugin.

    >>> from sp4n.adapters.notifiers import Notification, Recipient
    >>> recorder = RecordingNotifier()
    >>> note = Notification(key="k1", recipient=Recipient(role="reporter", address="a@b.id"),
    ...                     subject="Laporan diterima", body="Nomor LAPOR-1")
    >>> recorder.send(note); recorder.send(note)
    >>> [n.key for n in recorder.delivered], recorder.attempts["k1"]
    (['k1'], 2)
    """

    def __init__(self, name: str = "recording") -> None:
        if not isinstance(name, str) or not name.strip():
            raise InvalidInputError("name", name, "a notifier name is a non-empty string")
        self.name = name
        self.delivered: list[Notification] = []
        """Every notification delivered, first delivery of each key, in order."""
        self.attempts: dict[str, int] = {}
        """``{key: number of send calls}``, failed ones included."""
        self._failures: list[tuple[str, bool]] = []
        self._lock = threading.Lock()

    def send(self, notification: Notification) -> None:
        """Record ``notification``, or raise the next queued :class:`DeliveryError`."""
        if not isinstance(notification, Notification):
            raise InvalidInputError(
                "notification", notification, "must be a sp4n.adapters.notifiers.Notification"
            )
        with self._lock:
            key = notification.key
            self.attempts[key] = self.attempts.get(key, 0) + 1
            if self._failures:
                reason, permanent = self._failures.pop(0)
                raise DeliveryError(self.name, key, reason, permanent=permanent)
            if all(sent.key != key for sent in self.delivered):
                self.delivered.append(notification)

    def fail_next(
        self, count: int = 1, *, reason: str = "recipient unreachable", permanent: bool = False
    ) -> None:
        """Make the next ``count`` sends fail (``permanent`` ones are parked, not retried)."""
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise InvalidInputError("count", count, "must be a whole number >= 1")
        with self._lock:
            self._failures.extend([(reason, permanent)] * count)

    def to(self, address: str) -> list[Notification]:
        """The notifications delivered to ``address``, in order."""
        return [sent for sent in self.delivered if sent.recipient.address == address]

    def keys(self) -> list[str]:
        """The keys delivered, in order."""
        return [sent.key for sent in self.delivered]

    def clear(self) -> None:
        """Forget everything delivered, attempted or queued to fail."""
        with self._lock:
            self.delivered.clear()
            self.attempts.clear()
            self._failures.clear()

    def plugin(self) -> object:
        """A plugin object registering this very notifier under :attr:`name`.

        ``pm.register(recorder.plugin())``: then
        ``Adapters(pm).notifier_factories()[recorder.name](settings)`` returns ``recorder``.
        """
        recorder = self

        class RecordingNotifierPlugin:
            @hookimpl
            def sp4n_register_notifiers(self, register: Callable[[str, Any], None]) -> None:
                factory: NotifierFactory = _factory(recorder)
                register(recorder.name, factory)

        return RecordingNotifierPlugin()


def _factory(recorder: RecordingNotifier) -> NotifierFactory:
    def build(settings: Mapping[str, str]) -> RecordingNotifier:
        return recorder

    return build
