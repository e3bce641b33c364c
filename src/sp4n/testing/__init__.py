"""Test kit for sp4n users and plugin authors (also a pytest plugin).

Installed with sp4n, this module is loaded by pytest through the ``pytest11``
entry point, so its fixtures are available in any test suite.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sp4n._time import require_aware
from sp4n.errors import InvalidInputError

__all__ = ["FrozenClock", "frozen_clock"]


class FrozenClock:
    """A clock that stands still until told to move, and never moves backwards.

    >>> from datetime import datetime, timedelta, UTC
    >>> clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    >>> clock.advance(timedelta(days=1)).isoformat()
    '2026-03-03T09:00:00+00:00'
    """

    def __init__(self, start: datetime) -> None:
        self._now = require_aware("start", start)

    def __call__(self) -> datetime:
        """Return the frozen instant."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (which must not be negative); return the new instant."""
        if delta < timedelta(0):
            raise InvalidInputError("delta", delta, "a FrozenClock never goes backwards")
        self._now += delta
        return self._now

    def set(self, instant: datetime) -> datetime:
        """Jump to ``instant``, which must not be earlier than now; return it."""
        instant = require_aware("instant", instant)
        if instant < self._now:
            raise InvalidInputError(
                "instant", instant, f"a FrozenClock never goes backwards (now {self._now})"
            )
        self._now = instant
        return self._now


@pytest.fixture
def frozen_clock() -> FrozenClock:
    """A :class:`FrozenClock` at Monday 2 March 2026, 09:00 WIB."""
    from zoneinfo import ZoneInfo

    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
