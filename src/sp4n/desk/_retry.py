"""Retrying a Desk call that lost an optimistic-concurrency race."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sp4n.errors import ConcurrencyError, InvalidInputError

__all__ = ["retry_on_conflict"]

_T = TypeVar("_T")


def retry_on_conflict(call: Callable[[], _T], *, attempts: int = 3) -> _T:
    """Run ``call``; when it raises :class:`~sp4n.errors.ConcurrencyError`, run it again.

    Every Desk verb reloads the complaint before acting, so running it again acts on the
    newest version; the lifecycle then re-checks that the action is still allowed. After
    ``attempts`` conflicts the last :class:`ConcurrencyError` propagates. Do not wrap calls
    that pass ``expected_version``: they fail on purpose when the complaint moved.

    >>> retry_on_conflict(lambda: "done")
    'done'
    """
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise InvalidInputError("attempts", attempts, "must be a whole number >= 1")
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except ConcurrencyError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
