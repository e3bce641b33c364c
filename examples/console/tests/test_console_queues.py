"""Queues and the day-by-day explanation of the nearest deadline, on the Desk's clock."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from console_support import AGENCY, WIB, file_complaint
from sp4n_console import OfficerBook, nearest_deadline, queues

from sp4n import Desk
from sp4n.testing import FrozenClock


def at(clock: FrozenClock, day: int, hour: int = 10) -> None:
    clock.advance(datetime(2026, 8, day, hour, tzinfo=WIB) - clock())


def names(found: dict[str, list[Any]], tracking: str) -> list[str]:
    return [name for name, rows in found.items() if any(r.tracking_id == tracking for r in rows)]


def test_t1_over_independence_day_explained_day_by_day(
    desk: Desk, clock: FrozenClock, officers: OfficerBook
) -> None:
    at(clock, 14)  # Friday 14 August 2026; Monday 17 August is Hari Kemerdekaan
    tracking = file_complaint(desk)
    nearest = nearest_deadline(desk, tracking, clock())
    assert nearest is not None
    assert nearest.clock.rule.id == "T1"
    assert nearest.due.isoformat() == "2026-08-20"
    days = [(d.date.day, d.working_day, d.reason) for d in nearest.days]
    assert days == [
        (14, 0, None),
        (15, None, "Hari Sabtu"),
        (16, None, "Hari Minggu"),
        (17, None, "Hari Kemerdekaan Republik Indonesia"),
        (18, 1, None),
        (19, 2, None),
        (20, 3, None),
    ]
    admin = officers.get("admin61").actor
    at(clock, 19)
    assert names(queues(desk, admin, clock()), tracking) == ["triage", "due"]
    at(clock, 20)
    assert names(queues(desk, admin, clock()), tracking) == ["triage", "due"]
    at(clock, 21)
    assert names(queues(desk, admin, clock()), tracking) == ["triage", "overdue"]


def test_queues_follow_the_officers_scope_and_the_lifecycle(
    desk: Desk, clock: FrozenClock, officers: OfficerBook
) -> None:
    ours = file_complaint(desk)
    theirs = file_complaint(desk, title="Lampu jalan mati", region="64.71", topic="street_lighting")
    admin61, admin64 = officers.get("admin61").actor, officers.get("admin64").actor
    liaison, supervisor = officers.get("pupr").actor, officers.get("pengawas").actor
    assert names(queues(desk, admin61, clock()), ours) == ["triage"]
    assert names(queues(desk, admin61, clock()), theirs) == []
    assert names(queues(desk, admin64, clock()), theirs) == ["triage"]
    assert names(queues(desk, liaison, clock()), ours) == []
    assert names(queues(desk, supervisor, clock()), theirs) == ["triage"]
    desk.verify(ours)
    desk.forward(ours, AGENCY)
    assert names(queues(desk, admin61, clock()), ours) == []
    assert names(queues(desk, liaison, clock()), ours) == ["triage"]
    desk.request_info(ours, "Di RT berapa?")
    assert names(queues(desk, liaison, clock()), ours) == ["awaiting"]
    assert nearest_deadline(desk, ours, clock()) is not None  # paused clocks still show


def test_queue_page_shows_the_explanation_on_click(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    _, _, page = login("admin61").get("/antrean")
    row = page[page.index(tracking) :]
    assert "<details><summary>Rincian hari demi hari</summary>" in row
    assert "hari kerja ke-3" in row
    nearest = nearest_deadline(desk, tracking, desk.clock())
    assert nearest is not None
    assert html.escape(nearest.clock.rule.citation) in row  # the rule's regulation and article
