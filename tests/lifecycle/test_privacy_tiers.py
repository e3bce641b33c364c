"""One rule for privacy tiers, on every path that sets or changes one (decision 0130)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lifecycle_kit import T0, actor_for, new_complaint
from sp4n import Desk
from sp4n.cli import main
from sp4n.errors import TransitionError
from sp4n.lifecycle import (
    Actor,
    ComplaintDraft,
    Reporter,
    Role,
    Visibility,
    apply,
    visibility_change_problem,
)

AT = dt.datetime(2026, 8, 3, 2, 0, tzinfo=dt.UTC)
ADMIN = Actor(id="admin.bky", role=Role.ADMIN, region="61.07")
TIERS = [v.value for v in Visibility]


def _draft(visibility: str) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title="Pungli di kantor desa",
        body="Diminta uang untuk surat keterangan.",
        region="61.07",
        topic="road",
        channel="web",
        reporter=Reporter(id="warga-7", name="Warga Tujuh", email="w7@example.org"),
        visibility=visibility,
    )


_OFFICIAL_MAY = {("public", "anonymous"), ("public", "confidential")}
"""The only changes an official may make: from public to a more protective tier."""


@pytest.mark.parametrize("old", TIERS)
@pytest.mark.parametrize("new", TIERS)
def test_the_rule_lets_officials_only_protect_a_public_report(old: str, new: str) -> None:
    c = new_complaint(old)
    admin = actor_for(Role.ADMIN, c)
    reporter = actor_for(Role.REPORTER, c)
    problem = visibility_change_problem(c, admin, Visibility(new))
    if old == new or (old, new) in _OFFICIAL_MAY:
        assert problem is None
    else:
        assert problem is not None
        assert "only the reporter" in problem
    assert visibility_change_problem(c, reporter, Visibility(new)) is None


@pytest.mark.parametrize("old", ["anonymous", "confidential"])
@pytest.mark.parametrize("new", TIERS)
def test_verify_cannot_lift_a_protected_report(old: str, new: str) -> None:
    c = new_complaint(old)
    admin = actor_for(Role.ADMIN, c)
    payload = {"visibility": new}
    if old == new:
        assert apply(c, "verified", actor=admin, at=T0, payload=payload).visibility.value == old
        return
    with pytest.raises(TransitionError, match="only the reporter"):
        apply(c, "verified", actor=admin, at=T0, payload=payload)


@pytest.mark.parametrize(("old", "new"), [("anonymous", "public"), ("confidential", "public"),
                                          ("anonymous", "confidential"),
                                          ("confidential", "anonymous")])  # fmt: skip
def test_desk_verify_and_set_visibility_refuse_the_same_lift(old: str, new: str) -> None:
    with Desk.open("memory://", clock=lambda: AT) as desk:
        ref = desk.submit(_draft(old)).tracking_id
        with pytest.raises(TransitionError, match="only the reporter") as via_verify:
            desk.verify(ref, visibility=new, actor=ADMIN)
        with pytest.raises(TransitionError, match="only the reporter") as via_set:
            desk.set_visibility(ref, new, actor=ADMIN)
        assert via_verify.value.reason == via_set.value.reason
        assert desk.get(ref).version == 1  # nothing half-written
        assert desk.get(ref).visibility.value == old
        desk.set_visibility(ref, new)  # the reporter (the default actor) may
        assert desk.get(ref).visibility.value == new


def test_desk_verify_may_still_protect_a_public_report() -> None:
    with Desk.open("memory://", clock=lambda: AT) as desk:
        ref = desk.submit(_draft("public")).tracking_id
        assert desk.verify(ref, visibility="anonymous", actor=ADMIN).visibility.value == (
            "anonymous"
        )


def test_cli_verify_cannot_lift_anonymity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'v.db'}"]
    assert main(["submit", "--title", "Pungli", "--body", "Diminta uang.", "--region", "61.07",
                 "--topic", "road", "--email", "w@example.org", "--visibility", "anonymous",
                 "--json", *db]) == 0  # fmt: skip
    out = capsys.readouterr().out
    ref = out.split('"tracking_id": "')[1].split('"')[0]
    assert main(["verify", ref, "--visibility", "public", *db]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "only the reporter may lift anonymity" in err
    assert main(["show", ref, "--json", *db]) == 0
    assert '"visibility": "anonymous"' in capsys.readouterr().out


def test_a_relayed_complaint_cannot_become_confidential() -> None:
    """Its copy on the hub is public, and sp4n cannot take it back (decision 0130)."""
    with Desk.open("memory://", clock=lambda: AT) as desk:
        ref = desk.submit(_draft("public")).tracking_id
        desk.verify(ref)
        desk.forward(ref, "61.07-kantah", remote=("https://hub.example.id/open311/v2", "77"))
        for actor in (None, ADMIN):  # the reporter too: a promise sp4n cannot keep
            with pytest.raises(TransitionError, match="relayed over Open311"):
                desk.set_visibility(ref, "confidential", actor=actor)
        assert desk.get(ref).visibility.value == "public"
        assert desk.set_visibility(ref, "anonymous").visibility.value == "anonymous"
