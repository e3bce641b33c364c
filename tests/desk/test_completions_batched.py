"""``Desk.apply_due_completions`` appends one transaction per page, not one per complaint.

The batched path must write exactly what the one-by-one path (``Desk._act`` per complaint,
the code before issue 17) wrote: the same events, projection rows, outbox messages, result
list and observer calls. A complaint another writer moved meanwhile is retried alone from
its new state (completed if still due, left out otherwise); the rest of the page stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk, hookimpl
from sp4n.adapters import (
    AppendRequest,
    ComplaintRow,
    MemoryStore,
    RowQuery,
    plugin_manager,
    query_rows,
)
from sp4n.desk import _sweep
from sp4n.lifecycle import SYSTEM_ACTOR, Complaint, ComplaintDraft, Event, EventType, Reporter
from sp4n.sla import OnExpiry
from sp4n.testing import FrozenClock

WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
SILENT = dt.datetime(2026, 9, 30, 10, tzinfo=WITA)  # the reporters stayed silent since August
FAR = dt.datetime(2030, 1, 1, tzinfo=WITA)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 8, day, hour, tzinfo=WITA)


class BatchStore(MemoryStore):
    """A real memory store that records the size of every transaction it commits, and can
    let another writer in just before the next batched one (``before_batch``)."""

    def __init__(self, url: str = "memory://", *, clock: Any) -> None:
        super().__init__(url, clock=clock)
        self.batches: list[int] = []
        self.before_batch: list[Any] = []
        self.loads = 0

    def load(self, complaint_id: str) -> tuple[Event, ...]:
        self.loads += 1
        return super().load(complaint_id)

    def append_many(self, batch: Sequence[AppendRequest]) -> tuple[int, ...]:
        if len(batch) > 1 and self.before_batch:
            self.before_batch.pop(0)()  # another writer commits first
        versions = super().append_many(batch)
        self.batches.append(len(batch))  # only what was committed
        return versions


class Recorder:
    def __init__(self, store: BatchStore) -> None:
        self.store = store
        self.seen: list[tuple[str, str, int, str | None, str]] = []

    @hookimpl
    def sp4n_complaint_transitioned(
        self, event: Event, row: ComplaintRow, previous_status: str | None
    ) -> None:
        # observers hear of an event only once it is stored
        assert self.store.version(event.complaint_id) >= event.seq
        self.seen.append((event.complaint_id, event.type, event.seq, previous_status, row.status))


def _draft(n: int, region: str) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=f"Antrean puskesmas {n}",
        body="Menunggu lima jam tanpa kepastian.",
        region=region,
        topic="hospital",
        channel="web",
        reporter=Reporter(id=f"warga-{n}", email=f"warga{n}@example.org"),
    )


def _desk_with(count: int) -> tuple[Desk, BatchStore, Recorder, list[str]]:
    """``count`` followed-up complaints (Balikpapan and Jayapura), one not followed up."""
    clock = FrozenClock(at(3, 9))
    store = BatchStore(clock=clock)
    recorder = Recorder(store)
    pm = plugin_manager()
    pm.register(recorder)
    desk = Desk(store, pm=pm, clock=clock)
    ids: list[str] = []
    for n in range(count + 1):
        region, agency = ("91.71", "pusat-pln") if n % 3 == 2 else ("64.71", "64-dinkes")
        c = desk.submit(_draft(n, region), at=at(3, 9))
        desk.verify(c.tracking_id, at=at(3, 9))
        desk.forward(c.tracking_id, agency, at=at(3, 9))
        if n < count:
            desk.follow_up(c.tracking_id, "Antrean diurai.", at=at(4 + n % 5, 9))
        ids.append(c.complaint_id)
    store.batches.clear()
    recorder.seen.clear()
    clock.set(SILENT)
    return desk, store, recorder, ids


def _followed_up(desk: Desk) -> list[str]:
    """The ids in the order ``apply_due_completions`` reads them (the ``next_due`` index)."""
    latest = SILENT.astimezone(WIT).date()
    query = RowQuery(status="followed_up", overdue_as_of=latest, limit=1000)
    return [row.complaint_id for row in query_rows(desk.store, query)]


def _one_by_one(desk: Desk, now: dt.datetime, ids: Sequence[str]) -> list[Complaint]:
    """The reference: the loop before issue 17, one ``Desk._act`` transaction each."""
    done: list[Complaint] = []
    for complaint_id in ids:
        complaint = desk.get(complaint_id)
        for action in desk.rules.due_actions(complaint, now=now):
            if action.action is not OnExpiry.COMPLETE:
                continue
            at_ = max(action.due_at, complaint.history[-1].occurred_at)
            payload = {"by": "system", "rule_id": action.rule_id, "sla_key": action.key}
            done.append(desk._act(complaint, EventType.COMPLETED, SYSTEM_ACTOR, at_, payload))
            break
    return done


def _written(desk: Desk, ids: Sequence[str]) -> dict[str, Any]:
    """Everything stored for ``ids``: events (without their random ids), rows, outbox."""
    events = {
        cid: [(e.seq, e.type, e.occurred_at, e.actor, dict(e.payload)) for e in desk.history(cid)]
        for cid in ids
    }
    rows = {cid: desk.store.get(cid) for cid in ids}
    outbox = sorted(
        (m.id, m.complaint_id, m.event_seq, m.recipient_role, m.template, repr(m.payload))
        for m in desk.store.pending_outbox(limit=10_000, now=FAR)
    )
    return {"events": events, "rows": rows, "outbox": outbox}


def test_batched_completions_write_what_one_by_one_completions_wrote(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_sweep, "_COMPLETION_PAGE", 3)  # several pages from a few complaints
    reference, _, heard_ref, ids = _desk_with(7)
    batched, store, heard, same_ids = _desk_with(7)
    assert ids == same_ids  # complaint ids derive from the drafts: the two stores match
    expected = _one_by_one(reference, SILENT, _followed_up(reference))

    done = batched.apply_due_completions()

    assert len(done) == 7
    assert [c.complaint_id for c in done] == [c.complaint_id for c in expected]
    assert [c.history[-1].occurred_at for c in done] == [
        c.history[-1].occurred_at for c in expected
    ]
    assert _written(batched, ids) == _written(reference, ids)
    assert heard.seen == heard_ref.seen
    assert store.batches == [3, 3, 1]  # one transaction per page, not seven
    # the Desk keeps what it just completed, as after one _act each (decision 0280)
    store.loads = 0
    assert [batched.get(c.complaint_id) for c in done] == done
    assert store.loads == 0
    assert batched.apply_due_completions() == []  # idempotent


def test_a_complaint_another_writer_moved_is_retried_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_sweep, "_COMPLETION_PAGE", 10)
    desk, store, heard, ids = _desk_with(5)
    page = _followed_up(desk)
    moved, confirmed = page[1], page[3]

    def others_write() -> None:
        # the reporter changes the visibility of one (its completion stays due) and
        # confirms another (completed by the reporter: nothing left for the system)
        desk.set_visibility(moved, "anonymous", at=SILENT)
        desk.complete(confirmed, at=SILENT)

    store.before_batch.append(others_write)
    done = desk.apply_due_completions()

    assert [c.complaint_id for c in done] == [cid for cid in page if cid != confirmed]
    assert store.batches == [1, 1, 1, 1, 1, 1]  # the two writes, then four plus the retry
    history = desk.history(moved)
    assert [e.type for e in history[-2:]] == ["visibility_changed", "completed"]
    assert history[-1].actor == SYSTEM_ACTOR
    assert desk.history(confirmed)[-1].payload["by"] == "reporter"
    assert [e.type for e in desk.history(confirmed)].count("completed") == 1
    assert all(desk.get(cid).status.value == "completed" for cid in page)
    assert desk.get(ids[-1]).status.value == "forwarded"  # never followed up
    completions = [s for s in heard.seen if s[1] == "completed"]
    assert len(completions) == 5  # each once: four by the system, one by the reporter
    assert desk.apply_due_completions() == []


@pytest.fixture(params=["sqlite", "postgres"])
def sql_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    if request.param == "sqlite":
        return sqlite_url
    return str(request.getfixturevalue("postgres_url"))


def test_a_second_desk_on_the_same_database_moves_only_its_complaints(sql_url: str) -> None:
    clock = FrozenClock(at(3, 9))
    with Desk.open(sql_url, clock=clock) as desk, Desk.open(sql_url, clock=clock) as other:
        for n in range(4):
            c = desk.submit(_draft(n, "64.71"), at=at(3, 9))
            desk.verify(c.tracking_id, at=at(3, 9))
            desk.forward(c.tracking_id, "64-dinkes", at=at(3, 9))
            desk.follow_up(c.tracking_id, "Antrean diurai.", at=at(4 + n, 9))
        clock.set(SILENT)
        page = _followed_up(desk)
        moved, confirmed = page[0], page[2]
        batched = desk.store.append_many
        batches: list[int] = []

        def meanwhile(batch: Sequence[AppendRequest]) -> tuple[int, ...]:
            if not batches:  # another officer's Desk commits first, on its own connection
                other.set_visibility(moved, "anonymous", at=SILENT)
                other.complete(confirmed, at=SILENT)
            batches.append(len(batch))
            return batched(batch)

        desk.store.append_many = meanwhile  # type: ignore[method-assign]
        done = desk.apply_due_completions()
        assert batches[0] == 4  # the page was tried in one transaction, which failed whole
        assert [c.complaint_id for c in done] == [cid for cid in page if cid != confirmed]
        assert [e.type for e in desk.history(moved)][-2:] == ["visibility_changed", "completed"]
        assert desk.history(confirmed)[-1].payload["by"] == "reporter"
        assert {desk.get(cid).status.value for cid in page} == {"completed"}
        assert {desk.store.get(cid).status for cid in page} == {"completed"}  # type: ignore[union-attr]
        assert desk.apply_due_completions() == []
