"""Clocks in the lifecycle: deadlines, pauses, automatic completion, escalation, referrals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest

from lifecycle_kit import AGENCIES, new_complaint, step
from sp4n.errors import NaiveDatetimeError
from sp4n.lifecycle import (
    OVERALL_RULE_ID,
    SYSTEM_ACTOR,
    Complaint,
    EventType,
    LifecycleRules,
    ReferralPolicy,
    Role,
    Status,
    apply_due_actions,
    clocks,
    due_actions,
    lifecycle_policy,
)
from sp4n.sla import ClockStatus, SlaClock, WorkingCalendar, load_policy

WIB = ZoneInfo("Asia/Jakarta")
CAL = WorkingCalendar.indonesia("32.73")
E = EventType


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=WIB)


def by_id(result: tuple[SlaClock, ...]) -> dict[str, SlaClock]:
    return {c.rule.id: c for c in result}


def followed_up_on(day: date) -> Complaint:
    c = new_complaint()  # Monday 2 March 2026, 09:00 WIB
    c = step(c, E.VERIFIED, at(date(2026, 3, 2)))
    c = step(c, E.FORWARDED, at(date(2026, 3, 3)))
    return step(c, E.FOLLOWED_UP, at(day))


def test_clocks_follow_the_lapor_policy_with_deadlines_and_explanations() -> None:
    c = step(
        step(new_complaint(), E.VERIFIED, at(date(2026, 3, 2))), E.FORWARDED, at(date(2026, 3, 3))
    )
    now = at(date(2026, 3, 4))
    result = by_id(clocks(c, now=now))
    assert result["T1"].status is ClockStatus.STOPPED
    assert result["T1"].met is True
    t2 = result["T2"]
    assert t2.status is ClockStatus.RUNNING
    assert t2.deadline is not None
    assert t2.deadline.due_date == CAL.add_working_days(date(2026, 3, 3), 5)
    assert t2.deadline.explanation.n == 5
    assert result["tier_simple"].status is ClockStatus.RUNNING
    assert result["T3"].status is ClockStatus.NOT_STARTED


def test_info_request_pauses_the_agency_clock() -> None:
    c = step(
        step(new_complaint(), E.VERIFIED, at(date(2026, 3, 2))), E.FORWARDED, at(date(2026, 3, 3))
    )
    c = step(c, E.INFO_REQUESTED, at(date(2026, 3, 4)))
    c = step(c, E.INFO_PROVIDED, at(date(2026, 3, 10)))
    t2 = by_id(clocks(c, now=at(date(2026, 3, 10), 12)))["T2"]
    paused = CAL.working_days_between(date(2026, 3, 4), date(2026, 3, 10))
    assert t2.paused_working_days == paused > 0
    assert t2.deadline is not None
    assert t2.deadline.due_date == CAL.add_working_days(date(2026, 3, 3), 5 + paused)


def test_completion_after_ten_silent_working_days_is_due_and_idempotent() -> None:
    c = followed_up_on(date(2026, 3, 5))
    t3 = by_id(clocks(c, now=at(date(2026, 3, 6))))["T3"]
    assert t3.deadline is not None
    due = t3.deadline.due_date
    assert due == CAL.add_working_days(date(2026, 3, 5), 10)
    assert due_actions(c, at(due, 23)) == ()
    assert apply_due_actions(c, at(due, 23)) is c  # nothing due yet: nothing appended
    later = at(due + timedelta(days=3))
    (action,) = due_actions(c, later)
    assert action.rule_id == "T3"
    done = apply_due_actions(c, later)
    assert done.status is Status.COMPLETED
    last = done.history[-1]
    assert last.actor == SYSTEM_ACTOR
    assert last.payload["by"] == "system"
    assert last.payload["rule_id"] == "T3"
    assert last.occurred_at == t3.deadline.due_at
    assert due_actions(done, later) == ()
    assert apply_due_actions(done, later) is done
    assert apply_due_actions(done, later + timedelta(days=30)).version == done.version


def test_a_reply_stops_the_silence_timer() -> None:
    c = followed_up_on(date(2026, 3, 5))
    c = step(c, E.REPORTER_REPLIED, at(date(2026, 3, 9)))
    assert c.status is Status.IN_PROGRESS
    result = by_id(clocks(c, now=at(date(2026, 4, 30))))
    assert result["T3"].status is ClockStatus.STOPPED
    assert result["T2"].open
    assert all(a.rule_id != "T3" for a in due_actions(c, at(date(2026, 4, 30))))


def test_a_breached_clock_is_escalated_once() -> None:
    c = new_complaint()  # nobody verifies it
    later = at(date(2026, 3, 20))
    assert [a.rule_id for a in due_actions(c, later)] == ["T1"]
    escalated = apply_due_actions(c, later)
    events = [e for e in escalated.history if e.type == "escalated"]
    assert [e.payload["rule_id"] for e in events] == ["T1"]
    assert events[0].payload["target"] == "supervisor"
    assert escalated.escalations == ("supervisor",)
    assert apply_due_actions(escalated, later + timedelta(days=1)) is escalated


def test_late_agency_is_escalated_to_its_superior() -> None:
    c = step(
        step(new_complaint(), E.VERIFIED, at(date(2026, 3, 2))), E.FORWARDED, at(date(2026, 3, 3))
    )
    escalated = apply_due_actions(c, at(date(2026, 4, 1)))
    targets = {
        e.payload["rule_id"]: e.payload["target"]
        for e in escalated.history
        if e.type == "escalated"
    }
    assert targets["T2"] == "superior"


@pytest.mark.parametrize("status", [Status.ARCHIVED, Status.MERGED, Status.COMPLETED])
def test_no_clock_runs_in_a_closed_status(status: Status) -> None:
    c = new_complaint()
    if status is Status.COMPLETED:
        c = followed_up_on(date(2026, 3, 5))
    c = step(
        c,
        {Status.ARCHIVED: E.ARCHIVED, Status.MERGED: E.MERGED, Status.COMPLETED: E.COMPLETED}[
            status
        ],
        c.history[-1].occurred_at,
    )
    assert c.status is status
    for clock in clocks(c, now=at(date(2026, 12, 1))):
        assert not clock.open, clock.rule.id
    assert due_actions(c, at(date(2026, 12, 1))) == ()


def _returned_and_reforwarded(rules: LifecycleRules) -> tuple[Complaint, dict[str, SlaClock]]:
    c = step(
        step(new_complaint(), E.VERIFIED, at(date(2026, 3, 2))), E.FORWARDED, at(date(2026, 3, 3))
    )
    c = step(c, E.RETURNED, at(date(2026, 3, 5)))
    c = step(c, E.FORWARDED, at(date(2026, 3, 9)))
    assert c.agency == AGENCIES[1]
    return c, by_id(clocks(c, now=at(date(2026, 3, 10)), rules=rules))


def test_referral_restart_gives_the_new_agency_a_fresh_clock() -> None:
    _, result = _returned_and_reforwarded(LifecycleRules(referral="restart"))
    t2 = result["T2"]
    assert t2.cycle == 2
    assert t2.deadline is not None
    assert t2.deadline.due_date == CAL.add_working_days(date(2026, 3, 9), 5)
    assert OVERALL_RULE_ID not in result


def test_referral_continue_keeps_counting_from_the_first_forwarding() -> None:
    _, result = _returned_and_reforwarded(LifecycleRules(referral=ReferralPolicy.CONTINUE))
    t2 = result["T2"]
    assert t2.cycle == 1
    assert t2.deadline is not None
    assert t2.deadline.due_date == CAL.add_working_days(date(2026, 3, 3), 5)


def test_referral_per_agency_adds_an_overall_reporter_clock() -> None:
    rules = LifecycleRules(referral="per_agency", referral_overall_working_days=12)
    c, result = _returned_and_reforwarded(rules)
    assert result["T2"].cycle == 2
    overall = result[OVERALL_RULE_ID]
    assert overall.deadline is not None
    assert overall.deadline.due_date == CAL.add_working_days(date(2026, 3, 3), 12)
    assert overall.rule.certainty.value == "inferred"
    policy = lifecycle_policy(load_policy(), rules)
    assert "referral-per-agency" in policy.version
    c = step(c, E.FOLLOWED_UP, at(date(2026, 3, 11)))
    assert by_id(clocks(c, now=at(date(2026, 3, 12)), rules=rules))[OVERALL_RULE_ID].met is True


def test_the_lifecycle_policy_records_its_overrides() -> None:
    policy = lifecycle_policy(load_policy())
    assert "lifecycle-closing" in policy.version
    assert all("merged" in r.stops or "merged" in r.starts for r in policy.rules)


def test_the_lifecycle_policy_cache_tells_equal_objects_from_changed_ones() -> None:
    # decisions 0280 and 0300: the cache finds equal policies by value, and a changed
    # policy or lifecycle never gets an entry made for another one
    base = load_policy()
    first = lifecycle_policy(base)
    assert lifecycle_policy(base) is first
    assert lifecycle_policy(attrs.evolve(base)) == first  # equal, not the same object
    shorter = attrs.evolve(base, rules=base.rules[1:])
    assert lifecycle_policy(shorter) != first
    assert lifecycle_policy(shorter).rules[0].id == lifecycle_policy(base).rules[1].id
    per_agency = LifecycleRules(referral="per_agency", referral_overall_working_days=12)
    assert lifecycle_policy(base, per_agency) != first
    assert lifecycle_policy(base) is first


def test_clock_functions_reject_naive_now() -> None:
    c = new_complaint()
    with pytest.raises(NaiveDatetimeError):
        clocks(c, now=datetime(2026, 3, 3, 9))
    with pytest.raises(NaiveDatetimeError):
        due_actions(c, datetime(2026, 3, 3, 9))


def test_the_filing_window_counts_from_the_service_date() -> None:
    from lifecycle_kit import T0, draft
    from sp4n.lifecycle import Actor, submit

    late = attrs.evolve(draft(), service_received_on="2026-01-10")
    c = submit(late, actor=Actor(late.reporter.id, Role.REPORTER), at=T0)
    assert c.service_received_on == date(2026, 1, 10)
    window = by_id(clocks(c, now=T0))["uu25_filing_window"]
    assert window.deadline is not None
    assert window.deadline.start_date == date(2026, 1, 10)
    assert window.met is False  # filed after 30 days: flagged, never refused


def test_referral_continue_breaches_when_the_new_agency_is_late() -> None:
    # Regression (issue 14): the closing adjustment was built from the original policy,
    # putting ``returned`` back into T2's stops, so the clock stopped for good at the return.
    rules = LifecycleRules(referral=ReferralPolicy.CONTINUE)
    c, _ = _returned_and_reforwarded(rules)
    t2 = by_id(clocks(c, now=at(date(2026, 3, 20)), rules=rules))["T2"]
    assert t2.stopped_by is None
    assert t2.status is ClockStatus.BREACHED
    assert "T2" in {a.rule_id for a in due_actions(c, at(date(2026, 3, 20)), rules=rules)}


def test_referral_per_agency_overall_clock_stops_when_merged() -> None:
    # Regression (issue 14): the added overall clock missed the closing events, so a
    # merged complaint stayed on the overdue list.
    rules = LifecycleRules(referral="per_agency", referral_overall_working_days=12)
    c, _ = _returned_and_reforwarded(rules)
    c = step(c, E.MERGED, at(date(2026, 3, 11)))
    assert c.status is Status.MERGED
    later = at(date(2026, 6, 1))
    assert not by_id(clocks(c, now=later, rules=rules))[OVERALL_RULE_ID].open
    assert due_actions(c, later, rules=rules) == ()


def test_a_desk_under_per_agency_drops_a_merged_complaint_from_the_overdue_list() -> None:
    from sp4n import Desk
    from sp4n.lifecycle import ComplaintDraft, Reporter
    from sp4n.testing import FrozenClock

    rules = LifecycleRules(referral="per_agency", referral_overall_working_days=12)
    clock = FrozenClock(at(date(2026, 3, 2), 9))
    with Desk.open("memory://", clock=clock, lifecycle=rules) as desk:

        def report(title: str) -> str:
            return desk.submit(
                ComplaintDraft(
                    kind="pengaduan",
                    title=title,
                    body="Berlubang.",
                    region="61.07",
                    topic="road",
                    channel="web",
                    reporter=Reporter(id="w", email="w@example.id"),
                )
            ).tracking_id

        ref, primary = report("Jalan rusak"), report("Jalan rusak (pertama)")
        desk.verify(ref)
        desk.forward(ref, attributes={"road_status": "kabupaten"})
        desk.return_(ref, "bukan wewenang kami")
        desk.forward(ref, attributes={"road_status": "provinsi"})
        desk.merge(ref, primary)
        later = date(2026, 6, 1)
        assert ref not in {r.tracking_id for r in desk.list(overdue_as_of=later)}
