"""The router: no wrong door, re-routing after "bukan wewenang", rules, data layering."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sp4n.errors import (
    InvalidInputError,
    MalformedRegionCodeError,
    UnknownAgencyError,
    UnknownRegionError,
    UnknownTopicError,
)
from sp4n.routing import (
    Agency,
    AuthorityLevel,
    Certainty,
    Router,
    RoutingState,
    Rule,
    Step,
    get_region,
    iter_codes,
    load_affairs,
    load_directory,
    route,
)

ALL_CODES = tuple(iter_codes())
SAMPLE_CODES = tuple(
    code
    for code in ALL_CODES
    if code[:5] in {"61.07", "61.09", "64.08", "63.10"} or code[:2] == "76"
)
AFFAIRS = load_affairs()


def _requests() -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = []
    for topic in AFFAIRS.topics.values():
        found.append((topic.id, {}))
        for key, attribute in topic.attributes.items():
            found.extend((topic.id, {key: value}) for value in attribute.values)
    return found


REQUESTS = _requests()
codes = st.one_of(st.sampled_from(ALL_CODES), st.sampled_from(SAMPLE_CODES))
requests = st.sampled_from(REQUESTS)


@given(codes, requests)
def test_a_valid_complaint_always_gets_a_destination(
    code: str, request: tuple[str, dict[str, str]]
) -> None:
    decision = route(code, *request)
    assert decision.agency is not None
    assert decision.reasons
    assert decision.region == code
    if decision.manual:
        assert decision.agency.kind == "coordinator"
        assert decision.reasons[-1].rule == "no_wrong_door"


@given(codes, requests)
def test_routing_is_deterministic_and_memo_free_routers_agree(
    code: str, request: tuple[str, dict[str, str]]
) -> None:
    default = Router.default()
    fresh = Router(directory=default.directory, affairs=default.affairs, memoize=False)
    assert route(code, *request) == route(code, *request) == fresh.route(code, *request)
    digits = code.replace(".", "")
    assert fresh.route(digits, *request).to_dict() == route(code, *request).to_dict()


@settings(max_examples=60)
@given(codes, requests)
def test_returned_agencies_are_never_chosen_again(
    code: str, request: tuple[str, dict[str, str]]
) -> None:
    returned: list[str] = []
    for _ in range(len(load_directory()) + 1):
        decision = route(code, *request, exclude=returned)
        assert all(agency.id not in returned for agency in decision.alternatives)
        if decision.agency is None:
            assert decision.manual
            break
        assert decision.agency.id not in returned
        returned.append(decision.agency.id)
    else:  # pragma: no cover - the loop must end when the directory runs out
        pytest.fail("routing never ran out of agencies")
    assert len(returned) == len(set(returned))
    assert "pusat-admin" in returned  # the national admin is the last door


def test_bukan_wewenang_reroutes_to_the_next_agency() -> None:
    first = route("61.07", "hospital", {"hospital_class": "C"})
    assert first.agency is not None
    assert first.agency.id == "61.07-dinkes"
    second = route("61.07", "hospital", {"hospital_class": "C"}, exclude=[first.agency.id])
    assert second.agency is not None
    assert second.agency.id == "61.07-rsud"
    third = route(
        "61.07", "hospital", {"hospital_class": "C"}, exclude=["61.07-dinkes", "61.07-rsud"]
    )
    assert third.manual
    assert third.agency is not None
    assert third.agency.id == "61.07-admin"
    assert (
        route("61.07", "police", exclude="61.07-polres").agency
        == route("61.07", "police", exclude=["61.07-polres"]).agency
    )


def test_no_wrong_door_walks_up_to_the_national_admin() -> None:
    excluded = ["61.07-disdik", "61.07-admin"]
    decision = route("61.07", "school", {"school_level": "sd"}, exclude=excluded)
    assert decision.agency is not None
    assert (decision.agency.id, decision.manual) == ("61-admin", True)
    decision = route("61.07", "school", {"school_level": "sd"}, exclude=[*excluded, "61-admin"])
    assert decision.agency is not None
    assert decision.agency.id == "pusat-admin"
    assert decision.level is AuthorityLevel.PUSAT
    outside = route("11.01", "waste")  # Aceh Selatan: no agencies in the sample
    assert outside.agency is not None
    assert (outside.agency.id, outside.manual) == ("pusat-admin", True)
    assert "koordinator" in outside.reasons[-1].text
    assert "coordinator" in outside.reasons[-1].text_en


def test_missing_required_attribute_goes_to_the_coordinator_and_says_why() -> None:
    decision = route("61.07", "road")
    assert decision.manual
    assert decision.agency is not None
    assert decision.agency.id == "61.07-admin"
    assert any("road_status" in reason.text for reason in decision.reasons)


def test_unclassified_topic_goes_to_the_coordinator() -> None:
    decision = route("64.08.01", "other")
    assert decision.manual
    assert decision.agency is not None
    assert decision.agency.id == "64.08-admin"


def test_to_dict_has_the_architecture_shape() -> None:
    data = route("61.07", "police").to_dict()
    assert list(data) == [
        "region",
        "topic",
        "agency",
        "level",
        "manual",
        "reasons",
        "alternatives",
    ]
    assert list(data["agency"]) == ["id", "name", "level", "region"]
    assert data["agency"]["region"] == "61.07"
    assert {"rule", "text", "citation", "certainty"} <= set(data["reasons"][0])
    assert data["alternatives"][-1] == {
        "id": "pusat-polri",
        "name": "Kepolisian Negara Republik Indonesia",
        "level": "pusat",
        "region": None,
    }


@pytest.mark.parametrize("bad", ["61-07", "6", "61.00", ""])
def test_malformed_region(bad: str) -> None:
    with pytest.raises(MalformedRegionCodeError) as info:
        route(bad, "waste")
    assert info.value.value == bad


def test_unknown_region() -> None:
    with pytest.raises(UnknownRegionError, match=r"61\.68"):
        route("61.68", "waste")


def test_unknown_topic_names_it_and_lists_the_known_ones() -> None:
    with pytest.raises(UnknownTopicError) as info:
        route("61.07", "jalanan")
    assert info.value.value == "jalanan"
    assert "road" in str(info.value)


def test_bad_attribute_key_and_value_are_named() -> None:
    with pytest.raises(InvalidInputError) as info:
        route("61.07", "road", {"road_status": "jalan_setapak"})
    assert info.value.field == "attributes.road_status"
    assert info.value.value == "jalan_setapak"
    assert "provinsi" in str(info.value)
    with pytest.raises(InvalidInputError) as info:
        route("61.07", "road", {"surface": "aspal"})
    assert info.value.field == "attributes.surface"
    with pytest.raises(InvalidInputError, match=r"attributes\.road_status"):
        route("61.07", "waste", {"road_status": "desa"})


def test_region_object_is_accepted() -> None:
    assert route(get_region("61.07"), "waste") == route("61.07", "waste")


@attrs.frozen
class _KutimStreetLighting:
    """A regional rule: in Kutai Timur, street lighting goes to the Dishub."""

    id: str = "kutim_street_lighting"
    order: int = 50
    description: str = "Kutai Timur assigns street lighting to its transport office."
    citation: str = "Perbup Kutai Timur (example)"
    certainty: Certainty = Certainty.INFERRED

    def apply(self, state: RoutingState, router: Router) -> Step | None:
        request = state.request
        if request.topic.id != "street_lighting" or not request.region.code.startswith("64.08"):
            return None
        agency = router.directory.get("64.08-dishub")
        if agency.id in request.exclude:
            return None
        return Step(
            text="PJU: Dishub", text_en="Street lighting: Dishub", candidates=(agency,), final=True
        )


def test_a_plugin_rule_runs_in_order_and_can_be_removed() -> None:
    rule = _KutimStreetLighting()
    assert isinstance(rule, Rule)
    router = Router.default().with_rules(rule)
    assert router.rules[0].id == "kutim_street_lighting"
    decision = router.route("64.08.01", "street_lighting")
    assert decision.agency is not None
    assert decision.agency.id == "64.08-dishub"
    assert decision.reasons[0].citation == "Perbup Kutai Timur (example)"
    plain = router.without_rules("kutim_street_lighting").route("64.08", "street_lighting")
    assert plain.agency is not None
    assert plain.agency.id == "64.08-pupr"
    assert (
        route("61.07", "street_lighting").agency
        == Router.default().route("61.07", "street_lighting").agency
    )


def test_a_rule_with_a_builtin_id_replaces_it() -> None:
    replacement = attrs.evolve(_KutimStreetLighting(), id="no_wrong_door", order=900)
    router = Router.default().with_rules(replacement)
    assert sum(rule.id == "no_wrong_door" for rule in router.rules) == 1
    decision = router.route("11.01", "waste")  # nothing fits; the replaced rule says nothing
    assert decision.agency is None
    assert decision.level is AuthorityLevel.KABUPATEN_KOTA
    with pytest.raises(InvalidInputError, match="rules"):
        Router.default().with_rules("not a rule")  # type: ignore[arg-type]


def test_a_region_overrides_the_affairs_table() -> None:
    override = """
