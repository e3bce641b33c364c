"""The pluggy project name and markers shared by hookspecs and hook implementations."""

from __future__ import annotations

import pluggy

__all__ = ["NAME", "hookimpl"]

NAME = "sp4n"
"""The pluggy project name and the entry-point group plugins are discovered in."""

hookimpl = pluggy.HookimplMarker(NAME)
"""Mark a function as an implementation of an sp4n hook.

Used bare (``@sp4n.hookimpl``) or with pluggy's options (``@sp4n.hookimpl(tryfirst=True)``,
``specname=...``); either way the decorated function keeps its own type.
"""

_spec = pluggy.HookspecMarker(NAME)
