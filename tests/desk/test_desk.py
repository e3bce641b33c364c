"""End-to-end tests of the Desk on the memory, SQLite and PostgreSQL stores."""

from __future__ import annotations

import datetime as dt
import doctest
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pluggy
import pytest

from sp4n import Desk, hookimpl
from sp4n.adapters import ComplaintRow
from sp4n.adapters.channels import SmsChannel, SmsMessage
from sp4n.desk import retry_on_conflict
from sp4n.errors import (
    ConcurrencyError,
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    TransitionError,
    UnknownAgencyError,
    UnknownComplaintError,
)
from sp4n.lifecycle import Actor, ComplaintDraft, Event, Reporter, Role, Status
from sp4n.testing import FrozenClock

PNK = ZoneInfo("Asia/Pontianak")
START = dt.datetime(2026, 8, 3, 8, 15, tzinfo=PNK)
ADMIN = Actor(id="admin.bky", role=Role.ADMIN, region="61.07")


def _draft(**changes: Any) -> ComplaintDraft:
    values: dict[str, Any] = {
        "kind": "pengaduan",
        "title": "Jalan poros Sebalo rusak berat",
        "body": "Berlubang dalam di km 12, dua motor terjatuh.",
        "region": "61.07",
        "topic": "road",
        "channel": "web",
        "reporter": Reporter(
            id="warga-1", name="Siti Aminah", email="siti@example.org", phone="+6281234500001"
        ),
    }
    values.update(changes)
    return ComplaintDraft(**values)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return sqlite_url
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def desk(url: str, pm: pluggy.PluginManager, clock: FrozenClock) -> Iterator[Desk]:
    with Desk.open(url, pm=pm, clock=clock) as opened:
        yield opened


def _at(clock: FrozenClock, day: int, hour: int, month: int = 8) -> None:
    clock.set(dt.datetime(2026, month, day, hour, tzinfo=PNK))


def test_the_whole_story_ends_selesai_after_ten_silent_working_days(
    desk: Desk, clock: FrozenClock
) -> None:
    intake = SmsChannel(default_region="61.07").parse(
        SmsMessage(sender="+6281234567890", text="LAPOR Jalan Sebalo km 12 rusak #61.07 #road"),
        received_at=clock(),
    )
    c = desk.submit(intake)
    ref = c.tracking_id
    assert c.channel == "sms"
    assert c.status is Status.SUBMITTED
    row = desk.store.by_tracking_id(ref)
    assert row is not None
    assert row.next_due == dt.date(2026, 8, 6)

    _at(clock, 3, 10)
    desk.verify(ref, actor=ADMIN)
    _at(clock, 4, 9)
    c = desk.forward(ref, attributes={"road_status": "provinsi"}, actor=ADMIN)
    assert c.agency == "61-pupr"
    assert desk.list(agency="61-pupr")[0].next_due == dt.date(2026, 8, 11)  # T2: 5 WD

    _at(clock, 5, 14)
    province = Actor(id="pupr.kalbar", role=Role.LIAISON, agency="61-pupr")
    c = desk.return_(ref, "ruas jalan kabupaten", actor=province)
    assert c.status is Status.RETURNED
    assert c.returned_by == ("61-pupr",)

    _at(clock, 6, 9)
    # Without the attribute the router would fall back; with it, never the province again.
    c = desk.forward(ref, attributes={"road_status": "provinsi"}, actor=ADMIN)
    assert c.agency != "61-pupr"
    # the admin corrects it to the regency's office through the lifecycle's own rules
    assert desk.history(ref)[-1].payload["agency"] == c.agency

    # -- a second story on the right agency
    _at(clock, 6, 10)
    c2 = desk.submit(_draft())
    desk.verify(c2.complaint_id, actor=ADMIN)
    c2 = desk.forward(c2.tracking_id, attributes={"road_status": "kabupaten"}, actor=ADMIN)
    assert c2.agency == "61.07-pupr"
    pupr = Actor(id="pupr.bky", role=Role.LIAISON, agency="61.07-pupr")
    _at(clock, 7, 10)
    c2 = desk.request_info(c2.tracking_id, "Mohon titik lokasi", actor=pupr)
    assert desk.store.get(c2.complaint_id).next_due is None  # type: ignore[union-attr]
    _at(clock, 10, 8)
    desk.provide_info(c2.tracking_id, "Km 12 dekat simpang Sebalo")
    _at(clock, 14, 15)
    c2 = desk.follow_up(c2.tracking_id, "Penambalan dijadwalkan", actor=pupr)
    # T3: 10 working days after Fri 14 Aug, skipping 17 Aug (HUT RI) and 25 Aug (Maulid)
    assert desk.store.get(c2.complaint_id).next_due == dt.date(2026, 9, 1)  # type: ignore[union-attr]
    t3 = next(c for c in desk.clocks(c2.tracking_id) if c.rule.id == "T3")
    assert t3.deadline is not None
    reasons = {s.date: s.reason for s in t3.deadline.explanation.skipped}
    assert dt.date(2026, 8, 17) in reasons
    assert dt.date(2026, 8, 25) in reasons

    _at(clock, 1, 23, month=9)
    assert desk.apply_due_completions() == []  # the silence has not run out yet
    _at(clock, 2, 8, month=9)
    done = desk.apply_due_completions()
    assert [d.complaint_id for d in done] == [c2.complaint_id]
    final = desk.get(c2.tracking_id)
    assert final.status is Status.COMPLETED
    assert final.history[-1].actor.role is Role.SYSTEM
    assert final.history[-1].occurred_at == dt.datetime(2026, 9, 2, tzinfo=PNK)
    assert desk.apply_due_completions() == []  # idempotent
    assert desk.apply_due_actions() == []  # the old name (decision 0212)
    assert desk.store.get(c2.complaint_id).next_due is None  # type: ignore[union-attr]


