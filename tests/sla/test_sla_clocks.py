"""The clock engine on hand-built event histories (national calendar, WIB unless stated).

Reference weeks (2026): Mon 2 Feb - Fri 6 Feb, Mon 9 - Fri 13 Feb; 16 Feb is cuti bersama
Imlek and 17 Feb Imlek; 3 Apr Good Friday, 5 Apr Easter Sunday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sp4n.errors import NaiveDatetimeError
from sp4n.lifecycle import SYSTEM_ACTOR, Actor, Event, Role
from sp4n.sla import (
    ClockStatus,
    OnExpiry,
    Overlay,
    SlaClock,
    Unit,
    WorkingCalendar,
    deadline_moves,
    due_actions,
    evaluate_clock,
    evaluate_clocks,
    load_policy,
)

WIB = ZoneInfo("Asia/Jakarta")
CAL = WorkingCalendar.indonesia()
POLICY = load_policy()


@dataclass(frozen=True)
class Ev:
    """A plain record satisfying sp4n.sla.TimedEvent."""

    type: str
    occurred_at: dt.datetime
    payload: Mapping[str, Any] = field(default_factory=dict)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=WIB)


def ev(kind: str, day: str, hour: int = 9, **payload: Any) -> Ev:
    return Ev(kind, at(day, hour), payload)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def clock(rule_id: str, events: list[Ev], now: str, hour: int = 12, **kw: Any) -> SlaClock:
    clocks = evaluate_clocks(
        kw.get("policy", POLICY), events, kw.get("cal", CAL), now=at(now, hour)
    )
    return next(c for c in clocks if c.rule.id == rule_id)


# -- T1 ------------------------------------------------------------------------------------


def test_t1_due_three_working_days_after_submission_and_met_on_the_due_date() -> None:
    history = [ev("submitted", "2026-02-02"), ev("forwarded", "2026-02-05", 16)]
    c = clock("T1", history, "2026-02-10")
    assert c.status is ClockStatus.STOPPED
    assert c.met is True
    assert c.stopped_by == "forwarded"
    assert c.deadline is not None
    assert (c.deadline.start_date, c.deadline.due_date) == (d("2026-02-02"), d("2026-02-05"))
    assert c.deadline.due_at == dt.datetime(2026, 2, 6, tzinfo=WIB)
    assert c.deadline.unit is Unit.WORKING_DAYS
    assert c.deadline.n == 3
    assert c.deadline.calendar_version == CAL.version
    assert c.deadline.explanation.due == d("2026-02-05")


def test_t1_forwarded_a_day_late_is_not_met() -> None:
    history = [ev("submitted", "2026-02-02"), ev("forwarded", "2026-02-06", 8)]
    assert clock("T1", history, "2026-02-10").met is False


def test_t1_running_then_breached_at_local_midnight() -> None:
    history = [ev("submitted", "2026-02-02")]
    assert clock("T1", history, "2026-02-05", 23).status is ClockStatus.RUNNING
    late = evaluate_clocks(POLICY, history, CAL, now=dt.datetime(2026, 2, 6, tzinfo=WIB))
    assert late[0].status is ClockStatus.BREACHED
    assert late[0].overdue


def test_saturday_submission_counts_monday_as_day_one() -> None:
    c = clock("T1", [ev("submitted", "2026-02-07")], "2026-02-09")
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-02-11")


def test_start_date_is_read_in_the_calendar_time_zone() -> None:
    instant = dt.datetime(2026, 2, 6, 16, 30, tzinfo=dt.UTC)  # Fri 23:30 WIB, Sat 01:30 WIT
    history = [Ev("submitted", instant)]
    now = dt.datetime(2026, 2, 7, tzinfo=dt.UTC)
    jakarta = evaluate_clocks(POLICY, history, CAL, now=now)[0]
    papua = evaluate_clocks(POLICY, history, WorkingCalendar.indonesia("94"), now=now)[0]
    assert jakarta.deadline is not None
    assert papua.deadline is not None
    assert jakarta.deadline.start_date == d("2026-02-06")
    assert jakarta.deadline.due_date == d("2026-02-11")
    assert papua.deadline.start_date == d("2026-02-07")
    assert papua.deadline.due_date == d("2026-02-11")
    assert papua.deadline.due_at == dt.datetime(2026, 2, 12, tzinfo=ZoneInfo("Asia/Jayapura"))


def test_t1_held_pauses_and_verified_resumes() -> None:
    history = [
        ev("submitted", "2026-02-02"),
        ev("held", "2026-02-03", reason="tunggu data"),
        ev("verified", "2026-02-05"),
    ]
    c = clock("T1", history, "2026-02-05")
    assert c.status is ClockStatus.RUNNING
    assert c.paused_working_days == 2  # (3 Feb, 5 Feb]
    assert c.deadline is not None
    assert c.deadline.base_due_date == d("2026-02-05")
    assert c.deadline.due_date == d("2026-02-09")
    assert c.deadline.paused == 2


def test_t1_reopens_when_the_agency_returns_the_report() -> None:
    history = [
        ev("submitted", "2026-02-02"),
        ev("forwarded", "2026-02-03"),
        ev("returned", "2026-02-04", reason="bukan wewenang"),
    ]
    c = clock("T1", history, "2026-02-04")
    assert c.cycle == 2
    assert c.status is ClockStatus.RUNNING
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-02-09")
    assert [p.met for p in c.previous] == [True]


# -- T2: pause, restart, reopen ----------------------------------------------------------


def test_t2_pause_moves_the_due_date_by_the_working_days_paused() -> None:
    history = [
        ev("forwarded", "2026-02-02"),
        ev("info_requested", "2026-02-03", question="alamat?"),
        ev("info_provided", "2026-02-05", text="Jl. Merdeka"),
    ]
    c = clock("T2", history, "2026-02-06")
    assert c.deadline is not None
    assert c.deadline.base_due_date == d("2026-02-09")
    assert c.paused_working_days == 2
    assert c.deadline.due_date == d("2026-02-11")
    assert c.status is ClockStatus.RUNNING


def test_t2_is_paused_while_waiting_and_never_breaches_then() -> None:
    history = [ev("forwarded", "2026-02-02"), ev("info_requested", "2026-02-03")]
    c = clock("T2", history, "2026-03-02")
    assert c.status is ClockStatus.PAUSED
    assert not c.overdue
    assert c.deadline is not None
    assert c.deadline.due_date > d("2026-03-02")  # projected as if resumed today


def test_a_pause_after_the_due_date_does_not_undo_the_breach() -> None:
    history = [ev("forwarded", "2026-02-02"), ev("info_requested", "2026-02-11")]
    c = clock("T2", history, "2026-02-12")
    assert c.status is ClockStatus.BREACHED
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-02-09")


def test_stopping_while_paused_is_in_time() -> None:
    history = [
        ev("forwarded", "2026-02-02"),
        ev("info_requested", "2026-02-06"),
        ev("followed_up", "2026-02-14"),  # a Saturday, while paused
    ]
    c = clock("T2", history, "2026-02-20")
    assert c.status is ClockStatus.STOPPED
    assert c.met is True


def test_t2_stops_on_return_and_restarts_for_the_next_agency() -> None:
    history = [
        ev("forwarded", "2026-02-02", agency="dinas-a"),
        ev("returned", "2026-02-03", agency="dinas-a", reason="bukan wewenang"),
        ev("forwarded", "2026-02-04", agency="dinas-b"),
    ]
    c = clock("T2", history, "2026-02-05")
    assert c.cycle == 2
    assert c.status is ClockStatus.RUNNING
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-02-11")
    (first,) = c.previous
    assert (first.stopped_by, first.met, first.cycle) == ("returned", True, 1)


def test_t2_reopens_after_a_reply_to_the_follow_up() -> None:
    history = [
        ev("forwarded", "2026-02-02"),
        ev("followed_up", "2026-02-03", text="sudah diperbaiki"),
        ev("reporter_replied", "2026-02-04", text="belum"),
    ]
    c = clock("T2", history, "2026-02-04")
    assert c.cycle == 2
    assert c.status is ClockStatus.RUNNING
    assert c.deadline is not None
    assert c.deadline.start_date == d("2026-02-04")
    assert c.previous[0].met is True


def test_admin_comment_while_t2_runs_does_not_reset_it() -> None:
    history = [ev("forwarded", "2026-02-02"), ev("admin_replied", "2026-02-04")]
    c = clock("T2", history, "2026-02-04")
    assert c.cycle == 1
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-02-09")


# -- T3: silence timer, automatic completion -------------------------------------------------


def test_t3_expires_after_ten_silent_working_days_and_asks_for_completion() -> None:
    history = [ev("forwarded", "2026-02-02"), ev("followed_up", "2026-02-02", 15)]
    c = clock("T3", history, "2026-02-18", 23)
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-02-18")  # skips 16 Feb cuti bersama and 17 Feb Imlek
    kinds = {s.kind.value for s in c.deadline.explanation.skipped}
    assert kinds == {"weekend", "joint_leave", "holiday"}
    assert c.status is ClockStatus.RUNNING
    now = dt.datetime(2026, 2, 19, tzinfo=WIB)
    (action,) = [a for a in due_actions(POLICY, history, CAL, now=now) if a.rule_id == "T3"]
    assert action.action is OnExpiry.COMPLETE
    assert action.due_at == now
    assert action.payload()["by"] == "system"
    expired = evaluate_clock(POLICY.rule("T3"), history, CAL, now=now)
    assert expired.status is ClockStatus.EXPIRED
    assert expired.met is None


def test_due_actions_are_idempotent_once_applied() -> None:
    history = [ev("forwarded", "2026-02-02"), ev("followed_up", "2026-02-02", 15)]
    now = at("2026-02-20")
    first = [a for a in due_actions(POLICY, history, CAL, now=now) if a.rule_id == "T3"]
    again = [a for a in due_actions(POLICY, history, CAL, now=now) if a.rule_id == "T3"]
    assert [a.key for a in first] == [a.key for a in again]
    done = [*history, Ev("completed", at("2026-02-20", 1), {"by": "system"})]
    assert [a for a in due_actions(POLICY, done, CAL, now=now) if a.rule_id == "T3"] == []
    c = clock("T3", done, "2026-02-20")
    assert (c.status, c.met, c.stopped_by) == (ClockStatus.STOPPED, None, "completed")


def test_a_reply_stops_t3_and_the_next_follow_up_starts_it_from_zero() -> None:
    history = [
        ev("forwarded", "2026-02-02"),
        ev("followed_up", "2026-02-03"),
        ev("reporter_replied", "2026-02-05"),
    ]
    c = clock("T3", history, "2026-02-27")
    assert (c.status, c.stopped_by) == (ClockStatus.STOPPED, "reporter_replied")
    assert [a.rule_id for a in due_actions(POLICY, history, CAL, now=at("2026-02-27"))] == ["T2"]
    history.append(ev("followed_up", "2026-02-06"))
    c = clock("T3", history, "2026-02-09")
    assert c.cycle == 2
    assert c.deadline is not None
    assert c.deadline.start_date == d("2026-02-06")
    assert c.deadline.due_date == d("2026-02-24")  # 10 WD skipping 16-17 Feb


def test_asking_for_information_after_a_follow_up_stops_t3_and_the_answer_reopens_t2() -> None:
    history = [
        ev("forwarded", "2026-02-02"),
        ev("followed_up", "2026-02-03"),
        ev("info_requested", "2026-02-04", question="foto?"),
    ]
    t3 = clock("T3", history, "2026-03-02")
    assert (t3.status, t3.stopped_by) == (ClockStatus.STOPPED, "info_requested")
    assert due_actions(POLICY, history, CAL, now=at("2026-03-02")) == ()
    history.append(ev("info_provided", "2026-02-05", text="terlampir"))
    t2 = clock("T2", history, "2026-02-05")
    assert (t2.cycle, t2.status) == (2, ClockStatus.RUNNING)
    assert t2.deadline is not None
    assert t2.deadline.due_date == d("2026-02-12")


def test_escalation_actions_stop_once_an_escalation_names_the_rule() -> None:
    history = [ev("submitted", "2026-02-02")]
    now = at("2026-02-09")
    (action,) = due_actions(POLICY, history, CAL, now=now)
    assert (action.rule_id, action.action, action.role) == ("T1", OnExpiry.ESCALATE, "admin")
    history.append(Ev("escalated", at("2026-02-06"), action.payload()))
    assert due_actions(POLICY, history, CAL, now=now) == ()
    assert clock("T1", history, "2026-02-09").status is ClockStatus.BREACHED


# -- Tiers, reclassification, extensions ----------------------------------------------------


def test_tier_dispute_rolls_forward_over_cuti_bersama_and_imlek() -> None:
    history = [ev("submitted", "2026-02-01"), ev("verified", "2026-02-02", tier="dispute")]
    clocks = {c.rule.id: c for c in evaluate_clocks(POLICY, history, CAL, now=at("2026-02-03"))}
    tier = clocks["tier_dispute"]
    assert tier.deadline is not None
    assert tier.deadline.base_due_date == d("2026-02-18")  # 16 Feb + roll over 16, 17 Feb
    assert [s.date for s in tier.deadline.explanation.skipped] == [d("2026-02-16"), d("2026-02-17")]
    assert clocks["tier_simple"].status is ClockStatus.NOT_STARTED
    assert clocks["tier_field_examination"].status is ClockStatus.NOT_STARTED


@pytest.mark.parametrize(
    ("tier", "rule_id", "due"),
    [
        ("simple", "tier_simple", "2026-02-09"),  # 7 Feb is a Saturday: rolls to Monday
        ("dispute", "tier_dispute", "2026-02-18"),
        ("field_examination", "tier_field_examination", "2026-04-06"),  # 3-5 Apr off
    ],
)
def test_each_tier(tier: str, rule_id: str, due: str) -> None:
    history = [ev("verified", "2026-02-02", tier=tier), ev("forwarded", "2026-02-02", 10)]
    c = clock(rule_id, history, "2026-02-03")
    assert c.status is ClockStatus.RUNNING
    assert c.deadline is not None
    assert c.deadline.due_date == d(due)
    others = [x for x in evaluate_clocks(POLICY, history, CAL, now=at("2026-02-03"))
              if x.rule.id.startswith("tier_") and x.rule.id != rule_id]  # fmt: skip
    assert {x.status for x in others} == {ClockStatus.NOT_STARTED}


def test_statutory_decision_limit_does_not_roll_forward_by_default() -> None:
    history = [ev("verified", "2026-02-02")]
    c = clock("uu25_decision", history, "2026-02-03")
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-04-03")  # Good Friday: stays, no roll-forward
    assert c.deadline.explanation.skipped == ()
    rolled = POLICY.with_overrides({"uu25_decision": {"roll_forward": True}})
    c = clock("uu25_decision", history, "2026-02-03", policy=rolled)
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-04-06")


def test_reclassified_tier_starts_from_the_original_start_and_supersedes() -> None:
    history = [
        ev("verified", "2026-02-02", tier="simple"),
        ev("forwarded", "2026-02-02", 10),
        ev("info_requested", "2026-02-03"),
        ev("info_provided", "2026-02-04"),
        ev("extended", "2026-02-05", tier="field_examination", reason="perlu cek lapangan"),
    ]
    clocks = {c.rule.id: c for c in evaluate_clocks(POLICY, history, CAL, now=at("2026-02-06"))}
    simple = clocks["tier_simple"]
    assert (simple.status, simple.stopped_by, simple.met) == (
        ClockStatus.STOPPED,
        "superseded",
        None,
    )
    field_exam = clocks["tier_field_examination"]
    assert field_exam.status is ClockStatus.RUNNING
    assert field_exam.started_at == at("2026-02-02")
    assert field_exam.deadline is not None
    assert field_exam.deadline.paused == 1  # the pause before the reclassification counts
    assert field_exam.deadline.due_date == d("2026-04-06")
    assert field_exam.extensions == ()  # a reclassification is not an extension


def test_superseding_a_breached_tier_keeps_the_breach() -> None:
    history = [
        ev("verified", "2026-02-02", tier="simple"),
        ev("extended", "2026-02-12", tier="dispute", reason="ternyata sengketa"),
    ]
    assert clock("tier_simple", history, "2026-02-13").met is False


def test_extension_is_capped_and_allowed_once() -> None:
    history = [
        ev("verified", "2026-02-02", tier="simple"),
        ev("extended", "2026-02-04", reason="menunggu dinas lain", working_days=10),
        ev("extended", "2026-02-05", reason="lagi", working_days=2),
    ]
    c = clock("tier_simple", history, "2026-02-06")
    assert c.deadline is not None
    assert c.deadline.base_due_date == d("2026-02-09")
    assert c.deadline.extended_working_days == 7
    assert c.deadline.due_date == d("2026-02-20")  # 7 WD after 9 Feb, skipping 16-17 Feb
    first, second = c.extensions
    assert (first.requested, first.granted, first.reason) == (10, 7, "menunggu dinas lain")
    assert "capped" in (first.note or "")
    assert (second.granted, second.note) == (0, "at most 1 extension(s) per clock")
    assert c.extension_room == 0
    assert clock("T1", history, "2026-02-06").extensions == ()


def test_extension_without_days_grants_the_cap_and_is_refused_after_the_due_date() -> None:
    base = [ev("verified", "2026-02-02", tier="simple")]
    c = clock("tier_simple", [*base, ev("extended", "2026-02-03", reason="x")], "2026-02-03")
    assert c.deadline is not None
    assert c.deadline.extended_working_days == 7
    assert c.extension_room == 0
    fresh = clock("tier_simple", base, "2026-02-03")
    assert fresh.extension_room == 7
    late = clock("tier_simple", [*base, ev("extended", "2026-02-10", reason="x")], "2026-02-10")
    assert late.status is ClockStatus.BREACHED
    assert late.extensions[0].granted == 0
    assert "ran out on 2026-02-09" in (late.extensions[0].note or "")


def test_extension_naming_a_rule_without_a_cap_is_recorded_as_refused() -> None:
    history = [ev("forwarded", "2026-02-02"), ev("extended", "2026-02-03", rule_id="T2")]
    c = clock("T2", history, "2026-02-03")
    assert c.extensions[0].granted == 0
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-02-09")


# -- Anchored statutory windows ----------------------------------------------------------------


def filing(service_date: str | None) -> list[Ev]:
    payload = {} if service_date is None else {"service_received_on": service_date}
    return [ev("submitted", "2026-02-02", **payload)]


def test_filing_window_counts_from_the_service_date() -> None:
    late = clock("uu25_filing_window", filing("2026-01-01"), "2026-02-02")
    assert late.deadline is not None
    assert (late.deadline.start_date, late.deadline.due_date) == (d("2026-01-01"), d("2026-01-31"))
    assert (late.status, late.met) == (ClockStatus.STOPPED, False)
    assert late.started_at == dt.datetime(2026, 1, 1, tzinfo=WIB)
    assert clock("uu25_filing_window", filing("2026-01-10"), "2026-02-02").met is True
    actions = due_actions(POLICY, filing("2026-01-01"), CAL, now=at("2026-02-02"))
    assert all(a.rule_id != "uu25_filing_window" for a in actions)  # flagged, never acted on


def test_anchor_missing_or_malformed_leaves_the_clock_not_started_with_a_note() -> None:
    missing = clock("uu25_filing_window", filing(None), "2026-02-02")
    assert missing.status is ClockStatus.NOT_STARTED
    assert "service_received_on" in (missing.note or "")
    bad = clock("uu25_filing_window", filing("kemarin"), "2026-02-02")
    assert bad.status is ClockStatus.NOT_STARTED
    assert "not a date" in (bad.note or "")


def test_decision_delivery_counts_from_decided_on_to_the_follow_up() -> None:
    history = [
        ev("forwarded", "2026-02-02"),
        ev("followed_up", "2026-02-20", decided_on="2026-02-10"),
    ]
    c = clock("uu25_delivery", history, "2026-02-21")
    assert (c.status, c.met) == (ClockStatus.STOPPED, True)
    assert c.deadline is not None
    assert c.deadline.due_date == d("2026-02-24")


# -- Inputs ----------------------------------------------------------------------------------


def test_events_after_now_are_ignored() -> None:
    history = [ev("submitted", "2026-02-02"), ev("forwarded", "2026-02-04")]
    assert clock("T1", history, "2026-02-03").status is ClockStatus.RUNNING
    assert clock("T1", history, "2026-02-04").status is ClockStatus.STOPPED


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(NaiveDatetimeError, match="now"):
        evaluate_clocks(POLICY, [], CAL, now=dt.datetime(2026, 2, 2))
    naive = Ev("submitted", dt.datetime(2026, 2, 2, 9))
    with pytest.raises(NaiveDatetimeError, match=r"events\[0\]\.occurred_at"):
        evaluate_clocks(POLICY, [naive], CAL, now=at("2026-02-03"))


def test_lifecycle_events_satisfy_timed_event() -> None:
    reporter = Actor(id="warga-1", role=Role.REPORTER)
    history = [
        Event(
            complaint_id="c1", seq=1, type="submitted", occurred_at=at("2026-02-02"), actor=reporter
        ),
        Event(
            complaint_id="c1",
            seq=2,
            type="forwarded",
            occurred_at=at("2026-02-03"),
            actor=SYSTEM_ACTOR,
        ),
    ]
    c = evaluate_clocks(POLICY, history, CAL, now=at("2026-02-03", 18))[0]
    assert (c.status, c.met) == (ClockStatus.STOPPED, True)


def test_provisional_deadline_on_an_estimated_holiday() -> None:
    c = clock("T1", [ev("submitted", "2027-03-05")], "2027-03-05")
    assert c.deadline is not None
    assert c.deadline.provisional
    assert not clock("T1", [ev("submitted", "2026-02-02")], "2026-02-02").deadline.provisional  # type: ignore[union-attr]


def test_clock_to_dict_is_json_ready() -> None:
    import json

    history = [
        ev("verified", "2026-02-02", tier="simple"),
        ev("extended", "2026-02-03", reason="r"),
    ]
    data = clock("tier_simple", history, "2026-02-03").to_dict()
    assert json.loads(json.dumps(data))["deadline"]["due_date"] == "2026-02-20"
    assert data["extensions"][0]["granted"] == 7


def test_a_calendar_revision_reports_each_moved_deadline() -> None:
    def overlay(kind: str, revision: str) -> Overlay:
        return Overlay(
            date="2025-08-18",
            kind=kind,
            reason="Cuti Bersama Hari Kemerdekaan" if kind == "joint_leave" else "Hari kerja",
            reason_en="Independence Day joint leave" if kind == "joint_leave" else "Working day",
            source="SKB 3 Menteri",
            revision=revision,
        )

    first_skb = CAL.with_overlays(overlay("workday", "skb-2025.1"))
    revised = first_skb.with_overlays(overlay("joint_leave", "skb-2025.2"))
    history = [ev("submitted", "2025-08-14"), ev("forwarded", "2025-08-14", 15)]
    now = at("2025-08-15")
    before = evaluate_clocks(POLICY, history, first_skb, now=now)
    after = evaluate_clocks(POLICY, history, revised, now=now)
    (move,) = deadline_moves(before, after)  # T1 is stopped; only the open T2 moves
    assert move.payload() == {
        "rule_id": "T2",
        "old_due": "2025-08-21",
        "new_due": "2025-08-22",
        "revision": "skb-2025.2",
    }
    assert "skb-2025.2" in move.change.message("en")
    assert deadline_moves(after, after) == ()


def test_clock_descriptions_in_indonesian_and_english() -> None:
    history = [ev("submitted", "2026-02-02"), ev("forwarded", "2026-02-06", 8)]
    t1 = clock("T1", history, "2026-02-06")
    assert t1.describe() == (
        "T1 Verifikasi dan penerusan laporan oleh admin: berhenti; tenggat 2026-02-05 "
        "(3 hari kerja); terlambat"
    )
    assert t1.describe("en") == (
        "T1 Verification and forwarding by the admin: stopped; due 2026-02-05 "
        "(3 working days); late"
    )
    paused = clock("T2", [*history, ev("info_requested", "2026-02-09")], "2026-02-10")
    assert paused.status.label() == "ditunda, menunggu pelapor"
    assert paused.status.label("en") == "paused, waiting for the reporter"
    assert clock("T3", history, "2026-02-06").describe("en").endswith("not started")
    provisional = clock("T1", [ev("submitted", "2027-03-05")], "2027-03-05")
    assert provisional.describe().endswith(", sementara")