[[affairs]]
topic = "drainage"
region = "64.08"
level = "provinsi"
kind = "concurrent"
certainty = "inferred"
citation = "Example: a provincial drainage programme covers Kutai Timur"
"""
    affairs = load_affairs(override)
    router = Router.default().with_affairs(affairs)
    decision = router.route("64.08.01.2001", "drainage")
    assert decision.reasons[0].citation.startswith("Example")
    assert "64.08" in decision.reasons[0].text_en
    assert decision.manual  # no provincial drainage office in the sample directory
    assert decision.agency is not None
    assert decision.agency.id == "64-admin"
    assert router.route("61.07", "drainage").agency == route("61.07", "drainage").agency


def test_a_region_extends_topics_and_the_directory(tmp_path: Path) -> None:
    extra = """
[[topics]]
id = "peat_fire"
name = "Kebakaran lahan gambut"
name_en = "Peat fires"

[[affairs]]
topic = "peat_fire"
level = "provinsi"
kind = "concurrent"
certainty = "inferred"
citation = "Example row for a regional topic"
"""
    directory_csv = tmp_path / "kalbar.csv"
    directory_csv.write_text(
        "id,name,kind,level,region,topics,priority,contact_name,contact_email,contact_phone\n"
        "61-bpbd,BPBD Provinsi Kalimantan Barat,opd,provinsi,61,peat_fire;waste,10,"
        "Pejabat Penghubung,bpbd@sp4n-sample.example,\n",
        encoding="utf-8",
    )
    directory = load_directory(directory_csv)
    agency = directory.get("61-bpbd")
    assert agency.topics == ("peat_fire", "waste")
    assert agency.contact.email == "bpbd@sp4n-sample.example"
    router = Router(directory=directory, affairs=load_affairs(extra))
    decision = router.route("61.09", "peat_fire")
    assert decision.agency == agency
    assert "peat_fire" in router.affairs.topics


def test_directory_from_toml_text_replaces_by_id() -> None:
    directory = load_directory(
        """
