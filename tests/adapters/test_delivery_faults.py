"""A notifier's fault is contained: retried with backoff, parked after N tries, the rest go on
(decision 0133). Exactly once per message id still holds."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from pathlib import Path

import pytest

from sp4n import Desk, hookimpl
from sp4n.adapters import plugin_manager
from sp4n.adapters.notifiers import PARKED, Backoff, Notification
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.testing import FrozenClock

AT = dt.datetime(2026, 8, 3, 2, 0, tzinfo=dt.UTC)
FAULTS: tuple[type[Exception], ...] = (RuntimeError, KeyError, ValueError, ZeroDivisionError)


class FaultyNotifier:
    """Raises anything but DeliveryError: always for ``bad``, once for every third key."""

    name = "faulty"

    def __init__(self) -> None:
        self.bad: str | None = None
        self.tries: Counter[str] = Counter()
        self.delivered: Counter[str] = Counter()

    def send(self, notification: Notification) -> None:
        key = notification.key
        self.tries[key] += 1
        if key == self.bad:
            raise RuntimeError("plugin bug: always fails on this one")
        if self.tries[key] == 1 and sum(map(ord, key)) % 3 == 0:
            raise FAULTS[sum(map(ord, key)) % len(FAULTS)](f"first try fails for {key}")
        self.delivered[key] += 1


def _draft(n: int) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=f"Jalan rusak nomor {n}",
        body="Berlubang.",
        region="61.07",
        topic="road",
        channel="web",
        reporter=Reporter(id=f"warga-{n}", email=f"w{n}@example.org"),
    )


def test_one_always_failing_message_among_100_blocks_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FrozenClock(AT)
    notifier = FaultyNotifier()
    url = f"sqlite:///{tmp_path / 'f.db'}"
    backoff = Backoff(base=dt.timedelta(minutes=1), max_attempts=4)
    with Desk.open(url, clock=clock, notifiers={"faulty": notifier}) as desk:
        for n in range(50):
            desk.submit(_draft(n))  # a message to the reporter and one to the admin each
        pending = desk.store.pending_outbox(limit=1000, now=clock())
        assert len(pending) == 100
        notifier.bad = pending[0].id  # the oldest: first in every round
        parked: list[str] = []
        for _ in range(6):
            report = desk.deliver_notifications(limit=100, backoff=backoff)
            parked.extend(report.parked)
            clock.advance(dt.timedelta(hours=1))
        assert parked == [notifier.bad]
        assert notifier.tries[notifier.bad] == 4  # parked after max_attempts tries
        assert set(notifier.delivered) == {m.id for m in pending} - {notifier.bad}
        assert set(notifier.delivered.values()) == {1}  # exactly once per message id
        assert any(n > 1 for n in notifier.tries.values() if n)  # some were retried
        [left] = desk.store.pending_outbox(limit=1000, now=PARKED)
        assert left.id == notifier.bad
        assert left.retry_at == PARKED
        assert "RuntimeError: plugin bug" in (left.last_error or "")
    assert "plugin bug" in caplog.text  # the operator hears of it


def test_retries_back_off_before_the_next_try() -> None:
    clock = FrozenClock(AT)
    notifier = FaultyNotifier()
    with Desk.open("memory://", clock=clock, notifiers={"faulty": notifier}) as desk:
        desk.submit(_draft(1))
        [first, *_] = desk.store.pending_outbox(limit=10, now=clock())
        notifier.bad = first.id
        backoff = Backoff(base=dt.timedelta(minutes=10), max_attempts=3)
        assert first.id in desk.deliver_notifications(backoff=backoff).retrying
        assert first.id not in desk.deliver_notifications(backoff=backoff).retrying  # not due
        clock.advance(dt.timedelta(minutes=10))
        assert first.id in desk.deliver_notifications(backoff=backoff).retrying
        clock.advance(dt.timedelta(minutes=20))
        assert desk.deliver_notifications(backoff=backoff).parked == (first.id,)
        assert notifier.tries[first.id] == 3


def test_a_bad_backoff_is_a_typed_error() -> None:
    from sp4n.errors import InvalidInputError

    with Desk.open("memory://", clock=lambda: AT) as desk, pytest.raises(InvalidInputError):
        desk.deliver_notifications(backoff=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="max_attempts"):
        Backoff(max_attempts=0)


def test_log_level_of_a_contained_fault(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="sp4n")
    clock = FrozenClock(AT)
    notifier = FaultyNotifier()
    with Desk.open("memory://", clock=clock, notifiers={"faulty": notifier}) as desk:
        desk.submit(_draft(2))
        notifier.bad = desk.store.pending_outbox(limit=10, now=clock())[0].id
        desk.deliver_notifications()
    assert any(r.levelno == logging.WARNING and "plugin bug" in r.getMessage()
               for r in caplog.records)  # fmt: skip


class _BrokenObserver:
    @hookimpl
    def sp4n_complaint_transitioned(
        self, event: object, row: object, previous_status: object
    ) -> None:
        raise KeyError("observer bug")


def test_a_raising_observer_cannot_abort_commits_or_deliveries(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pm = plugin_manager(load_entrypoints=False)
    pm.register(_BrokenObserver(), name="broken")
    notifier = FaultyNotifier()
    with Desk.open("memory://", pm=pm, clock=lambda: AT, notifiers={"f": notifier}) as desk:
        refs = [desk.submit(_draft(n)).tracking_id for n in range(3)]
        desk.verify(refs[0])
        assert [desk.get(r).version for r in refs] == [2, 1, 1]
        report = desk.deliver_notifications()
    assert len(report.delivered) + len(report.retrying) == 7
    assert "observer failed" in caplog.text