def test_rerouting_never_returns_to_an_agency_that_returned_it(desk: Desk) -> None:
    c = desk.submit(_draft())
    desk.verify(c.tracking_id)
    first = desk.forward(c.tracking_id, attributes={"road_status": "kabupaten"}).agency
    assert first == "61.07-pupr"
    seen = [first]
    for _ in range(3):
        agency = desk.get(c.tracking_id).agency
        liaison = Actor(id=f"l-{agency}", role=Role.LIAISON, agency=agency)
        desk.return_(c.tracking_id, "bukan wewenang kami", actor=liaison)
        again = desk.forward(c.tracking_id, attributes={"road_status": "kabupaten"})
        assert again.agency not in seen
        seen.append(again.agency)
    assert desk.get(c.tracking_id).returned_by == tuple(seen[:-1])
    # an explicit forward to an agency that returned it is refused by the lifecycle guard
    version = desk.store.version(c.complaint_id)
    liaison = Actor(id="l", role=Role.LIAISON, agency=seen[-1])
    desk.return_(c.tracking_id, "bukan wewenang", actor=liaison)
    with pytest.raises(TransitionError, match="bukan wewenang"):
        desk.forward(c.tracking_id, "61.07-pupr")
    assert desk.store.version(c.complaint_id) == version + 1


def test_permission_denied_writes_nothing(desk: Desk) -> None:
    c = desk.submit(_draft())
    before = desk.store.pending_outbox(now=dt.datetime(9999, 1, 1, tzinfo=PNK), limit=1000)
    outsider = Actor(id="admin.sekadau", role=Role.ADMIN, region="61.09")
    with pytest.raises(PermissionDenied):
        desk.verify(c.tracking_id, actor=outsider)
    reporter = Actor(id="warga-1", role=Role.REPORTER)
    with pytest.raises(PermissionDenied):
        desk.verify(c.tracking_id, actor=reporter)
    desk.verify(c.tracking_id)
    desk.forward(c.tracking_id, "61.07-pupr")
    wrong_agency = Actor(id="x", role=Role.LIAISON, agency="61.07-dinkes")
    with pytest.raises(PermissionDenied):
        desk.follow_up(c.tracking_id, "done", actor=wrong_agency)
    assert desk.store.version(c.complaint_id) == 3
    assert [e.type for e in desk.history(c.tracking_id)] == ["submitted", "verified", "forwarded"]
    after = desk.store.pending_outbox(now=dt.datetime(9999, 1, 1, tzinfo=PNK), limit=1000)
    assert {m.event_seq for m in after} - {m.event_seq for m in before} == {2, 3}
    assert desk.store.get(c.complaint_id).status == "forwarded"  # type: ignore[union-attr]


