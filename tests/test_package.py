"""Package-level promises: version, typing marker, cheap import, no wall-clock reads."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import sp4n
from sp4n.errors import InvalidInputError, NaiveDatetimeError
from sp4n.lifecycle import Actor, Event, Role
from sp4n.testing import FrozenClock

SRC = Path(sp4n.__file__).parent


def test_version_is_a_string() -> None:
    assert re.match(r"^\d+\.\d+", sp4n.__version__)


def test_py_typed_marker_ships() -> None:
    assert (SRC / "py.typed").exists()


def test_import_is_lazy() -> None:
    code = (
        "import sys, sp4n; print('holidays' in sys.modules, 'sp4n.regions._regions' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


WALL_CLOCK = re.compile(r"\b(datetime\.now|datetime\.utcnow|date\.today|time\.time)\s*\(")


def test_no_domain_code_reads_the_wall_clock() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "_wallclock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WALL_CLOCK.search(line)
    ]
    assert offenders == []


def test_naive_datetime_is_rejected_with_field_and_rule() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        Event(
            complaint_id="c1",
            seq=1,
            type="submitted",
            occurred_at=datetime(2026, 1, 5, 9, 0),
            actor=Actor(id="u1", role=Role.REPORTER),
        )
    assert info.value.field == "occurred_at"
    assert "timezone-aware" in str(info.value)


def test_event_round_trips_through_dict_and_is_utc() -> None:
    wib = datetime(2026, 1, 5, 9, 0, tzinfo=UTC) + timedelta(hours=0)
    event = Event(
        complaint_id="c1",
        seq=1,
        type="submitted",
        occurred_at=wib,
        actor=Actor(id="u1", role="reporter"),
        payload={"title": "Jalan rusak"},
    )
    assert Event.from_dict(event.to_dict()) == event
    assert event.occurred_at.tzinfo is UTC


def test_event_rejects_bad_seq_and_role() -> None:
    actor = Actor(id="u1", role=Role.ADMIN)
    with pytest.raises(InvalidInputError, match="seq = 0"):
        Event(complaint_id="c", seq=0, type="x", occurred_at=datetime.now(UTC), actor=actor)
    with pytest.raises(InvalidInputError, match=r"actor\.role = 'mayor'"):
        Actor(id="u", role="mayor")


def test_frozen_clock_never_goes_backwards() -> None:
    clock = FrozenClock(datetime(2026, 1, 5, tzinfo=UTC))
    assert clock.advance(timedelta(hours=1)) == datetime(2026, 1, 5, 1, tzinfo=UTC)
    with pytest.raises(InvalidInputError, match="never goes backwards"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(InvalidInputError, match="never goes backwards"):
        clock.set(datetime(2026, 1, 4, tzinfo=UTC))
    with pytest.raises(NaiveDatetimeError):
        FrozenClock(datetime(2026, 1, 5))
