"""One catalogue of citizen and officer texts (issue 16, decision 0213)."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server
from zoneinfo import ZoneInfo

import pytest

from sp4n.desk import Desk
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import EventType, Status
from sp4n.open311 import Open311App
from sp4n.sla import load_policy
from sp4n.testing import FrozenClock
from sp4n.texts import LANGUAGES, catalogue, placeholders, text

WIB = ZoneInfo("Asia/Jakarta")
KEY = "kunci-portal"


def test_every_text_has_both_languages_with_the_same_placeholders() -> None:
    assert len(catalogue()) >= 40
    for key, texts in catalogue().items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert placeholders(texts["id"]) == placeholders(texts["en"]), key


def test_no_text_states_a_rules_length() -> None:
    """A length written into a text goes stale when the policy changes: it is a placeholder."""
    import re

    for key, texts in catalogue().items():
        for lang in LANGUAGES:
            assert not re.search(r"\d+\s*(hari|working days|days)", texts[lang]), (key, lang)


def test_status_labels_and_notifications_come_from_the_catalogue() -> None:
    for status in Status:
        assert status.label == text(f"status.{status.value}")
        assert status.label_en == text(f"status.{status.value}", "en")
    assert {f"notification.{t.value}" for t in EventType} - set(catalogue()) == {
        f"notification.{t}" for t in ("visibility_changed", "deadline_moved", "reminded", "amended")
    }


def test_an_unknown_key_or_a_missing_value_is_a_typed_error() -> None:
    with pytest.raises(InvalidInputError) as caught:
        text("status.lost")
    assert (caught.value.field, caught.value.value) == ("key", "status.lost")
    with pytest.raises(InvalidInputError, match="needs days, unit"):
        text("open311.receipt", "en")


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def _receipt(desk: Desk, lang: str) -> str:
    server = make_server(
        "127.0.0.1",
        0,
        Open311App(desk, api_keys=[KEY], region="61.07", lang=lang),
        handler_class=_Quiet,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        params = {
            "api_key": KEY,
            "service_code": "road",
            "lat": "0.8456",
            "long": "109.4777",
            "description": "Jalan kabupaten di Sebalo berlubang besar.",
            "attribute[road_status]": "kabupaten",
            "email": "warga@example.id",
        }
        url = f"http://127.0.0.1:{server.server_address[1]}/open311/v2/requests.json"
        with urllib.request.urlopen(url, urlencode(params).encode(), timeout=10) as response:
            [item] = json.loads(response.read())
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    notice: str = item["service_notice"]
    return notice


@pytest.fixture
def desks() -> Iterator[tuple[Desk, Desk]]:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    slower = load_policy("lapor").with_overrides({"T1": {"length": 5}})
    with (
        Desk.open("memory://", clock=clock) as lapor,
        Desk.open("memory://", clock=clock, policy=slower) as five,
    ):
        yield lapor, five


def test_the_open311_receipt_reads_the_verification_length_from_the_policy(
    desks: tuple[Desk, Desk],
) -> None:
    lapor, five = desks
    assert _receipt(lapor, "id") == "Laporan diterima; verifikasi paling lama 3 hari kerja."
    assert _receipt(lapor, "en") == "Report received; verification within 3 working days."
    assert _receipt(five, "id") == "Laporan diterima; verifikasi paling lama 5 hari kerja."


def test_the_modules_examples_run() -> None:
    import doctest

    import sp4n.texts

    assert doctest.testmod(sp4n.texts).failed == 0


def test_no_text_in_the_code_states_a_rules_length() -> None:
    """ "10 hari kerja" in a literal goes stale when a policy changes it: read the rule."""
    import ast
    import re
    from pathlib import Path

    import sp4n

    length = re.compile(r"\b\d+\s+(hari kerja|hari|working days|days)\b")
    found = []
    for path in sorted(Path(sp4n.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        notes = {  # docstrings and other bare strings explain; they are not shown to anyone
            id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)
        }
        found += [
            f"{path.name}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in notes
            and length.search(node.value)
        ]
    assert found == []


GOLDEN = __import__("pathlib").Path(__file__).parent / "data" / "texts_golden"
CLI_CASES = {
    "deadline_national": ["deadline", "2026-03-18", "--working-days", "10"],
    "deadline_region": [
        *("deadline", "2026-03-18T09:00+07:00", "--working-days", "3", "--region", "61.07")
    ],
    "deadline_days_roll": ["deadline", "2026-08-10", "--days", "7", "--roll-forward"],
    "deadline_provisional": ["deadline", "2028-12-20", "--working-days", "10"],
    "deadline_no_skip": ["deadline", "2026-03-02", "--working-days", "1"],
    "deadline_estimated": ["deadline", "2028-01-20", "--working-days", "10"],
    "calendar_national": ["calendar", "2026"],
    "calendar_bali": ["calendar", "2026", "--region", "51"],
    "calendar_provisional": ["calendar", "2028"],
    "demo": ["demo", "--db", "memory://"],
    "route_agency": [
        "route",
        "--region",
        "61.07",
        "--topic",
        "road",
        "--attr",
        "road_status=kabupaten",
    ],
    "route_manual": ["route", "--region", "61.07", "--topic", "road"],
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_moving_texts_into_the_catalogue_changes_no_output(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text output of deadline, calendar and demo, byte for byte as it was before the move
    (tests/data/texts_golden holds what the commands printed then)."""
    from sp4n.cli import main

    assert main(CLI_CASES[case]) == 0
    expected = (GOLDEN / f"{case}.txt").read_text(encoding="utf-8")
    assert capsys.readouterr().out == expected