[[agencies]]
id = "61.07-dlh"
name = "Dinas Lingkungan Hidup dan Kehutanan Kabupaten Bengkayang"
kind = "opd"
level = "kabupaten_kota"
region = "6107"
topics = ["waste"]
"""
    )
    assert directory.get("61.07-dlh").name.endswith("Kehutanan Kabupaten Bengkayang")
    assert directory.get("61.07-dlh").region == "61.07"
    router = Router.default().with_directory(directory)
    decision = router.route("61.07", "waste")
    assert decision.agency is not None
    assert decision.agency.name.startswith("Dinas Lingkungan Hidup dan Kehutanan")


def test_directory_errors_are_typed() -> None:
    with pytest.raises(UnknownAgencyError, match="nope"):
        load_directory().get("nope")
    with pytest.raises(InvalidInputError, match="region"):
        Agency(id="x", name="X", kind="opd", level="provinsi", region=None)
    with pytest.raises(UnknownRegionError):
        load_directory('[[agencies]]\nid="x"\nname="X"\nkind="opd"\nlevel="provinsi"\nregion="99"')
    with pytest.raises(InvalidInputError, match="malformed"):
        load_directory('[[agencies]]\nid="x"\nkind="opd"\nlevel="provinsi"\nregion="61"')
    with pytest.raises(InvalidInputError):
        load_directory(
            '[[agencies]]\nid="x"\nname="X"\nkind="dinas"\nlevel="provinsi"\nregion="61"'
        )


def test_affairs_errors_are_typed() -> None:
    with pytest.raises(UnknownTopicError):
        load_affairs(
            '[[affairs]]\ntopic="nope"\nlevel="pusat"\nkind="soe"\n'
            'certainty="read"\ncitation="some act"'
        )
    with pytest.raises(InvalidInputError, match=r"affairs\.when"):
        load_affairs(
            '[[affairs]]\ntopic="road"\nwhen={road_status=["setapak"]}\nlevel="pusat"\n'
            'kind="concurrent"\ncertainty="read"\ncitation="some act"'
        )
    with pytest.raises(InvalidInputError, match="level = 'planet'"):
        load_affairs(
            '[[affairs]]\ntopic="road"\nlevel="planet"\nkind="soe"\n'
            'certainty="read"\ncitation="x y z"'
        )


def test_sample_directory_is_marked_and_uses_placeholder_contacts() -> None:
    directory = load_directory()
    assert directory.sample
    agencies = list(directory)
    assert all(agency.sample for agency in agencies)
    assert all(agency.contact.email.endswith(".example") for agency in agencies)
    coordinators = {a.region for a in agencies if a.kind == "coordinator"}
    assert coordinators == {None, "61", "64", "63", "76", "61.07", "61.09", "64.08", "63.10"}
    assert not load_directory(sample=False).sample
    assert len(load_directory(sample=False)) == 0


def test_plugin_rows_from_the_hooks_apply_on_top() -> None:
    # Shaped as the sp4n_routing_rules / sp4n_directory_entries hooks return them.
    affair_rows = [
        {
            "topic": "street_lighting",
            "level": "province",
            "when": {},
            "citation": "Pergub (example): provincial street-lighting programme",
            "certainty": "inferred",
        }
    ]
    agency_entries = [
        {
            "id": "61-dishub-pju",
            "name": "UPT Penerangan Jalan Dinas Perhubungan Provinsi Kalimantan Barat",
            "level": "province",
            "region": "61",
            "topics": ["street_lighting"],
        }
    ]
    router = Router.default().with_plugin_rows(
        affair_rows=affair_rows, agency_entries=agency_entries
    )
    decision = router.route("61.07.01", "street_lighting")
    assert decision.agency is not None
    assert decision.agency.id == "61-dishub-pju"
    assert decision.agency.kind == "opd"
    assert decision.level is AuthorityLevel.PROVINSI
    assert decision.reasons[0].citation.startswith("Pergub")
    assert route("61.07.01", "street_lighting").level is AuthorityLevel.KABUPATEN_KOTA
    with pytest.raises(InvalidInputError, match="level"):
        Router.default().with_plugin_rows(affair_rows=[{**affair_rows[0], "level": "planet"}])
    with pytest.raises(UnknownTopicError):
        Router.default().with_plugin_rows(affair_rows=[{**affair_rows[0], "topic": "x.y"}])


def test_rows_argument_of_load_affairs_and_entries_of_load_directory() -> None:
    affairs = load_affairs(
        rows=[
            {
                "topic": "road",
                "when": {"road_status": "kota"},
                "level": "regency",
                "citation": "same as the shipped row, restated",
                "certainty": "read",
            }
        ]
    )
    (row,) = [r for r in affairs.rows if r.topic == "road" and r.when == {"road_status": ("kota",)}]
    assert row.certainty is Certainty.READ
    assert len(affairs.rows) == len(load_affairs().rows) + 1  # ("kabupaten","kota") row stays
    directory = load_directory(
        sample=False,
        entries=[{"id": "pusat-x", "name": "Badan X", "level": "central", "topics": ["waste"]}],
    )
    assert directory.get("pusat-x").kind == "agency"


def test_malformed_affair_row_is_named() -> None:
    with pytest.raises(InvalidInputError, match="malformed"):
        load_affairs('[[affairs]]\ntopic="road"\nkind="soe"\ncertainty="read"\ncitation="x y z"')


def test_exclude_and_attributes_must_have_the_right_shape() -> None:
    agency = load_directory().get("61.07-polres")
    with pytest.raises(InvalidInputError, match="exclude"):
        route("61.07", "police", exclude=[agency])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="attributes = "):
        route("61.07", "road", [("road_status", "desa")])  # type: ignore[arg-type]
    unknown_id = route("61.07", "police", exclude=["no-such-agency"])
    assert unknown_id.agency == route("61.07", "police").agency


def test_topic_aliases_route_like_the_topic() -> None:
    decision = route("61.07", "jalan", {"road_status": "kabupaten"})
    assert decision.topic == "road"
    assert decision == route("61.07", "road", {"road_status": "kabupaten"})
    assert route("61.07", "infrastruktur.jalan", {"road_status": "desa"}).topic == "road"
    assert route("61.07", "penerangan").topic == "street_lighting"
    row = {"topic": "sampah", "level": "provinsi", "citation": "example row", "certainty": "read"}
    affairs = load_affairs(rows=[row])
    assert affairs.rows_for("waste")[0].level is AuthorityLevel.PROVINSI
    assert Router.default().affairs.with_rows([row]).rows_for("waste")[-1].topic == "waste"
    with pytest.raises(InvalidInputError, match="already names"):
        load_affairs('[[topics]]\nid = "x_topic"\nname = "X"\naliases = ["jalan"]')
    with pytest.raises(UnknownTopicError):
        route("61.07", None)  # type: ignore[arg-type]


def test_directory_without_an_office_falls_back_along_the_chain() -> None:
    directory = load_directory().without("61.07-polres", "61-polda")
    assert "61.07-polres" not in directory
    assert "61.07-kejari" in directory
    decision = Router.default().with_directory(directory).route("61.07.01.2001", "police")
    assert decision.agency is not None
    assert decision.agency.id == "pusat-polri"
    assert decision.alternatives == ()
    no_dpmd = Router.default().with_directory(load_directory().without("61.07-dpmd"))
    village = no_dpmd.route("61.07.01.2001", "village_governance")
    assert village.manual  # no village office and no supervisor: the regency coordinator
    assert village.agency is not None
    assert village.agency.id == "61.07-admin"
