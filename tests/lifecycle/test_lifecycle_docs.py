"""The lifecycle's docstring examples run (docs/lifecycle.md runs in test_docs_pages)."""

from __future__ import annotations

import doctest
import importlib


def test_lifecycle_docstring_examples_run() -> None:
    for name in ("_model", "_ids", "_machine", "_table", "_privacy", "_complaint_clocks"):
        module = importlib.import_module(f"sp4n.lifecycle.{name}")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, name
