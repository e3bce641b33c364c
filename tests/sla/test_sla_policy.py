"""SLA rules and policies: validation, the shipped TOML, overrides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sp4n.errors import (
    InvalidPolicyError,
    MalformedRegionCodeError,
    UnknownPolicyError,
    UnknownRegionError,
    UnknownRuleError,
)
from sp4n.lifecycle import EventType
from sp4n.sla import (
    KNOWN_EVENTS,
    Certainty,
    OnExpiry,
    Override,
    Policy,
    Rule,
    Unit,
    load_overrides,
    load_policy,
)


def rule(**changes: Any) -> Rule:
    fields: dict[str, Any] = {
        "id": "R1",
        "title": "Uji",
        "title_en": "Test",
        "starts": ["forwarded"],
        "stops": ["followed_up"],
        "length": 5,
        "unit": "working_days",
        "citation": "test",
        "certainty": "read",
    }
    fields.update(changes)
    return Rule(**fields)


# -- Rule validation --------------------------------------------------------------------


def test_rule_converts_strings_to_enums_and_lists_to_tuples() -> None:
    r = rule(pauses=["info_requested"], resumes=["info_provided"], when={"tier": ["a", "b"]})
    assert r.unit is Unit.WORKING_DAYS
    assert r.certainty is Certainty.READ
    assert r.on_expiry is OnExpiry.ESCALATE
    assert r.starts == ("forwarded",)
    assert dict(r.when) == {"tier": ("a", "b")}
    assert r.when.matches({"tier": "b"})
    assert not r.when.matches({"tier": "c"})
    assert hash(r) == hash(rule(pauses=["info_requested"], resumes=["info_provided"],
                               when={"tier": ["a", "b"]}))  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "value", "fragment"),
    [
        ({"length": -1}, "length", -1, ">= 1"),
        ({"length": 0}, "length", 0, ">= 1"),
        ({"length": True}, "length", True, ">= 1"),
        ({"unit": "weeks"}, "unit", "weeks", "working_days, days"),
        ({"certainty": "sure"}, "certainty", "sure", "read, reported, inferred"),
        ({"on_expiry": "explode"}, "on_expiry", "explode", "escalate, complete, flag"),
        ({"stops": ["forwarded"]}, "rule R1: stops", "forwarded", "stop on the event that starts"),
        ({"restarts": ["followed_up"]}, "rule R1: restarts", "followed_up", "restart and stop"),
        ({"id": "1bad"}, "id", "1bad", "start with a letter"),
        ({"starts": "forwarded"}, "starts", "forwarded", "list of event type names"),
        ({"starts": ["Forwarded"]}, "starts", "Forwarded", "lower_snake_case"),
        ({"stops": ["held", "held"]}, "stops", ["held", "held"], "twice"),
        ({"title": " "}, "title", " ", "non-empty"),
        ({"when": {"tier": [1.5]}}, "when.tier", [1.5], "string, number or boolean"),
    ],
)
def test_invalid_rules_name_field_value_and_rule(
    changes: dict[str, Any], field: str, value: object, fragment: str
) -> None:
    with pytest.raises(InvalidPolicyError) as info:
        rule(**changes)
    assert info.value.field == field
    assert info.value.value == value
    assert fragment in info.value.rule


def test_pause_and_resume_must_differ() -> None:
    with pytest.raises(InvalidPolicyError, match="both pause and resume"):
        rule(pauses=["held"], resumes=["held"])


def test_an_anchored_rule_may_stop_on_its_start_event() -> None:
    r = rule(starts=["submitted"], stops=["submitted"], anchor="service_received_on")
    assert r.anchor == "service_received_on"


def test_an_automatic_timer_cannot_be_extended() -> None:
    cap = {"max_times": 1, "max_working_days": 7, "citation": "x"}
    with pytest.raises(InvalidPolicyError, match="cannot be extended"):
        rule(on_expiry="complete", extension=cap)


def test_from_dict_rejects_unknown_and_missing_keys() -> None:
    data = rule().to_dict()
    with pytest.raises(InvalidPolicyError, match="rule R1: colour"):
        Rule.from_dict({**data, "colour": "red"})
    del data["certainty"]
    with pytest.raises(InvalidPolicyError, match="certainty = None: is required"):
        Rule.from_dict(data)


def test_rule_round_trips_through_dict() -> None:
    r = rule(extension={"max_times": 2, "max_working_days": 3, "citation": "c"}, note="n")
    assert Rule.from_dict(r.to_dict()) == r


# -- Policy ------------------------------------------------------------------------------


def test_policy_rejects_duplicate_ids_and_unknown_events() -> None:
    with pytest.raises(InvalidPolicyError, match="unique"):
        Policy(name="p", version="1", rules=[rule(), rule()])
    with pytest.raises(InvalidPolicyError) as info:
        Policy(name="p", version="1", rules=[rule(stops=["forwarderd"])])
    assert info.value.value == "forwarderd"
    assert "R1" in info.value.field
    custom = Policy(
        name="p", version="1", rules=[rule(stops=["decided"])], extra_events=["decided"]
    )
    assert custom.rule("R1").stops == ("decided",)


def test_policy_rule_lookup() -> None:
    policy = load_policy()
    assert policy.rule("T2").length == 5
    with pytest.raises(UnknownRuleError, match="T9"):
        policy.rule("T9")


def test_known_events_are_the_lifecycle_event_types() -> None:
    assert {e.value for e in EventType} == KNOWN_EVENTS


# -- The shipped lapor policy --------------------------------------------------------------


def test_lapor_policy_encodes_the_issue_table() -> None:
    policy = load_policy("lapor")
    expected = {
        "T1": (3, Unit.WORKING_DAYS, ("submitted",), OnExpiry.ESCALATE),
        "T2": (5, Unit.WORKING_DAYS, ("forwarded",), OnExpiry.ESCALATE),
        "T3": (10, Unit.WORKING_DAYS, ("followed_up",), OnExpiry.COMPLETE),
        "tier_simple": (5, Unit.DAYS, ("verified", "forwarded"), OnExpiry.ESCALATE),
        "tier_dispute": (14, Unit.DAYS, ("verified", "forwarded"), OnExpiry.ESCALATE),
        "tier_field_examination": (60, Unit.DAYS, ("verified", "forwarded"), OnExpiry.ESCALATE),
        "uu25_decision": (60, Unit.DAYS, ("verified", "forwarded"), OnExpiry.ESCALATE),
        "uu25_delivery": (14, Unit.DAYS, ("followed_up",), OnExpiry.ESCALATE),
        "uu30_delivery": (5, Unit.WORKING_DAYS, ("followed_up",), OnExpiry.ESCALATE),
        "uu25_filing_window": (30, Unit.DAYS, ("submitted",), OnExpiry.FLAG),
    }
    assert set(policy.ids) == set(expected)
    for rule_id, (length, unit, starts, expiry) in expected.items():
        r = policy.rule(rule_id)
        assert (r.length, r.unit, r.starts, r.on_expiry) == (length, unit, starts, expiry)
        assert r.citation
        assert "regulation.md" in r.citation
    assert policy.rule("T1").certainty is Certainty.READ
    assert policy.rule("uu25_delivery").certainty is Certainty.REPORTED  # as uu25_decision
    assert policy.rule("uu25_decision").certainty is Certainty.REPORTED
    assert not policy.rule("uu25_decision").roll_forward
    assert policy.rule("tier_dispute").when.matches({"tier": "dispute"})
    assert policy.rule("T3").stops[:2] == ("reporter_replied", "admin_replied")
    cap = policy.rule("tier_simple").extension
    assert cap is not None
    assert (cap.max_times, cap.max_working_days) == (1, 7)


def test_load_policy_is_cached_and_rejects_unknown_names() -> None:
    assert load_policy() is load_policy("lapor")
    with pytest.raises(UnknownPolicyError, match="available: lapor"):
        load_policy("nope")


# -- Overrides -------------------------------------------------------------------------------


def test_region_override_applies_to_the_regency_and_below_only() -> None:
    for code in ("64.08", "6408", "64.08.01", "64.08.01.2001"):
        policy = load_policy(region=code)
        assert policy.rule("T2").length == 30, code
        assert policy.rule("T2").unit is Unit.DAYS
        assert policy.version == "2026.1+64.08-kutai-timur@sample-1"
        assert policy.samples == ("64.08-kutai-timur",)
        assert policy.rule("T2").source is None  # the national address is not inherited
    for code in ("64", "64.09", "61.07"):
        assert load_policy(region=code).rule("T2").length == 5, code


def test_bad_region_code_is_a_typed_error() -> None:
    with pytest.raises(MalformedRegionCodeError):
        load_policy(region="64-08")
    with pytest.raises(UnknownRegionError, match=r"64\.99"):
        load_policy(region="64.99")


def test_agency_override_gives_the_tiered_2_5_14_60_standard() -> None:
    policy = load_policy(agency="sample-sippn-tiered")
    tiers = ["tier_light", "tier_simple", "tier_dispute", "tier_field_examination"]
    assert [(policy.rule(t).length, policy.rule(t).unit) for t in tiers] == [
        (2, Unit.WORKING_DAYS),
        (5, Unit.WORKING_DAYS),
        (14, Unit.WORKING_DAYS),
        (60, Unit.WORKING_DAYS),
    ]
    assert policy.rule("tier_light").when.matches({"tier": "light"})
    assert "sample-sippn-tiered@sample-1" in policy.version


def test_region_and_agency_overrides_combine() -> None:
    policy = load_policy(region="64.08", agency="sample-sippn-tiered")
    assert policy.rule("T2").length == 30
    assert policy.rule("tier_light").length == 2
    assert [o.name for o in policy.overrides] == ["64.08-kutai-timur", "sample-sippn-tiered"]


def test_most_specific_region_override_wins(tmp_path: Path) -> None:
    folder = tmp_path / "overrides"
    folder.mkdir()
    (folder / "province.toml").write_text(
        '[override]\nname = "prov"\nregion = "64"\n[rules.T1]\nlength = 4\n[rules.T2]\nlength = 9\n'
    )
    (folder / "district.toml").write_text(
        '[override]\nname = "dist"\nregion = "64.08.01"\n[rules.T1]\nlength = 6\n'
    )
    policy = load_policy(region="64.08.01", search_paths=[tmp_path])
    assert policy.rule("T1").length == 6  # district beats province
    assert policy.rule("T2").length == 30  # regency (shipped) beats province
    assert [o.name for o in policy.overrides] == ["prov", "64.08-kutai-timur", "dist"]
    assert load_policy(region="64.02", search_paths=[tmp_path]).rule("T2").length == 9


def test_with_overrides_mapping_form_and_removal() -> None:
    base = load_policy()
    changed = base.with_overrides({"T1": {"length": 4}})
    assert changed.rule("T1").length == 4
    assert base.rule("T1").length == 3
    assert changed.version == "2026.1+inline1@1"
    removed = base.with_overrides(Override(name="no-uu", region="31", remove=["uu25_delivery"]))
    assert "uu25_delivery" not in removed.ids
    with pytest.raises(InvalidPolicyError, match="no such rule"):
        base.with_overrides({"T7": {"length": 1}})
    with pytest.raises(InvalidPolicyError) as info:
        base.with_overrides({"T1": {"length": -2}})
    assert info.value.value == -2
    assert "inline1" in info.value.field


def _write(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "overrides"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("[override\nname=", "bad.toml", "not valid TOML"),
        ('[override]\nname = "x"\n', "bad.toml: override", "names a region or an agency"),
        ('[override]\nname = "x"\nregion = "6x"\n', "bad.toml: override.region", "Kemendagri"),
        ('[override]\nname = "x"\nagency = "a"\ncolour = 1\n', "override.colour", "unknown key"),
        ('[override]\nname = "x"\nagency = "a"\n[rules.T1]\ncolor = 1\n', "T1.color", "not a rule"),
        ('[override]\nname = "x"\nagency = "a"\n[[rule]]\nid = "Z"\n', "rule Z: title", "required"),
        ('[override]\nname = "x"\nagency = "a"\n[extras]\n', "bad.toml: extras", "top-level"),
    ],
)
def test_bad_override_files_name_file_and_key(
    tmp_path: Path, text: str, key: str, fragment: str
) -> None:
    _write(tmp_path, "bad.toml", text)
    with pytest.raises(InvalidPolicyError) as info:
        load_overrides([tmp_path])
    assert key in info.value.field
    assert fragment in str(info.value)


def test_bad_override_value_names_file_and_key_when_applied(tmp_path: Path) -> None:
    _write(tmp_path, "bad.toml", '[override]\nname = "x"\nagency = "a"\n[rules.T1]\nunit = "w"\n')
    with pytest.raises(InvalidPolicyError) as info:
        load_policy(agency="a", search_paths=[tmp_path])
    assert info.value.field.startswith("bad.toml: override x:")
    assert info.value.field.endswith("unit")
    assert info.value.value == "w"


def test_bad_policy_file_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[policy]\nname = "mine"\nversion = "1"\n[[rule]]\nid = "A"\nlength = 3\n')
    with pytest.raises(InvalidPolicyError) as info:
        load_policy(str(path))
    assert info.value.field.startswith("mine.toml: rule A:")
    path.write_text('[policy]\nname = "mine"\n')
    with pytest.raises(InvalidPolicyError, match=r"mine\.toml: policy\.version"):
        load_policy(str(path))


def test_deployment_policy_file_by_name_in_a_search_path(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "src/sp4n/sla/policies/lapor.toml").read_text()
    (tmp_path / "pemda.toml").write_text(text.replace('name = "lapor"', 'name = "pemda"'))
    policy = load_policy("pemda", search_paths=[tmp_path])
    assert policy.name == "pemda"
    assert policy.rule("T1").length == 3
    # overrides written for "lapor" do not leak into another policy
    assert load_policy("pemda", region="64.08", search_paths=[tmp_path]).rule("T2").length == 5


def test_plugin_policy_overrides_apply_through_with_overrides() -> None:
    from sp4n.adapters import Adapters, hookimpl, plugin_manager

    class Perbup:
        @hookimpl
        def sp4n_policy_overrides(
            self, policy: str, region: str | None, agency: str | None
        ) -> dict[str, dict[str, Any]] | None:
            if region is None or not region.startswith("61.07"):
                return None
            return {"T2": {"length": 3, "citation": "Perbup Bengkayang (example)"}}

    pm = plugin_manager(load_entrypoints=False)
    pm.register(Perbup(), name="perbup")
    changes = Adapters(pm).policy_overrides(policy="lapor", region="61.07")
    policy = load_policy(region="61.07").with_overrides(Override(name="plugins", changes=changes))
    assert policy.rule("T2").length == 3
    assert policy.rule("T2").citation == "Perbup Bengkayang (example)"
    assert policy.version == "2026.1+plugins@1"
    none = Adapters(pm).policy_overrides(policy="lapor", region="31.71")
    assert (
        load_policy(region="31.71")
        .with_overrides(Override(name="plugins", changes=none))
        .rule("T2")
        .length
        == 5
    )