def test_anonymous_reporter_contact_never_reaches_an_agency_bound_message(desk: Desk) -> None:
    c = desk.submit(_draft(visibility="anonymous"))
    desk.verify(c.tracking_id)
    desk.forward(c.tracking_id, "61-pupr")
    desk.return_(c.tracking_id, "jalan kabupaten")
    desk.forward(c.tracking_id, "61.07-pupr")
    desk.request_info(c.tracking_id, "lokasi?")
    desk.provide_info(c.tracking_id, "km 12")
    desk.follow_up(c.tracking_id, "diperbaiki")
    desk.reply(c.tracking_id, "belum diperbaiki")
    messages = desk.store.pending_outbox(now=dt.datetime(9999, 1, 1, tzinfo=PNK), limit=1000)
    roles = {m.recipient_role for m in messages}
    assert roles == {"reporter", "liaison", "admin"}
    secrets = ("siti@example.org", "+6281234500001", "6281234500001", "Siti", "warga-1")
    for message in messages:
        text = repr(dict(message.payload)) + message.id
        if message.recipient_role == "reporter":
            assert message.payload["address"] == f"pelapor@{c.tracking_id}"
            continue  # the reporter's own messages reach them through the relay only
        for secret in secrets:
            assert secret not in text, (message.recipient_role, message.template)
    liaison = [m for m in messages if m.recipient_role == "liaison"]
    assert {m.payload["address"] for m in liaison} == {
        "61-pupr@sp4n-sample.example",
        "6107-pupr@sp4n-sample.example",
    }
    assert all(m.payload["lang"] == "id" for m in messages)


def test_public_reporter_gets_their_own_address_and_the_public_feed_hides_confidential(
    desk: Desk, clock: FrozenClock
) -> None:
    public = desk.submit(_draft())
    clock.advance(dt.timedelta(minutes=1))
    secret = desk.submit(_draft(title="Pungli di kantor", visibility="confidential"))
    clock.advance(dt.timedelta(minutes=1))
    anonymous = desk.submit(_draft(title="Sampah menumpuk", visibility="anonymous"))
    for complaint in (public, secret, anonymous):  # published once forwarded (decision 0151)
        desk.verify(complaint.tracking_id)
        desk.forward(complaint.tracking_id)
    feed = desk.public_feed()
    ids = {item["tracking_id"] for item in feed}
    assert ids == {public.tracking_id, anonymous.tracking_id}
    assert secret.tracking_id not in repr(feed)
    assert "siti@example.org" not in repr(feed)
    assert "warga-1" not in repr(feed)
    assert len(desk.public_feed(limit=1)) == 1
    assert len(desk.public_feed(limit=5, offset=1)) == 1
    receipts = [
        m
        for m in desk.store.pending_outbox(now=dt.datetime(9999, 1, 1, tzinfo=PNK), limit=100)
        if m.complaint_id == public.complaint_id and m.template == "submitted.reporter"
    ]
    assert [m.payload["address"] for m in receipts] == ["siti@example.org"]
    assert public.tracking_id in receipts[0].payload["body"]


def test_get_names_the_unknown_ref_and_lookups_work_both_ways(desk: Desk) -> None:
    c = desk.submit(_draft())
    assert desk.get(c.tracking_id) == desk.get(c.complaint_id)
    assert desk.get(c.tracking_id.lower()).complaint_id == c.complaint_id
    with pytest.raises(UnknownComplaintError) as info:
        desk.get("no-such-complaint")
    assert isinstance(info.value, NotFoundError)
    assert info.value.ref == "no-such-complaint"
    assert "no-such-complaint" in str(info.value)
    with pytest.raises(InvalidInputError, match="status"):
        desk.list(status="bogus")
    with pytest.raises(UnknownAgencyError):
        desk.forward(c.tracking_id, "no-such-agency")
    assert desk.store.version(c.complaint_id) == 1


def test_submitting_the_same_intake_twice_is_idempotent(desk: Desk, clock: FrozenClock) -> None:
    first = desk.submit(_draft())
    again = desk.submit(_draft())
    assert again.complaint_id == first.complaint_id
    assert again.version == 1
    assert len(desk.list()) == 1


def test_stale_expected_version_raises_concurrency_error_and_writes_nothing(desk: Desk) -> None:
    c = desk.submit(_draft())
    desk.verify(c.tracking_id, expected_version=1)
    with pytest.raises(ConcurrencyError) as info:
        desk.hold(c.tracking_id, "kurang lengkap", expected_version=1)
    assert info.value.expected == 1
    assert info.value.actual == 2
    assert desk.store.version(c.complaint_id) == 2


class _Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, int, str | None, str]] = []

    @hookimpl
    def sp4n_complaint_transitioned(
        self, event: Event, row: ComplaintRow, previous_status: str | None
    ) -> None:
        self.seen.append((event.type, event.seq, previous_status, row.status))


