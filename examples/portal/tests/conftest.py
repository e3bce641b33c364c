"""Fixtures: the portal served for real on 127.0.0.1 over a SQLite file, on a frozen clock."""

from __future__ import annotations

import importlib.util
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.testing import FrozenClock

if importlib.util.find_spec("sp4n_portal") is None:  # not installed (.ci/run installs it):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # test the source

from sp4n_portal import Portal

WIB = ZoneInfo("Asia/Pontianak")  # Kabupaten Bengkayang (61.07)
KEY = "kunci-portal"

Fetch = Callable[..., tuple[int, Message, str]]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture
def clock() -> FrozenClock:
    """Monday 3 August 2026, 09:00 WIB, a working day."""
    return FrozenClock(datetime(2026, 8, 3, 9, 0, tzinfo=WIB))


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'portal.db'}"


@pytest.fixture
def desk(db: str, clock: FrozenClock) -> Iterator[Desk]:
    with Desk.open(db, clock=clock) as opened:
        yield opened


@pytest.fixture
def officer(db: str, clock: FrozenClock, desk: Desk) -> Iterator[Desk]:
    """A second Desk on the same SQLite file: the officers' back office."""
    with Desk.open(db, clock=clock) as opened:
        yield opened


@pytest.fixture
def portal(desk: Desk) -> Iterator[Portal]:
    with Portal(desk, region="61.07", api_keys=[KEY], sweep_every=0.05) as served:
        yield served


@pytest.fixture
def fetch() -> Fetch:
    """``fetch(url, form=None, follow=True) -> (status, headers, text)`` over real HTTP."""

    def call(
        url: str, form: dict[str, str] | None = None, *, follow: bool = True
    ) -> tuple[int, Message, str]:
        handlers = [] if follow else [_NoRedirect()]
        data = None if form is None else urlencode(form).encode()
        try:
            with urllib.request.build_opener(*handlers).open(url, data, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read().decode()

    return call


@pytest.fixture
def submit(portal: Portal, fetch: Fetch) -> Callable[..., str]:
    """``submit(**fields) -> tracking id``: POST the complaint form, as a browser would."""

    def call(**fields: str) -> str:
        form = {"title": "Jalan rusak", "body": "Berlubang sejak Mei.", "topic": "road", **fields}
        status, headers, _ = fetch(portal.url + "/", form, follow=False)
        assert status == 303, status
        location = headers["Location"]
        assert location.startswith("/lacak?id=LAPOR-")
        return unquote(location.removeprefix("/lacak?id="))

    return call
