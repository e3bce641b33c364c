"""``sp4n policy``: the rules in force, as text and as one JSON object."""

from __future__ import annotations

import json

import pytest

from sp4n.cli import main
from sp4n.sla import load_policy

RULE_KEYS = {
    "behaviour_certainty",  # decision 0155
    "id",
    "starts",
    "stops",
    "pauses",
    "length",
    "unit",
    "roll_forward",
    "on_expiry",
    "citation",
    "certainty",
}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["policy", *argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    data: dict[str, object] = json.loads(out)
    return data


def test_json_shape_is_the_architecture_contract(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys)
    assert set(data) == {"name", "version", "rules"}
    assert (data["name"], data["version"]) == ("lapor", "2026.1")
    rules = data["rules"]
    assert isinstance(rules, list)
    assert [r["id"] for r in rules] == list(load_policy().ids)
    for rule in rules:
        assert set(rule) == RULE_KEYS
        assert rule["unit"] in {"working_days", "days"}
        assert rule["certainty"] in {"read", "reported", "inferred"}
        assert rule["citation"]
    t1 = rules[0]
    assert (t1["length"], t1["unit"], t1["starts"], t1["certainty"]) == (
        3,
        "working_days",
        ["submitted"],
        "read",
    )


def test_region_override_shows_in_version_and_rules(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "lapor", "--region", "64.08")
    assert data["version"] == "2026.1+64.08-kutai-timur@sample-1"
    rules = {r["id"]: r for r in data["rules"]}  # type: ignore[attr-defined]
    assert (rules["T2"]["length"], rules["T2"]["unit"]) == (30, "days")
    data = run_json(capsys, "--region", "61.07")
    assert data["version"] == "2026.1"


def test_agency_override(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--agency", "sample-sippn-tiered")
    ids = [r["id"] for r in data["rules"]]  # type: ignore[attr-defined]
    assert "tier_light" in ids


def test_text_output_is_a_table_with_citations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "--region", "64.08"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Policy lapor 2026.1+64.08-kutai-timur@sample-1 (region 64.08)")
    assert "[SAMPLE]" in out
    header = next(line for line in out.splitlines() if line.startswith("rule "))
    for column in ("length", "starts", "stops", "certainty"):
        assert column in header
    assert "T1                      3 WD" in out
    assert "tier_dispute            14 days (roll) +7WDx1" in out
    for rule in load_policy(region="64.08").rules:  # the notes' sections point at the docs page
        assert rule.citation.replace("regulation.md", "docs/sources.md") in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["policy", "nope"], "name = 'nope'"),
        (["policy", "--region", "64-08"], "region = '64-08'"),
        (["policy", "--region", "64.99"], "region = '64.99'"),
        (["policy", "--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    try:
        status = main(argv)
    except SystemExit as exc:
        status = int(exc.code or 0)
    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert fragment in captured.err
