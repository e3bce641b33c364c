"""The Desk's write path does no needless work (issue 17, decisions 0280-0281).

Counted on real stores: SQLite's own statement trace, PostgreSQL's statement counters.
Each test also holds the behaviour the saved work must not change.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pluggy
import pytest

from sp4n import Desk, hookimpl
from sp4n.adapters import ComplaintRow
from sp4n.desk import ADMIN, _core
from sp4n.errors import ConcurrencyError
from sp4n.lifecycle import ComplaintDraft, Event, Reporter, apply
from sp4n.testing import FrozenClock

PNK = ZoneInfo("Asia/Pontianak")
START = dt.datetime(2026, 8, 3, 8, 15, tzinfo=PNK)


def _draft(number: int = 1) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=f"Jalan poros Sebalo rusak {number}",
        body="Berlubang dalam di km 12.",
        region="61.07",
        topic="road",
        channel="web",
        reporter=Reporter(id=f"warga-{number}", email=f"warga{number}@example.org"),
    )


# The event id check of a SQLite append (decision 0292) probes the partial index; it reads
# no complaint's history, so the tests below leave it out.
_ID_PROBE = "INDEXED BY sp4n_events_event_id"


def _history_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM sp4n_events" in s and _ID_PROBE not in s]


class _Trace:
    """The statements a SQLite store's connection runs (sqlite3's own trace callback)."""

    def __init__(self, desk: Desk) -> None:
        self.statements: list[str] = []
        connection: sqlite3.Connection = desk.store._connection  # type: ignore[attr-defined]
        connection.set_trace_callback(self.statements.append)

    def take(self) -> list[str]:
        taken, self.statements[:] = list(self.statements), []
        return taken


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def desk(sqlite_url: str, pm: pluggy.PluginManager, clock: FrozenClock) -> Iterator[Desk]:
    with Desk.open(sqlite_url, pm=pm, clock=clock) as opened:
        yield opened


def test_an_action_on_a_complaint_the_desk_just_wrote_reads_no_events(desk: Desk) -> None:
    c = desk.submit(_draft())
    trace = _Trace(desk)
    desk.verify(c.complaint_id)
    desk.forward(c.complaint_id, attributes={"road_status": "kabupaten"})
    assert _history_reads(trace.take()) == []
    assert [e.type for e in desk.get(c.complaint_id).history] == [
        "submitted",
        "verified",
        "forwarded",
    ]


def test_a_complaint_another_desk_moved_is_read_again(
    sqlite_url: str, pm: pluggy.PluginManager, clock: FrozenClock
) -> None:
    with (
        Desk.open(sqlite_url, pm=pm, clock=clock) as one,
        Desk.open(sqlite_url, pm=pm, clock=clock) as two,
    ):
        c = one.submit(_draft())
        one.verify(c.complaint_id)  # `one` keeps version 2
        two.forward(c.complaint_id, attributes={"road_status": "kabupaten"})  # version 3
        seen = one.get(c.complaint_id)
        assert seen.version == 3
        assert seen.agency == two.get(c.complaint_id).agency
        assert one.acknowledge(c.complaint_id).version == 4


def test_a_lost_race_forgets_the_complaint_and_writes_nothing(
    sqlite_url: str, pm: pluggy.PluginManager, clock: FrozenClock
) -> None:
    with (
        Desk.open(sqlite_url, pm=pm, clock=clock) as one,
        Desk.open(sqlite_url, pm=pm, clock=clock) as two,
    ):
        c = one.submit(_draft())
        stale = two.get(c.complaint_id)
        one.verify(c.complaint_id)
        late = apply(stale, "archived", actor=ADMIN, at=START, payload={"reason": "spam"})
        with pytest.raises(ConcurrencyError):
            two._commit(late, late.history[stale.version :], before=stale)
        assert c.complaint_id not in two._recent
        assert [e.type for e in two.history(c.complaint_id)] == ["submitted", "verified"]
        assert two.store.get(c.complaint_id).status == "verified"  # type: ignore[union-attr]


def test_the_desk_keeps_a_bounded_number_of_complaints(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_core, "RECENT_COMPLAINTS", 3)
    ids = [desk.submit(_draft(i)).complaint_id for i in range(5)]
    assert list(desk._recent) == ids[-3:]
    desk.verify(ids[0])  # read from the store, then kept as the newest
    assert list(desk._recent) == [*ids[-2:], ids[0]]


class _Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, int, str | None, str]] = []

    @hookimpl
    def sp4n_complaint_transitioned(
        self, event: Event, row: ComplaintRow, previous_status: str | None
    ) -> None:
        self.seen.append((event.type, event.seq, previous_status, row.status))


def test_observers_hear_the_previous_status_without_a_replay(
    desk: Desk, pm: pluggy.PluginManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = _Recorder()
    pm.register(recorder)
    c = desk.submit(_draft())
    replays: list[int] = []
    real = _core.replay

    def counting(events: Any, **kwargs: Any) -> Any:
        replays.append(len(events))
        return real(events, **kwargs)

    monkeypatch.setattr(_core, "replay", counting)
    desk.verify(c.complaint_id)
    desk.forward(c.complaint_id, attributes={"road_status": "kabupaten"})
    assert replays == []
    assert recorder.seen == [
        ("submitted", 1, None, "submitted"),
        ("verified", 2, "submitted", "verified"),
        ("forwarded", 3, "verified", "forwarded"),
    ]


def test_counting_a_complaints_clocks_hashes_no_policy_or_table_twice(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock cache is keyed by (policy, lifecycle rules, table): their hashes are kept."""
    from sp4n.lifecycle._table import Transition
    from sp4n.sla import Rule

    c = desk.forward(desk.verify(desk.submit(_draft()).complaint_id).complaint_id, "61.07-pupr")
    first = desk.rules.clocks(c, now=START)
    hashed: list[str] = []
    for cls in (Transition, Rule):
        real = cls.__hash__

        def counting(self: Any, real: Any = real, name: str = cls.__name__) -> int:
            hashed.append(name)
            return int(real(self))

        monkeypatch.setattr(cls, "__hash__", counting)
    assert desk.rules.clocks(c, now=START) == first
    assert hashed == []


