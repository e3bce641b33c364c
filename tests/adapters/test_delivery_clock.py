"""The UU 25/2009 Pasal 50 delivery clock (``uu25_delivery``, 14 days from the decision to its
delivery) starts from the Desk and the command line: a follow-up that names ``decided_on``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.cli import main
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.sla import ClockStatus
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Pontianak")


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=WIB)


@pytest.fixture
def desk() -> Iterator[Desk]:
    with Desk.open("memory://", clock=FrozenClock(at(3, 2, 9))) as opened:
        yield opened


def forwarded(desk: Desk) -> str:
    c = desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title="Izin usaha tak kunjung terbit",
            body="Berkas lengkap sejak Februari.",
            region="61.07",
            topic="land",
            channel="web",
            reporter=Reporter(id="w-1", email="w1@example.id"),
        ),
        at=at(3, 2, 9),
    )
    desk.verify(c.tracking_id, at=at(3, 2, 10))
    desk.forward(c.tracking_id, at=at(3, 2, 11))
    return c.tracking_id


def delivery(desk: Desk, ref: str, now: dt.datetime) -> dict[str, object]:
    (clock,) = [k for k in desk.clocks(ref, now=now) if k.rule.id == "uu25_delivery"]
    assert clock.deadline is not None
    return {"status": clock.status, "met": clock.met, "due": clock.deadline.due_date}


def test_a_decision_delivered_within_14_days_meets_the_clock(desk: Desk) -> None:
    ref = forwarded(desk)
    desk.follow_up(ref, "Izin terbit.", decided_on="2026-03-04", at=at(3, 16))
    assert delivery(desk, ref, at(3, 20)) == {
        "status": ClockStatus.STOPPED,
        "met": True,
        "due": dt.date(2026, 3, 18),
    }


def test_a_decision_delivered_after_14_days_is_late(desk: Desk) -> None:
    ref = forwarded(desk)
    desk.follow_up(ref, "Izin terbit.", decided_on=dt.date(2026, 3, 3), at=at(3, 25))
    assert delivery(desk, ref, at(3, 26))["met"] is False


@pytest.mark.parametrize(
    ("decided_on", "rule"),
    [("2026-03-30", "between the submission"), ("2026-02-01", "between"), ("3/3/2026", "date")],
)
def test_a_decision_date_outside_the_complaint_is_refused_and_nothing_is_written(
    desk: Desk, decided_on: str, rule: str
) -> None:
    ref = forwarded(desk)
    version = desk.get(ref).version
    with pytest.raises(InvalidInputError, match=rule) as info:
        desk.follow_up(ref, "Izin terbit.", decided_on=decided_on, at=at(3, 16))
    assert "decided_on" in str(info.value)
    assert desk.get(ref).version == version


def test_the_command_line_starts_the_delivery_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'x.db'}"]

    def run(*argv: str) -> dict[str, object]:
        assert main([*argv, *db, "--json"]) == 0
        return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]

    new = run("submit", "--title", "Izin", "--body", "Berkas lengkap.", "--region", "61.07",
              "--topic", "land", "--email", "w1@example.id")  # fmt: skip
    ref = str(new["tracking_id"])
    run("verify", ref)
    run("forward", ref)
    with Desk.open(db[1]) as desk:  # the command line counts on the system clock
        today = desk.rules.calendar_for(desk.get(ref)).local_date(desk.clock())
    assert main(["follow-up", ref, "--text", "t", "--decided-on", "2020-01-01", *db]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "decided_on" in err
    run("follow-up", ref, "--text", "Izin terbit.", "--decided-on", today.isoformat())
    shown = run("show", ref)
    (clock,) = [k for k in shown["clocks"] if k["rule_id"] == "uu25_delivery"]  # type: ignore[attr-defined]
    assert (clock["status"], clock["met"]) == ("stopped", True)
