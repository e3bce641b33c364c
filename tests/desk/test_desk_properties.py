"""Property tests: whatever officers try, the Desk's store stays consistent.

Random sequences of verbs by random actors run against one complaint. A refused action
(wrong status, role or scope, bad payload) must write nothing; an accepted one appends exactly
one event. After every step the stored projection row equals the row recomputed from the
events, and no message bound for an agency or admin carries the anonymous reporter's contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
from hypothesis import strategies as st

from sp4n import Desk
from sp4n.adapters import plugin_manager
from sp4n.errors import InvalidInputError, PermissionDenied, TransitionError, UnknownAgencyError
from sp4n.lifecycle import Actor, ComplaintDraft, Reporter, Role, allowed_events
from sp4n.testing import FrozenClock

PNK = ZoneInfo("Asia/Pontianak")
PM = plugin_manager(load_entrypoints=False)
FAR = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)

ACTORS = {
    "admin": Actor(id="admin.bky", role=Role.ADMIN, region="61.07"),
    "outsider": Actor(id="admin.sekadau", role=Role.ADMIN, region="61.09"),
    "pupr": Actor(id="pupr.bky", role=Role.LIAISON, agency="61.07-pupr"),
    "province": Actor(id="pupr.kalbar", role=Role.LIAISON, agency="61-pupr"),
    "reporter": Actor(id="warga-9", role=Role.REPORTER),
    "stranger": Actor(id="warga-x", role=Role.REPORTER),
    "supervisor": Actor(id="inspektorat", role=Role.SUPERVISOR, region="61"),
}

Verb = Callable[[Desk, str, Actor], Any]
VERBS: dict[str, Verb] = {
    "verify": lambda d, r, a: d.verify(r, actor=a),
    "hold": lambda d, r, a: d.hold(r, "kurang lengkap", actor=a),
    "forward_pupr": lambda d, r, a: d.forward(r, "61.07-pupr", actor=a),
    "forward_province": lambda d, r, a: d.forward(r, "61-pupr", actor=a),
    "forward_router": lambda d, r, a: d.forward(
        r, attributes={"road_status": "kabupaten"}, actor=a
    ),
    "return": lambda d, r, a: d.return_(r, "bukan wewenang", actor=a),
    "acknowledge": lambda d, r, a: d.acknowledge(r, actor=a),
    "request_info": lambda d, r, a: d.request_info(r, "lokasi?", actor=a),
    "provide_info": lambda d, r, a: d.provide_info(r, "km 12", actor=a),
    "follow_up": lambda d, r, a: d.follow_up(r, "sudah ditambal", actor=a),
    "reply": lambda d, r, a: d.reply(r, "belum beres", actor=a),
    "complete": lambda d, r, a: d.complete(r, actor=a),
    "rate": lambda d, r, a: d.rate(r, 4, actor=a),
    "reopen": lambda d, r, a: d.reopen(r, "rusak lagi", actor=a),
    "extend": lambda d, r, a: d.extend(r, "butuh anggaran", working_days=3, actor=a),
    "escalate": lambda d, r, a: d.escalate(r, "superior", "lambat", actor=a),
    "archive": lambda d, r, a: d.archive(r, "spam", actor=a),
    "bad_payload": lambda d, r, a: d.rate(r, 9, actor=a),
}
REFUSED = (TransitionError, PermissionDenied, InvalidInputError, UnknownAgencyError)
SECRETS = ("warga-9", "rahasia@example.org", "+6281299990000", "Budi")


BY_EVENT = {
    "verified": ["verify"],
    "held": ["hold"],
    "forwarded": ["forward_pupr", "forward_province", "forward_router"],
    "returned": ["return"],
    "acknowledged": ["acknowledge"],
    "info_requested": ["request_info"],
    "info_provided": ["provide_info"],
    "followed_up": ["follow_up"],
    "reporter_replied": ["reply"],
    "completed": ["complete"],
    "rated": ["rate"],
    "reopened": ["reopen"],
    "extended": ["extend"],
    "escalated": ["escalate"],
}
FITTING = {
    "admin": ("verify", "hold", "forward_pupr", "forward_province", "forward_router", "archive"),
    "pupr": ("return", "acknowledge", "request_info", "follow_up", "extend"),
    "province": ("return", "acknowledge", "request_info", "follow_up", "extend"),
    "reporter": ("provide_info", "reply", "complete", "rate", "reopen"),
    "supervisor": ("escalate",),
}


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    length=st.integers(min_value=1, max_value=30),
    visibility=st.sampled_from(["public", "anonymous", "confidential"]),
)
def test_any_sequence_of_actions_keeps_the_store_consistent(
    data: st.DataObject, length: int, visibility: str
) -> None:
    clock = FrozenClock(dt.datetime(2026, 8, 3, 8, 15, tzinfo=PNK))
    with Desk.open("memory://", pm=PM, clock=clock) as desk:
        c = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title="Jalan rusak",
                body="Berlubang.",
                region="61.07",
                topic="road",
                channel="web",
                visibility=visibility,
                reporter=Reporter(
                    id="warga-9", name="Budi", email="rahasia@example.org", phone="+6281299990000"
                ),
            )
        )
        for _ in range(length):
            allowed = [
                v for e in allowed_events(desk.get(c.complaint_id)) for v in BY_EVENT.get(e, [])
            ]
            pool = allowed if allowed and data.draw(st.integers(0, 9)) < 7 else sorted(VERBS)
            verb = data.draw(st.sampled_from(pool))
            fitting = sorted(name for name, verbs in FITTING.items() if verb in verbs)
            fair = fitting and data.draw(st.integers(0, 9)) < 8
            who = data.draw(st.sampled_from(fitting if fair else sorted(ACTORS)))
            clock.advance(dt.timedelta(hours=7))
            before = desk.store.version(c.complaint_id)
            outbox_before = len(desk.store.pending_outbox(now=FAR, limit=10_000))
            try:
                VERBS[verb](desk, c.tracking_id, ACTORS[who])
            except REFUSED:
                assert desk.store.version(c.complaint_id) == before
                after = len(desk.store.pending_outbox(now=FAR, limit=10_000))
                assert after == outbox_before
            else:
                assert desk.store.version(c.complaint_id) == before + 1
            complaint = desk.get(c.complaint_id)
            row = desk.store.get(c.complaint_id)
            clocks = desk.rules.clocks(complaint, now=complaint.history[-1].occurred_at)
            assert row == desk._project(complaint, clocks)
        event(f"final status {complaint.status.value}")
        messages = desk.store.pending_outbox(now=FAR, limit=10_000)
        assert {m.event_seq for m in messages} <= set(range(1, complaint.version + 1))
        if visibility == "anonymous":
            for message in messages:
                if message.recipient_role == "reporter":
                    assert message.payload["address"] == f"pelapor@{c.tracking_id}"
                    continue
                text = repr(dict(message.payload)) + message.id
                assert not [s for s in SECRETS if s in text]
