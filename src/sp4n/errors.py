"""Every error sp4n raises on purpose.

The tree is shallow. :class:`Sp4nError` is the base; :class:`InvalidInputError`
covers bad input and always carries ``field``, ``value`` and ``rule`` as
attributes, so a caller can act on them without parsing the message. Lookup
failures also subclass :class:`LookupError`, input errors :class:`ValueError`,
so code that already catches the builtins keeps working.

Messages follow one shape::

    <field> = <value!r>: <rule>. <hint>

The hint says what to do next and is optional.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "ConcurrencyError",
    "DeliveryError",
    "InvalidDateError",
    "InvalidInputError",
    "InvalidPolicyError",
    "InvalidWorkflowDefinition",
    "MalformedRegionCodeError",
    "MalformedStoreUrlError",
    "NaiveDatetimeError",
    "NotFoundError",
    "Open311Error",
    "OutOfCalendarRangeError",
    "PermissionDenied",
    "PluginError",
    "RemoteError",
    "RemoteRejectedError",
    "RemoteUnavailableError",
    "RequestBodyError",
    "SchemaVersionError",
    "Sp4nError",
    "StoreError",
    "StoreNotEmptyError",
    "StoreUnavailableError",
    "StoreWriteError",
    "TransitionError",
    "UnknownAgencyError",
    "UnknownBlobError",
    "UnknownComplaintError",
    "UnknownPolicyError",
    "UnknownRegionError",
    "UnknownRuleError",
    "UnknownStoreSchemeError",
    "UnknownTopicError",
    "WebhookRefusedError",
]


def _describe(field: str, value: object, rule: str, hint: str | None) -> str:
    message = f"{field} = {value!r}: {rule}"
    if hint:
        message += f". {hint}"
    return message


class Sp4nError(Exception):
    """Base class of every error sp4n raises on purpose.

    .. versionadded:: 0.1
    """


class InvalidInputError(Sp4nError, ValueError):
    """A value given to sp4n breaks a rule; names the field, the value and the rule.

    .. versionadded:: 0.1
    """

    def __init__(self, field: str, value: object, rule: str, *, hint: str | None = None) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        self.hint = hint
        super().__init__(_describe(field, value, rule, hint))


class NaiveDatetimeError(InvalidInputError):
    """A datetime without a time zone crossed the public API.

    .. versionadded:: 0.1
    """

    def __init__(self, field: str, value: object, *, hint: str | None = None) -> None:
        super().__init__(
            field,
            value,
            "datetimes must be timezone-aware",
            hint=hint or "Attach a zone, e.g. datetime(..., tzinfo=ZoneInfo('Asia/Jakarta'))",
        )


class InvalidDateError(InvalidInputError):
    """A date string or object could not be read as a calendar date.

    .. versionadded:: 0.1
    """


class OutOfCalendarRangeError(InvalidInputError):
    """A date lies outside the years a working calendar covers.

    .. versionadded:: 0.1
    """


class InvalidPolicyError(InvalidInputError):
    """An SLA policy or rule definition is inconsistent or malformed.

    .. versionadded:: 0.1
    """


class MalformedRegionCodeError(InvalidInputError):
    """A region code does not have the Kemendagri shape ``PP[.KK[.CC[.DDDD]]]``.

    .. versionadded:: 0.1
    """


class NotFoundError(Sp4nError, LookupError):
    """Something looked up by key does not exist.

    .. versionadded:: 0.1
    """

    def __init__(self, field: str, value: object, rule: str, *, hint: str | None = None) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        self.hint = hint
        super().__init__(_describe(field, value, rule, hint))


class UnknownRegionError(NotFoundError):
    """A well-formed region code or a region name matches no region in the dataset.

    .. versionadded:: 0.1
    """


class UnknownPolicyError(NotFoundError):
    """No SLA policy file has the requested name.

    .. versionadded:: 0.1
    """


class UnknownRuleError(NotFoundError):
    """An SLA policy has no rule with the requested id.

    .. versionadded:: 0.1
    """


class UnknownTopicError(NotFoundError):
    """A complaint topic is not in the topic taxonomy.

    .. versionadded:: 0.1
    """


class UnknownAgencyError(NotFoundError):
    """An agency id is not in the agency directory.

    .. versionadded:: 0.1
    """


class UnknownBlobError(NotFoundError):
    """A blob store holds no bytes for an attachment reference.

    .. versionadded:: 0.1
    """

    def __init__(self, ref: str, url: str) -> None:
        super().__init__("ref", ref, f"no blob with this reference in {url}")


class UnknownComplaintError(NotFoundError):
    """No complaint has the tracking id or complaint id a caller gave.

    ``ref`` is the reference as given.

    .. versionadded:: 0.1
    """

    def __init__(self, ref: object) -> None:
        self.ref = ref
        super().__init__(
            "ref",
            ref,
            "no complaint has this tracking id or complaint id",
            hint="tracking ids look like LAPOR-2026-XXXX-XXXXC",
        )


class InvalidWorkflowDefinition(Sp4nError):  # noqa: N818 - name from the house style
    """A transition table is inconsistent (unreachable states, exits from final states, ...).

    .. versionadded:: 0.1
    """


class TransitionError(Sp4nError):
    """An event is not allowed in the complaint's current status; nothing was appended.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        complaint_id: str,
        status: str,
        event: str,
        allowed: Iterable[str],
        *,
        reason: str | None = None,
    ) -> None:
        self.complaint_id = complaint_id
        self.status = status
        self.event = event
        self.allowed = tuple(sorted(allowed))
        self.reason = reason
        allowed_text = ", ".join(self.allowed) or "none (final status)"
        message = (
            f"event = {event!r}: not allowed when complaint {complaint_id} is in status "
            f"{status!r}; allowed there: {allowed_text}"
        )
        if reason:
            message += f" ({reason})"
        super().__init__(message)


