"""A separate writer process for the reliability tests (run as a script, not collected).

``race URL TAG COUNT COMPLAINTS``: wait for "go" on stdin, then make COUNT successful
transitions on complaints c0..c{COMPLAINTS-1}, retrying each after a ConcurrencyError; print one
JSON line with the event ids written and the conflicts met.

``stream URL TAG``: append forever (single appends and batches, with outbox messages), printing
``committed <complaint_id> <version>`` after each commit, until killed.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sp4n.adapters import AppendRequest, ComplaintRow, OutboxMessage, open_store
from sp4n.errors import ConcurrencyError
from sp4n.lifecycle import Actor, Event, Role

BASE = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
ACTOR = Actor(id="worker", role=Role.ADMIN)
STATUSES = ("submitted", "verified", "forwarded", "followed_up", "reporter_replied")


def fold(events: Sequence[Event]) -> ComplaintRow:
    """The projection of a stream, computed only from its events (what replay must give)."""
    return row_for(events[-1], len(events))


def row_for(last: Event, count: int) -> ComplaintRow:
    """The projection after ``count`` events ending with ``last`` (a fold that needs no replay)."""
    return ComplaintRow(
        complaint_id=last.complaint_id,
        tracking_id=f"LAP-{last.complaint_id}",
        status=last.type,
        kind="aduan",
        topic="infrastruktur.jalan",
        region=str(last.payload.get("region", "61.07")),
        agency=str(last.payload.get("by")),
        title=f"{count} events, last by {last.payload.get('by')}",
        visibility="public",
        next_due=date(2026, 3, 2) + timedelta(days=count),
        updated_at=last.occurred_at,
        version=last.seq,
    )


def build(
    version: int, complaint_id: str, tag: str, serial: int | str, count: int = 1
) -> AppendRequest:
    new = tuple(
        Event(
            complaint_id=complaint_id,
            seq=version + 1 + i,
            type=STATUSES[(version + i) % len(STATUSES)],
            occurred_at=BASE + timedelta(seconds=version + i),
            actor=ACTOR,
            payload={"by": tag, "serial": serial, "region": "61.07"},
            id=f"{tag}-{serial}-{i}",
        )
        for i in range(count)
    )
    message = OutboxMessage(
        id=f"{tag}-{serial}-msg",
        complaint_id=complaint_id,
        event_seq=new[-1].seq,
        recipient_role="reporter",
        template="status_changed",
        payload={"serial": serial},
        created_at=BASE,
    )
    return AppendRequest(complaint_id, version, new, row_for(new[-1], version + count), (message,))


def race(url: str, tag: str, count: int, complaints: int) -> None:
    store = open_store(url)
    rng = random.Random(tag)
    print("ready", flush=True)
    sys.stdin.readline()
    written: list[str] = []
    conflicts = 0
    retried_ok = 0
    for serial in range(count):
        complaint_id = f"c{rng.randrange(complaints)}"
        attempt = 0
        while True:
            request = build(store.version(complaint_id), complaint_id, tag, serial)
            try:
                store.append(
                    complaint_id,
                    request.expected_version,
                    request.events,
                    row=request.row,
                    outbox=request.outbox,
                )
            except ConcurrencyError:
                conflicts += 1
                attempt += 1
                continue
            retried_ok += attempt > 0
            written.extend(event.id for event in request.events)
            break
    store.close()
    print(json.dumps({"written": written, "conflicts": conflicts, "retried_ok": retried_ok}))


def stream(url: str, tag: str) -> None:
    store = open_store(url)
    rng = random.Random()
    serial = 0
    while True:
        serial += 1
        if serial % 3:
            complaint_id = f"s{rng.randrange(50)}"
            request = build(
                store.version(complaint_id), complaint_id, tag, serial, rng.randint(1, 4)
            )
            version = store.append(
                complaint_id,
                request.expected_version,
                request.events,
                row=request.row,
                outbox=request.outbox,
            )
            print(f"committed {complaint_id} {version}", flush=True)
        else:
            ids = rng.sample(range(50), 20)
            batch = [
                # "<serial>b<i>": never the serial of a single append (ids are store-unique)
                build(store.version(f"s{i}"), f"s{i}", tag, f"{serial}b{i}", rng.randint(1, 3))
                for i in ids
            ]
            versions = store.append_many(batch)
            for request, version in zip(batch, versions, strict=True):
                print(f"committed {request.complaint_id} {version}", flush=True)


if __name__ == "__main__":
    mode, url, tag, *rest = sys.argv[1:]
    if mode == "race":
        race(url, tag, int(rest[0]), int(rest[1]))
    else:
        stream(url, tag)
