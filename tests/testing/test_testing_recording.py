"""``sp4n.testing.RecordingNotifier``: a real notifier that delivers into memory."""

from __future__ import annotations

import datetime as dt
import doctest

import pluggy
import pytest

from sp4n import Desk
from sp4n.adapters import Adapters
from sp4n.adapters.notifiers import PARKED, Notification, Recipient
from sp4n.errors import DeliveryError, InvalidInputError
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.testing import FrozenClock, RecordingNotifier, _recording

START = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def _submit(desk: Desk, number: int = 1) -> str:
    complaint = desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title=f"Lampu jalan mati {number}",
            body="Sudah seminggu gelap.",
            region="61.07",
            topic="road",
            channel="web",
            reporter=Reporter(id=f"warga-{number}", email=f"warga{number}@example.org"),
        )
    )
    return complaint.tracking_id


def test_a_desk_delivers_into_the_recorder() -> None:
    recorder = RecordingNotifier()
    with Desk.open("memory://", clock=FrozenClock(START), notifiers={"recording": recorder}) as d:
        ref = _submit(d)
        report = d.deliver_notifications()
        pending = d.store.pending_outbox(limit=10, now=START)
    assert report.delivered
    assert pending == []
    assert recorder.keys() == list(report.delivered)
    to_reporter = recorder.to("warga1@example.org")
    assert len(to_reporter) == 1
    assert ref in to_reporter[0].body
    assert all(count == 1 for count in recorder.attempts.values())


def test_failures_are_retried_then_delivered_and_permanent_ones_parked() -> None:
    recorder = RecordingNotifier()
    clock = FrozenClock(START)
    with Desk.open("memory://", clock=clock, notifiers={"recording": recorder}) as desk:
        _submit(desk)
        owed = len(desk.store.pending_outbox(limit=10, now=START))
        recorder.fail_next(owed, reason="smtp down")
        first = desk.deliver_notifications()
        assert (first.delivered, len(first.retrying)) == ((), owed)
        assert recorder.delivered == []
        clock.advance(dt.timedelta(days=1))
        second = desk.deliver_notifications()
        assert len(second.delivered) == owed
        assert all(count == 2 for count in recorder.attempts.values())

        _submit(desk, 2)
        recorder.fail_next(10, permanent=True)
        third = desk.deliver_notifications()
        assert third.parked
        assert third.delivered == ()
        parked = desk.store.pending_outbox(limit=10, now=PARKED)
        assert {m.id for m in parked} == set(third.parked)
        assert all(m.last_error and "recipient unreachable" in m.last_error for m in parked)


def test_the_same_key_twice_is_recorded_once_and_clear_forgets() -> None:
    recorder = RecordingNotifier("uji")
    note = Notification(
        key="k1",
        recipient=Recipient(role="reporter", address="a@b.id"),
        subject="Laporan diterima",
        body="Nomor LAPOR-1",
    )
    recorder.send(note)
    recorder.send(note)
    assert recorder.delivered == [note]
    assert recorder.attempts == {"k1": 2}
    recorder.fail_next()
    with pytest.raises(DeliveryError) as raised:
        recorder.send(note)
    assert not raised.value.permanent
    recorder.fail_next()
    recorder.clear()
    recorder.send(note)  # the queued failure is gone too
    assert (recorder.delivered, recorder.attempts) == ([note], {"k1": 1})


def test_bad_arguments_are_typed_errors() -> None:
    with pytest.raises(InvalidInputError, match="name"):
        RecordingNotifier("")
    recorder = RecordingNotifier()
    for count in (0, -1, True):
        with pytest.raises(InvalidInputError, match="count"):
            recorder.fail_next(count)
    with pytest.raises(InvalidInputError, match="notification"):
        recorder.send("hello")  # type: ignore[arg-type]


def test_it_is_a_notifier_plugin(pm: pluggy.PluginManager) -> None:
    recorder = RecordingNotifier("catat")
    pm.register(recorder.plugin())
    pm.check_pending()
    factories = Adapters(pm).notifier_factories()
    assert factories["catat"]({}) is recorder


def test_the_fixture_registers_a_fresh_recorder(
    recording_notifier: RecordingNotifier, pm: pluggy.PluginManager
) -> None:
    assert recording_notifier.delivered == []
    assert Adapters(pm).notifier_factories()["recording"]({}) is recording_notifier


def test_docstring_examples_run() -> None:
    assert doctest.testmod(_recording, raise_on_error=True).attempted > 0