class PermissionDenied(Sp4nError):  # noqa: N818 - the name users expect, as in Django
    """An actor's role or scope does not allow an action; nothing was appended.

    .. versionadded:: 0.1
    """

    def __init__(self, role: str, scope: str | None, action: str, rule: str) -> None:
        self.role = role
        self.scope = scope
        self.action = action
        self.rule = rule
        super().__init__(f"role = {role!r} (scope {scope or 'none'!s}): may not {action}; {rule}")


class StoreError(Sp4nError):
    """Base class of storage failures.

    .. versionadded:: 0.1
    """


class ConcurrencyError(StoreError):
    """An append expected a version the stream no longer has; nothing was written.

    .. versionadded:: 0.1
    """

    def __init__(self, complaint_id: str, expected: int, actual: int) -> None:
        self.complaint_id = complaint_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"expected_version = {expected!r}: complaint {complaint_id} is at version "
            f"{actual}; reload it and retry"
        )


class UnknownStoreSchemeError(StoreError, InvalidInputError):
    """A store URL names a scheme no registered storage adapter handles.

    .. versionadded:: 0.1
    """


class MalformedStoreUrlError(StoreError, InvalidInputError):
    """A store URL is not of the form ``scheme://location`` its adapter understands.

    .. versionadded:: 0.1
    """


class StoreUnavailableError(StoreError):
    """A store URL is well formed but the store cannot be reached or opened.

    .. versionadded:: 0.1
    """

    def __init__(self, url: str, reason: str, *, hint: str | None = None) -> None:
        self.url = url
        self.reason = reason
        self.hint = hint
        super().__init__(_describe("db", url, f"cannot open the store: {reason}", hint))


class StoreWriteError(StoreError):
    """The store refused a write (read-only, disk full, I/O error); nothing was written.

    ``reason`` says what the store answered, ``hint`` what to do about it.

    .. versionadded:: 0.1
    """

    def __init__(self, url: str, reason: str, *, hint: str | None = None) -> None:
        self.url = url
        self.reason = reason
        self.hint = hint
        super().__init__(
            _describe("db", url, f"cannot write to the store: {reason}; nothing was written", hint)
        )


