"""``merge`` respects the admin's region scope and never merges into a closed complaint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sp4n import Desk
from sp4n.cli import main
from sp4n.errors import InvalidInputError, PermissionDenied
from sp4n.lifecycle import Actor, ComplaintDraft, Reporter, Role

AT = dt.datetime(2026, 8, 3, 2, 0, tzinfo=dt.UTC)
BENGKAYANG = Actor(id="admin.bky", role=Role.ADMIN, region="61.07")


def _draft(region: str, title: str) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=title,
        body="Jalan berlubang di depan pasar.",
        region=region,
        topic="road",
        channel="web",
        reporter=Reporter(id=f"warga-{title}", email="w@example.org"),
    )


def test_a_regional_admin_cannot_merge_into_another_region_s_complaint() -> None:
    with Desk.open("memory://", clock=lambda: AT) as desk:
        mine = desk.submit(_draft("61.07", "a")).tracking_id
        theirs = desk.submit(_draft("32.73", "b")).tracking_id
        with pytest.raises(PermissionDenied, match=r"outside admin region 61\.07"):
            desk.merge(mine, theirs, actor=BENGKAYANG)
        assert desk.get(mine).status.value == "submitted"  # nothing written
        assert desk.get(theirs).version == 1
        other = desk.submit(_draft("61.07.01", "c")).tracking_id
        assert desk.merge(mine, other, actor=BENGKAYANG).status.value == "merged"


@pytest.mark.parametrize("closing", ["archive", "merge", "complete"])
def test_nothing_is_merged_into_a_closed_complaint(closing: str) -> None:
    with Desk.open("memory://", clock=lambda: AT) as desk:
        target = desk.submit(_draft("61.07", "target")).tracking_id
        duplicate = desk.submit(_draft("61.07", "dup")).tracking_id
        if closing == "archive":
            desk.archive(target, "spam")
        elif closing == "merge":
            third = desk.submit(_draft("61.07", "third")).tracking_id
            desk.merge(target, third)
        else:
            desk.verify(target)
            desk.forward(target, attributes={"road_status": "kabupaten"})
            desk.follow_up(target, "Sudah ditambal.")
            desk.complete(target)
        status = desk.get(target).status.value
        with pytest.raises(InvalidInputError) as info:
            desk.merge(duplicate, target)
        assert info.value.field == "into"
        assert status in str(info.value)
        assert desk.get(duplicate).version == 1


def test_cli_merge_out_of_scope_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    with Desk.open(url, clock=lambda: AT) as desk:
        mine = desk.submit(_draft("61.07", "a")).tracking_id
        theirs = desk.submit(_draft("32.73", "b")).tracking_id
    code = main(["merge", mine, "--into", theirs, "--role", "admin", "--region", "61.07",
                 "--db", url])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "61.07" in err
