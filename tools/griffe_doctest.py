"""A griffe extension for the API reference: ``>>>`` examples render as code blocks.

sp4n's docstrings are reStructuredText-style (``docstring_style: sphinx``), where an interactive
example is a *doctest block*: lines from one starting with ``>>>`` up to the next blank line.
griffe's Sphinx parser leaves such text as it is, and Markdown reads every ``>>>`` as three nested
blockquotes, so the reference showed the examples as quoted prose. This extension fences each
doctest block as a ``pycon`` code block (same indentation, so a block inside a list stays there)
while griffe loads the package (mkdocs.yml, the python handler's ``extensions``). Blocks already
inside a fence are left alone, and the docstrings themselves are unchanged, so ``doctest`` still
runs them.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["DoctestBlocks", "fence_doctests"]

_PROMPT = re.compile(r"^([ \t]*)>>>(?: |$)")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def fence_doctests(text: str) -> str:
    """``text`` with each doctest block wrapped in a fenced ``pycon`` code block."""
    lines = text.split("\n")
    out: list[str] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(1)
            fence = None if fence == marker else fence or marker
        prompt = None if fence else _PROMPT.match(line)
        if prompt is None:
            out.append(line)
            i += 1
            continue
        indent = prompt.group(1)
        out.append(f"{indent}```pycon")
        while i < len(lines) and lines[i].strip():  # a doctest block ends at a blank line
            out.append(lines[i])
            i += 1
        out.append(f"{indent}```")
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Rewrite every loaded object's docstring with :func:`fence_doctests`."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Called by griffe once per object after the package is loaded."""
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
