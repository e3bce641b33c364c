"""The sweep on a timer: a thread sweeping on the injected clock, stopped cleanly."""

from __future__ import annotations

import re
import time
import urllib.error
from collections.abc import Callable
from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from sp4n_portal import Portal

from sp4n import Desk

WIB = ZoneInfo("Asia/Pontianak")


def _wait(predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _sweeps(portal: Portal, more: int) -> None:
    target = portal.sweeps + more
    _wait(lambda: portal.sweeps >= target, f"{more} more sweeps")


def test_the_timer_completes_a_silent_complaint_after_10_working_days(
    submit, portal, fetch, officer, clock
):
    ref = submit()
    officer.verify(ref)
    officer.forward(ref, attributes={"road_status": "kabupaten"})
    officer.follow_up(ref, "Jalan sudah ditambal.")
    calendar = officer.rules.calendar_for(officer.get(ref))
    tenth = calendar.add_working_days(clock().date(), 10)
    assert tenth == date(2026, 8, 18)  # Independence Day (17 August) is not counted
    page = f"{portal.url}/lacak?id={quote(ref)}"

    clock.set(datetime(2026, 8, 18, 9, 0, tzinfo=WIB))  # the tenth working day is not over
    _sweeps(portal, 2)
    assert "Status: <b>Ditindaklanjuti</b>" in fetch(page)[2]

    clock.set(datetime(2026, 8, 19, 0, 0, tzinfo=WIB))  # ten silent working days have passed
    _wait(lambda: "Status: <b>Selesai</b>" in fetch(page)[2], "the automatic completion")
    last = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>", fetch(page)[2])[-1]
    assert last == ("19-08-2026 00:00 WIB", "Selesai")  # recorded when the silence ran out
    completion = officer.history(ref)[-1]
    assert (completion.type, completion.actor.role.value) == ("completed", "system")

    _sweeps(portal, 3)  # sweeping again changes nothing: the sweep is idempotent
    assert [event.type for event in officer.history(ref)].count("completed") == 1


def test_a_complaint_answered_by_the_reporter_is_not_completed(
    submit, portal, fetch, officer, clock
):
    ref = submit()
    officer.verify(ref)
    officer.forward(ref, attributes={"road_status": "kabupaten"})
    officer.follow_up(ref, "Jalan sudah ditambal.")
    officer.reply(ref, "Belum, lubangnya masih ada.")  # the reporter answers: T3 stops
    clock.advance(timedelta(days=30))
    _sweeps(portal, 2)
    assert officer.get(ref).status.value != "completed"


def test_leaving_the_portal_stops_the_server_and_the_sweep(desk, fetch):
    with Portal(desk, sweep_every=3600) as portal:  # the first sweep would be an hour away
        assert all(thread.is_alive() for thread in portal.threads)
        assert fetch(portal.url + "/")[0] == 200
    assert not any(thread.is_alive() for thread in portal.threads)
    assert portal.sweeps == 0
    with pytest.raises(urllib.error.URLError):
        fetch(portal.url + "/")
    assert desk.list() == []  # the Desk belongs to its owner and stays open


def test_a_failing_sweep_is_logged_and_the_timer_keeps_going(db, clock, caplog):
    desk = Desk.open(db, clock=clock)
    desk.close()  # every sweep now fails for real: the store is closed
    with Portal(desk, sweep_every=0.01) as portal:
        _sweeps(portal, 3)
    assert caplog.text.count("sweep failed") >= 3
    assert "closed database" in caplog.text
