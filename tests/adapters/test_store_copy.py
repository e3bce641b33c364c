"""``copy_store`` and ``sp4n migrate``: every complaint replays the same in the target."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import pluggy
import pytest

from sp4n import Desk
from sp4n.adapters import CopyReport, Store, copy_store, open_store, redact_url
from sp4n.cli import main
from sp4n.errors import ConcurrencyError, InvalidInputError, StoreNotEmptyError
from sp4n.lifecycle import Actor, ComplaintDraft, Reporter, Role, replay
from sp4n.testing import FrozenClock

PNK = ZoneInfo("Asia/Pontianak")
START = dt.datetime(2026, 8, 3, 8, 15, tzinfo=PNK)
ADMIN = Actor(id="admin.bky", role=Role.ADMIN, region="61.07")
FAR = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def _fill(url: str, pm: pluggy.PluginManager, count: int = 12) -> None:
    """``count`` complaints in the store at ``url``; see :func:`_story`."""
    clock = FrozenClock(START)
    with Desk.open(url, pm=pm, clock=clock) as desk:
        _story(desk, clock, count)


def _story(desk: Desk, clock: FrozenClock, count: int = 12) -> None:
    """``count`` complaints at different stages; some notifications delivered, some not."""
    for number in range(count):
        clock.set(START + dt.timedelta(hours=number))
        complaint = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title=f"Jalan rusak nomor {number}",
                body="Berlubang dalam, dua motor terjatuh.",
                region="61.07",
                topic="road",
                channel="web",
                reporter=Reporter(id=f"warga-{number}", email=f"w{number}@example.org"),
            )
        )
        if number % 3 == 0:
            continue
        desk.verify(complaint.tracking_id, actor=ADMIN)
        if number % 3 == 2:
            desk.forward(complaint.tracking_id, attributes={"road_status": "provinsi"}, actor=ADMIN)
    # deliver the first few messages, so the copy has delivered and owed ones
    store = desk.store
    for message in store.pending_outbox(limit=min(5, count), now=FAR)[:-1]:
        store.mark_delivered(message.id, at=START)
    owed = store.pending_outbox(limit=1, now=FAR)[0]
    store.mark_failed(owed.id, error="smtp down", retry_at=START + dt.timedelta(days=1))


def _ids(store: Store) -> list[str]:
    return [row.complaint_id for row in store.query(limit=10_000)]


def _assert_same(source: Store, target: Store) -> None:
    ids = _ids(source)
    assert ids
    assert _ids(target) == ids
    for complaint_id in ids:
        events = source.load(complaint_id)
        assert target.load(complaint_id) == events
        assert target.get(complaint_id) == source.get(complaint_id)
        assert replay(target.load(complaint_id)) == replay(events)
    assert target.pending_outbox(limit=1_000, now=FAR) == source.pending_outbox(
        limit=1_000, now=FAR
    )


@pytest.fixture
def source(pm: pluggy.PluginManager, sqlite_url: str, store_factory: Callable[..., Store]) -> Store:
    _fill(sqlite_url, pm)
    return store_factory(sqlite_url)


@pytest.mark.parametrize("batch", [1, 5, 1_000])
def test_sqlite_to_memory_copies_every_complaint_and_the_owed_messages(
    source: Store, store_factory: Callable[..., Store], batch: int
) -> None:
    target = store_factory("memory://")
    seen: list[tuple[int, int]] = []
    report = copy_store(source, target, batch=batch, progress=lambda c, e: seen.append((c, e)))
    _assert_same(source, target)
    events = sum(len(source.load(i)) for i in _ids(source))
    owed = len(source.pending_outbox(limit=1_000, now=FAR))
    assert (report.complaints, report.events, report.messages) == (12, events, owed)
    assert owed > 0
    # the message that failed once keeps its attempts and error in the copy
    failed = [m for m in target.pending_outbox(limit=1_000, now=FAR) if m.attempts]
    assert [(m.attempts, m.last_error) for m in failed] == [(1, "smtp down")]
    assert report.verified
    assert seen[-1] == (12, events)
    assert len(seen) == -(-12 // batch)


def test_memory_to_sqlite_and_back_round_trips(
    pm: pluggy.PluginManager, store_factory: Callable[..., Store], sqlite_url: str
) -> None:
    clock = FrozenClock(START)
    with Desk.open("memory://", pm=pm, clock=clock) as desk:
        _story(desk, clock, count=7)
        middle = store_factory(sqlite_url)
        assert copy_store(desk.store, middle, batch=3).complaints == 7
        _assert_same(desk.store, middle)
        back = store_factory("memory://")
        assert copy_store(middle, back).verified
        _assert_same(desk.store, back)


def test_a_non_empty_target_is_refused_and_left_alone(
    source: Store, store_factory: Callable[..., Store], tmp_path: Path, pm: pluggy.PluginManager
) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    _fill(other, pm, count=1)
    target = store_factory(other)
    before = _ids(target)
    with pytest.raises(StoreNotEmptyError, match="not empty") as raised:
        copy_store(source, target)
    assert raised.value.field == "to"
    assert isinstance(raised.value, InvalidInputError)
    assert _ids(target) == before


def test_copying_a_store_into_itself_or_with_a_bad_batch_is_refused(source: Store) -> None:
    with pytest.raises(InvalidInputError, match="another store"):
        copy_store(source, source)
    for batch in (0, -1, True, 1.5):
        with pytest.raises(InvalidInputError, match="batch"):
            copy_store(source, source, batch=batch)  # type: ignore[arg-type]


def test_a_source_written_during_the_copy_is_detected(
    source: Store, store_factory: Callable[..., Store]
) -> None:
    class Moving:
        """The source as a running writer would make it look: a complaint grows mid-copy."""

        def __init__(self, store: Store) -> None:
            self._store = store
            self.url = store.url

        def __getattr__(self, name: str) -> object:
            return getattr(self._store, name)

        def load(self, complaint_id: str) -> tuple[object, ...]:
            return self._store.load(complaint_id)[:-1]

        def load_many(self, complaint_ids: Sequence[str]) -> dict[str, tuple[object, ...]]:
            return {cid: self.load(cid) for cid in complaint_ids}

    with pytest.raises(ConcurrencyError):
        copy_store(Moving(source), store_factory("memory://"))  # type: ignore[arg-type]


def test_a_password_never_shows_in_the_refusal(source: Store) -> None:
    class Guarded:
        """A non-empty target whose URL carries a password."""

        url = "postgresql://sp4n:rahasia@db/sp4n"

        def __getattr__(self, name: str) -> object:
            return getattr(source, name)

    with pytest.raises(StoreNotEmptyError) as raised:
        copy_store(source, Guarded())  # type: ignore[arg-type]
    assert "rahasia" not in str(raised.value)
    assert "postgresql://sp4n:***@db/sp4n" in str(raised.value)


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("postgresql://sp4n:rahasia@db:5432/x?a=1") == (
        "postgresql://sp4n:***@db:5432/x?a=1"
    )
    assert redact_url("postgresql://sp4n@db/x") == "postgresql://sp4n@db/x"
    assert redact_url("sqlite:///sp4n.db") == "sqlite:///sp4n.db"


def test_cli_migrate_sqlite_to_sqlite(
    source: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    assert main(["migrate", "--from", source.url, "--to", target, "--json"]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["complaints"] == 12
    assert report["verified"] is True
    assert "12 complaints" in err  # progress
    copy = open_store(target)
    try:
        _assert_same(source, copy)
    finally:
        copy.close()
    # a second run finds the target full: one line, exit status 2, nothing written
    assert main(["migrate", "--from", source.url, "--to", target, "--quiet"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "not empty" in err
    assert main(["migrate", "--from", target, "--to", target]) == 2
    assert "must differ" in capsys.readouterr().err


@pytest.mark.postgres
def test_sqlite_to_postgresql(
    source: Store, postgres_url: str, store_factory: Callable[..., Store]
) -> None:
    target = store_factory(postgres_url)
    report = copy_store(source, target, batch=5)
    assert isinstance(report, CopyReport)
    assert report.verified
    _assert_same(source, target)
    # the copy works like the original: the Desk carries on from the copied state
    clock = FrozenClock(START + dt.timedelta(days=1))
    with Desk.open(postgres_url, clock=clock) as desk:
        row = target.query(status="verified", limit=1)[0]
        moved = desk.forward(row.tracking_id, attributes={"road_status": "provinsi"}, actor=ADMIN)
        assert moved.version == row.version + 1


@pytest.mark.postgres
def test_cli_migrate_sqlite_to_postgresql(
    source: Store, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--from", source.url, "--to", postgres_url]) == 0
    out = capsys.readouterr().out
    assert "copied 12 complaint(s)" in out
    assert "the target reads back the same" in out
    copy = open_store(postgres_url)
    try:
        _assert_same(source, copy)
    finally:
        copy.close()


def test_a_third_party_store_is_copied_through_the_protocol(
    source: Store, store_factory: Callable[..., Store], tmp_path: Path
) -> None:
    """SQLite -> the JSON-lines example plugin -> memory: any adapter, found by entry point."""
    pytest.importorskip("sp4n_storage_jsonl", reason="pip install -e examples/storage-jsonl")
    journal = open_store(f"jsonl:///{tmp_path / 'journal'}", clock=FrozenClock(START))
    try:
        assert copy_store(source, journal, batch=4).verified
        _assert_same(source, journal)
        back = store_factory("memory://")
        assert copy_store(journal, back).complaints == 12
        _assert_same(source, back)
    finally:
        journal.close()
