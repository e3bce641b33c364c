"""Fixtures: the console served for real by waitress on 127.0.0.1, over a SQLite file, on a
frozen clock, with six officers (two regional admins, a liaison, a national supervisor and
an officer of each of the liaison's two work units)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sp4n import Desk
from sp4n.testing import FrozenClock

sys.path.insert(0, str(Path(__file__).resolve().parent))  # console_support, beside this file
if importlib.util.find_spec("sp4n_console") is None:  # not installed: test the source
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from console_support import AGENCY, PASSWORD, WIB, Browser, Server
from sp4n_console import Officer, OfficerBook, hash_password


@pytest.fixture(scope="session")
def officers() -> OfficerBook:
    digest = hash_password(PASSWORD)
    return OfficerBook(
        [
            Officer.build(
                id="admin61", name="Admin Kalbar", role="admin", region="61", password_hash=digest
            ),
            Officer.build(
                id="pupr",
                name="Penghubung PUPR",
                role="liaison",
                agency=AGENCY,
                password_hash=digest,
            ),
            Officer.build(
                id="pengawas", name="Ombudsman RI", role="supervisor", password_hash=digest
            ),
            Officer.build(
                id="admin64", name="Admin Kaltim", role="admin", region="64", password_hash=digest
            ),
            Officer.build(
                id="binamarga",
                name="Bidang Bina Marga",
                role="unit",
                agency=AGENCY,
                unit="bina-marga",
                password_hash=digest,
            ),
            Officer.build(
                id="ciptakarya",
                name="Bidang Cipta Karya",
                role="unit",
                agency=AGENCY,
                unit="cipta-karya",
                password_hash=digest,
            ),
        ]
    )


@pytest.fixture
def clock() -> FrozenClock:
    """Monday 3 August 2026, 09:00 WIB, a working day."""
    return FrozenClock(datetime(2026, 8, 3, 9, 0, tzinfo=WIB))


@pytest.fixture
def desk(tmp_path: Path, clock: FrozenClock) -> Iterator[Desk]:
    with Desk.open(f"sqlite:///{tmp_path / 'console.db'}", clock=clock) as opened:
        yield opened


@pytest.fixture
def server(desk: Desk, officers: OfficerBook) -> Iterator[Server]:
    served = Server(desk, officers)
    try:
        yield served
    finally:
        served.close()


@pytest.fixture
def browser(server: Server) -> Browser:
    return Browser(server.url)


@pytest.fixture
def login(server: Server) -> Any:
    """``login(officer_id) -> Browser`` signed in as that officer."""

    def call(officer: str) -> Browser:
        client = Browser(server.url)
        assert client.login(officer) == 303
        return client

    return call
