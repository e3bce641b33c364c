"""Guests get one reporter identity per submission, proved by a secret token (decision 0131)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from sp4n import Desk
from sp4n.adapters.channels import WebFormChannel
from sp4n.errors import InvalidInputError, PermissionDenied
from sp4n.lifecycle import Role, guest_actor, guest_reporter_id
from sp4n.open311 import make_site

AT = dt.datetime(2026, 8, 3, 2, 0, tzinfo=dt.UTC)
KEY = "kunci-portal"
FORM = {"title": "Lampu mati", "body": "Gelap sejak Senin.", "topic": "road"}


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    with Desk.open(f"sqlite:///{tmp_path / 'g.db'}", clock=lambda: AT) as opened:
        yield opened


def _store_bytes(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp_path.glob("g.db*"))


def test_two_web_guests_are_two_reporters(desk: Desk, tmp_path: Path) -> None:
    web = WebFormChannel("61.07")
    first = web.parse({**FORM, "email": "a@example.org"}, received_at=AT)
    second = web.parse({**FORM, "title": "Lampu mati lagi"}, received_at=AT)
    assert first.guest_token
    assert second.guest_token
    assert first.guest_token != second.guest_token
    a = desk.submit(first)
    b = desk.submit(second)
    assert a.reporter.id != b.reporter.id
    assert a.reporter.id == guest_reporter_id("web", first.guest_token)
    guest_a, guest_b = guest_actor("web", first.guest_token), guest_actor("web", second.guest_token)
    assert guest_a.role is Role.REPORTER
    assert desk.view(a.tracking_id, guest_a)["reporter"]["email"] == "a@example.org"
    with pytest.raises(PermissionDenied):
        desk.view(a.tracking_id, guest_b)
    with pytest.raises(PermissionDenied):
        desk.set_visibility(a.tracking_id, "anonymous", actor=guest_b)
    assert desk.set_visibility(a.tracking_id, "anonymous", actor=guest_a).visibility.value == (
        "anonymous"
    )
    stored = _store_bytes(tmp_path)
    assert first.guest_token.encode() not in stored  # only its hash is kept
    assert second.guest_token.encode() not in stored
    assert first.guest_token not in repr(first)


def test_a_form_cannot_claim_someone_else_s_identity() -> None:
    web = WebFormChannel("61.07")
    with pytest.raises(InvalidInputError) as info:
        web.parse({**FORM, "reporter_id": "email:korban@example.org"}, received_at=AT)
    assert info.value.field == "form"
    # an e-mail address is a contact, not an identity: two forms with one address differ
    one = web.parse({**FORM, "email": "korban@example.org"}, received_at=AT)
    two = web.parse({**FORM, "email": "korban@example.org"}, received_at=AT)
    assert one.draft.reporter.id != two.draft.reporter.id
    # a portal that authenticated its user names them itself, and gets no token
    signed_in = web.parse(FORM, received_at=AT, reporter_id="nik:6107000000000001")
    assert signed_in.draft.reporter.id == "nik:6107000000000001"
    assert signed_in.guest_token is None


@pytest.mark.parametrize("token", ["", " ", "x" * 300, 42, "ab\ud800cd", None])
def test_a_bad_token_is_a_typed_error(token: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        guest_actor("web", token)  # type: ignore[arg-type]
    assert info.value.field == "token"
    assert str(token) not in str(info.value) or token in ("", " ")


def _post(base: str, **fields: str) -> dict[str, Any]:
    params = {
        "api_key": KEY,
        "service_code": "road",
        "lat": "0.8456",
        "long": "109.4777",
        "description": "Jalan kabupaten di Sebalo berlubang besar.",
        "attribute[road_status]": "kabupaten",
        **fields,
    }
    request = urllib.request.Request(
        f"{base}/open311/v2/requests.json", data=urlencode(params).encode()
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        [created] = json.loads(response.read())
        return created  # type: ignore[no-any-return]


def test_open311_guests_get_their_own_identity_and_token(desk: Desk, tmp_path: Path) -> None:
    server = make_server(
        "127.0.0.1", 0, make_site(desk, api_keys=[KEY], region="61.07"), handler_class=_Quiet
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        one = _post(base, email="sama@example.org")
        two = _post(base, email="sama@example.org", description="Jembatan retak di Ledo.")
        with_account = _post(base, account_id="akun-9", description="Lampu jalan mati.")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert one["token"] != two["token"]
    a, b = desk.get(one["service_request_id"]), desk.get(two["service_request_id"])
    assert a.reporter.id == guest_reporter_id("open311", one["token"])
    assert b.reporter.id == guest_reporter_id("open311", two["token"])
    desk.view(a.tracking_id, guest_actor("open311", one["token"]))
    with pytest.raises(PermissionDenied):
        desk.view(a.tracking_id, guest_actor("open311", two["token"]))
    assert "token" not in with_account or with_account["token"] is None
    assert desk.get(with_account["service_request_id"]).reporter.id == "open311:akun-9"
    stored = _store_bytes(tmp_path)
    assert one["token"].encode() not in stored
