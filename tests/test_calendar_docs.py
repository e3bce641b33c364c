"""The examples in docs/calendar.md run, so the page cannot drift from the code."""

from __future__ import annotations

import doctest
from pathlib import Path

DOC = Path(__file__).parents[1] / "docs" / "calendar.md"


def test_calendar_doc_examples_run() -> None:
    result = doctest.testfile(
        str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False
    )
    assert result.attempted > 20
    assert result.failed == 0


def test_calendar_module_doctests_run() -> None:
    import sp4n.sla._calendar
    import sp4n.sla._overlays

    for module in (sp4n.sla._calendar, sp4n.sla._overlays):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0