def test_tracking_ids_and_text_placeholders_are_checked_once_and_remembered_boundedly() -> None:
    from sp4n.lifecycle import _ids
    from sp4n.texts import placeholders

    good = _ids.tracking_id_for("0190e9c4-54a2-7cc4-9d6e-1a2b3c4d5e6f", START)
    _ids._tracking_id_is_valid.cache_clear()
    assert [_ids.tracking_id_is_valid(good) for _ in range(3)] == [True] * 3
    assert _ids.tracking_id_is_valid(good[:-1] + "Z") is False
    info = _ids._tracking_id_is_valid.cache_info()
    assert (info.hits, info.misses, info.maxsize) == (2, 2, 4096)
    assert placeholders("{a} dan {b}") == frozenset({"a", "b"})
    assert placeholders.cache_info().maxsize == 1024


# -- PostgreSQL: one round trip per append, races still typed (decision 0281) ------------------


@pytest.fixture
def pg_desk(postgres_url: str, pm: pluggy.PluginManager, clock: FrozenClock) -> Iterator[Desk]:
    sep = "&" if "?" in postgres_url else "?"
    with Desk.open(f"{postgres_url}{sep}pool_min=1&pool_max=1", pm=pm, clock=clock) as opened:
        yield opened


class _Wire:
    """The messages libpq sends on the store's one pooled connection (libpq's own trace):
    each ``Sync`` or simple ``Query`` is one round trip to the server."""

    def __init__(self, desk: Desk, path: Any) -> None:
        self.path = path
        self.pool = desk.store._pool  # type: ignore[attr-defined]

    def __enter__(self) -> _Wire:
        self.file = open(self.path, "w")  # closed in __exit__
        connection = self.pool.getconn()
        connection.pgconn.trace(self.file.fileno())
        self.pool.putconn(connection)
        return self

    def __exit__(self, *exc: object) -> None:
        connection = self.pool.getconn()
        connection.pgconn.untrace()  # flushes libpq's buffer
        self.pool.putconn(connection)
        self.file.close()

    def round_trips(self) -> int:
        sent = [line.split("\t") for line in self.path.read_text().splitlines()]
        return sum(1 for f in sent if f[1:2] == ["F"] and f[3].startswith(("Sync", "Query")))


