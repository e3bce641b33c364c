"""Guards, scope details, payload rules and notification texts, one behaviour per test."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from lifecycle_kit import REPORTER, T0, actor_for, complaint_in, draft, new_complaint, step
from sp4n.errors import InvalidInputError, PermissionDenied, TransitionError
from sp4n.lifecycle import (
    LAPOR_TABLE,
    Actor,
    ComplaintDraft,
    EventType,
    LifecycleRules,
    Role,
    Status,
    allowed_events,
    apply,
    can_read,
    in_region,
    public_view,
    render_notification,
    replay,
)

E = EventType


def later(c: object) -> object:
    return c.history[-1].occurred_at + timedelta(hours=1)  # type: ignore[attr-defined]


def test_region_prefix_matches_whole_segments() -> None:
    assert in_region("32.73", "32")
    assert in_region("32.73.01", "32.73")
    assert in_region("32.73", None)
    assert not in_region("32.73", "3")
    assert not in_region("32.73", "32.7")
    assert not in_region("33.01", "32")


def test_allowed_events_respect_role_and_scope() -> None:
    c = complaint_in(Status.FORWARDED)
    liaison = actor_for(Role.LIAISON, c)
    assert set(allowed_events(c, liaison)) == {
        "acknowledged",
        "extended",
        "followed_up",
        "info_requested",
        "returned",
    }
    assert allowed_events(c, Actor("x", Role.LIAISON, agency="dinas-lain")) == ()
    assert set(allowed_events(c)) == set(LAPOR_TABLE.allowed_events(Status.FORWARDED))
    assert allowed_events(complaint_in(Status.ARCHIVED)) == ()


def test_supervisor_scope_by_region_and_agency() -> None:
    c = complaint_in(Status.FORWARDED)
    assert can_read(c, Actor("ori-pusat", Role.SUPERVISOR))
    assert can_read(c, Actor("inspektorat", Role.SUPERVISOR, agency=c.agency))
    assert not can_read(c, Actor("inspektorat-lain", Role.SUPERVISOR, agency="dinas-lain"))
    assert not can_read(c, Actor("ori-bali", Role.SUPERVISOR, region="51"))
    with pytest.raises(PermissionDenied, match="does not oversee"):
        apply(
            c,
            "escalated",
            actor=Actor("insp", Role.SUPERVISOR, agency="dinas-lain"),
            at=later(c),
            payload={"target": "superior", "reason": "lambat"},
        )


def test_an_extension_never_lowers_the_tier() -> None:
    c = complaint_in(Status.FORWARDED)
    c = apply(
        c,
        "extended",
        actor=actor_for(Role.LIAISON, c),
        at=later(c),
        payload={"reason": "survei", "tier": "dispute"},
        rules=LifecycleRules(max_extensions=3),
    )
    assert c.tier is not None
    assert c.tier.value == "dispute"
    with pytest.raises(TransitionError, match="cannot lower the tier"):
        apply(
            c,
            "extended",
            actor=actor_for(Role.LIAISON, c),
            at=later(c),
            payload={"reason": "x", "tier": "simple"},
            rules=LifecycleRules(max_extensions=3),
        )


def test_escalation_guards() -> None:
    fresh = new_complaint()
    sup = actor_for(Role.SUPERVISOR, fresh)
    with pytest.raises(TransitionError, match="no superior"):
        apply(fresh, "escalated", actor=sup, at=T0, payload={"target": "superior", "reason": "r"})
    forwarded = complaint_in(Status.FORWARDED)
    reporter = actor_for(Role.REPORTER, forwarded)
    with pytest.raises(TransitionError, match="only to the Ombudsman"):
        apply(
            forwarded,
            "escalated",
            actor=reporter,
            at=later(forwarded),
            payload={"target": "supervisor", "reason": "r"},
        )
    to_ombudsman = apply(
        forwarded,
        "escalated",
        actor=reporter,
        at=later(forwarded),
        payload={"target": "ombudsman", "reason": "r"},
    )
    assert to_ombudsman.status is Status.FORWARDED
    assert to_ombudsman.escalations == ("ombudsman",)


def test_merge_and_duplicate_archive() -> None:
    c = new_complaint()
    admin = actor_for(Role.ADMIN, c)
    with pytest.raises(TransitionError, match="into itself"):
        apply(c, "merged", actor=admin, at=T0, payload={"into": c.tracking_id})
    merged = apply(c, "merged", actor=admin, at=T0, payload={"into": "LAPOR-2026-0000-00000"})
    assert merged.merged_into == "LAPOR-2026-0000-00000"
    dup = apply(c, "archived", actor=admin, at=T0, payload={"reason": "duplicate", "of": "X-1"})
    assert dup.archive_reason == "duplicate"
    assert dup.history[-1].payload["of"] == "X-1"


def test_reopen_limit_and_visibility_rules() -> None:
    done = complaint_in(Status.COMPLETED)
    reopened = step(done, E.REOPENED)
    again = step(step(reopened, E.FOLLOWED_UP), E.COMPLETED)
    with pytest.raises(TransitionError, match="already reopened 1 times"):
        apply(
            again,
            "reopened",
            actor=actor_for(Role.REPORTER, again),
            at=later(again),
            payload={"reason": "lagi"},
        )
    c = new_complaint()
    admin = actor_for(Role.ADMIN, c)
    with pytest.raises(TransitionError, match="already public"):
        apply(c, "visibility_changed", actor=admin, at=T0, payload={"visibility": "public"})
    secret = apply(
        c, "visibility_changed", actor=admin, at=T0, payload={"visibility": "confidential"}
    )
    assert public_view(secret) is None
    with pytest.raises(TransitionError, match="only the reporter may make a report public"):
        apply(secret, "visibility_changed", actor=admin, at=T0, payload={"visibility": "public"})
    public_again = apply(
        secret,
        "visibility_changed",
        actor=actor_for(Role.REPORTER, secret),
        at=T0,
        payload={"visibility": "public"},
    )
    assert public_view(public_again) is not None


def test_verification_can_set_tier_and_visibility() -> None:
    c = new_complaint()
    v = apply(
        c,
        "verified",
        actor=actor_for(Role.ADMIN, c),
        at=T0,
        payload={"tier": "field_examination", "visibility": "anonymous"},
    )
    assert v.tier is not None
    assert v.tier.value == "field_examination"
    assert v.visibility.value == "anonymous"
    assert replay(v.history) == v


@pytest.mark.parametrize(
    ("event", "payload", "field"),
    [
        ("completed", {"by": "reporter"}, "payload.by"),
        ("followed_up", {"text": "ok", "decided_on": "kemarin"}, "payload.decided_on"),
        ("escalated", {"target": "presiden", "reason": "r"}, "payload.target"),
        ("forwarded", {"agency": "a", "reasons": "satu alasan"}, "payload.reasons"),
        ("extended", {"reason": "r", "working_days": 0}, "payload.working_days"),
        ("held", {"reason": "   "}, "payload.reason"),
    ],
)
def test_payload_errors_name_the_key(event: str, payload: dict[str, object], field: str) -> None:
    status = {
        "completed": Status.FOLLOWED_UP,
        "followed_up": Status.FORWARDED,
        "escalated": Status.FORWARDED,
        "forwarded": Status.VERIFIED,
        "extended": Status.FORWARDED,
        "held": Status.SUBMITTED,
    }[event]
    c = complaint_in(status)
    row = LAPOR_TABLE.row(status, event)
    assert row is not None
    role = Role.SUPERVISOR if event == "escalated" else sorted(row.roles)[0]
    if event == "completed":
        role = Role.SYSTEM
    with pytest.raises(InvalidInputError) as info:
        apply(c, event, actor=actor_for(role, c), at=later(c), payload=payload)
    assert info.value.field == field


def test_follow_up_keeps_a_decision_date() -> None:
    c = complaint_in(Status.FORWARDED)
    f = apply(
        c,
        "followed_up",
        actor=actor_for(Role.LIAISON, c),
        at=later(c),
        payload={"text": "Sudah diperbaiki.", "decided_on": "2026-03-04"},
    )
    assert f.history[-1].payload["decided_on"] == "2026-03-04"


def test_draft_accepts_mappings_and_round_trips_its_payload() -> None:
    d = ComplaintDraft(
        kind="aspirasi",
        title="Taman kota",
        body="Mohon tambah bangku.",
        region="32.73",
        topic="lingkungan",
        channel="sms",
        reporter={"id": "u-2", "phone": "+628111111111"},
        location={"lat": -6.9, "lon": 107.6, "address": "Alun-alun"},
        attachments=[{"name": "foto.jpg", "media_type": "image/jpeg", "size_bytes": 1200}],
    )
    assert ComplaintDraft.from_payload(d.to_payload()) == d
    missing = d.to_payload()
    del missing["topic"]
    with pytest.raises(InvalidInputError, match="topic"):
        ComplaintDraft.from_payload(missing)


def test_replay_rejects_events_of_another_complaint() -> None:
    a = complaint_in(Status.VERIFIED)
    other = step(new_complaint(reporter=attrs.evolve(REPORTER, id="warga-2")), E.VERIFIED)
    with pytest.raises(InvalidInputError, match="one complaint"):
        replay([a.history[0], other.history[1]])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_event_renders_a_notification_for_every_role(lang: str) -> None:
    c = step(step(complaint_in(Status.COMPLETED), E.RATED), E.REOPENED)
    for event in c.history:
        for role in Role:
            text = render_notification(c, event, role, lang)
            assert c.tracking_id in text
            assert "{" not in text
    returned = complaint_in(Status.RETURNED)
    text = render_notification(returned, returned.history[-1], Role.ADMIN)
    assert "bukan wewenang" in text
    assert "bukan kewenangan kami" in text


def test_public_view_hides_storage_refs_and_internal_fields() -> None:
    d = attrs.evolve(
        draft(),
        attachments=[
            {"name": "a.jpg", "media_type": "image/jpeg", "size_bytes": 5, "ref": "s3://x"}
        ],
    )
    from sp4n.lifecycle import submit

    c = submit(d, actor=Actor(REPORTER.id, Role.REPORTER), at=T0)
    view = public_view(c)
    assert view is not None
    assert view["attachments"] == [{"name": "a.jpg", "media_type": "image/jpeg", "size_bytes": 5}]
    assert "returned_by" not in view
    assert "id" not in view["history"][0]["actor"]