_SHOWN = {  # module: the functions that build the text output of those commands
    "cli/_deadline.py": {"run"},
    "cli/_calendar.py": {"run"},
    "cli/_days.py": {"region_label"},
    "cli/_demo.py": {"run"},
    "desk/_demo.py": {"to_text", "_tanggal"},
    "cli/_show.py": {"run"},
    "cli/_list.py": {"run"},
    "cli/_desk_common.py": {"summary_text"},
    "cli/_route.py": {"run"},
}


def test_the_deadline_calendar_and_demo_text_is_built_from_catalogue_keys() -> None:
    """No words written inline where those commands build their text: only catalogue keys,
    payload names and format glue (punctuation, spaces, strftime codes)."""
    import ast
    import re
    from pathlib import Path

    import sp4n

    root = Path(sp4n.__file__).parent
    words = re.compile(r"[A-Za-z]{2,}")
    plain = re.compile(r"^(--)?[a-z_][a-z0-9_.-]*$")  # a key, a field or an option name
    found = []
    for module, functions in _SHOWN.items():
        tree = ast.parse((root / module).read_text(encoding="utf-8"))
        bodies = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in functions
        ]
        assert {b.name for b in bodies} == functions, module
        for body in bodies:
            notes = {id(n.value) for n in ast.walk(body) if isinstance(n, ast.Expr)}
            notes |= {  # an error's rule is for the developer, in English (sp4n.errors)
                id(c) for r in ast.walk(body) if isinstance(r, ast.Raise) for c in ast.walk(r)
            }
            found += [
                f"{module}:{node.lineno}: {node.value!r}"
                for node in ast.walk(body)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in notes
                and not plain.match(node.value)
                and words.search(re.sub(r"%[A-Za-z]", "", node.value))
            ]
    assert found == []


def test_the_demo_narrates_each_step_from_the_catalogue() -> None:
    """Every narration line of the story (the first argument of ``record``) is a catalogue text."""
    import ast
    from pathlib import Path

    import sp4n

    tree = ast.parse((Path(sp4n.__file__).parent / "desk/_demo.py").read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "record"
    ]
    assert len(calls) == 9
    for call in calls:
        action = call.args[0]
        assert isinstance(action, ast.Call), call.lineno
        assert isinstance(action.func, ast.Name), call.lineno
        assert action.func.id == "text", call.lineno


@pytest.mark.parametrize("command", ["show", "list"])
def test_show_and_list_print_as_before_the_move(
    command: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sp4n show`` and ``sp4n list`` on the demo's store, byte for byte as before the move."""
    from sp4n.cli import main

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", url]) == 0
    ref = next(line for line in capsys.readouterr().out.splitlines() if "LAPOR-" in line)
    tracking = ref[ref.index("LAPOR-") :].split()[0]
    argv = ["show", tracking] if command == "show" else ["list"]
    assert main([*argv, "--db", url]) == 0
    expected = (GOLDEN / f"{command}.txt").read_text(encoding="utf-8")
    assert capsys.readouterr().out == expected


def test_the_one_line_summary_prints_as_before_the_move() -> None:
    from sp4n.cli._desk_common import summary_text

    summary = {
        "tracking_id": "LAPOR-2026-ZGV2-ECFDZ",
        "status": "forwarded",
        "status_label": text("status.forwarded"),
        "agency": "61.07-pupr",
        "next_due": "2026-08-13",
    }
    assert summary_text(summary) == (GOLDEN / "summary.txt").read_text(encoding="utf-8")


def test_the_status_page_reads_as_before_the_move(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The status page of ``sp4n serve`` (counts, a found and an unknown report), byte for byte
    as before its texts moved into the catalogue."""
    from sp4n.cli import main
    from sp4n.open311._site import _status_page

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["demo", "--db", url]) == 0
    capsys.readouterr()
    with Desk.open(url) as desk:
        tracking = desk.list(limit=1)[0].tracking_id
        for name, query in (
            ("site_counts", {}),
            ("site_found", {"id": [tracking]}),
            ("site_missing", {"id": ["LAPOR-2026-XXXX-XXXXX"]}),
        ):
            code, page = _status_page(desk, query)
            expected = (GOLDEN / f"{name}.html").read_text(encoding="utf-8")
            assert f"{code}\n{page}" == expected, name


def test_the_report_table_names_rules_never_their_lengths() -> None:
    """Each complaint is counted under its own policy (an override may give T2 30 days), so a
    heading of ``sp4n report`` that said "<=5HK" would be wrong for some rows (decision 0260)."""
    import datetime as dt
    import re

    from sp4n import Desk
    from sp4n.texts import text

    now = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    with Desk.open("memory://", clock=lambda: now) as desk:
        table = desk.report(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 3), now=now)
        heading_lines = table.to_text().splitlines()[1:3]
    for lang, line in zip(("id", "en"), heading_lines, strict=True):
        assert text("report.forwarded_in_3wd", lang) in line
        assert not re.search(r"\d\s*(HK|wd)\b|<=\s*\d", line), line


def test_the_routers_reasons_come_from_the_catalogue() -> None:
    """A routing step's Indonesian and English reason is a catalogue text, never a literal."""
    import ast
    from pathlib import Path

    import sp4n.routing._routing_rules as rules

    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    steps = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Step"
    ]
    assert len(steps) >= 8
    for call in steps:
        for keyword in call.keywords:
            if keyword.arg in ("text", "text_en"):
                for part in ast.walk(keyword.value):
                    inline = isinstance(part, ast.JoinedStr) or (
                        isinstance(part, ast.Constant) and isinstance(part.value, str)
                    )
                    assert not inline, ast.unparse(keyword.value)
