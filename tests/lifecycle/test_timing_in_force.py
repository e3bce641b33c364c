"""One timing in force (decision 0153): ``lifecycle.clocks`` and ``Desk.clocks`` give the same
T2 for a complaint whose region a plugin overrides, because both go through
``sp4n.lifecycle.timing_in_force``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pluggy
import pytest

import sp4n
import sp4n.adapters
import sp4n.lifecycle._timing
from sp4n import Desk
from sp4n.adapters import Adapters
from sp4n.lifecycle import (
    Complaint,
    ComplaintDraft,
    Reporter,
    clocks,
    due_actions,
    timing_in_force,
)
from sp4n.sla import WorkingCalendar

WIB = ZoneInfo("Asia/Jakarta")
REGION = "35.10"  # Kabupaten Banyuwangi


class Banyuwangi:
    """A regional plugin: T2 in 30 working days and Hari Jadi on 18 December (examples)."""

    @sp4n.hookimpl
    def sp4n_calendar_overlays(self, region: str | None) -> list[dict[str, Any]]:
        if region is None or not region.startswith(REGION):
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
        if region is None or not region.startswith(REGION):
            return None
        return {"T2": {"length": 30, "citation": "SOP Banyuwangi (example)"}}


BUILD = sp4n.adapters.plugin_manager


def with_banyuwangi(**options: Any) -> pluggy.PluginManager:
    pm = BUILD(load_entrypoints=False)
    pm.register(Banyuwangi(), name="banyuwangi")
    return pm


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The plugin as if installed through the ``sp4n`` entry point."""
    monkeypatch.setattr(sp4n.adapters, "plugin_manager", with_banyuwangi)
    sp4n.lifecycle._timing._LOADED.clear()
    try:
        yield
    finally:
        sp4n.lifecycle._timing._LOADED.clear()


def forwarded(desk: Desk) -> Complaint:
    at = dt.datetime(2026, 12, 1, 9, tzinfo=WIB)
    c = desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title="Puskesmas tutup",
            body="Tutup pada jam layanan.",
            region=REGION,
            topic="hospital",
            channel="web",
            reporter=Reporter(id="w-1", email="w1@example.id"),
        ),
        at=at,
    )
    desk.verify(c.tracking_id, at=at)
    return desk.forward(c.tracking_id, at=at)


def t2_due(found: tuple[Any, ...]) -> dt.date:
    (t2,) = [c for c in found if c.rule.id == "T2"]
    return t2.deadline.due_date  # type: ignore[no-any-return]


def test_lifecycle_clocks_and_desk_clocks_give_one_t2(installed: None) -> None:
    now = dt.datetime(2026, 12, 2, 9, tzinfo=WIB)
    with Desk.open("memory://", pm=with_banyuwangi()) as desk:
        complaint = forwarded(desk)
        from_desk = t2_due(desk.clocks(complaint.tracking_id, now=now))
    calendar = WorkingCalendar.indonesia(REGION)
    national_calendar = calendar.add_working_days(dt.date(2026, 12, 1), 30)
    assert from_desk > national_calendar  # 18 December is off in Banyuwangi: a day later
    assert t2_due(clocks(complaint, now=now)) == from_desk
    assert t2_due(timing_in_force(complaint, now=now)) == from_desk
    explicit = Adapters(with_banyuwangi())
    assert t2_due(timing_in_force(complaint, now=now, plugins=explicit)) == from_desk
    assert t2_due(timing_in_force(complaint, now=now, plugins=None)) == calendar.add_working_days(
        dt.date(2026, 12, 1), 5
    )


def test_due_actions_follow_the_same_timing(installed: None) -> None:
    with Desk.open("memory://", pm=with_banyuwangi()) as desk:
        complaint = forwarded(desk)
    late_under_national = dt.datetime(2026, 12, 15, 9, tzinfo=WIB)  # > 5, < 30 working days
    assert "T2" not in {a.rule_id for a in due_actions(complaint, late_under_national)}
    assert "T2" in {a.rule_id for a in due_actions(complaint, late_under_national, plugins=None)}
