"""A griffe extension for the API reference: Sphinx roles and directives read as Markdown.

sp4n's docstrings use reStructuredText roles (``:class:`~sp4n.adapters.Store```) and
``.. versionadded::`` directives, which mkdocstrings would show verbatim. This extension rewrites
them to inline code and an italic note while griffe loads the package (mkdocs.yml, the python
handler's ``extensions``). The docstrings themselves are unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["SphinxRoles", "clean"]

_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|attr|mod|exc|data|obj|const):`(~?)([^`]+)`")
_DIRECTIVE = re.compile(r"^([ \t]*)\.\. (versionadded|versionchanged|deprecated):: *(.+)$", re.M)
_WORDS = {
    "versionadded": "New in version",
    "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version",
}


def clean(text: str) -> str:
    """``text`` with Sphinx roles as inline code and version directives as italic notes."""

    def role(match: re.Match[str]) -> str:
        target = match.group(2)
        if match.group(1):  # ~a.b.C shows as C
            target = target.rsplit(".", 1)[-1]
        return f"`{target}`"

    text = _ROLE.sub(role, text)
    return _DIRECTIVE.sub(
        lambda m: f"{m.group(1)}*{_WORDS[m.group(2)]} {m.group(3).strip()}.*", text
    )


class SphinxRoles(griffe.Extension):
    """Rewrite every loaded object's docstring with :func:`clean`."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Called by griffe once per object after the package is loaded."""
        if obj.docstring is not None:
            obj.docstring.value = clean(obj.docstring.value)
