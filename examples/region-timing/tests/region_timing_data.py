"""Where Banyuwangi's timing data lives, and how its overlays are read (shared by the tests)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sp4n.sla import Overlay

REGION = "35.10"
"""Kabupaten Banyuwangi (Jawa Timur) in the bundled Kepmendagri list."""

DATA = Path(__file__).resolve().parents[1] / "data"
"""``overrides/`` (policy overrides, TOML) and ``overlays.toml`` (regional days off)."""


def regional_overlays() -> tuple[Overlay, ...]:
    """The regency's overlays, read from ``data/overlays.toml``."""
    data = tomllib.loads((DATA / "overlays.toml").read_text("utf-8"))
    defaults = data.get("defaults", {})
    return tuple(Overlay.from_mapping(row, defaults) for row in data["overlay"])
