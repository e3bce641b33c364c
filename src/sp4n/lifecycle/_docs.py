"""Keep docs/lifecycle.md in step with the table: ``python -m sp4n.lifecycle._docs [path]``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sp4n.lifecycle._table import LAPOR_TABLE, TransitionTable

__all__ = ["refresh"]


def _replace(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:begin -->\n).*?(<!-- {name}:end -->)", re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"marker <!-- {name}:begin --> ... <!-- {name}:end --> not found")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def refresh(text: str, table: TransitionTable = LAPOR_TABLE) -> str:
    """Return ``text`` with the generated diagram and row table replaced by current ones."""
    text = _replace(text, "diagram", f"```mermaid\n{table.to_mermaid()}```\n")
    text = _replace(text, "diagram-en", f"```mermaid\n{table.to_mermaid(lang='en')}```\n")
    return _replace(text, "table", table.to_markdown())


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/lifecycle.md")
    path.write_text(refresh(path.read_text(encoding="utf-8")), encoding="utf-8")
