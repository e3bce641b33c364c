"""Random Desk verbs by random actors on SQLite; after every step the projection row equals the
fold of the events, and no view for a non-privileged role shows a reporter it must not."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import event as record_event
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from sp4n import Desk
from sp4n.adapters.notifiers import LogNotifier
from sp4n.errors import Sp4nError
from sp4n.lifecycle import (
    Actor,
    ComplaintDraft,
    EventType,
    Reporter,
    Role,
    Visibility,
    allowed_events,
    replay,
)
from sp4n.testing import FrozenClock

T0 = dt.datetime(2026, 8, 3, 1, 0, tzinfo=dt.UTC)
TIERS = [v.value for v in Visibility]
ADMINS = [
    Actor(id="admin-bky", role=Role.ADMIN, region="61.07"),
    Actor(id="admin-bali", role=Role.ADMIN, region="51"),
    Actor(id="admin-pusat", role=Role.ADMIN),
]
OUTSIDERS = [
    Actor(id="warga-lain", role=Role.REPORTER),
    Actor(id="penghubung-lain", role=Role.LIAISON, agency="51-pupr"),
    Actor(id="supervisor-bali", role=Role.SUPERVISOR, region="51"),
]
VERBS = (
    "verify", "hold", "archive", "forward", "acknowledge", "return_", "request_info",
    "provide_info", "follow_up", "reply", "complete", "rate", "reopen", "set_visibility",
    "escalate", "merge", "extend",
)  # fmt: skip


E = EventType
VERB_OF = {
    E.VERIFIED: "verify", E.HELD: "hold", E.ARCHIVED: "archive", E.FORWARDED: "forward",
    E.ACKNOWLEDGED: "acknowledge", E.RETURNED: "return_", E.INFO_REQUESTED: "request_info",
    E.INFO_PROVIDED: "provide_info", E.FOLLOWED_UP: "follow_up", E.REPORTER_REPLIED: "reply",
    E.COMPLETED: "complete", E.RATED: "rate", E.REOPENED: "reopen",
    E.VISIBILITY_CHANGED: "set_visibility", E.ESCALATED: "escalate", E.MERGED: "merge",
    E.EXTENDED: "extend",
}  # fmt: skip


ENDINGS = frozenset({"archive", "merge", "hold", "escalate", "set_visibility"})
"""Verbs that end or stall a complaint's story: picked only now and then."""


def _secrets(reporter: Reporter) -> tuple[str, ...]:
    return tuple(s for s in (reporter.id, reporter.name, reporter.email, reporter.phone) if s)


