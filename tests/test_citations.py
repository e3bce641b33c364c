"""Citations and certainty marks (decision 0155): per rule, the length's certainty and the
behaviour's; the rules of one article carry one mark; UU 30/2014 Pasal 62 as a cited rule."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.cli import main
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.sla import Certainty, Unit, load_policy
from sp4n.testing import FrozenClock

POLICY = load_policy("lapor")


def test_the_rules_of_one_article_carry_one_mark() -> None:
    decision, delivery = POLICY.rule("uu25_decision"), POLICY.rule("uu25_delivery")
    assert "Pasal 50" in decision.citation
    assert "Pasal 50" in delivery.citation
    assert decision.certainty is delivery.certainty is Certainty.REPORTED


@pytest.mark.parametrize("rule_id", ["T1", "T2", "T3"])
def test_inferred_clock_behaviour_has_its_own_mark(rule_id: str) -> None:
    rule = POLICY.rule(rule_id)
    assert rule.certainty is Certainty.READ  # the length, from the official listing
    assert rule.behaviour_certainty is Certainty.INFERRED  # pauses, restarts: sp4n's model


def test_the_policy_command_shows_both_marks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "--json"]) == 0
    rules = {r["id"]: r for r in json.loads(capsys.readouterr().out)["rules"]}
    assert (rules["T2"]["certainty"], rules["T2"]["behaviour_certainty"]) == ("read", "inferred")


def test_the_field_examination_tier_names_the_guideline_in_force() -> None:
    citation = POLICY.rule("tier_field_examination").citation
    assert "PermenPANRB 5/2025" in citation
    assert "62/2018" in citation
    assert "replaced" in citation


def test_uu30_pasal_62_five_working_days_to_deliver_a_decision() -> None:
    rule = POLICY.rule("uu30_delivery")
    assert (rule.length, rule.unit, rule.certainty) == (5, Unit.WORKING_DAYS, Certainty.READ)
    assert "UU 30/2014" in rule.citation
    assert "Pasal 62" in rule.citation
    pnk = ZoneInfo("Asia/Pontianak")
    at = dt.datetime(2026, 3, 2, 9, tzinfo=pnk)
    with Desk.open("memory://", clock=FrozenClock(at)) as desk:
        ref = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title="Izin",
                body="Berkas lengkap.",
                region="61.07",
                topic="land",
                channel="web",
                reporter=Reporter(id="w", email="w@example.id"),
            )
        ).tracking_id
        desk.verify(ref)
        desk.forward(ref)
        # decided Wednesday 4 March, delivered Friday 13 March: 7 working days, 9 days
        desk.follow_up(
            ref, "Izin terbit.", decided_on="2026-03-04", at=dt.datetime(2026, 3, 13, 9, tzinfo=pnk)
        )
        later = dt.datetime(2026, 3, 16, 9, tzinfo=pnk)
        clocks = {k.rule.id: k for k in desk.clocks(ref, now=later)}
    assert clocks["uu30_delivery"].met is False  # 5 working days: Wednesday 11 March
    assert clocks["uu30_delivery"].deadline.due_date == dt.date(2026, 3, 11)  # type: ignore[union-attr]
    assert clocks["uu25_delivery"].met is True  # 14 days
