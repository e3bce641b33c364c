"""Random actions by random actors over many steps; the lifecycle's invariants hold throughout."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import event as record_event
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from lifecycle_kit import T0, actor_for, draft, payload_for
from sp4n.errors import InvalidInputError, PermissionDenied, TransitionError
from sp4n.lifecycle import (
    LAPOR_TABLE,
    Actor,
    Complaint,
    EventType,
    Reporter,
    Role,
    apply,
    apply_due_actions,
    clocks,
    due_actions,
    public_view,
    render_notification,
    replay,
    submit,
    view_for,
)
from sp4n.sla import WorkingCalendar, load_policy

POLICY = load_policy()
CALENDAR = WorkingCalendar.indonesia("32.73")
SECRET = Reporter(
    id="nik-3273012345678901",
    name="Zxrahasia Qypelapor",
    email="zx.qy@rahasia.id",
    phone="+6289912345678",
)
SECRETS = (SECRET.id, SECRET.name, SECRET.email, SECRET.phone)
ACTIONS = [e for e in EventType if e is not EventType.SUBMITTED]
LIAISON_ACTIONS = (
    EventType.ACKNOWLEDGED,
    EventType.FOLLOWED_UP,
    EventType.RETURNED,
    EventType.INFO_REQUESTED,
    EventType.EXTENDED,
)


def outsider(role: Role) -> Actor:
    """An actor of ``role`` whose scope does not cover the complaint (region 32.73)."""
    if role is Role.REPORTER:
        return Actor("warga-lain", role)
    if role is Role.LIAISON:
        return Actor("penghubung-lain", role, agency="dinas-lain")
    return Actor(f"{role.value}-bali", role, region="51")


class LifecycleMachine(RuleBasedStateMachine):
    complaint: Complaint

    @initialize(visibility=st.sampled_from(["public", "anonymous", "confidential"]))
    def start(self, visibility: str) -> None:
        self.complaint = submit(
            draft(visibility, SECRET), actor=Actor(SECRET.id, "reporter"), at=T0
        )
        self.attempts = 0

    @rule(
        event=st.sampled_from(ACTIONS),
        role=st.sampled_from(list(Role)),
        in_scope=st.booleans(),
        garbage=st.booleans(),
        hours=st.integers(min_value=0, max_value=24 * 9),
    )
    def act(self, event: EventType, role: Role, in_scope: bool, garbage: bool, hours: int) -> None:
        before = self.complaint
        actor = actor_for(role, before) if in_scope or role is Role.SYSTEM else outsider(role)
        payload = {"junk": 1} if garbage else payload_for(event, before, role)
        at = before.history[-1].occurred_at + timedelta(hours=hours)
        self.attempts += 1
        try:
            after = apply(before, event, actor=actor, at=at, payload=payload)
        except (TransitionError, PermissionDenied, InvalidInputError):
            assert self.complaint is before
            assert before.version == len(before.history)
            return
        assert after.version == before.version + 1
        assert after.history[:-1] == before.history
        self.complaint = after

    @rule(data=st.data(), hours=st.integers(min_value=0, max_value=24 * 9))
    def advance(self, data: st.DataObject, hours: int) -> None:
        """Fire an event the table allows, by a role its row names (progress, not noise)."""
        self._advance(data, hours)

    @rule(data=st.data(), hours=st.integers(min_value=0, max_value=24 * 3))
    def advance_soon(self, data: st.DataObject, hours: int) -> None:
        """The same, a little later (weights the walk towards progress)."""
        self._advance(data, hours)

    def _advance(self, data: st.DataObject, hours: int) -> None:
        c = self.complaint
        rows = LAPOR_TABLE.rows_from(c.status)
        if not rows:
            return
        # archiving and merging end a story; take them only now and then
        onward = [r for r in rows if not r.target.is_final] or list(rows)
        row = data.draw(st.sampled_from(rows if data.draw(st.integers(0, 15)) == 0 else onward))
        role = data.draw(st.sampled_from(sorted(row.roles)))
        if row.event == EventType.FOLLOW_UP_DRAFTED and c.unit is None:
            return  # a unit drafts only what its liaison disposed to it
        at = c.history[-1].occurred_at + timedelta(hours=hours)
        try:
            self.complaint = apply(
                c,
                row.event,
                actor=actor_for(role, c),
                at=at,
                payload=payload_for(row.event, c, role),
            )
        except TransitionError as error:  # a guard said no; that is allowed, with a reason
            if not error.reason:
                raise AssertionError("a table row refused without a guard reason") from error

    @invariant()
    def status_is_the_replay_of_events(self) -> None:
        record_event(f"status {self.complaint.status.value}")
        assert replay(self.complaint.history) == self.complaint

    @invariant()
    def sequence_has_no_gaps(self) -> None:
        assert [e.seq for e in self.complaint.history] == list(
            range(1, len(self.complaint.history) + 1)
        )

    @invariant()
    def closed_statuses_accept_no_agency_action(self) -> None:
        c = self.complaint
        if not c.status.is_closed:
            return
        liaison = Actor("penghubung-1", Role.LIAISON, agency=c.agency or "dinas-pu-bandung")
        for event in LIAISON_ACTIONS:
            try:
                apply(
                    c,
                    event,
                    actor=liaison,
                    at=c.history[-1].occurred_at,
                    payload=payload_for(event, c, Role.LIAISON),
                )
            except (TransitionError, PermissionDenied):
                continue
            raise AssertionError(f"liaison could {event} in {c.status}")

    @rule(days=st.integers(min_value=0, max_value=40))
    def tick(self, days: int) -> None:
        """Time passes; sp4n carries out whatever fell due, and doing it twice changes nothing."""
        now = self.complaint.history[-1].occurred_at + timedelta(days=days)
        after = apply_due_actions(self.complaint, now, policy=POLICY, calendar=CALENDAR)
        assert apply_due_actions(after, now, policy=POLICY, calendar=CALENDAR) is after
        for action in due_actions(after, now, policy=POLICY, calendar=CALENDAR):
            # what is still due is only what the table cannot record in this status
            event = "completed" if action.action.value == "complete" else "escalated"
            assert LAPOR_TABLE.row(after.status, event) is None, (after.status, action.rule_id)
        self.complaint = after

    @invariant()
    def clocks_respect_status_and_calendar(self) -> None:
        c = self.complaint
        now = c.history[-1].occurred_at + timedelta(days=1)
        for clock in clocks(c, now=now, policy=POLICY, calendar=CALENDAR):
            if c.status.is_closed:
                assert not clock.open, (c.status, clock.rule.id)
            deadline = clock.deadline
            rule = clock.rule
            if deadline is not None and (rule.unit.value == "working_days" or rule.roll_forward):
                assert CALENDAR.is_working_day(deadline.due_date), (rule.id, deadline.due_date)

    @invariant()
    def anonymous_contact_never_leaks(self) -> None:
        c = self.complaint
        if c.visibility.value != "anonymous":
            return
        texts = [json.dumps(public_view(c), default=str)]
        for role in (Role.ADMIN, Role.SUPERVISOR, Role.LIAISON):
            actor = actor_for(role, c)
            if role is Role.LIAISON and c.agency is None:
                continue
            texts.append(json.dumps(view_for(c, actor), default=str))
        event = c.history[-1]
        texts += [
            render_notification(c, event, r, lang)
            for r in (Role.ADMIN, Role.LIAISON, Role.SUPERVISOR)
            for lang in ("id", "en")
        ]
        for text in texts:
            for secret in SECRETS:
                assert secret not in text


LifecycleMachine.TestCase.settings = settings(
    settings.default, stateful_step_count=40, max_examples=max(settings.default.max_examples, 50)
)
TestLifecycle = LifecycleMachine.TestCase
