"""The only place in sp4n that reads the wall clock.

Domain code receives a :data:`sp4n._time.Clock`; this default is handed in only at
the outermost edge (the command line, ``Desk.open`` when no clock is given).
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["system_clock"]


def system_clock() -> datetime:
    """Return the current instant in UTC."""
    return datetime.now(UTC)
