"""The sweep's per-sweep caches (decision 0300) never hand one region's day to another.

One sweep holds, per region, the calendar, the local date and the next working-hours start,
and per (text, language) the message templates. Two regions in different time zones, at an
instant when their local dates differ (Thursday 22:30 in WIB is Friday 00:30 in WIT), must
each get what their own calendar says: a stale or shared cache warns the wrong complaint or
defers a message to the other zone's morning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk, hookimpl
from sp4n.adapters import ComplaintRow, OutboxMessage, plugin_manager
from sp4n.desk import SweepConfig
from sp4n.desk._hours import delivery_time
from sp4n.lifecycle import Complaint, ComplaintDraft, Event, Reporter
from sp4n.testing import FrozenClock

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")
BENGKAYANG, JAYAPURA = "61.07", "91.71"  # Kalimantan Barat (WIB), Papua (WIT)
NOW = dt.datetime(2026, 8, 6, 15, 30, tzinfo=dt.UTC)  # Thu 22:30 WIB = Fri 00:30 WIT
FAR = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


class Heard:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None, str]] = []

    @hookimpl
    def sp4n_complaint_transitioned(
        self, event: Event, row: ComplaintRow, previous_status: str | None
    ) -> None:
        self.seen.append((event.complaint_id, event.type, previous_status, row.status))


HEARD = Heard()


@pytest.fixture
def desk() -> Iterator[Desk]:
    pm = plugin_manager()
    HEARD.seen.clear()
    pm.register(HEARD)
    with Desk.open("memory://", pm=pm, clock=FrozenClock(NOW)) as opened:
        yield opened


def forwarded(desk: Desk, region: str, day: dt.date, n: int) -> Complaint:
    when = dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC)  # morning in both zones
    draft = ComplaintDraft(
        kind="pengaduan",
        title=f"Listrik padam {n}",
        body="Padam sejak pagi tanpa pemberitahuan.",
        region=region,
        topic="electricity",
        channel="web",
        reporter=Reporter(id=f"warga-{n}", email=f"warga{n}@example.org"),
    )
    c = desk.submit(draft, at=when)
    desk.verify(c.tracking_id, at=when)
    return desk.forward(c.tracking_id, "pusat-pln", at=when)


def sla_messages(desk: Desk) -> list[OutboxMessage]:
    messages = desk.store.pending_outbox(limit=100, now=FAR)
    return [m for m in messages if m.template.startswith("sla.")]


def test_two_time_zones_in_one_sweep_each_get_their_own_day_and_hours(desk: Desk) -> None:
    monday, thursday = dt.date(2026, 8, 3), dt.date(2026, 7, 30)
    a = forwarded(desk, JAYAPURA, monday, 1)  # due Mon 10 Aug; Fri in WIT: lead 1, warning
    b = forwarded(desk, BENGKAYANG, monday, 2)  # due Mon 10 Aug; Thu in WIB: lead 2, nothing
    c = forwarded(desk, BENGKAYANG, thursday, 3)  # due Thu 6 Aug; today in WIB: warning
    d = forwarded(desk, JAYAPURA, thursday, 4)  # due Thu 6 Aug; yesterday in WIT: breach
    for complaint, due in ((a, "2026-08-10"), (b, "2026-08-10"), (c, "2026-08-06")):
        assert str(desk.store.get(complaint.complaint_id).next_due) == due  # type: ignore[union-attr]

    HEARD.seen.clear()
    report = desk.sweep(full=True)  # every row is a candidate: _sweep_one decides

    assert (report.candidates, report.warnings, report.breaches, report.escalations) == (4, 2, 1, 0)
    stages = {m.complaint_id: (m.payload["data"]["stage"], m.retry_at) for m in sla_messages(desk)}
    jayapura = desk.rules.calendar_for_region(JAYAPURA)
    bengkayang = desk.rules.calendar_for_region(BENGKAYANG)
    config = SweepConfig()
    in_wit, in_wib = delivery_time(NOW, jayapura, config), delivery_time(NOW, bengkayang, config)
    assert in_wit == dt.datetime(2026, 8, 7, 7, 30, tzinfo=WIT)
    assert in_wib == dt.datetime(2026, 8, 7, 7, 30, tzinfo=WIB)
    assert stages == {
        a.complaint_id: ("warning", in_wit),
        c.complaint_id: ("warning", in_wib),
        d.complaint_id: ("breach", in_wit),
    }
    # the texts were filled per complaint, not copied from the first one rendered
    bodies = {m.complaint_id: m.payload["body"] for m in sla_messages(desk)}
    for complaint in (a, c, d):
        assert complaint.tracking_id in bodies[complaint.complaint_id]
    # observers hear the status each notice followed (the sweep passes it, no replay)
    assert sorted(HEARD.seen) == sorted(
        (x.complaint_id, "reminded", "forwarded", "forwarded") for x in (a, c, d)
    )
    assert desk.sweep(full=True).messages == 0  # nothing new: each notice is recorded
