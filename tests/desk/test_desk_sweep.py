"""Desk.sweep on a frozen clock: idempotence, working hours, escalation order, completion
across a holiday, calendar revisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.adapters import OutboxMessage
from sp4n.desk import SweepConfig
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import Complaint, ComplaintDraft, Reporter
from sp4n.sla import Overlay, WorkingCalendar, due_actions
from sp4n.testing import FrozenClock

WITA = ZoneInfo("Asia/Makassar")
REGION = "64.71"  # Kota Balikpapan, Kalimantan Timur: WITA
AGENCY = "64-dinkes"
LIAISON = "64-dinkes@sp4n-sample.example"
REGION_ADMIN = "64-admin@sp4n-sample.example"
NATIONAL_ADMIN = "pusat-admin@sp4n-sample.example"
FAR = dt.datetime(2030, 1, 1, tzinfo=WITA)


def at(day: int, hour: int = 10, minute: int = 0, month: int = 8) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=WITA)


def draft(n: int = 1) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=f"Antrean puskesmas {n}",
        body="Menunggu lima jam tanpa kepastian.",
        region=REGION,
        topic="hospital",
        channel="web",
        reporter=Reporter(id=f"warga-{n}", email=f"warga{n}@example.org"),
    )


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(at(3, 9))


@pytest.fixture
def desk(clock: FrozenClock) -> Iterator[Desk]:
    with Desk.open("memory://", clock=clock) as opened:
        yield opened


def forwarded(desk: Desk, when: dt.datetime, n: int = 1) -> Complaint:
    c = desk.submit(draft(n), at=when)
    desk.verify(c.tracking_id, at=when)
    return desk.forward(c.tracking_id, AGENCY, at=when)


def sla_messages(desk: Desk, complaint_id: str | None = None) -> list[OutboxMessage]:
    return [
        m
        for m in desk.store.pending_outbox(limit=10_000, now=FAR)
        if m.template.startswith("sla.") and complaint_id in (None, m.complaint_id)
    ]


def sweeps(desk: Desk, clock: FrozenClock, days: range, hour: int = 10) -> None:
    for day in days:
        clock.set(at(day, hour))
        desk.sweep()


def test_a_warning_one_working_day_before_the_due_date_is_sent_once(
    desk: Desk, clock: FrozenClock
) -> None:
    c = forwarded(desk, at(3, 9))  # T2: 5 working days -> Monday 10 August
    clock.set(at(6, 10))
    assert desk.sweep().warnings == 0  # two working days ahead: too early
    clock.set(at(7, 10))  # Friday: one working day before
    first = desk.sweep()
    assert (first.warnings, first.messages, first.deferred) == (1, 1, 0)
    events, outbox = len(desk.history(c.tracking_id)), sla_messages(desk)
    again = desk.sweep()
    clock.set(at(7, 10, 1))
    later = desk.sweep()  # cron a minute later
    assert again.warnings == later.warnings == again.messages == later.messages == 0
    # handled today: its next action (the breach notice) is on Tuesday, so the repeat sweeps
    # do not even read it (decision 0181)
    assert again.candidates == later.candidates == 0
    assert len(desk.history(c.tracking_id)) == events
    assert sla_messages(desk) == outbox
    (message,) = outbox
    assert message.id == f"{c.complaint_id}:T2:warn:2026-08-10"
    assert message.payload["address"] == LIAISON
    assert message.recipient_role == "liaison"
    assert message.retry_at is None
    assert "2026-08-10" in message.payload["body"]
    assert "Pengingat" in message.payload["body"]
    reminded = desk.history(c.tracking_id)[-1]
    assert reminded.type == "reminded"
    assert dict(reminded.payload) == {
        "rule_id": "T2",
        "stage": "warning",
        "to": "liaison",
        "due": "2026-08-10",
    }


def test_a_breach_found_at_night_waits_for_0730_next_working_day(
    desk: Desk, clock: FrozenClock
) -> None:
    c = forwarded(desk, at(3, 9))  # due Monday 10 August
    clock.set(at(11, 22))  # Tuesday 22:00 WITA: overdue since midnight
    report = desk.sweep()
    assert (report.breaches, report.deferred) == (1, 1)
    (message,) = [m for m in sla_messages(desk) if ":breach:" in m.id]
    assert message.id == f"{c.complaint_id}:T2:breach:2026-08-10"
    assert message.retry_at == at(12, 7, 30)
    assert message.retry_at.astimezone(WITA).time() == dt.time(7, 30)  # stored in UTC
    assert message not in desk.store.pending_outbox(limit=100, now=at(12, 7, 29))
    assert message in desk.store.pending_outbox(limit=100, now=at(12, 7, 30))


def test_over_a_weekend_and_a_holiday_delivery_waits_for_the_next_working_day(
    desk: Desk, clock: FrozenClock
) -> None:
    c = forwarded(desk, at(7, 9))  # Friday 7 Aug: T2 due Friday 14 August
    clock.set(at(15, 10))  # Saturday; Sunday 16, Monday 17 (Independence Day) are off
    desk.sweep()
    (message,) = [m for m in sla_messages(desk, c.complaint_id) if ":breach:" in m.id]
    assert message.retry_at == at(18, 7, 30)
    # a warning found after 16:00 on a working day waits too
    other = forwarded(desk, at(14, 9), n=2)  # due Monday 24 Aug; warn from Friday 21
    clock.set(at(21, 16, 5))
    desk.sweep()
    (warning,) = [m for m in sla_messages(desk, other.complaint_id) if ":warn:" in m.id]
    assert warning.retry_at == at(24, 7, 30)


def test_escalation_goes_to_the_liaison_first_then_the_supervising_admin(
    desk: Desk, clock: FrozenClock
) -> None:
    c = forwarded(desk, at(3, 9))  # T2 due Monday 10 August
    sweeps(desk, clock, range(4, 21))
    messages = sorted(sla_messages(desk, c.complaint_id), key=lambda m: m.created_at)
    assert [(m.id.split(":")[-2], m.payload["address"], m.created_at.date()) for m in messages] == [
        ("warn", LIAISON, dt.date(2026, 8, 7)),
        ("breach", LIAISON, dt.date(2026, 8, 11)),
        ("escalate", REGION_ADMIN, dt.date(2026, 8, 13)),  # 3 working days late (> 2)
    ]
    escalated = [e for e in desk.history(c.tracking_id) if e.type == "escalated"]
    assert [(e.payload["target"], e.payload["rule_id"]) for e in escalated] == [("superior", "T2")]
    complaint = desk.get(c.tracking_id)
    pending = due_actions(
        desk.rules.policy_for(complaint),
        complaint.history,
        desk.rules.calendar_for(complaint),
        now=at(20),
    )
    assert "T2" not in [a.rule_id for a in pending]
    assert "Eskalasi" in messages[-1].payload["body"]


def test_an_unverified_report_goes_to_the_admin_then_the_national_supervisor(
    desk: Desk, clock: FrozenClock
) -> None:
    c = desk.submit(draft(), at=at(3, 9))  # T1: 3 working days -> Thursday 6 August
    sweeps(desk, clock, range(4, 14))
    messages = sorted(sla_messages(desk, c.complaint_id), key=lambda m: m.created_at)
    assert [(m.id.split(":")[-2], m.payload["address"], m.recipient_role) for m in messages] == [
        ("warn", REGION_ADMIN, "admin"),
        ("breach", REGION_ADMIN, "admin"),
        ("escalate", NATIONAL_ADMIN, "supervisor"),
    ]
    escalated = [e for e in desk.history(c.tracking_id) if e.type == "escalated"]
    assert [e.payload["target"] for e in escalated] == ["supervisor"]


def test_english_notices(clock: FrozenClock) -> None:
    with Desk.open("memory://", clock=clock, lang="en") as desk:
        forwarded(desk, at(3, 9))
        clock.set(at(7, 10))
        desk.sweep()
        (message,) = sla_messages(desk)
        assert message.payload["lang"] == "en"
        assert message.payload["body"].startswith("Reminder:")


def test_automatic_completion_after_ten_silent_working_days_across_a_holiday(
    desk: Desk, clock: FrozenClock
) -> None:
    c = forwarded(desk, at(3, 9))
    desk.follow_up(c.tracking_id, "Antrean dibenahi.", at=at(10, 9))
    # day 1..10 after Mon 10 Aug skip 17 Aug (Kemerdekaan) and 25 Aug (Maulid): due 26 Aug
    clock.set(at(26, 23))
    assert desk.sweep().completed == 0
    clock.set(at(27, 0, 1))
    report = desk.sweep()
    assert report.completed == 1
    done = desk.get(c.tracking_id)
    assert done.status.value == "completed"
    assert done.history[-1].occurred_at == at(27, 0)
    assert dict(done.history[-1].payload)["by"] == "system"
    assert desk.sweep().completed == 0


def test_progress_and_only_near_deadlines_are_replayed(desk: Desk, clock: FrozenClock) -> None:
    forwarded(desk, at(3, 9), n=1)  # due 10 Aug
    forwarded(desk, at(3, 9), n=2)  # due 10 Aug
    forwarded(desk, at(6, 9), n=3)  # due 13 Aug: not near on 7 Aug
    seen: list[tuple[int, int]] = []
    clock.set(at(7, 10))
    report = desk.sweep(progress=lambda done, total: seen.append((done, total)))
    assert report.candidates == 2
    assert seen == [(1, 2), (2, 2)]
    assert report.to_dict()["warnings"] == 2


def test_sweep_config_is_validated_and_used(desk: Desk, clock: FrozenClock) -> None:
    with pytest.raises(InvalidInputError, match="warn_working_days"):
        SweepConfig(warn_working_days=-1)
    with pytest.raises(InvalidInputError, match="day_end"):
        SweepConfig(day_start=dt.time(16), day_end=dt.time(8))
    forwarded(desk, at(3, 9))  # due 10 Aug
    clock.set(at(6, 10))
    assert desk.sweep(config=SweepConfig(warn_working_days=2)).warnings == 1
    clock.set(at(12, 10))
    quick = SweepConfig(escalate_after_working_days=0)
    report = desk.sweep(config=quick)
    assert (report.breaches, report.escalations) == (1, 1)


def _revised(*overlays: Overlay) -> Any:
    def factory(region: str) -> WorkingCalendar:
        return WorkingCalendar.indonesia(region).with_overlays(*overlays)

    return factory


def test_a_calendar_revision_moves_a_deadline_with_an_event(
    sqlite_url: str, clock: FrozenClock
) -> None:
    with Desk.open(sqlite_url, clock=clock) as desk:
        c = forwarded(desk, at(7, 9))  # T2 due Friday 14 August
    assert desk.store is not None
    skb = Overlay(
        date="2026-08-12",
        kind="joint_leave",
        reason="Cuti bersama (SKB revisi)",
        reason_en="Joint leave (revised SKB)",
        source="SKB 3 Menteri revisi (simulated)",
        revision="skb-2026-rev1",
    )
    clock.set(at(13, 9))
    with Desk.open(sqlite_url, clock=clock, calendars=_revised(skb)) as desk:
        report = desk.sweep()
        assert (report.deadline_moves, report.kept_deadlines) == (1, 0)
        moved = [e for e in desk.history(c.tracking_id) if e.type == "deadline_moved"]
        assert len(moved) == 1
        payload = dict(moved[0].payload)
        assert (payload["rule_id"], payload["old_due"], payload["new_due"]) == (
            "T2",
            "2026-08-14",
            "2026-08-18",  # 12 Aug off; 15-16 weekend, 17 Kemerdekaan
        )
        assert "skb-2026-rev1" in payload["revision"]
        assert desk.store.get(c.complaint_id).next_due == dt.date(2026, 8, 18)  # type: ignore[union-attr]
        assert desk.sweep().deadline_moves == 0  # recorded once
        clock.set(at(14, 10))  # one working day before the new date (15-17 are off)
        assert desk.sweep().warnings == 1
        (warning,) = list(sla_messages(desk, c.complaint_id))
        assert warning.id.endswith(":warn:2026-08-18")  # never for the old 14 August


def test_a_revision_never_silently_shortens_a_communicated_deadline(
    sqlite_url: str, clock: FrozenClock
) -> None:
    with Desk.open(sqlite_url, clock=clock) as desk:
        c = forwarded(desk, at(10, 9))  # T2 due Tuesday 18 August (17th is a holiday)
        assert desk.store.get(c.complaint_id).next_due == dt.date(2026, 8, 18)  # type: ignore[union-attr]
    cancelled = Overlay(
        date="2026-08-17",
        kind="workday",
        reason="Hari kerja (simulasi pembatalan libur)",
        reason_en="Working day (simulated cancelled holiday)",
        source="test",
        revision="rev-cancel-17",
    )
    clock.set(at(17, 10))  # the index selects it when its stored date is near
    with Desk.open(sqlite_url, clock=clock, calendars=_revised(cancelled)) as desk:
        report = desk.sweep()
        assert (report.deadline_moves, report.kept_deadlines) == (1, 1)
        (moved,) = [e for e in desk.history(c.tracking_id) if e.type == "deadline_moved"]
        assert (moved.payload["old_due"], moved.payload["new_due"]) == ("2026-08-18", "2026-08-18")
        assert "kept" in moved.payload["revision"]
        assert "2026-08-17" in moved.payload["revision"]
        assert desk.sweep().deadline_moves == 0
        clock.set(at(18, 10))  # the revision's date (17th) has passed; the kept one has not
        assert desk.sweep().breaches == 0
        clock.set(at(19, 10))
        assert desk.sweep().breaches == 1
        (breach,) = [m for m in sla_messages(desk, c.complaint_id) if ":breach:" in m.id]
        assert breach.id.endswith(":2026-08-18")


def test_the_calendar_revision_example_in_the_docs_runs(sqlite_url: str) -> None:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "desk.md").read_text(encoding="utf-8")
    (block,) = [b.split("```", 1)[0] for b in text.split("```python\n")[1:] if "skb" in b]
    namespace: dict[str, Any] = {"Desk": Desk, "url": sqlite_url}
    exec(compile(block, "docs/desk.md", "exec"), namespace)
    desk = namespace["desk"]
    try:
        calendar = desk.rules.calendar_for_region("64.71")
        assert not calendar.is_working_day(dt.date(2026, 8, 12))
        assert "skb-2026-rev1" in calendar.version
    finally:
        desk.close()


def test_sweep_and_report_on_the_command_line(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from sp4n.cli import COMMANDS, main

    assert {"sweep", "report"} <= set(COMMANDS)
    old = FrozenClock(at(3, 9))
    with Desk.open(sqlite_url, clock=old) as desk:
        c = forwarded(desk, at(3, 9))  # long overdue by the time the CLI runs (wall clock)
    capsys.readouterr()
    assert main(["sweep", "--db", sqlite_url, "--json"]) == 0
    swept = json.loads(capsys.readouterr().out)
    assert set(swept) >= {"now", "candidates", "warnings", "breaches", "escalations", "messages"}
    # T2 (5 working days) and the UU 25/2009 decision (60 days) are both long overdue
    assert (swept["candidates"], swept["breaches"], swept["escalations"]) == (1, 2, 2)
    assert main(["sweep", "--db", sqlite_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["messages"] == 0
    assert main(["sweep", "--db", sqlite_url]) == 0
    assert capsys.readouterr().out.startswith("sweep ")

    args = ["report", "--db", sqlite_url, "--from", "2026-08-01", "--to", "2026-08-31"]
    assert main([*args, "--agency", AGENCY, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by"] == "agency"
    (row,) = data["rows"]
    assert (row["group"], row["received"], row["escalations"], row["overdue_now"]) == (
        AGENCY,
        1,
        2,
        1,
    )
    assert main([*args, "--region", "64", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("group,received,forwarded_in_3wd,followed_up_in_5wd")
    assert lines[1] == "64,1,1,0,0,1,,0,2"
    assert main(args) == 0
    assert AGENCY in capsys.readouterr().out
    bad = ["report", "--db", sqlite_url, "--from", "2026-08-31", "--to", "2026-08-01"]
    assert main(bad) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "to" in err
    assert main(["report", "--db", sqlite_url, "--from", "x", "--to", "2026-08-01"]) == 2
    assert main([*args, "--agency", "tidak-ada"]) == 2
    assert c.tracking_id


def test_the_report_counts_t2_with_the_regions_policy(desk: Desk) -> None:
    kutim = ComplaintDraft(
        kind="pengaduan",
        title="Puskesmas tutup",
        body="Tutup pada jam layanan.",
        region="64.08",  # Kutai Timur: T2 is 30 days by its (sample) override
        topic="hospital",
        channel="web",
        reporter=Reporter(id="warga-kutim", email="kutim@example.org"),
    )
    c = desk.submit(kutim, at=at(3, 9))
    desk.verify(c.tracking_id, at=at(3, 9))
    desk.forward(c.tracking_id, AGENCY, at=at(3, 9))
    desk.follow_up(c.tracking_id, "Sudah dibuka kembali.", at=at(24, 9))  # 21 days later
    b = forwarded(desk, at(3, 9), n=2)  # Balikpapan: the national 5 working days
    desk.follow_up(b.tracking_id, "Ditangani.", at=at(24, 9))
    (kutai,) = desk.report(start="2026-08-01", end="2026-08-31", region="64.08", now=at(25)).rows
    assert (kutai.received, kutai.followed_up_in_5wd, kutai.median_wd_to_follow_up) == (1, 1, 14.0)
    (city,) = desk.report(start="2026-08-01", end="2026-08-31", region="64.71", now=at(25)).rows
    assert (city.received, city.followed_up_in_5wd) == (1, 0)


def test_a_report_as_of_an_instant_leaves_out_complaints_submitted_later(desk: Desk) -> None:
    # Regression (issue 14): a complaint of the period submitted after ``now`` left no event
    # at ``now``, and reading its submission raised IndexError.
    forwarded(desk, at(3, 9), n=1)
    forwarded(desk, at(10, 9), n=2)
    (row,) = desk.report(start="2026-08-01", end="2026-08-31", region="64.71", now=at(5)).rows
    assert (row.received, row.forwarded_in_3wd) == (1, 1)


def test_a_complaint_changed_during_the_sweep_is_left_for_the_next_one(
    desk: Desk, clock: FrozenClock
) -> None:
    # both due 10 August: the index hands them out by complaint id
    first, second = sorted(
        (forwarded(desk, at(3, 9), n=1), forwarded(desk, at(3, 9), n=2)),
        key=lambda c: c.complaint_id,
    )
    clock.set(at(7, 10))

    def officer_acts_meanwhile(done: int, total: int) -> None:
        if done == 1:  # the liaison follows up on the first one while the sweep is running
            desk.follow_up(first.complaint_id, "Sudah ditangani.")

    report = desk.sweep(progress=officer_acts_meanwhile)
    assert (report.candidates, report.conflicts, report.warnings) == (2, 1, 1)
    assert [e.type for e in desk.history(first.tracking_id)][-1] == "followed_up"
    assert [e.type for e in desk.history(second.tracking_id)][-1] == "reminded"
    assert len(sla_messages(desk)) == 1
    assert desk.sweep().warnings == 0  # followed up: nothing left to warn about
