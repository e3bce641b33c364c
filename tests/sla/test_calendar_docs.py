"""The calendar modules' docstring examples run (docs/calendar.md runs in test_docs_pages)."""

from __future__ import annotations

import doctest


def test_calendar_module_doctests_run() -> None:
    import sp4n.sla._calendar
    import sp4n.sla._overlays

    for module in (sp4n.sla._calendar, sp4n.sla._overlays):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0
