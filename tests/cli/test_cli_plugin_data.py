"""The command line counts with the installed plugins' overlays and overrides, as a Desk does.

The plugin here is registered on a real plugin manager, built the way ``sp4n`` builds it (an
installed plugin would arrive through the ``sp4n`` entry point instead).
"""

from __future__ import annotations

import json
from typing import Any

import pluggy
import pytest

import sp4n
import sp4n.adapters
from sp4n.cli import main


class Banyuwangi:
    """Hari Jadi Banyuwangi as a regional day off and a 30-day follow-up (both examples)."""

    @sp4n.hookimpl
    def sp4n_calendar_overlays(self, region: str | None) -> list[dict[str, Any]]:
        if region is None or not region.startswith("35.10"):
            return []
        return [
            {
                "date": "2026-12-18",
                "kind": "regional",
                "reason": "Hari Jadi Banyuwangi (contoh)",
                "reason_en": "Banyuwangi anniversary (example)",
                "source": "example",
                "revision": "banyuwangi-2026.1",
                "certainty": "inferred",
            }
        ]

    @sp4n.hookimpl
    def sp4n_policy_overrides(
        self, policy: str, region: str | None, agency: str | None
    ) -> dict[str, dict[str, Any]] | None:
        if region is None or not region.startswith("35.10"):
            return None
        return {"T2": {"length": 30, "citation": "SOP Banyuwangi (example)"}}


@pytest.fixture
def with_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    build = sp4n.adapters.plugin_manager

    def plugin_manager(**options: Any) -> pluggy.PluginManager:
        pm = build(load_entrypoints=False)
        pm.register(Banyuwangi(), name="banyuwangi")
        return pm

    monkeypatch.setattr(sp4n.adapters, "plugin_manager", plugin_manager)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main([*argv, "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_deadline_skips_a_plugins_regional_day(
    capsys: pytest.CaptureFixture[str], with_plugin: None
) -> None:
    args = ("deadline", "2026-12-17", "--working-days", "3")
    assert run_json(capsys, *args, "--region", "35.10")["due_date"] == "2026-12-23"
    # Elsewhere the 18th counts: Friday 18, Monday 21, Tuesday 22.
    assert run_json(capsys, *args, "--region", "35.09")["due_date"] == "2026-12-22"


def test_calendar_marks_the_plugins_day(
    capsys: pytest.CaptureFixture[str], with_plugin: None
) -> None:
    assert main(["calendar", "2026", "--region", "35.10"]) == 0
    out = capsys.readouterr().out
    assert "Hari Jadi Banyuwangi (contoh)" in out


def test_policy_shows_the_plugins_override(
    capsys: pytest.CaptureFixture[str], with_plugin: None
) -> None:
    rules = {rule["id"]: rule for rule in run_json(capsys, "policy", "--region", "35.10")["rules"]}
    assert rules["T2"]["length"] == 30
    assert rules["T2"]["citation"] == "SOP Banyuwangi (example)"
    national = {rule["id"]: rule for rule in run_json(capsys, "policy")["rules"]}
    assert national["T2"]["length"] == 5