def test_observers_hear_each_committed_event_with_frozen_values(
    url: str, pm: pluggy.PluginManager, clock: FrozenClock
) -> None:
    recorder = _Recorder()
    pm.register(recorder)
    with Desk.open(url, pm=pm, clock=clock) as desk:
        c = desk.submit(_draft())
        desk.verify(c.tracking_id)
        with pytest.raises(PermissionDenied):
            desk.forward(c.tracking_id, "61.07-pupr", actor=Actor(id="r", role=Role.REPORTER))
        desk.forward(c.tracking_id, "61.07-pupr")
    assert recorder.seen == [
        ("submitted", 1, None, "submitted"),
        ("verified", 2, "submitted", "verified"),
        ("forwarded", 3, "verified", "forwarded"),
    ]


def test_deliver_notifications_sends_each_message_once(desk: Desk) -> None:
    from sp4n.adapters.notifiers import LogNotifier

    c = desk.submit(_draft())
    desk.verify(c.tracking_id)
    report = desk.deliver_notifications()
    assert len(report.delivered) == 3
    assert not report.retrying
    assert not report.parked
    assert desk.deliver_notifications().delivered == ()
    log = desk.notifiers["log"]
    assert isinstance(log, LogNotifier)
    assert sorted(n.recipient.role for n in log.sent) == ["admin", "reporter", "reporter"]
    assert log.sent[0].subject.startswith("[SP4N-LAPOR!] Laporan ")


def test_two_desks_on_one_sqlite_file_one_conflict_then_retry_succeeds(
    sqlite_url: str, pm: pluggy.PluginManager, clock: FrozenClock
) -> None:
    with (
        Desk.open(sqlite_url, pm=pm, clock=clock) as one,
        Desk.open(sqlite_url, pm=pm, clock=clock) as two,
    ):
        c = one.submit(_draft())
        seen = two.get(c.tracking_id)  # both officers open the same version
        one.verify(c.tracking_id, expected_version=seen.version)
        with pytest.raises(ConcurrencyError):
            two.hold(c.tracking_id, "kurang lengkap", expected_version=seen.version)
        # a real race: `two` loaded version 2, `one` appends first, `two`'s append loses
        stale = two.get(c.tracking_id)
        one.forward(c.tracking_id, "61.07-pupr")
        from sp4n.lifecycle import apply

        late = apply(stale, "archived", actor=ADMIN, at=clock(), payload={"reason": "spam"})
        with pytest.raises(ConcurrencyError):
            two._commit(late, late.history[stale.version :])
        assert one.store.version(c.complaint_id) == 3
        calls = []

        def reply() -> Any:
            calls.append(1)
            if len(calls) == 1:  # first attempt loses the race to `one`
                current = two.get(c.tracking_id)
                one.reply(c.tracking_id, "tambahan foto", actor=ADMIN)
                moved = apply(
                    current, "admin_replied", actor=ADMIN, at=clock(), payload={"text": "kami cek"}
                )
                return two._commit(moved, moved.history[current.version :])
            return two.reply(c.tracking_id, "kami cek", actor=ADMIN)

        result = retry_on_conflict(reply)
        assert len(calls) == 2
        assert result.version == 5
        assert [e.type for e in two.history(c.tracking_id)][-2:] == [
            "admin_replied",
            "admin_replied",
        ]


def test_retry_on_conflict_gives_up_after_its_attempts() -> None:
    calls: list[int] = []

    def always() -> None:
        calls.append(1)
        raise ConcurrencyError("c", 1, 2)

    with pytest.raises(ConcurrencyError):
        retry_on_conflict(always, attempts=2)
    assert len(calls) == 2
    with pytest.raises(InvalidInputError, match="attempts"):
        retry_on_conflict(lambda: None, attempts=0)


