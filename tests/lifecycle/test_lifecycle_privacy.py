"""Privacy in three tiers: redacted views, the public feed, notification texts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifecycle_kit import T0, actor_for, complaint_in, draft, step
from sp4n.errors import InvalidInputError, PermissionDenied
from sp4n.lifecycle import (
    Actor,
    Complaint,
    EventType,
    Reporter,
    Role,
    Status,
    public_view,
    render_notification,
    submit,
    view_for,
)


def dump(view: Mapping[str, Any] | None) -> str:
    return json.dumps(view, ensure_ascii=False, default=str)


def secrets_of(reporter: Reporter) -> list[str]:
    return [s for s in (reporter.id, reporter.name, reporter.email, reporter.phone) if s]


def test_public_complaint_shows_name_publicly_but_never_contact() -> None:
    c = complaint_in(Status.FOLLOWED_UP)
    feed = public_view(c)
    assert feed is not None
    assert feed["reporter"] == {"anonymous": False, "name": "Siti Aminah"}
    text = dump(feed)
    assert "siti@example.id" not in text
    assert "+6281234567890" not in text
    assert c.reporter.id not in text
    assert "admin-jabar" not in text  # officials' ids stay internal too
    handler = view_for(c, actor_for(Role.LIAISON, c))
    assert handler["reporter"]["email"] == "siti@example.id"


def test_anonymous_identity_is_hidden_even_from_the_agency() -> None:
    c = complaint_in(Status.FOLLOWED_UP, visibility="anonymous")
    for role in (Role.ADMIN, Role.LIAISON, Role.SUPERVISOR):
        view = view_for(c, actor_for(role, c))
        assert view["reporter"] == {"anonymous": True, "handle": c.relay_handle}
        text = dump(view)
        for secret in secrets_of(c.reporter):
            assert secret not in text, (role, secret)
    own = view_for(c, actor_for(Role.REPORTER, c))
    assert own["reporter"]["email"] == "siti@example.id"
    feed = public_view(c)
    assert feed is not None
    assert feed["reporter"] == {"anonymous": True, "handle": None}


def test_confidential_never_reaches_the_public_feed() -> None:
    c = complaint_in(Status.FORWARDED, visibility="confidential")
    assert public_view(c) is None
    assert c.public_view() is None
    assert c.view_for(actor_for(Role.ADMIN, c)) == view_for(c, actor_for(Role.ADMIN, c))
    assert view_for(c, actor_for(Role.LIAISON, c))["reporter"]["name"] == "Siti Aminah"


def test_views_are_read_only_and_scoped() -> None:
    c = complaint_in(Status.FORWARDED)
    view = view_for(c, actor_for(Role.ADMIN, c))
    with pytest.raises(TypeError):
        view["title"] = "x"  # type: ignore[index]
    with pytest.raises(PermissionDenied):
        view_for(c, Actor("l-x", Role.LIAISON, agency="dinas-lain"))
    with pytest.raises(PermissionDenied):
        view_for(c, Actor("warga-lain", Role.REPORTER))
    returned = step(c, EventType.RETURNED)
    former = Actor("penghubung-1", Role.LIAISON, agency=c.agency)
    assert view_for(returned, former)["status"] == "returned"


def test_notifications_are_indonesian_by_default_with_english_available() -> None:
    c = complaint_in(Status.FORWARDED)
    event = c.history[-1]
    text_id = render_notification(c, event, Role.LIAISON)
    text_en = render_notification(c, event, "liaison", lang="en")
    assert "diteruskan ke dinas-pu-bandung" in text_id
    assert "forwarded to dinas-pu-bandung" in text_en
    assert "Siti Aminah" in text_id
    with pytest.raises(InvalidInputError, match="lang"):
        render_notification(c, event, Role.LIAISON, lang="fr")


names = st.from_regex(r"\AZx[a-z]{3,10} Qy[a-z]{3,10}\Z")  # cannot occur in the fixed texts
emails = st.from_regex(r"\Apelapor[0-9]{3,6}@mail[0-9]{2}\.id\Z")
phones = st.from_regex(r"\A\+628[0-9]{9,11}\Z")
ids = st.from_regex(r"\Anik-[0-9]{8,12}\Z")
SCENARIO = (
    EventType.VERIFIED,
    EventType.FORWARDED,
    EventType.INFO_REQUESTED,
    EventType.INFO_PROVIDED,
    EventType.FOLLOWED_UP,
    EventType.REPORTER_REPLIED,
    EventType.FOLLOWED_UP,
    EventType.COMPLETED,
    EventType.RATED,
)


@given(
    reporter=st.builds(Reporter, id=ids, name=names, email=emails, phone=phones),
    steps=st.integers(min_value=0, max_value=len(SCENARIO)),
)
def test_anonymous_contact_never_leaks(reporter: Reporter, steps: int) -> None:
    c: Complaint = submit(
        draft("anonymous", reporter), actor=Actor(reporter.id, Role.REPORTER), at=T0
    )
    for event in SCENARIO[:steps]:
        c = step(c, event)
    texts = [dump(public_view(c))]
    for role in (Role.ADMIN, Role.LIAISON, Role.SUPERVISOR):
        if role is Role.LIAISON and c.agency is None:
            continue
        texts.append(dump(view_for(c, actor_for(role, c))))
    for event in c.history:
        for role in Role:
            if role is Role.REPORTER:
                continue
            for lang in ("id", "en"):
                texts.append(render_notification(c, event, role, lang))
    for text in texts:
        for secret in secrets_of(reporter):
            assert secret not in text