class StoreNotEmptyError(StoreError, InvalidInputError):
    """A copy (``sp4n migrate``) was pointed at a store that already holds complaints.

    Nothing was written: a copy goes into an empty store only, so no complaint is merged
    with another store's history.

    .. versionadded:: 0.1
    """

    def __init__(self, url: str, found: str) -> None:
        self.url = url
        super().__init__(
            "to",
            url,
            f"the target store is not empty (it holds {found})",
            hint="copy into a new, empty database; drop or rename the old one first",
        )


class SchemaVersionError(StoreError):
    """A database carries a newer schema than this sp4n understands; it was not touched.

    .. versionadded:: 0.1
    """

    def __init__(self, url: str, found: int, supported: int) -> None:
        self.url = url
        self.found = found
        self.supported = supported
        super().__init__(
            f"schema_version = {found!r}: database {url!r} is newer than this sp4n supports "
            f"({supported}); upgrade sp4n instead of opening it with an older release"
        )


class PluginError(Sp4nError):
    """A plugin is misconfigured, for instance two adapters claim the same name.

    .. versionadded:: 0.1
    """

    def __init__(self, message: str, **data: Any) -> None:
        self.data = data
        super().__init__(message)


class DeliveryError(Sp4nError):
    """A notifier could not deliver a notification; the outbox will retry it.

    ``permanent`` marks failures that retrying cannot fix (a rejected address).

    .. versionadded:: 0.1
    """

    def __init__(self, notifier: str, key: str, reason: str, *, permanent: bool = False) -> None:
        self.notifier = notifier
        self.key = key
        self.reason = reason
        self.permanent = permanent
        super().__init__(f"notification {key!r} via {notifier!r} not delivered: {reason}")


class Open311Error(InvalidInputError):
    """A GeoReport v2 request is malformed; carries the HTTP status to answer with.

    .. versionadded:: 0.1
    """

    def __init__(
        self, field: str, value: object, rule: str, *, status: int = 400, hint: str | None = None
    ) -> None:
        self.status = status
        super().__init__(field, value, rule, hint=hint)


class RequestBodyError(InvalidInputError):
    """An HTTP request body cannot be read: a bad, missing or too large ``Content-Length``,
    a body over the limit, or one that ends early; carries the HTTP status to answer with
    (400, 411 or 413).

    .. versionadded:: 0.1
    """

    def __init__(self, field: str, value: object, rule: str, *, status: int = 400) -> None:
        self.status = status
        super().__init__(field, value, rule)


class WebhookRefusedError(InvalidInputError):
    """An inbound channel webhook refused a request: a missing or wrong signature (401) or
    a wrong verification token (403); carries the HTTP status to answer with.

    .. versionadded:: 0.1
    """

    def __init__(self, field: str, value: object, rule: str, *, status: int = 401) -> None:
        self.status = status
        super().__init__(field, value, rule)


class RemoteError(Sp4nError):
    """Another portal or hub could not take a forwarded complaint or answer about it.

    ``retryable`` says whether asking again later may succeed (network trouble, HTTP 5xx,
    408, 429); a rejection of the request itself (HTTP 4xx) is not retryable.

    .. versionadded:: 0.1
    """

    retryable: bool = False
    url: str = ""


class RemoteRejectedError(RemoteError, InvalidInputError):
    """The remote Open311 endpoint refused the request (HTTP 4xx); carries its description.

    .. versionadded:: 0.1
    """

    def __init__(self, url: str, status: int, description: str) -> None:
        self.url = url
        self.status = status
        self.description = description
        self.retryable = False
        InvalidInputError.__init__(
            self, "remote", url, f"refused with HTTP {status}: {description}"
        )


class RemoteUnavailableError(RemoteError):
    """The remote Open311 endpoint cannot be reached or answered unusably; try again later.

    .. versionadded:: 0.1
    """

    def __init__(self, url: str, reason: str, *, retryable: bool = True) -> None:
        self.url = url
        self.reason = reason
        self.retryable = retryable
        super().__init__(f"remote Open311 endpoint {url!r} unavailable: {reason}")
