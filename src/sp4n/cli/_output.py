"""Shared output helpers for subcommands: one JSON object, or readable text."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any

__all__ = ["add_json_flag", "emit"]


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Add the ``--json`` flag every command shares."""
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object to stdout instead of text"
    )


def emit(args: argparse.Namespace, payload: Mapping[str, Any], text: str) -> int:
    """Print ``payload`` as JSON when ``--json`` was given, else ``text``; return 0."""
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, ensure_ascii=False, sort_keys=False, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