def test_postgres_a_verb_on_a_complaint_just_written_is_two_round_trips(
    pg_desk: Desk, tmp_path: Any
) -> None:
    c = pg_desk.submit(_draft())
    wire = _Wire(pg_desk, tmp_path / "wire.log")
    with wire:
        pg_desk.verify(c.complaint_id)  # the version check, then the append
        pg_desk.forward(c.complaint_id, attributes={"road_status": "kabupaten"})
    assert wire.round_trips() == 4
    with wire:
        pg_desk.submit(_draft(2))  # one statement
    assert wire.round_trips() == 1
    row = pg_desk.store.get(c.complaint_id)
    assert row is not None
    assert (row.version, row.status, row.agency) == (
        3,
        "forwarded",
        pg_desk.get(c.complaint_id).agency,
    )
    assert [e.seq for e in pg_desk.history(c.complaint_id)] == [1, 2, 3]
    messages = pg_desk.store.pending_outbox(limit=100, now=START + dt.timedelta(days=1))
    assert {m.event_seq for m in messages if m.complaint_id == c.complaint_id} == {1, 2, 3}


def test_postgres_a_stale_append_is_a_conflict_and_writes_nothing(
    postgres_url: str, pm: pluggy.PluginManager, clock: FrozenClock
) -> None:
    with (
        Desk.open(postgres_url, pm=pm, clock=clock) as one,
        Desk.open(postgres_url, pm=pm, clock=clock) as two,
    ):
        c = one.submit(_draft())
        stale = two.get(c.complaint_id)
        one.verify(c.complaint_id)
        late = apply(stale, "archived", actor=ADMIN, at=START, payload={"reason": "spam"})
        outbox_before = len(one.store.pending_outbox(limit=100, now=START + dt.timedelta(days=1)))
        with pytest.raises(ConcurrencyError) as raised:
            two._commit(late, late.history[stale.version :], before=stale)
        assert (raised.value.expected, raised.value.actual) == (1, 2)
        assert [e.type for e in two.history(c.complaint_id)] == ["submitted", "verified"]
        row = one.store.get(c.complaint_id)
        assert row is not None
        assert (row.version, row.status) == (2, "verified")
        after = one.store.pending_outbox(limit=100, now=START + dt.timedelta(days=1))
        assert len(after) == outbox_before


def test_regions_and_agencies_with_the_same_policy_share_one_policy_value(desk: Desk) -> None:
    """The clock cache then finds it by identity instead of comparing every rule."""
    c = desk.submit(_draft())
    before = desk.rules.policy_for(c)
    after = desk.forward(desk.verify(c.complaint_id).complaint_id, "61.07-pupr")
    assert desk.rules.policy_for(after) is before


def test_an_action_by_tracking_id_reads_only_the_row_it_looks_up(desk: Desk) -> None:
    c = desk.submit(_draft())
    trace = _Trace(desk)
    desk.verify(c.tracking_id)
    taken = trace.take()
    reads = [s for s in taken if s.lstrip().upper().startswith("SELECT") and _ID_PROBE not in s]
    assert len(reads) == 2  # the tracking id's row; the rare columns inside the append
    assert "tracking_id = " in reads[0]
    assert desk.get(c.tracking_id.lower()).status.value == "verified"


def test_threads_sharing_one_desk_keep_its_complaints_consistent(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server may share one Desk between threads; the kept complaints stay bounded."""
    import threading

    monkeypatch.setattr(_core, "RECENT_COMPLAINTS", 3)
    errors: list[BaseException] = []
    done: list[str] = []

    def work(first: int) -> None:
        try:
            for number in range(first, first + 10):
                ref = desk.submit(_draft(number)).complaint_id
                desk.forward(desk.verify(ref).complaint_id, attributes={"road_status": "kabupaten"})
                done.append(ref)
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(100 * t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(desk._recent) <= 3
    assert {desk.get(ref).status.value for ref in done} == {"forwarded"}
    assert len(done) == 40
