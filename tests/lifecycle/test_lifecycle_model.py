"""Complaint values, submit, apply and replay: validation and the event-sourcing rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest

from lifecycle_kit import REPORTER, T0, actor_for, complaint_in, draft, new_complaint, step
from sp4n.errors import (
    InvalidInputError,
    MalformedRegionCodeError,
    NaiveDatetimeError,
    PermissionDenied,
    TransitionError,
)
from sp4n.lifecycle import (
    Actor,
    ComplaintDraft,
    EventType,
    LifecycleRules,
    Location,
    Reporter,
    Role,
    Status,
    apply,
    event_id,
    replay,
    submit,
    tracking_id_for,
    tracking_id_is_valid,
)

E = EventType
GOOD = {
    "kind": "pengaduan",
    "title": "Lampu jalan mati",
    "body": "Sudah seminggu.",
    "region": "3273",
    "topic": "penerangan",
    "channel": "mobile",
    "reporter": {"id": "u-9"},
}


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("title", "   ", "must not be empty"),
        ("title", "x" * 201, "at most 200"),
        ("title", "dua\nbaris", "single line"),
        ("body", "y" * 10_001, "at most 10000"),
        ("kind", "keluhan", "must be one of pengaduan, aspirasi, permintaan_informasi"),
        ("visibility", "secret", "must be one of public, anonymous, confidential"),
        ("topic", "Topik Dengan Spasi", "short identifier"),
        ("reporter", "u-9", "must be a Reporter"),
    ],
)
def test_draft_rejects_bad_fields_naming_field_value_rule(
    field: str, value: object, rule: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        ComplaintDraft(**{**GOOD, field: value})  # type: ignore[arg-type]
    assert info.value.field == field
    assert rule in info.value.rule
    assert field in str(info.value)


def test_draft_rejects_a_malformed_region() -> None:
    with pytest.raises(MalformedRegionCodeError):
        ComplaintDraft(**{**GOOD, "region": "32-73"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (91, 0, "location.lat"),
        (-6.9, 181, "location.lon"),
        (float("nan"), 107.6, "location.lat"),
        ("x", 1, "location.lat"),
    ],
)
def test_location_rejects_impossible_coordinates(lat: object, lon: object, field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Location(lat=lat, lon=lon)  # type: ignore[arg-type]
    assert info.value.field == field


def test_reporter_contact_details_are_checked() -> None:
    with pytest.raises(InvalidInputError, match=r"reporter.email"):
        Reporter(id="u", email="not-an-address")
    with pytest.raises(InvalidInputError, match=r"reporter.phone"):
        Reporter(id="u", phone="call me")


def test_attachments_are_checked() -> None:
    with pytest.raises(InvalidInputError, match=r"attachment\.media_type"):
        ComplaintDraft(
            **{**GOOD, "attachments": [{"name": "a.jpg", "media_type": "jpeg", "size_bytes": 1}]}
        )  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"attachment\.size_bytes"):
        ComplaintDraft(
            **{
                **GOOD,
                "attachments": [{"name": "a.jpg", "media_type": "image/jpeg", "size_bytes": -1}],
            }
        )  # type: ignore[arg-type]


def test_submit_rejects_naive_datetimes_and_strangers() -> None:
    with pytest.raises(NaiveDatetimeError):
        submit(draft(), actor=Actor(REPORTER.id, Role.REPORTER), at=datetime(2026, 3, 2, 9))
    with pytest.raises(PermissionDenied):
        submit(draft(), actor=Actor("someone-else", Role.REPORTER), at=T0)
    with pytest.raises(PermissionDenied):
        submit(draft(), actor=Actor("l", Role.LIAISON, agency="x"), at=T0)


def test_submit_is_deterministic_and_tracking_ids_are_readable() -> None:
    a, b = new_complaint(), new_complaint()
    assert a == b
    assert a.tracking_id.startswith("LAPOR-2026-")
    assert tracking_id_is_valid(a.tracking_id)
    assert a.tracking_id == tracking_id_for(a.complaint_id, T0)
    assert a.history[0].id == event_id(a.complaint_id, 1)
    assert a.status is Status.SUBMITTED
    assert a.version == 1
    payload = a.history[0].payload
    for key in ("title", "body", "kind", "region", "topic", "channel", "visibility", "tracking_id"):
        assert key in payload
    assert payload["reporter"]["id"] == REPORTER.id


def test_tracking_id_check_symbol_catches_a_typo() -> None:
    good = new_complaint().tracking_id
    symbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    i = good.index("-", 6) + 1
    typo = good[:i] + next(c for c in symbols if c != good[i]) + good[i + 1 :]
    assert not tracking_id_is_valid(typo)
    with pytest.raises(InvalidInputError, match="tracking_id"):
        attrs.evolve(new_complaint(), tracking_id=typo)


def test_complaint_version_must_match_history() -> None:
    with pytest.raises(InvalidInputError, match="version"):
        attrs.evolve(new_complaint(), version=3)


def test_apply_appends_one_event_and_leaves_the_original_alone() -> None:
    c = new_complaint()
    v = step(c, E.VERIFIED)
    assert c.version == 1
    assert c.status is Status.SUBMITTED
    assert v.version == 2
    assert v.history[:1] == c.history
    assert v.history[-1].seq == 2
    assert v.tier is not None


def test_illegal_transition_names_status_event_and_allowed() -> None:
    c = new_complaint()
    with pytest.raises(TransitionError) as info:
        apply(c, "followed_up", actor=actor_for(Role.LIAISON, c), at=T0, payload={"text": "x"})
    assert info.value.status == "submitted"
    assert info.value.event == "followed_up"
    assert "verified" in info.value.allowed
    assert "held" in info.value.allowed
    assert "submitted" in str(info.value)
    assert "followed_up" in str(info.value)
    with pytest.raises(TransitionError):
        apply(c, "no_such_event", actor=actor_for(Role.ADMIN, c), at=T0)


def test_permission_denied_names_role_and_scope() -> None:
    c = complaint_in(Status.FORWARDED)
    outsider = Actor("l-2", Role.LIAISON, agency="dinas-lain")
    with pytest.raises(PermissionDenied) as info:
        apply(c, "acknowledged", actor=outsider, at=T0 + timedelta(days=1))
    assert info.value.role == "liaison"
    assert info.value.scope == "dinas-lain"
    bali_admin = Actor("adm-bali", Role.ADMIN, region="51")
    with pytest.raises(PermissionDenied, match="outside admin region 51"):
        apply(new_complaint(), "verified", actor=bali_admin, at=T0)
    near_miss = Actor("adm-3", Role.ADMIN, region="3")  # not a prefix by segment
    with pytest.raises((PermissionDenied, InvalidInputError)):
        apply(new_complaint(), "verified", actor=near_miss, at=T0)
    other = Actor("warga-99", Role.REPORTER)
    with pytest.raises(PermissionDenied, match="own complaint"):
        apply(c, "reporter_replied", actor=other, at=T0 + timedelta(days=1), payload={"text": "x"})


def test_bad_payloads_name_the_key() -> None:
    c = new_complaint()
    admin = actor_for(Role.ADMIN, c)
    with pytest.raises(InvalidInputError) as info:
        apply(c, "archived", actor=admin, at=T0, payload={"reason": "boring"})
    assert info.value.field == "payload.reason"
    with pytest.raises(InvalidInputError, match=r"payload\.of"):
        apply(c, "archived", actor=admin, at=T0, payload={"reason": "duplicate"})
    done = complaint_in(Status.COMPLETED)
    with pytest.raises(InvalidInputError, match=r"payload\.score"):
        apply(
            done,
            "rated",
            actor=actor_for(Role.REPORTER, done),
            at=done.history[-1].occurred_at,
            payload={"score": 6},
        )


def test_time_may_not_run_backwards() -> None:
    c = step(new_complaint(), E.VERIFIED, at=T0 + timedelta(days=1))
    with pytest.raises(InvalidInputError, match="earlier than the last event"):
        apply(c, "archived", actor=actor_for(Role.ADMIN, c), at=T0, payload={"reason": "spam"})


def test_guards_refuse_with_a_reason() -> None:
    returned = complaint_in(Status.RETURNED)
    agency = returned.returned_by[0]
    with pytest.raises(TransitionError, match="already returned it"):
        apply(
            returned,
            "forwarded",
            actor=actor_for(Role.ADMIN, returned),
            at=returned.history[-1].occurred_at,
            payload={"agency": agency, "reasons": []},
        )
    forwarded = complaint_in(Status.FORWARDED)
    liaison = actor_for(Role.LIAISON, forwarded)
    at = forwarded.history[-1].occurred_at
    with pytest.raises(TransitionError, match="exceeds the cap of 7"):
        apply(
            forwarded,
            "extended",
            actor=liaison,
            at=at,
            payload={"reason": "survei", "working_days": 20},
        )
    rules = LifecycleRules(max_extensions=1)
    once = apply(
        forwarded, "extended", actor=liaison, at=at, payload={"reason": "survei"}, rules=rules
    )
    with pytest.raises(TransitionError, match="already extended 1 times"):
        apply(once, "extended", actor=liaison, at=at, payload={"reason": "lagi"}, rules=rules)
    anon = complaint_in(Status.SUBMITTED, visibility="anonymous")
    with pytest.raises(TransitionError, match="only the reporter may lift anonymity"):
        apply(
            anon,
            "visibility_changed",
            actor=actor_for(Role.ADMIN, anon),
            at=T0,
            payload={"visibility": "public"},
        )


def test_returned_then_reforwarded_records_the_agency() -> None:
    c = complaint_in(Status.RETURNED)
    assert c.agency is None
    assert len(c.returned_by) == 1
    again = step(c, E.FORWARDED)
    assert again.agency not in c.returned_by
    assert again.status is Status.FORWARDED


def test_completion_rating_and_reopening() -> None:
    done = complaint_in(Status.COMPLETED)
    assert done.history[-1].payload["by"] in ("admin", "reporter", "system")
    rated = step(done, E.RATED)
    assert rated.rating == 4
    with pytest.raises(TransitionError, match="already rated"):
        apply(
            rated,
            "rated",
            actor=actor_for(Role.REPORTER, rated),
            at=rated.history[-1].occurred_at,
            payload={"score": 1},
        )
    reopened = step(rated, E.REOPENED)
    assert reopened.status is Status.IN_PROGRESS
    assert reopened.reopenings == 1


@pytest.mark.parametrize("status", list(Status), ids=[s.value for s in Status])
def test_replay_equals_the_folded_complaint(status: Status) -> None:
    c = complaint_in(status)
    assert replay(c.history) == c


def test_replay_rejects_gaps_foreign_events_and_illegal_orders() -> None:
    c = complaint_in(Status.FOLLOWED_UP)
    events = list(c.history)
    with pytest.raises(InvalidInputError, match="without gaps"):
        replay([events[0], *events[2:]])
    with pytest.raises(InvalidInputError, match="submitted event"):
        replay(events[1:])
    with pytest.raises(InvalidInputError):
        replay([])
    bad = attrs.evolve(events[1], type="followed_up")
    with pytest.raises(TransitionError):
        replay([events[0], bad, *events[2:]])
    stripped = attrs.evolve(events[2], payload={"reasons": []})  # a forwarded event, no agency
    with pytest.raises(InvalidInputError, match=r"events\[2\]\.payload\.agency"):
        replay([*events[:2], stripped])
    backwards = attrs.evolve(events[1], occurred_at=T0 - timedelta(days=1))
    with pytest.raises(InvalidInputError, match="time runs backwards"):
        replay([events[0], backwards])


def test_events_round_trip_through_dicts() -> None:
    from sp4n.lifecycle import Event

    c = complaint_in(Status.COMPLETED)
    again = replay([Event.from_dict(e.to_dict()) for e in c.history])
    assert again == c


def test_default_extension_caps_match_the_lapor_policy() -> None:
    from sp4n.lifecycle import DEFAULT_RULES
    from sp4n.sla import load_policy

    caps = [r.extension for r in load_policy().rules if r.extension is not None]
    assert caps
    assert DEFAULT_RULES.max_extensions == max(c.max_times for c in caps)
    assert DEFAULT_RULES.max_extension_working_days == max(c.max_working_days for c in caps)
    assert LifecycleRules.from_policy(load_policy()) == DEFAULT_RULES
    kutai = LifecycleRules.from_policy(load_policy(region="64.08"), referral="continue")
    assert kutai.referral.value == "continue"
