"""docs/lifecycle.md: its code runs; the lifecycle's docstring examples run."""

from __future__ import annotations

import doctest
import importlib
import re
from datetime import timedelta
from pathlib import Path

DOC = Path(__file__).parents[1] / "docs" / "lifecycle.md"


def test_the_code_in_the_docs_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 2
    namespace: dict[str, object] = {}
    exec(blocks[0], namespace)  # the intake example
    c = namespace["c"]
    assert c.status.value == "forwarded"  # type: ignore[attr-defined]
    namespace["now"] = namespace["at"] + timedelta(days=30)  # type: ignore[operator]
    exec(blocks[1], namespace)  # the clocks example
    after = namespace["c"]
    assert [e.payload.get("rule_id") for e in after.history if e.type == "escalated"]  # type: ignore[attr-defined]


def test_lifecycle_docstring_examples_run() -> None:
    for name in ("_model", "_ids", "_machine", "_table", "_privacy", "_clocks"):
        module = importlib.import_module(f"sp4n.lifecycle.{name}")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, name