class DeskMachine(RuleBasedStateMachine):
    """The Desk as a portal drives it: every verb, every kind of actor, time moving on."""

    refs = Bundle("refs")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="sp4n-stateful-"))
        self.clock = FrozenClock(T0)
        self.log = LogNotifier()
        self.desk = Desk.open(
            f"sqlite:///{self.dir / 'desk.db'}", clock=self.clock, notifiers={"log": self.log}
        )
        self.count = 0

    def teardown(self) -> None:
        self.desk.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(target=refs, visibility=st.sampled_from(TIERS), contact=st.booleans())
    def submit(self, visibility: str, contact: bool) -> str:
        self.count += 1
        n = self.count
        reporter = Reporter(
            id=f"nik-61070000{n:04d}",
            name=f"Zq Rahasia {n}",
            email=f"zq{n}@rahasia.example" if contact else None,
            phone=f"+62899{n:07d}" if contact else None,
        )
        draft = ComplaintDraft(
            kind="pengaduan",
            title=f"Jalan rusak {n}",
            body="Berlubang dan berbahaya.",
            region="61.07",
            topic="road",
            channel="web",
            reporter=reporter,
            visibility=visibility,
        )
        return self.desk.submit(draft).tracking_id

    @rule(hours=st.integers(1, 24 * 5))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(dt.timedelta(hours=hours))

    @initialize(target=refs, visibility=st.sampled_from(TIERS))
    def first(self, visibility: str) -> str:
        return self.submit(visibility, contact=True)

    @rule(
        ref=refs,
        picks=st.lists(st.integers(0, 100), min_size=1, max_size=8),
        other=refs,
        tier=st.sampled_from(TIERS),
    )
    def act(self, ref: str, picks: list[int], other: str, tier: str) -> None:
        """A run of verbs the complaint's status allows, each by the role that usually acts;
        the invariants are checked after each one."""
        for pick in picks:
            allowed = [VERB_OF[e] for e in allowed_events(self.desk.get(ref)) if e in VERB_OF]
            if not allowed:
                return
            onward = [v for v in allowed if v not in ENDINGS] or allowed
            choices = allowed if pick % 8 == 0 else onward  # mostly move the complaint on
            self._call(ref, choices[pick % len(choices)], other, tier, None)
            self.check()

    @rule(
        ref=refs,
        verb=st.sampled_from(VERBS),
        other=refs,
        tier=st.sampled_from(TIERS),
        who=st.integers(0, 5),
    )
    def attack(self, ref: str, verb: str, other: str, tier: str, who: int) -> None:
        """Any verb by anyone: the reporter, admins in and out of region, outsiders."""
        complaint = self.desk.get(ref)
        actors = [Actor(id=complaint.reporter.id, role=Role.REPORTER), *ADMINS, *OUTSIDERS]
        self._call(ref, verb, other, tier, actors[who])

    def _call(self, ref: str, verb: str, other: str, tier: str, actor: Actor | None) -> None:
        desk = self.desk
        before = desk.get(ref)
        calls = {
            "verify": lambda: desk.verify(ref, visibility=tier, actor=actor),
            "hold": lambda: desk.hold(ref, "Lengkapi lokasi.", actor=actor),
            "archive": lambda: desk.archive(ref, "duplicate", of=other, actor=actor),
            "forward": lambda: desk.forward(
                ref, attributes={"road_status": "kabupaten"}, actor=actor
            ),
            "acknowledge": lambda: desk.acknowledge(ref, actor=actor),
            "return_": lambda: desk.return_(ref, "Bukan wewenang kami.", actor=actor),
            "request_info": lambda: desk.request_info(ref, "Di ruas mana?", actor=actor),
            "provide_info": lambda: desk.provide_info(ref, "Km 3.", actor=actor),
            "follow_up": lambda: desk.follow_up(ref, "Sudah ditambal.", actor=actor),
            "reply": lambda: desk.reply(ref, "Belum selesai.", actor=actor),
            "complete": lambda: desk.complete(ref, actor=actor),
            "rate": lambda: desk.rate(ref, 4, actor=actor),
            "reopen": lambda: desk.reopen(ref, "Rusak lagi.", actor=actor),
            "set_visibility": lambda: desk.set_visibility(ref, tier, actor=actor),
            "escalate": lambda: desk.escalate(ref, "supervisor", "Lambat.", actor=actor),
            "merge": lambda: desk.merge(ref, other, actor=actor),
            "extend": lambda: desk.extend(ref, "Perlu survei.", working_days=3, actor=actor),
        }
        try:
            after = calls[verb]()
        except Sp4nError as exc:
            record_event(f"refused: {type(exc).__name__}")
            assert desk.get(ref).version == before.version  # refused: nothing written
            return
        record_event(f"done: {verb}")
        assert after.version == before.version + 1
        acted_as = after.history[-1].actor.role
        if after.visibility is not before.visibility and acted_as is not Role.REPORTER:
            assert before.visibility is Visibility.PUBLIC  # officials only protect

    @rule()
    def deliver(self) -> None:
        self.desk.deliver_notifications(limit=1000)

    @invariant()
    def check(self) -> None:
        """Every invariant, after every step."""
        self.projection_is_the_fold_of_the_events()
        self.no_view_for_a_non_privileged_role_shows_a_hidden_reporter()
        self.officers_messages_never_carry_a_reporter_s_contact()

    def projection_is_the_fold_of_the_events(self) -> None:
        store = self.desk.store
        for row in self.desk.list(limit=1000):
            events = store.load(row.complaint_id)
            complaint = replay(events)
            clocks = self.desk.rules.clocks(complaint, now=events[-1].occurred_at)
            assert row == self.desk._project(complaint, clocks)

    def no_view_for_a_non_privileged_role_shows_a_hidden_reporter(self) -> None:
        officials = [*ADMINS[::2], Actor(id="sup", role=Role.SUPERVISOR)]
        for row in self.desk.list(limit=1000):
            complaint = self.desk.get(row.complaint_id)
            reporter = complaint.reporter
            public = json.dumps(self.desk.view(row.complaint_id), default=str)
            for secret in (reporter.id, reporter.email, reporter.phone):
                assert not secret or secret not in public
            if complaint.visibility is not Visibility.ANONYMOUS:
                continue
            liaison = Actor(id="p", role=Role.LIAISON, agency=complaint.agency)
            for actor in [*officials, *([liaison] if complaint.agency else [])]:
                text = json.dumps(dict(self.desk.view(row.complaint_id, actor)), default=str)
                for secret in _secrets(reporter):
                    assert secret not in text, (actor.role, secret)

    def officers_messages_never_carry_a_reporter_s_contact(self) -> None:
        for notification in self.log.sent:
            if notification.recipient.role == "reporter":
                continue
            text = f"{notification.recipient.address} {notification.subject} {notification.body}"
            assert "@rahasia.example" not in text
            assert "+62899" not in text
            assert "nik-6107" not in text


DeskMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestDeskStateful = DeskMachine.TestCase
