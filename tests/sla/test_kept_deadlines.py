"""A deadline kept after a shortening calendar revision (decisions 0083, 0150) is the one
every reader uses: Desk.clocks, lifecycle.clocks, ``sp4n show``, Open311
``expected_datetime``, the compliance report, the sweep and its notices.

The story: a complaint forwarded on Monday 10 August 2026 is due Tuesday 18 August (the 17th
is Hari Kemerdekaan). A plugin then cancels the 17th as a holiday; the revised calendar gives
the 17th, but the sweep on the 17th keeps the communicated 18th with a ``deadline_moved``
event. On the 18th the agency follows up: on time.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pluggy
import pytest

import sp4n
import sp4n.adapters
from sp4n import Desk
from sp4n.cli import main
from sp4n.lifecycle import Complaint, ComplaintDraft, Reporter
from sp4n.lifecycle import clocks as lifecycle_clocks
from sp4n.open311 import Open311App
from sp4n.sla import ClockStatus, Overlay, WorkingCalendar
from sp4n.testing import FrozenClock

WITA = ZoneInfo("Asia/Makassar")
REGION = "64.71"  # Kota Balikpapan: WITA
AGENCY = "64-dinkes"
KEPT = dt.date(2026, 8, 18)
REVISED = dt.date(2026, 8, 17)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 8, day, hour, tzinfo=WITA)


class CancelsKemerdekaan:
    """A regional plugin whose revision makes 17 August 2026 a working day (simulated)."""

    @sp4n.hookimpl
    def sp4n_calendar_overlays(self, region: str | None) -> list[dict[str, Any]]:
        return [
            {
                "date": "2026-08-17",
                "kind": "workday",
                "reason": "Hari kerja (simulasi pembatalan libur)",
                "reason_en": "Working day (simulated cancelled holiday)",
                "source": "test",
                "revision": "rev-cancel-17",
            }
        ]


def revised_pm(**options: Any) -> pluggy.PluginManager:
    pm = BUILD(load_entrypoints=False)
    pm.register(CancelsKemerdekaan(), name="cancels-17")
    return pm


BUILD = sp4n.adapters.plugin_manager


@pytest.fixture
def story(sqlite_url: str) -> tuple[str, Complaint, FrozenClock]:
    clock = FrozenClock(at(10, 9))
    with Desk.open(sqlite_url, clock=clock, pm=BUILD(load_entrypoints=False)) as desk:
        c = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title="Antrean puskesmas",
                body="Menunggu lima jam tanpa kepastian.",
                region=REGION,
                topic="hospital",
                channel="web",
                reporter=Reporter(id="warga-1", email="warga1@example.org"),
            ),
            at=at(10, 9),
        )
        desk.verify(c.tracking_id, at=at(10, 9))
        c = desk.forward(c.tracking_id, AGENCY, at=at(10, 9))
        assert desk.store.get(c.complaint_id).next_due == KEPT  # type: ignore[union-attr]
    clock.set(at(17, 10))
    with Desk.open(sqlite_url, clock=clock, pm=revised_pm()) as desk:
        report = desk.sweep()
        assert (report.deadline_moves, report.kept_deadlines) == (1, 1)
    clock.set(at(18, 10))  # the revision's date has passed; the kept one has not
    return sqlite_url, c, clock


def revised_desk(url: str, clock: FrozenClock) -> Desk:
    return Desk.open(url, clock=clock, pm=revised_pm())


def test_desk_clocks_use_the_kept_deadline(story: tuple[str, Complaint, FrozenClock]) -> None:
    url, c, clock = story
    with revised_desk(url, clock) as desk:
        t2 = {k.rule.id: k for k in desk.clocks(c.tracking_id)}["T2"]
        assert t2.deadline is not None
        assert (t2.deadline.due_date, t2.deadline.kept_from) == (KEPT, REVISED)
        assert t2.status is ClockStatus.RUNNING
        assert desk.store.get(c.complaint_id).next_due == KEPT  # type: ignore[union-attr]


def test_lifecycle_clocks_use_the_kept_deadline(story: tuple[str, Complaint, FrozenClock]) -> None:
    url, c, clock = story
    with revised_desk(url, clock) as desk:
        complaint = desk.get(c.tracking_id)
    calendar = WorkingCalendar.indonesia(REGION).with_overlays(
        Overlay.from_mapping(CancelsKemerdekaan().sp4n_calendar_overlays(REGION)[0])
    )
    t2 = {k.rule.id: k for k in lifecycle_clocks(complaint, now=at(18), calendar=calendar)}["T2"]
    assert t2.deadline is not None
    assert t2.deadline.due_date == KEPT
    assert not t2.overdue


def test_cli_show_reports_the_kept_deadline(
    story: tuple[str, Complaint, FrozenClock],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, c, _ = story
    import sp4n.desk._core

    monkeypatch.setattr(sp4n.desk._core, "plugin_manager", revised_pm)  # what Desk.open builds
    capsys.readouterr()
    assert main(["show", c.tracking_id, "--db", url, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    (t2,) = [k for k in shown["clocks"] if k["rule_id"] == "T2"]
    assert t2["deadline"]["due_date"] == KEPT.isoformat()
    assert t2["deadline"]["kept_from"] == REVISED.isoformat()
    assert main(["show", c.tracking_id, "--db", url]) == 0
    text = capsys.readouterr().out
    assert f"batas {KEPT.isoformat()}" in text
    assert f"dipertahankan; revisi kalender memberi {REVISED.isoformat()}" in text


def test_open311_expected_datetime_is_the_kept_deadline(
    story: tuple[str, Complaint, FrozenClock],
) -> None:
    url, c, clock = story
    expected = dt.datetime(2026, 8, 19, tzinfo=WITA)  # the first instant after the 18th
    with revised_desk(url, clock) as desk:
        app = Open311App(desk)
        assert app.request(c.tracking_id)["expected_datetime"] == expected
        row = desk.store.get(c.complaint_id)
        assert row is not None
        assert app.listed(row)["expected_datetime"] == expected


def test_the_compliance_report_counts_a_follow_up_on_the_kept_date_as_on_time(
    story: tuple[str, Complaint, FrozenClock],
) -> None:
    url, c, clock = story
    with revised_desk(url, clock) as desk:
        desk.follow_up(c.tracking_id, "Antrean ditata ulang, loket ditambah.", at=at(18, 11))
        report = desk.report(
            start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 31), agency=AGENCY, now=at(20)
        )
        assert report.rows[0].followed_up_in_5wd == 1


def test_the_sweep_warns_and_breaches_from_the_kept_date_only(
    story: tuple[str, Complaint, FrozenClock],
) -> None:
    url, c, clock = story
    with revised_desk(url, clock) as desk:
        assert desk.sweep().breaches == 0
        clock.set(at(19, 10))
        assert desk.sweep().breaches == 1
        dues = {
            m.id.rsplit(":", 1)[1]  # a notice's id ends with the due date it counts from
            for m in desk.store.pending_outbox(limit=100, now=at(31))
            if m.template.startswith("sla.") and m.complaint_id == c.complaint_id
        }
        assert dues == {KEPT.isoformat()}


def test_the_officers_list_shows_the_kept_date_and_is_not_overdue_before_it(
    story: tuple[str, Complaint, FrozenClock],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sp4n.desk._core

    url, c, _ = story
    monkeypatch.setattr(sp4n.desk._core, "plugin_manager", revised_pm)
    capsys.readouterr()
    assert main(["list", "--db", url, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["complaints"]
    assert (row["tracking_id"], row["next_due"]) == (c.tracking_id, KEPT.isoformat())
    assert main(["list", "--db", url, "--overdue-as-of", "2026-08-18", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["complaints"] == []
    assert main(["list", "--db", url]) == 0
    assert f"{KEPT.isoformat()}  Antrean puskesmas" in capsys.readouterr().out
