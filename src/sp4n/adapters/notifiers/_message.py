"""The rendered notification every notifier delivers, and the notifier protocol."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import attrs

from sp4n.errors import DeliveryError, InvalidInputError

__all__ = ["DeliveryError", "Notification", "Notifier", "Recipient"]


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(attribute.name, value, "must be a non-empty string")


def _as_dict(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Recipient:
    """Who a notification is for.

    :param role: the recipient's role (``reporter``, ``liaison``, ``admin``, ``supervisor``).
    :param address: where to deliver it: an e-mail address, a phone number or a URL.
    :param lang: ``"id"`` (default) or ``"en"``.
    :param handle: set for an anonymous reporter: ``address`` is then their sealed contact,
        resolved from the relay handle at delivery (decision 0132). A notifier delivers to
        ``address`` but shows, logs and reports only :attr:`shown` (the handle).
    """

    role: str = attrs.field(validator=_non_empty)
    address: str = attrs.field(validator=_non_empty)
    name: str | None = None
    lang: str = attrs.field(default="id", validator=attrs.validators.in_(("id", "en")))
    handle: str | None = None

    @property
    def shown(self) -> str:
        """What a log line, an error or a report may name: the handle, else the address."""
        return self.handle or self.address


@attrs.frozen
class Notification:
    """A message ready to send, identified by an idempotency ``key``.

    Delivering the same key twice must not reach the recipient twice: notifiers pass
    the key on (an ``Idempotency-Key`` header, a ``Message-ID``) so receivers can
    deduplicate, and the outbox never re-sends a key it has marked delivered.
    """

    key: str = attrs.field(validator=_non_empty)
    recipient: Recipient
    subject: str
    body: str
    data: Mapping[str, Any] = attrs.field(factory=dict, converter=_as_dict)


@runtime_checkable
class Notifier(Protocol):
    """Delivers :class:`Notification` values over one medium."""

    name: str

    def send(self, notification: Notification) -> None:
        """Deliver ``notification`` or raise :class:`DeliveryError`."""
        ...  # pragma: no cover - protocol
