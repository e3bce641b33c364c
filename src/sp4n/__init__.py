"""sp4n: public-service complaint handling the SP4N-LAPOR! way.

The top-level package stays cheap to import: ``import sp4n`` neither reads the
region dataset nor imports ``holidays``. Names are loaded on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from sp4n.adapters import hookimpl
    from sp4n.desk import Desk
    from sp4n.errors import Sp4nError
    from sp4n.sla import WorkingCalendar

__all__ = ["Desk", "Sp4nError", "WorkingCalendar", "__version__", "hookimpl"]

_LAZY = {
    "Desk": "sp4n.desk",
    "Sp4nError": "sp4n.errors",
    "WorkingCalendar": "sp4n.sla",
    "hookimpl": "sp4n.adapters",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("sp4n")
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            return "0+unknown"
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sp4n' has no attribute {name!r}")