class _RegencyPlugin:
    """A regency's deployment plugin: its own liaison, a flood closure, a shorter T1."""

    @hookimpl
    def sp4n_directory_entries(self, region: str | None) -> list[dict[str, Any]]:
        return [
            {
                "id": "61.07-dinas-jalan",
                "name": "Dinas Jalan Kabupaten Bengkayang (plugin)",
                "kind": "opd",
                "level": "kabupaten_kota",
                "region": "61.07",
                "topics": ["road"],
                "priority": 1,
                "contact": {"name": "Penghubung Jalan", "email": "jalan@bengkayang.example"},
            }
        ]

    @hookimpl
    def sp4n_calendar_overlays(self, region: str | None) -> list[dict[str, Any]]:
        if region is None or not region.startswith("61.07"):
            return []
        return [
            {
                "date": "2026-08-04",
                "kind": "closure",
                "reason": "Kantor tutup karena banjir",
                "reason_en": "Office closed by a flood",
                "source": "SE Bupati Bengkayang (contoh)",
                "revision": "banjir-2026-08",
            }
        ]

    @hookimpl
    def sp4n_policy_overrides(
        self, policy: str, region: str | None, agency: str | None
    ) -> dict[str, dict[str, Any]] | None:
        if region is not None and region.startswith("61.07"):
            return {"T1": {"length": 2, "citation": "Perbup Bengkayang (contoh)"}}
        return None


def test_plugins_add_agencies_overlays_and_policy_overrides(
    url: str, pm: pluggy.PluginManager, clock: FrozenClock
) -> None:
    pm.register(_RegencyPlugin())
    with Desk.open(url, pm=pm, clock=clock) as desk:
        c = desk.submit(_draft())
        t1 = next(k for k in desk.clocks(c.tracking_id) if k.rule.id == "T1")
        assert t1.deadline is not None
        assert t1.deadline.n == 2
        # Mon 3 Aug + 2 working days, Tue 4 Aug closed by the flood: Thu 6 Aug
        assert t1.deadline.due_date == dt.date(2026, 8, 6)
        assert "banjir" in {s.reason for s in t1.deadline.explanation.skipped}.pop().lower()
        desk.verify(c.tracking_id)
        c = desk.forward(c.tracking_id, attributes={"road_status": "kabupaten"})
        assert c.agency == "61.07-dinas-jalan"
        messages = desk.store.pending_outbox(now=dt.datetime(9999, 1, 1, tzinfo=PNK), limit=100)
        assert "jalan@bengkayang.example" in {m.payload["address"] for m in messages}


def test_doctests_run() -> None:
    import sp4n.desk
    import sp4n.desk._desk
    import sp4n.desk._retry

    for module in (sp4n.desk, sp4n.desk._desk, sp4n.desk._retry):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0, module.__name__
    # docs/desk.md's own examples are doctests: tests/test_docs_pages.py runs them


def test_an_sms_that_names_no_region_or_topic_is_flagged_for_the_admin(
    desk: Desk, clock: FrozenClock
) -> None:
    intake = SmsChannel(default_region="61.07").parse(
        SmsMessage(sender="+6281234567891", text="LAPOR lampu jalan mati di depan pasar"),
        received_at=clock(),
    )
    assert intake.needs_triage == ("region", "topic")
    c = desk.submit(intake)
    assert c.topic == "other"
    messages = desk.store.pending_outbox(now=dt.datetime(9999, 1, 1, tzinfo=PNK), limit=10)
    (admin,) = [m for m in messages if m.recipient_role == "admin"]
    assert admin.payload["data"]["needs_triage"] == ["region", "topic"]
    assert admin.payload["body"].endswith("Perlu dilengkapi admin: wilayah, topik.")
    (reporter,) = [m for m in messages if m.recipient_role == "reporter"]
    assert "needs_triage" not in reporter.payload["data"]
    assert reporter.payload["address"] == "+6281234567891"


def test_views_follow_the_privacy_rules(desk: Desk) -> None:
    c = desk.submit(_draft(visibility="confidential"))
    assert desk.view(c.tracking_id) is None
    admin_view = desk.view(c.tracking_id, ADMIN)
    assert admin_view is not None
    assert admin_view["reporter"]["email"] == "siti@example.org"
    with pytest.raises(PermissionDenied):
        desk.view(c.tracking_id, Actor(id="x", role=Role.LIAISON, agency="61.07-pupr"))
    a = desk.submit(_draft(title="Anonim", visibility="anonymous"))
    assert desk.view(a.tracking_id) is None  # not yet published (decision 0151)
    desk.verify(a.tracking_id)
    desk.forward(a.tracking_id)
    public = desk.view(a.tracking_id)
    assert public is not None
    assert public["reporter"] == {"anonymous": True, "handle": None}


