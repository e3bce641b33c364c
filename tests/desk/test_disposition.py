"""Disposition inside an agency: liaison -> work unit -> draft -> approved follow-up; the reporter
sees the follow-up only once approved, T2 runs across the agency (decision 0201)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from servers import smtp_server
from sp4n.adapters.notifiers import SmtpNotifier
from sp4n.desk import Desk
from sp4n.errors import PermissionDenied, TransitionError, UnknownAgencyError
from sp4n.lifecycle import Actor, ComplaintDraft, Role
from sp4n.routing import Router
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Pontianak")
AGENCY = "61.07-dinas-pupr"
UNITS = [
    {
        "id": "bina-marga",
        "name": "Bidang Bina Marga",
        "contact": {"name": "Kabid Bina Marga", "email": "binamarga@pupr.bengkayangkab.go.id"},
    },
    {"id": "cipta-karya", "name": "Bidang Cipta Karya"},
]
ENTRY = {
    "id": AGENCY,
    "name": "Dinas PUPR Kabupaten Bengkayang",
    "level": "kabupaten_kota",
    "region": "61.07",
    "topics": ["road"],
    "units": UNITS,
    "contact": {"name": "Penghubung PUPR", "email": "penghubung@pupr.bengkayangkab.go.id"},
}
BINA_MARGA = Actor("ahmad", Role.UNIT, agency=AGENCY, unit="bina-marga")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))


@pytest.fixture
def desk(tmp_path: Path, clock: FrozenClock) -> Iterator[Desk]:
    router = Router.default().with_plugin_rows(agency_entries=[ENTRY])
    with Desk.open(f"sqlite:///{tmp_path / 'd.db'}", clock=clock, router=router) as opened:
        yield opened


def _in_progress(desk: Desk, clock: FrozenClock) -> str:
    complaint = desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title="Jalan berlubang di Sebalo",
            body="Lubang besar.",
            region="61.07",
            topic="road",
            channel="web",
            reporter={"id": "warga-1", "email": "warga@example.id", "name": "Siti"},
        )
    )
    ref = complaint.tracking_id
    for act in (desk.verify, lambda r: desk.forward(r, AGENCY), desk.acknowledge):
        clock.advance(timedelta(hours=1))
        act(ref)
    return ref


def _outbox(desk: Desk, clock: FrozenClock, since: int) -> list[tuple[str, str, str]]:
    messages = desk.store.pending_outbox(limit=100, now=clock() + timedelta(days=1))
    return [
        (m.recipient_role, str(m.payload["address"]), str(m.payload["body"]))
        for m in messages
        if m.event_seq > since
    ]


def test_the_unit_drafts_and_the_reporter_sees_only_the_approved_follow_up(
    desk: Desk, clock: FrozenClock
) -> None:
    ref = _in_progress(desk, clock)
    before = desk.get(ref).version
    clock.advance(timedelta(hours=1))
    disposed = desk.dispose(ref, "bina-marga", note="Cek lokasi sebelum Jumat")
    assert disposed.unit == "bina-marga"
    assert disposed.status.value == "in_progress"
    clock.advance(timedelta(hours=3))
    drafted = desk.draft_follow_up(ref, "Lubang ditambal pada 4 Maret 2026.", actor=BINA_MARGA)
    assert drafted.draft == "Lubang ditambal pada 4 Maret 2026."
    assert drafted.status.value == "in_progress"
    messages = _outbox(desk, clock, before)
    assert ("unit", "binamarga@pupr.bengkayangkab.go.id") in [(r, a) for r, a, _ in messages]
    assert ("liaison", "penghubung@pupr.bengkayangkab.go.id") in [(r, a) for r, a, _ in messages]
    assert all(role != "reporter" for role, _, _ in messages)  # nothing to the reporter yet
    reporter = Actor("warga-1", Role.REPORTER)
    seen = [e["type"] for e in desk.get(ref).view_for(reporter)["history"]]
    assert "follow_up_drafted" not in seen
    assert "disposed" not in seen
    liaison = Actor("p", Role.LIAISON, agency=AGENCY)
    assert "follow_up_drafted" in [e["type"] for e in desk.get(ref).view_for(liaison)["history"]]
    public = desk.get(ref).public_view()
    assert public is not None
    assert "Lubang ditambal" not in str(public)

    clock.advance(timedelta(hours=1))
    approved = desk.approve_follow_up(ref)
    assert approved.status.value == "followed_up"
    assert approved.draft is None
    assert approved.history[-1].type == "followed_up"
    assert approved.history[-1].payload == {
        "text": "Lubang ditambal pada 4 Maret 2026.",
        "approves": True,
    }
    to_reporter = [b for r, _, b in _outbox(desk, clock, drafted.version) if r == "reporter"]
    assert len(to_reporter) == 1
    assert "Lubang ditambal pada 4 Maret 2026." in to_reporter[0]
    t2 = next(c for c in desk.clocks(ref) if c.rule.id == "T2")
    assert t2.stopped_at == approved.history[-1].occurred_at  # the approval stops T2


def test_disposing_changes_no_deadline(desk: Desk, clock: FrozenClock) -> None:
    ref = _in_progress(desk, clock)
    due = {c.rule.id: c.deadline for c in desk.clocks(ref)}
    clock.advance(timedelta(days=2))
    desk.dispose(ref, "bina-marga")
    desk.draft_follow_up(ref, "Rancangan.", actor=BINA_MARGA)
    assert {c.rule.id: c.deadline for c in desk.clocks(ref)} == due


def test_an_unknown_unit_is_refused_naming_the_known_ones(desk: Desk, clock: FrozenClock) -> None:
    ref = _in_progress(desk, clock)
    version = desk.get(ref).version
    with pytest.raises(UnknownAgencyError) as info:
        desk.dispose(ref, "bina-marga-2")
    assert info.value.field == "unit"
    assert "bina-marga, cipta-karya" in str(info.value)
    assert desk.get(ref).version == version


def test_only_the_disposed_unit_drafts_and_only_a_draft_is_approved(
    desk: Desk, clock: FrozenClock
) -> None:
    ref = _in_progress(desk, clock)
    with pytest.raises(TransitionError, match="no work unit's draft awaits approval"):
        desk.approve_follow_up(ref)
    desk.dispose(ref, "bina-marga")
    other = Actor("budi", Role.UNIT, agency=AGENCY, unit="cipta-karya")
    with pytest.raises(PermissionDenied, match="disposed to it"):
        desk.draft_follow_up(ref, "Bukan urusan kami.", actor=other)
    with pytest.raises(PermissionDenied):
        desk.draft_follow_up(
            ref, "Penghubung menulis sendiri.", actor=Actor("p", Role.LIAISON, agency=AGENCY)
        )
    desk.draft_follow_up(ref, "Rancangan pertama.", actor=BINA_MARGA)
    moved = desk.dispose(ref, "cipta-karya")  # disposing again drops the draft
    assert (moved.unit, moved.draft) == ("cipta-karya", None)
    with pytest.raises(PermissionDenied):
        desk.draft_follow_up(ref, "Rancangan kedua.", actor=BINA_MARGA)


def test_the_liaison_may_reword_the_draft_and_the_state_survives_a_reload(
    desk: Desk, clock: FrozenClock, tmp_path: Path
) -> None:
    ref = _in_progress(desk, clock)
    desk.dispose(ref, "bina-marga")
    desk.draft_follow_up(ref, "lubang sdh ditambal", actor=BINA_MARGA)
    stored = desk.get(ref)
    assert (stored.unit, stored.draft) == ("bina-marga", "lubang sdh ditambal")
    approved = desk.approve_follow_up(ref, text="Lubang sudah ditambal pada 4 Maret 2026.")
    assert approved.history[-1].payload["text"] == "Lubang sudah ditambal pada 4 Maret 2026."
    assert desk.get(ref) == approved


def test_the_optional_unit_clock_runs_from_disposition_to_the_draft(
    tmp_path: Path, clock: FrozenClock
) -> None:
    entry = {**ENTRY, "id": "sample-unit-clock"}
    router = Router.default().with_plugin_rows(agency_entries=[entry])
    url = f"sqlite:///{tmp_path / 'u.db'}"
    with Desk.open(url, clock=clock, router=router) as desk:
        complaint = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title="Jalan berlubang",
                body="Lubang besar.",
                region="61.07",
                topic="road",
                channel="web",
                reporter={"id": "warga-1", "email": "w@example.id"},
            )
        )
        ref = complaint.tracking_id
        desk.verify(ref)
        desk.forward(ref, "sample-unit-clock")
        desk.acknowledge(ref)
        assert "U1" not in {c.rule.id for c in desk.clocks(ref) if c.started_at}
        disposed = desk.dispose(ref, "bina-marga")  # Monday 2 March 2026, 09:00 WIB
        u1 = next(c for c in desk.clocks(ref) if c.rule.id == "U1")
        assert u1.rule.certainty.value == "inferred"
        assert u1.started_at == disposed.history[-1].occurred_at
        assert u1.deadline is not None
        assert u1.deadline.due_date.isoformat() == "2026-03-05"  # 3 working days
        t2 = next(c for c in desk.clocks(ref) if c.rule.id == "T2")
        unit = Actor("ahmad", Role.UNIT, agency="sample-unit-clock", unit="bina-marga")
        clock.advance(timedelta(days=1))
        drafted = desk.draft_follow_up(ref, "Rancangan.", actor=unit)
        u1 = next(c for c in desk.clocks(ref) if c.rule.id == "U1")
        assert u1.stopped_at == drafted.history[-1].occurred_at
        assert u1.met is True
        after = next(c for c in desk.clocks(ref) if c.rule.id == "T2")
        assert after.deadline == t2.deadline  # the agency's T2 is unchanged
        assert after.stopped_at is None


def test_over_real_smtp_the_unit_gets_the_disposition_and_the_reporter_only_the_approval(
    tmp_path: Path, clock: FrozenClock
) -> None:
    router = Router.default().with_plugin_rows(agency_entries=[ENTRY])
    with smtp_server() as (port, inbox):
        notifiers = {"smtp": SmtpNotifier(host="127.0.0.1", port=port)}
        url = f"sqlite:///{tmp_path / 'm.db'}"
        with Desk.open(url, clock=clock, router=router, notifiers=notifiers) as desk:
            ref = _in_progress(desk, clock)
            desk.deliver_notifications()
            inbox.clear()
            desk.dispose(ref, "bina-marga", note="Cek lokasi")
            desk.draft_follow_up(ref, "Lubang ditambal 4 Maret.", actor=BINA_MARGA)
            desk.deliver_notifications()
            drafts = {str(m["To"]): m.get_payload(decode=True).decode() for m in inbox}
            inbox.clear()
            desk.approve_follow_up(ref)
            desk.deliver_notifications()
            approved = {str(m["To"]): m.get_payload(decode=True).decode() for m in inbox}
    unit_mail = next(v for k, v in drafts.items() if "binamarga@" in k)
    assert "didisposisikan kepada unit kerja Anda" in unit_mail
    liaison_mail = next(v for k, v in drafts.items() if "penghubung@" in k)
    assert "Lubang ditambal 4 Maret." in liaison_mail
    assert not any("warga@example.id" in k for k in drafts)  # the draft reaches no reporter
    reporter_mail = next(v for k, v in approved.items() if "warga@example.id" in k)
    assert "Lubang ditambal 4 Maret." in reporter_mail


def test_the_sweep_tells_the_unit_when_its_own_clock_runs_out(
    tmp_path: Path, clock: FrozenClock
) -> None:
    entry = {**ENTRY, "id": "sample-unit-clock"}
    router = Router.default().with_plugin_rows(agency_entries=[entry])
    with Desk.open(f"sqlite:///{tmp_path / 's.db'}", clock=clock, router=router) as desk:
        ref = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title="Jalan berlubang",
                body="Lubang besar.",
                region="61.07",
                topic="road",
                channel="web",
                reporter={"id": "warga-1", "email": "w@example.id"},
            )
        ).tracking_id
        desk.verify(ref)
        desk.forward(ref, "sample-unit-clock")
        desk.acknowledge(ref)
        desk.dispose(ref, "bina-marga")  # Monday 2 March; U1 due Thursday 5 March
        seen = desk.get(ref).version
        breach_at = datetime(2026, 3, 6, 10, 0, tzinfo=WIB)  # Friday: U1 breached, T2 not yet
        desk.sweep(breach_at)
        messages = [
            m
            for m in desk.store.pending_outbox(limit=50, now=breach_at + timedelta(days=1))
            if m.event_seq > seen
        ]
        reminded = [e.payload for e in desk.get(ref).history if e.type == "reminded"]
    assert {"rule_id": "U1", "stage": "breach", "to": "unit", "due": "2026-03-05"} in reminded
    to_unit = [m for m in messages if m.recipient_role == "unit"]
    assert [m.template for m in to_unit] == ["sla.breach.unit"]
    assert to_unit[0].payload["address"] == "binamarga@pupr.bengkayangkab.go.id"
    assert all(m.recipient_role != "reporter" for m in messages)  # internal: not the citizen
