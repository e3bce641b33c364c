"""The transition table: definition checks, every row for every role, the diagram in the docs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from lifecycle_kit import actor_for, complaint_in, payload_for, step
from sp4n.errors import InvalidWorkflowDefinition, PermissionDenied, TransitionError
from sp4n.lifecycle import (
    LAPOR_TABLE,
    EventType,
    Role,
    Status,
    Transition,
    TransitionTable,
    apply,
    to_mermaid,
)

DOC = Path(__file__).parents[2] / "docs" / "lifecycle.md"
S, E, R = Status, EventType, Role


def _t(source: Status, event: EventType, target: Status) -> Transition:
    return Transition(source, event, target, frozenset({R.ADMIN}))


def test_duplicate_row_is_rejected() -> None:
    with pytest.raises(InvalidWorkflowDefinition, match="duplicate row: event 'verified'"):
        TransitionTable(
            initial=S.SUBMITTED,
            final=frozenset({S.ARCHIVED}),
            rows=(
                _t(S.SUBMITTED, E.VERIFIED, S.VERIFIED),
                _t(S.SUBMITTED, E.VERIFIED, S.ARCHIVED),
                _t(S.VERIFIED, E.ARCHIVED, S.ARCHIVED),
            ),
        )


def test_unreachable_status_is_rejected() -> None:
    with pytest.raises(InvalidWorkflowDefinition, match="unreachable statuses: on_hold"):
        TransitionTable(
            initial=S.SUBMITTED,
            final=frozenset({S.ARCHIVED}),
            rows=(
                _t(S.SUBMITTED, E.ARCHIVED, S.ARCHIVED),
                _t(S.ON_HOLD, E.ARCHIVED, S.ARCHIVED),
            ),
        )


def test_exit_from_final_status_is_rejected() -> None:
    with pytest.raises(InvalidWorkflowDefinition, match="final status 'archived' has an exit"):
        TransitionTable(
            initial=S.SUBMITTED,
            final=frozenset({S.ARCHIVED}),
            rows=(
                _t(S.SUBMITTED, E.ARCHIVED, S.ARCHIVED),
                _t(S.ARCHIVED, E.REOPENED, S.SUBMITTED),
            ),
        )


def test_dead_end_that_is_not_final_is_rejected() -> None:
    with pytest.raises(InvalidWorkflowDefinition, match=r"no way out.*verified"):
        TransitionTable(
            initial=S.SUBMITTED,
            final=frozenset({S.ARCHIVED}),
            rows=(
                _t(S.SUBMITTED, E.ARCHIVED, S.ARCHIVED),
                _t(S.SUBMITTED, E.VERIFIED, S.VERIFIED),
                _t(S.VERIFIED, E.ADMIN_REPLIED, S.VERIFIED),
            ),
        )


def test_row_without_roles_is_rejected() -> None:
    with pytest.raises(InvalidWorkflowDefinition, match="no roles"):
        TransitionTable(
            initial=S.SUBMITTED,
            final=frozenset({S.ARCHIVED}),
            rows=(Transition(S.SUBMITTED, E.ARCHIVED, S.ARCHIVED, frozenset()),),
        )


def test_every_status_has_both_labels() -> None:
    for status in Status:
        assert status.label
        assert status.label_en
        assert status.label != status.label_en
    assert S.SUBMITTED.label == "Belum Terverifikasi"
    assert S.RETURNED.label == "Dikembalikan (Bukan Wewenang)"
    assert S.COMPLETED.label_in("en") == "Completed"


def test_every_guard_name_is_known() -> None:
    from sp4n.lifecycle import GUARDS

    assert {r.guard for r in LAPOR_TABLE.rows if r.guard} <= set(GUARDS)


ROWS = [pytest.param(row, id=f"{row.source.value}-{row.event.value}") for row in LAPOR_TABLE.rows]


@pytest.mark.parametrize("row", ROWS)
@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_row_for_every_role(row: Transition, role: Role) -> None:
    complaint = complaint_in(row.source)
    if row.event is E.FOLLOW_UP_DRAFTED:  # a unit drafts what its liaison disposed to it
        complaint = step(complaint, E.DISPOSED)
    actor = actor_for(role, complaint)
    at = complaint.history[-1].occurred_at + timedelta(hours=1)
    payload = payload_for(row.event, complaint, role)
    if role not in row.roles:
        with pytest.raises(PermissionDenied) as info:
            apply(complaint, row.event, actor=actor, at=at, payload=payload)
        assert info.value.role == role.value
        return
    no_agency_yet = complaint.agency is None and not complaint.returned_by
    if row.event is E.ESCALATED and role is R.REPORTER and no_agency_yet:
        # a reporter escalates only to the Ombudsman, which needs a prior complaint to an agency
        with pytest.raises(TransitionError, match="Ombudsman needs a prior complaint"):
            apply(complaint, row.event, actor=actor, at=at, payload=payload)
        return
    after = apply(complaint, row.event, actor=actor, at=at, payload=payload)
    assert after.status is row.target
    assert after.version == complaint.version + 1
    assert after.history[-1].type == row.event.value
    assert after.history[-1].actor == actor


@pytest.mark.parametrize("status", list(Status), ids=[s.value for s in Status])
def test_events_outside_the_table_raise_transition_error(status: Status) -> None:
    complaint = complaint_in(status)
    allowed = set(LAPOR_TABLE.allowed_events(status))
    for event in EventType:
        if event.value in allowed or event is E.SUBMITTED:
            continue
        with pytest.raises(TransitionError) as info:
            apply(
                complaint,
                event,
                actor=actor_for(R.SYSTEM, complaint),
                at=complaint.history[-1].occurred_at,
                payload=payload_for(event, complaint, R.SYSTEM),
            )
        assert info.value.status == status.value
        assert info.value.event == event.value
        assert set(info.value.allowed) == allowed


def test_final_statuses_allow_nothing_and_closed_ones_no_agency_action() -> None:
    for status in Status:
        rows = LAPOR_TABLE.rows_from(status)
        if status.is_final:
            assert rows == ()
        if status.is_closed:
            assert not any(R.LIAISON in r.roles for r in rows)


def test_mermaid_lists_every_status_and_row() -> None:
    text = to_mermaid()
    assert text.startswith("stateDiagram-v2\n")
    for status in Status:
        assert f'state "{status.label}" as {status.value}' in text
    for row in LAPOR_TABLE.rows:
        assert f"{row.event.value} [" in text
    assert 'state "Completed" as completed' in to_mermaid(lang="en")


def test_docs_embed_the_current_diagram_and_table() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert f"```mermaid\n{to_mermaid()}```" in doc, "run: python -m sp4n.lifecycle.docs"
    assert LAPOR_TABLE.to_markdown() in doc, "run: python -m sp4n.lifecycle.docs"