def test_english_notifications_and_unknown_policy(
    url: str, pm: pluggy.PluginManager, clock: FrozenClock
) -> None:
    from sp4n.errors import UnknownPolicyError

    with pytest.raises(UnknownPolicyError):
        Desk.open(url, pm=pm, clock=clock, policy="no-such-policy")
    with pytest.raises(InvalidInputError, match="lang"):
        Desk.open(url, pm=pm, clock=clock, lang="jv")
    with Desk.open(url, pm=pm, clock=clock, lang="en") as desk:
        c = desk.submit(_draft())
        messages = desk.store.pending_outbox(now=dt.datetime(9999, 1, 1, tzinfo=PNK), limit=10)
        assert {m.payload["lang"] for m in messages} == {"en"}
        receipt = next(m for m in messages if m.recipient_role == "reporter")
        assert (
            receipt.payload["subject"] == f"[SP4N-LAPOR!] Report {c.tracking_id}: Not yet verified"
        )
        assert "was received" in receipt.payload["body"]


def test_lifecycle_rules_are_configurable(
    url: str, pm: pluggy.PluginManager, clock: FrozenClock
) -> None:
    from sp4n.lifecycle import LifecycleRules

    strict = LifecycleRules(max_extensions=1)
    with Desk.open(url, pm=pm, clock=clock, lifecycle=strict) as desk:
        c = desk.submit(_draft())
        desk.verify(c.tracking_id)
        desk.forward(c.tracking_id, "61.07-pupr")
        desk.extend(c.tracking_id, "menunggu anggaran", working_days=3)
        with pytest.raises(TransitionError, match="at most 1"):
            desk.extend(c.tracking_id, "lagi", working_days=3)
    with pytest.raises(InvalidInputError, match="lifecycle"):
        Desk.open(url, pm=pm, clock=clock, lifecycle="strict")  # type: ignore[arg-type]


def test_automatic_completion_follows_each_regions_time_zone(
    desk: Desk, clock: FrozenClock
) -> None:
    jayapura, bengkayang = "91.71", "61.07"  # WIT (UTC+9) and WIB (UTC+7)
    refs = {}
    for region in (jayapura, bengkayang):
        c = desk.submit(_draft(region=region, topic="electricity", title=f"Listrik {region}"))
        desk.verify(c.tracking_id)
        desk.forward(c.tracking_id, "pusat-pln")
        pln = Actor(id="pln", role=Role.LIAISON, agency="pusat-pln")
        desk.follow_up(c.tracking_id, "gardu diperbaiki", actor=pln)
        refs[region] = c.tracking_id
    due = {}
    for region, ref in refs.items():
        t3 = next(k for k in desk.clocks(ref) if k.rule.id == "T3")
        assert t3.deadline is not None
        due[region] = t3.deadline.due_at
    assert due[jayapura] < due[bengkayang]  # same due date, midnight comes first in WIT
    clock.set(due[jayapura] - dt.timedelta(seconds=1))
    assert desk.apply_due_completions() == []
    clock.set(due[jayapura])
    assert [c.region for c in desk.apply_due_completions()] == [jayapura]
    clock.set(due[bengkayang])
    assert [c.region for c in desk.apply_due_completions()] == [bengkayang]
    assert {desk.get(r).status for r in refs.values()} == {Status.COMPLETED}


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_writers_racing_on_one_complaint_lose_no_update(
    engine: str, request: pytest.FixtureRequest, clock: FrozenClock
) -> None:
    # SQLite: one file, two connections; PostgreSQL: the one-statement append (decision 0281)
    import threading

    url: str = request.getfixturevalue(f"{engine}_url")

    from sp4n.adapters import plugin_manager

    with Desk.open(url, pm=plugin_manager(load_entrypoints=False), clock=clock) as desk:
        c = desk.submit(_draft())
        desk.verify(c.tracking_id)
        desk.forward(c.tracking_id, "61.07-pupr")
    conflicts: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            pm = plugin_manager(load_entrypoints=False)
            with Desk.open(url, pm=pm, clock=clock) as mine:
                barrier.wait()
                for number in range(15):

                    def reply(number: int = number) -> Any:
                        try:
                            return mine.reply(c.tracking_id, f"{name} {number}", actor=ADMIN)
                        except ConcurrencyError:
                            conflicts.append(1)
                            raise

                    retry_on_conflict(reply, attempts=50)
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("satu", "dua")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Desk.open(url, pm=plugin_manager(load_entrypoints=False), clock=clock) as desk:
        events = desk.history(c.tracking_id)
        assert [e.seq for e in events] == list(range(1, 34))
        texts = sorted(e.payload["text"] for e in events[3:])
        assert texts == sorted(f"{n} {i}" for n in ("satu", "dua") for i in range(15))
        assert desk.store.get(c.complaint_id).version == 33  # type: ignore[union-attr]
