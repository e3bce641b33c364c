"""The admin corrects a report at triage (``amend``): an audited ``amended`` event with the old
and new values, role and region checks, and routing, lists and replay use the new values."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.adapters.channels import SmsChannel, SmsMessage
from sp4n.cli import main
from sp4n.errors import (
    InvalidInputError,
    PermissionDenied,
    Sp4nError,
    TransitionError,
    UnknownTopicError,
)
from sp4n.lifecycle import Actor, Kind, Role, replay
from sp4n.testing import FrozenClock

PNK = ZoneInfo("Asia/Pontianak")
AT = datetime(2026, 3, 2, 9, tzinfo=PNK)
KALBAR_ADMIN = Actor(id="admin-kalbar", role=Role.ADMIN, region="61")


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def desk(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Desk]:
    """A Desk on each store: the nested ``changes`` payload round-trips through all three."""
    url = {"memory": "memory://", "sqlite": sqlite_url}.get(request.param)
    if url is None:
        url = str(request.getfixturevalue("postgres_url"))
    with Desk.open(url, clock=FrozenClock(AT)) as opened:
        yield opened


def untagged_sms(desk: Desk) -> str:
    message = SmsMessage(sender="+6281100002222", text="Jalan berlubang besar depan pasar.")
    intake = SmsChannel(default_region="61.07").parse(message, received_at=AT)
    complaint = desk.submit(intake)
    assert (complaint.topic, complaint.region) == ("other", "61.07")
    return complaint.tracking_id


def test_an_untagged_sms_is_amended_and_then_routed_to_the_competent_agency(desk: Desk) -> None:
    ref = untagged_sms(desk)
    assert desk.suggest(ref).manual  # "other" reaches only the coordinator, by hand
    amended = desk.amend(
        ref,
        reason="SMS tanpa tagar: jalan kabupaten",
        topic="road",
        title="Jalan berlubang di depan pasar Bengkayang",
        actor=KALBAR_ADMIN,
    )
    assert (amended.topic, amended.title, amended.status.value) == (
        "road",
        "Jalan berlubang di depan pasar Bengkayang",
        "submitted",
    )
    event = amended.history[-1]
    assert event.type == "amended"
    assert (event.actor.id, event.actor.role) == ("admin-kalbar", Role.ADMIN)
    assert dict(event.payload) == {
        "reason": "SMS tanpa tagar: jalan kabupaten",
        "changes": {
            "topic": {"old": "other", "new": "road"},
            "title": {"old": "Jalan berlubang besar depan pasar.", "new": amended.title},
        },
    }
    assert desk.get(ref) == replay(desk.history(ref))  # the fold replays
    row = desk.store.get(amended.complaint_id)
    assert row is not None
    assert (row.topic, row.title) == ("road", amended.title)
    desk.verify(ref)
    forwarded = desk.forward(ref, attributes={"road_status": "kabupaten"})
    assert forwarded.agency == "61.07-pupr"


def test_kind_and_region_can_be_corrected_within_the_admins_region(desk: Desk) -> None:
    ref = untagged_sms(desk)
    amended = desk.amend(
        ref, reason="di Sambas", region="6101", kind="aspirasi", actor=KALBAR_ADMIN
    )
    assert (amended.region, amended.kind) == ("61.01", Kind.ASPIRASI)
    with pytest.raises(TransitionError, match="outside admin region 61"):
        desk.amend(ref, reason="salah provinsi", region="32.73", actor=KALBAR_ADMIN)


def test_only_an_admin_in_scope_amends_and_only_at_triage(desk: Desk) -> None:
    ref = untagged_sms(desk)
    liaison = Actor(id="x", role=Role.LIAISON, agency="61.07-pupr")
    with pytest.raises(PermissionDenied):
        desk.amend(ref, reason="r", topic="road", actor=liaison)
    with pytest.raises(PermissionDenied):
        desk.amend(ref, reason="r", topic="road", actor=Actor(id="y", role=Role.ADMIN, region="32"))
    desk.verify(ref)
    desk.amend(ref, reason="jalan", topic="road")
    desk.forward(ref, attributes={"road_status": "kabupaten"})
    with pytest.raises(TransitionError, match="not allowed"):
        desk.amend(ref, reason="terlambat", topic="waste")


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"topic": "jembatan_langit"}, UnknownTopicError, "topic"),
        ({"region": "99.99"}, Sp4nError, "region"),
        ({"kind": "keluhan"}, InvalidInputError, "kind"),
        ({"title": "  "}, InvalidInputError, "title"),
        ({"title": "Jalan berlubang besar depan pasar."}, TransitionError, "already"),
        ({}, InvalidInputError, "changes"),
    ],
)
def test_bad_amendments_name_the_field_and_write_nothing(
    desk: Desk, changes: dict[str, str], error: type[Exception], field: str
) -> None:
    ref = untagged_sms(desk)
    version = desk.get(ref).version
    with pytest.raises(error) as info:
        desk.amend(ref, reason="koreksi", **changes)  # type: ignore[arg-type]
    assert field in str(info.value)
    assert desk.get(ref).version == version


def test_amend_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'x.db'}"]
    assert main(["submit", "--title", "Gelap", "--body", "Lampu mati.", "--region", "61.07",
                 "--email", "w@example.org", *db, "--json"]) == 0  # fmt: skip
    ref = json.loads(capsys.readouterr().out)["tracking_id"]
    argv = ["amend", ref, "--reason", "lampu jalan", "--new-topic", "road", *db, "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["topic"] == "road"
    assert main(["amend", ref, "--reason", "x", "--new-topic", "tol_langit", *db]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "tol_langit" in err
    assert main(["history", ref, *db, "--json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    assert events[-1]["payload"]["changes"] == {"topic": {"old": "other", "new": "road"}}
