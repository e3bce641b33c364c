"""The sweep reads a complaint only when its next action day has come (decision 0181).

Kalimantan Timur (WITA), T2 = 5 working days from forwarding, warnings 1 working day ahead,
escalation once 2 working days late (``SweepConfig`` defaults). Forwarded Monday 3 August
2026, T2 falls due Monday 10 August.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sp4n import Desk
from sp4n.adapters import NEXT_ACTION_UNKNOWN, MemoryStore, plugin_manager
from sp4n.desk import SweepConfig
from sp4n.lifecycle import ComplaintDraft, Event, Reporter
from sp4n.testing import FrozenClock

WITA = ZoneInfo("Asia/Makassar")
REGION = "64.71"
AGENCY = "64-dinkes"


def at(day: int, hour: int = 10, month: int = 8) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=WITA)


class CountingStore(MemoryStore):
    """A real memory store that counts the complaints whose events are read."""

    def __init__(self, url: str = "memory://", *, clock: Any) -> None:
        super().__init__(url, clock=clock)
        self.read = 0

    def load_many(self, complaint_ids: Sequence[str]) -> dict[str, tuple[Event, ...]]:
        self.read += len(complaint_ids)
        return super().load_many(complaint_ids)


class PreScheduleStore:
    """A store from before schema 6 (no ``reschedule``): the sweep scans ``next_due``."""

    def __init__(self, inner: MemoryStore) -> None:
        self._inner = inner
        self.url = inner.url

    def __getattr__(self, name: str) -> Any:
        if name == "reschedule":
            raise AttributeError(name)
        return getattr(self._inner, name)


def draft(n: int) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=f"Antrean puskesmas {n}",
        body="Menunggu lima jam tanpa kepastian.",
        region=REGION,
        topic="hospital",
        channel="web",
        reporter=Reporter(id=f"warga-{n}", email=f"warga{n}@example.org"),
    )


def forwarded(desk: Desk, n: int, when: dt.datetime) -> str:
    c = desk.submit(draft(n), at=when)
    desk.verify(c.tracking_id, at=when)
    return desk.forward(c.tracking_id, AGENCY, at=when).complaint_id


def next_action(desk: Desk, complaint_id: str) -> dt.date | None:
    row = desk.store.get(complaint_id)
    assert row is not None
    return row.next_action


def test_each_stage_moves_the_next_action_day() -> None:
    clock = FrozenClock(at(3, 9))
    desk = Desk(MemoryStore(clock=clock), pm=plugin_manager(), clock=clock)
    cid = forwarded(desk, 1, at(3, 9))
    assert next_action(desk, cid) == dt.date(2026, 8, 7)  # Friday: the warning
    clock.set(at(7))
    assert desk.sweep().warnings == 1
    assert next_action(desk, cid) == dt.date(2026, 8, 11)  # the day after the due date
    clock.set(at(11))
    assert desk.sweep().breaches == 1
    assert next_action(desk, cid) == dt.date(2026, 8, 13)  # 3 working days late
    clock.set(at(13))
    assert desk.sweep().escalations == 1
    # nothing more for T2: the next day is the warning of the 60-day decision clock of
    # UU 25/2009 (running since submission, due Friday 2 October)
    assert next_action(desk, cid) == dt.date(2026, 10, 1)
    desk.follow_up(cid, "Antrean diurai.", at=at(14))
    assert next_action(desk, cid) is None  # answered: the agency owes nothing now


def test_an_escalated_backlog_is_not_read_again() -> None:
    clock = FrozenClock(at(3, 9))
    store = CountingStore(clock=clock)
    desk = Desk(store, pm=plugin_manager(), clock=clock)
    for n in range(20):
        forwarded(desk, n, at(3, 9))
    for day in (7, 11, 13):
        clock.set(at(day))
        desk.sweep()
    store.read = 0
    for day in range(14, 32):  # the rest of August: the backlog stays overdue, unanswered
        clock.set(at(day))
        assert desk.sweep().candidates == 0
    assert store.read == 0


def test_rows_migrated_without_a_day_are_read_once_then_rescheduled() -> None:
    clock = FrozenClock(at(3, 9))
    store = CountingStore(clock=clock)
    desk = Desk(store, pm=plugin_manager(), clock=clock)
    ids = [forwarded(desk, n, at(3, 9)) for n in range(5)]
    days = {cid: next_action(desk, cid) for cid in ids}
    rows = [store.get(cid) for cid in ids]
    store.reschedule([(row.complaint_id, row.version, NEXT_ACTION_UNKNOWN) for row in rows if row])
    clock.set(at(4))
    first = desk.sweep()
    assert (first.candidates, first.warnings) == (5, 0)  # read once: nothing due yet
    assert {cid: next_action(desk, cid) for cid in ids} == days
    assert desk.sweep().candidates == 0


def _history(desk: Desk, cid: str) -> list[tuple[str, str, str]]:
    return [
        (e.type, str(e.payload.get("stage", "")), str(e.payload.get("due", "")))
        for e in desk.history(cid)
    ]


def test_the_scheduled_sweep_does_what_the_full_scan_does() -> None:
    """Day by day over August and September, the same events as the decision 0080 scan."""
    clocks = FrozenClock(at(3, 9)), FrozenClock(at(3, 9))
    fast = Desk(MemoryStore(clock=clocks[0]), pm=plugin_manager(), clock=clocks[0])
    inner = MemoryStore(clock=clocks[1])
    full = Desk(PreScheduleStore(inner), pm=plugin_manager(), clock=clocks[1])  # type: ignore[arg-type]
    ids: dict[int, list[str]] = {id(fast): [], id(full): []}
    for day in range(3, 60):
        when = dt.datetime(2026, 8, 1, 9, tzinfo=WITA) + dt.timedelta(days=day - 1)
        for desk, clock in zip((fast, full), clocks, strict=True):
            mine = ids[id(desk)]
            clock.set(when)
            if day % 3 == 0:  # a new complaint every third day
                mine.append(forwarded(desk, day, when))
            if day % 7 == 0 and mine:  # some are answered, some asked for information
                cid = mine[(day // 7) % len(mine)]
                if desk.get(cid).status.value == "forwarded":
                    if day % 2:
                        desk.follow_up(cid, "Ditangani.", at=when)
                    else:
                        desk.request_info(cid, "Nomor antrean?", at=when)
            clock.set(when.replace(hour=10))
            desk.sweep()
    made = [[_history(desk, cid) for cid in ids[id(desk)]] for desk in (fast, full)]
    assert made[0] == made[1]
    assert sum(kind == "reminded" for story in made[0] for kind, _, _ in story) > 10
    assert sum(kind == "escalated" for story in made[0] for kind, _, _ in story) > 3


def test_a_full_sweep_reschedules_after_the_warning_lead_grows() -> None:
    clock = FrozenClock(at(3, 9))
    store = MemoryStore(clock=clock)
    cid = forwarded(Desk(store, pm=plugin_manager(), clock=clock), 1, at(3, 9))
    wider = SweepConfig(warn_working_days=3)
    desk = Desk(store, pm=plugin_manager(), clock=clock, sweep_config=wider)
    clock.set(at(5))  # Wednesday: 3 working days before Monday 10 August
    assert desk.sweep().warnings == 0  # the stored day is the 1-day lead's Friday
    assert desk.sweep(full=True).warnings == 1
    assert next_action(desk, cid) == dt.date(2026, 8, 11)
    later = forwarded(desk, 2, at(5, 9))  # due Wednesday 12 August: a day already stored
    old = Desk(store, pm=plugin_manager(), clock=clock)  # back to the 1-day lead
    far = forwarded(old, 3, at(5, 9))
    assert next_action(desk, far) == dt.date(2026, 8, 11)  # 1 working day before the 12th
    assert next_action(desk, later) == dt.date(2026, 8, 7)  # 3 working days before
    desk.sweep(full=True)  # every open row with a due date gets the Desk's day
    assert next_action(desk, far) == dt.date(2026, 8, 7)
