"""The bounded fuzz suite: every intake and the Open311 server under hostile input.

Hypothesis feeds the web form, SMS 1708, e-mail, ``sp4n submit`` and Open311 (POST, GET
lists and single requests, in JSON and XML, through the whole ``sp4n serve`` site) with NUL,
control characters, lone surrogates, markup and extreme dates. Each example must end in a
filed complaint that reads back, or a typed :mod:`sp4n.errors` error / HTTP 4xx with
nothing written; answers are always well-formed JSON or XML; never a 500.

The store is a real SQLite file and a real PostgreSQL database, each shared by the module and
checked by counting its rows, events and messages before and after each example. Examples
are bounded (``max_examples``, no deadline) so the file runs in a few seconds (decision 0140).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sp4n.adapters.channels import EmailChannel, SmsChannel, SmsMessage, WebFormChannel
from sp4n.cli import main
from sp4n.desk import Desk
from sp4n.errors import InvalidInputError, NotFoundError, Sp4nError
from sp4n.open311 import make_site
from sp4n.testing import FrozenClock

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
KEY = "kunci"
FUZZ = settings(
    max_examples=int(os.environ.get("SP4N_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text an attacker would try: any code point, plus the characters that broke something once.
_HOSTILE = st.sampled_from(
    [
        *("\x00", "\x08", "\x1b", "\x7f", "\ud800", "\udfff", "\ufffe", "\uffff", "\U0010ffff"),
        *("\n", "\r", "\t", "#61.07", "#road", "#61.99", "%00", "&", "<", "]]>", "\u202e", "ß"),
    ]
)
TEXT = st.lists(st.one_of(st.characters(exclude_categories=()), _HOSTILE), max_size=24).map("".join)
INSTANTS = st.sampled_from(
    [
        "",
        "2026-03-02T09:00:00+07:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31T23:59:59Z",
        "2026-02-30T00:00:00Z",
        "2026-03-02T09:00:00",
        "nan",
    ]
)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def desk(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Desk]:
    if request.param == "postgres":  # PostgreSQL refuses NUL outright: the strictest store
        url = request.getfixturevalue("postgres_server").create_database()
    else:
        path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
        url = f"sqlite:///{path}"
    with Desk.open(url, clock=FrozenClock(AT)) as opened:
        yield opened


def _counts(desk: Desk) -> tuple[int, int, int]:
    with desk.store._read() as cursor:  # type: ignore[attr-defined]
        found = []
        for table in ("sp4n_complaints", "sp4n_events", "sp4n_outbox"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            found.append(int(cursor.fetchone()[0]))
    return found[0], found[1], found[2]


def _filed_or_refused(desk: Desk, build: Callable[[], Any]) -> None:
    """File what ``build`` reads, or see a typed error and nothing written."""
    before = _counts(desk)
    refused: Sp4nError | None = None
    try:
        complaint = desk.submit(build())
    except Sp4nError as exc:
        refused = exc
    if refused is not None:
        assert isinstance(refused, InvalidInputError | NotFoundError), repr(refused)
        assert refused.field
        assert _counts(desk) == before
        return
    again = desk.get(complaint.tracking_id)
    assert (again.title, again.body, again.reporter) == (
        complaint.title,
        complaint.body,
        complaint.reporter,
    )
    for text in (again.title, again.body, again.reporter.name or ""):
        text.encode("utf-8")  # no lone surrogate was stored
        assert "\x00" not in text
    after = _counts(desk)
    assert after[0] in (before[0], before[0] + 1)  # a redelivered intake files nothing new


@FUZZ
@given(
    form=st.dictionaries(
        st.sampled_from(
            [
                *("title", "body", "region", "topic", "visibility", "name", "email", "phone"),
                *("kind", "lat", "lon", "address", "reporter_id"),
            ]
        ),
        TEXT,
    )
)
def test_web_form(desk: Desk, form: dict[str, str]) -> None:
    _filed_or_refused(desk, lambda: WebFormChannel("61.07").parse(form, received_at=AT))


@FUZZ
@given(sender=TEXT, text=st.one_of(TEXT, st.binary(max_size=60)), gateway=st.none() | TEXT)
def test_sms(desk: Desk, sender: str, text: str | bytes, gateway: str | None) -> None:
    _filed_or_refused(
        desk,
        lambda: SmsChannel("61.07").parse(
            SmsMessage(sender=sender, text=text, gateway_id=gateway), received_at=AT
        ),
    )


def _mail(sender: str, subject: str, body: str, date: str) -> bytes:
    """A raw message as a hostile sender writes it: any bytes, line breaks in headers too."""
    text = (
        f"From: {sender}\r\nTo: lapor@bengkayangkab.go.id\r\nSubject: {subject}\r\n"
        f"Date: {date}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.builds(
            _mail,
            st.one_of(TEXT, st.just("Siti <siti@example.id>"), st.just("Siti Ü <s@ü.id>")),
            TEXT,
            TEXT,
            st.sampled_from(["Mon, 02 Mar 2026 08:30:00 +0000", "", "x", "-0000"]),
        ),
        st.builds(
            lambda head, body: b"From: s@example.id\r\nDate: Mon, 02 Mar 2026 08:30:00 +0000"
            + b"\r\nSubject: " + head + b"\r\n\r\n" + body,
            st.binary(max_size=40),
            st.binary(max_size=80),
        ),
    )
)  # fmt: skip
def test_email(desk: Desk, raw: bytes) -> None:
    _filed_or_refused(desk, lambda: EmailChannel("61.07").parse(raw, received_at=AT))


def _call(
    site: Any, method: str, path: str, query: str = "", body: bytes = b""
) -> tuple[int, bytes]:
    statuses: list[str] = []
    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": io.BytesIO(body),
    }
    answer = b"".join(site(environ, lambda status, headers: statuses.append(status)))
    return int(statuses[0].split()[0]), answer


def _well_formed(path: str, status: int, answer: bytes) -> Any:
    assert status < 500, answer[:300]
    if path.endswith(".xml"):
        return ET.fromstring(answer)  # raises on ill-formed XML
    if path.endswith(".json"):
        document = json.loads(answer)
        if status >= 400:
            assert document[0]["code"] == status
        return document
    return answer


def _form(params: dict[str, str]) -> bytes:
    return "&".join(
        f"{quote(k, errors='surrogatepass')}={quote(v, errors='surrogatepass')}"
        for k, v in params.items()
    ).encode()


@FUZZ
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "api_key": st.one_of(st.just(KEY), TEXT),
            "service_code": st.one_of(st.sampled_from(["road", "jalan", "x"]), TEXT),
            "lat": st.one_of(st.just("0.8456"), st.sampled_from(["nan", "1e999", "-91"]), TEXT),
            "long": st.one_of(st.just("109.4777"), TEXT),
            "description": st.one_of(st.just("Jalan berlubang."), TEXT),
            "attribute[road_status]": st.one_of(st.just("kabupaten"), TEXT),
            "jurisdiction_id": st.one_of(st.sampled_from(["61.07", "61.99", "99"]), TEXT),
            "address_string": TEXT,
            "email": TEXT,
            "first_name": TEXT,
            "media_url": TEXT,
        },
    ),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_open311_post(desk: Desk, params: dict[str, str], fmt: str) -> None:
    site = make_site(desk, api_keys=[KEY], region="61.07")
    before = _counts(desk)
    path = f"/open311/v2/requests.{fmt}"
    status, answer = _call(site, "POST", path, body=_form(params))
    document = _well_formed(path, status, answer)
    if status >= 400:
        assert _counts(desk) == before
        return
    assert status == 201
    tracking_id = (
        document[0]["service_request_id"]
        if fmt == "json"
        else document.findtext("request/service_request_id")
    )
    for read in (f"/open311/v2/requests/{tracking_id}.xml", "/open311/v2/requests.xml"):
        _well_formed(read, *_call(site, "GET", read))


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                *("start_date", "end_date", "status", "service_code", "service_request_id"),
                *("jurisdiction_id", "page", "x"),
            ]
        ),
        st.one_of(INSTANTS, TEXT),
    ),
    collection=st.sampled_from(
        ["requests", "services", "requests/LAPOR-2026-0000-0000", "services/road"]
    ),
    key=st.none() | TEXT,
    fmt=st.sampled_from(["json", "xml"]),
    method=st.sampled_from(["GET", "HEAD", "PUT"]),
)  # fmt: skip
def test_open311_get(
    desk: Desk, params: dict[str, str], collection: str, key: str | None, fmt: str, method: str
) -> None:
    site = make_site(desk, api_keys=[KEY], region="61.07")
    before = _counts(desk)
    path = f"/open311/v2/{collection}.{fmt}" if key is None else f"/open311/v2/requests/{key}.{fmt}"
    status, answer = _call(site, method, path, query=_form(params).decode())
    _well_formed(path, status, answer)
    assert _counts(desk) == before


@FUZZ
@given(path=TEXT, query=TEXT)
def test_status_page_and_unknown_paths(desk: Desk, path: str, query: str) -> None:
    site = make_site(desk, api_keys=[KEY], region="61.07")
    status, _ = _call(site, "GET", "/" + path, query=quote(query, errors="surrogatepass"))
    assert status < 500


@FUZZ
@given(
    title=TEXT,
    body=TEXT,
    region=st.one_of(st.sampled_from(["61.07", "6107", "61.99", "99", "\U0010ffff"]), TEXT),
    contact=st.one_of(st.sampled_from(["siti@example.id", "+6281234567890"]), TEXT),
)
def test_cli_submit(
    desk: Desk,
    title: str,
    body: str,
    region: str,
    contact: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = _counts(desk)
    option = "--phone" if contact.startswith("+") else "--email"
    argv = ["submit", "--title", title, "--body", body, "--region", region, option, contact]
    try:
        status = main([*argv, "--db", desk.store.url])
    except SystemExit as exc:  # argparse: an argument that looks like an option
        status = int(exc.code or 0)
    err = capsys.readouterr().err
    assert status in (0, 2)
    if status == 2:
        assert err.count("\n") == 1, err
        assert "Traceback" not in err
        assert _counts(desk) == before
