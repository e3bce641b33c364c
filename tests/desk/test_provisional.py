"""Provisional honesty (decision 0154): a deadline counted into a year whose cuti bersama
decree the ``holidays`` data does not hold is provisional, with the reason; the calendar says
which decree years it knows."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.cli import main
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.sla import WorkingCalendar
from sp4n.testing import FrozenClock

NATIONAL = WorkingCalendar.indonesia()
UNDECREED = NATIONAL.decreed_through + 1


def test_the_data_carries_the_2027_skb_and_says_which_years_it_knows() -> None:
    assert NATIONAL.decreed(2026)
    assert NATIONAL.decreed(2027)  # SKB Menag 1205/2026, Menaker 3/2026, MenPANRB 2/2026
    assert not NATIONAL.decreed(UNDECREED)
    joint_2027 = [s for s in NATIONAL.non_working_days(dt.date(2027, 1, 1), dt.date(2027, 12, 31))
                  if s.kind == "joint_leave"]  # fmt: skip
    assert dt.date(2027, 12, 24) in {s.date for s in joint_2027}


def test_a_deadline_inside_a_decreed_year_is_final() -> None:
    explanation = NATIONAL.explain(dt.date(2027, 6, 1), 10)
    assert explanation.provisional is False
    assert explanation.provisional_reason is None


def test_a_deadline_counted_into_an_undecreed_year_is_provisional_with_its_reason() -> None:
    start = dt.date(UNDECREED - 1, 12, 20)
    explanation = NATIONAL.explain(start, 10)
    assert explanation.due.year == UNDECREED
    assert explanation.provisional is True
    assert f"cuti bersama {UNDECREED} belum ditetapkan" in str(explanation.provisional_reason)
    assert f"for {UNDECREED} not decreed yet" in str(explanation.provisional_reason_en)
    inside = NATIONAL.explain(dt.date(UNDECREED, 6, 1), 3)
    assert inside.provisional is True


def test_units_that_work_on_joint_leave_are_not_provisional_for_it() -> None:
    working = WorkingCalendar.indonesia(joint_leave_is_working=True)
    explanation = working.explain(dt.date(UNDECREED, 6, 1), 3)
    assert explanation.provisional is False or "perkiraan" in str(explanation.provisional_reason)
    assert "belum ditetapkan" not in str(explanation.provisional_reason)


def test_a_complaint_clock_into_an_undecreed_year_is_provisional() -> None:
    wib = ZoneInfo("Asia/Jakarta")
    at = dt.datetime(UNDECREED - 1, 12, 30, 9, tzinfo=wib)  # T1: 3 working days
    with Desk.open("memory://", clock=FrozenClock(at)) as desk:
        c = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title="Jalan rusak",
                body="Berlubang.",
                region="32.73",
                topic="road",
                channel="web",
                reporter=Reporter(id="w", email="w@example.id"),
            )
        )
        (t1,) = [k for k in desk.clocks(c.tracking_id) if k.rule.id == "T1"]
    assert t1.deadline is not None
    assert t1.deadline.provisional
    assert t1.deadline.to_dict()["provisional_reason"] is not None


@pytest.mark.parametrize(("year", "decreed"), [(2027, True), (UNDECREED, False)])
def test_sp4n_calendar_json_says_whether_the_year_is_decreed(
    year: int, decreed: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calendar", str(year), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decreed"] is decreed
    assert main(["calendar", str(year)]) == 0
    assert ("belum ditetapkan" in capsys.readouterr().out) is not decreed


def _submitted(desk: Desk, title: str = "Jalan rusak") -> str:
    return desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title=title,
            body="Berlubang.",
            region="32.73",
            topic="road",
            channel="web",
            reporter=Reporter(id="w", email="w@example.id"),
        )
    ).tracking_id


def test_citizens_and_officers_are_told_the_date_is_an_estimate() -> None:
    from sp4n.open311 import Open311App, RequestQuery

    wib = ZoneInfo("Asia/Jakarta")
    clock = FrozenClock(dt.datetime(UNDECREED - 1, 12, 30, 9, tzinfo=wib))  # T1 due in Jan
    with Desk.open("memory://", clock=clock) as desk:
        ref = _submitted(desk)
        desk.verify(ref)
        desk.forward(ref, attributes={"road_status": "kota"})  # published; T2 into January
        for lang, word in (("id", "perkiraan"), ("en", "estimated")):
            app = Open311App(desk, lang=lang)
            assert word in app.request(ref)["service_notice"]
            (listed,) = app.requests(RequestQuery())
            assert word in listed["service_notice"]
        clock.set(dt.datetime(UNDECREED, 1, 5, 10, tzinfo=wib))  # one working day before T2
        assert desk.sweep().warnings >= 1
        (warning,) = [
            m
            for m in desk.store.pending_outbox(limit=100, now=dt.datetime(2100, 1, 1, tzinfo=wib))
            if m.template.startswith("sla.warning") and m.payload["data"]["rule_id"] == "T2"
        ]
        assert "(perkiraan)" in warning.payload["body"]
        assert warning.payload["data"]["provisional"] is True


def test_a_final_date_is_not_called_an_estimate() -> None:
    from sp4n.open311 import Open311App

    wib = ZoneInfo("Asia/Jakarta")
    with Desk.open("memory://", clock=FrozenClock(dt.datetime(2026, 6, 1, 9, tzinfo=wib))) as desk:
        ref = _submitted(desk)
        assert Open311App(desk).request(ref)["service_notice"] == "Belum Terverifikasi"
