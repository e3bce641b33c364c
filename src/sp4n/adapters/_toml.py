"""Reading a deployment's settings file (notifiers, channels): one TOML file or a mapping."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sp4n.errors import InvalidInputError

__all__ = ["read_settings"]


def read_settings(
    source: str | Path | Mapping[str, Any], what: str
) -> tuple[str, Mapping[str, Any]]:
    """``(where, tables)`` of a ``what`` settings file (e.g. ``"notifiers"``), or of a mapping
    given directly (``where`` is then ``what``). A missing or malformed file is an
    :class:`~sp4n.errors.InvalidInputError` naming ``what`` and the path."""
    if isinstance(source, Mapping):
        return what, source
    path = Path(source)
    try:
        with path.open("rb") as handle:
            return str(path), tomllib.load(handle)
    except FileNotFoundError:
        raise InvalidInputError(
            what, str(path), "no such file", hint=f"give the path of a {what} TOML file"
        ) from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(what, str(path), f"cannot be read as TOML: {exc}") from None
