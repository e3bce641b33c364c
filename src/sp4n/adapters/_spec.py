"""The pluggy project name and markers shared by hookspecs and hook implementations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pluggy

__all__ = ["NAME", "hookimpl"]

NAME = "sp4n"
"""The pluggy project name and the entry-point group plugins are discovered in."""

_F = TypeVar("_F", bound=Callable[..., Any])

hookimpl: Callable[[_F], _F] = pluggy.HookimplMarker(NAME)
"""Mark a function as an implementation of an sp4n hook (``@sp4n.hookimpl``)."""

_spec = pluggy.HookspecMarker(NAME)
