"""Shared output helpers for subcommands: one JSON object, or readable text."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from typing import Any

__all__ = ["DOCS_SOURCES", "add_json_flag", "docs_citations", "emit"]

DOCS_SOURCES = "docs/sources.md"
"""The documentation page that explains the research notes' sections a citation names."""

_NOTES = re.compile(r"\bregulation\.md\b")


def docs_citations(text: str) -> str:
    """``text`` with the research notes' name (``regulation.md §1 T1``, which users do not
    have) replaced by the documentation page that covers the same sections."""
    return _NOTES.sub(DOCS_SOURCES, text)


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Add the ``--json`` flag every command shares."""
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object to stdout instead of text"
    )


def emit(args: argparse.Namespace, payload: Mapping[str, Any], text: str) -> int:
    """Print ``payload`` as JSON when ``--json`` was given, else ``text``; return 0.

    Citations naming the research notes point at :data:`DOCS_SOURCES` instead.
    """
    if getattr(args, "json", False):
        encoded = json.dumps(payload, ensure_ascii=False, sort_keys=False, default=str)
        sys.stdout.write(docs_citations(encoded) + "\n")
    else:
        text = docs_citations(text)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
