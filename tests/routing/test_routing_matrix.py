"""Every row of the routing matrix (regulation.md §8) and every topic attribute."""

from __future__ import annotations

import pytest

from sp4n.routing import (
    AffairKind,
    AuthorityLevel,
    Certainty,
    Router,
    load_affairs,
    route,
)

BENGKAYANG = "61.07"
VILLAGE = "61.07.01.2001"  # Sungai Duri, a desa in Bengkayang

# (matrix row, region, topic, attributes, expected agency, expected decision level)
MATRIX = [
    *[(1, BENGKAYANG, "school", {"school_level": v}, "61.07-disdik", "kabupaten_kota")
      for v in ("paud", "sd", "smp", "nonformal")],
    *[(2, BENGKAYANG, "school", {"school_level": v}, "61-disdik", "provinsi")
      for v in ("sma", "smk", "slb")],
    (3, BENGKAYANG, "school", {"school_level": "perguruan_tinggi"}, "pusat-kemendiktisaintek",
     "pusat"),
    (3, BENGKAYANG, "education_standards", {}, "pusat-kemendikdasmen", "pusat"),
    (4, BENGKAYANG, "religious_affairs", {}, "61.07-kemenag", "pusat"),
    (4, BENGKAYANG, "religious_affairs", {"service": "haji_umrah"}, "61.07-kemenag", "pusat"),
    (5, BENGKAYANG, "road", {"road_status": "nasional"}, "61-bpjn", "pusat"),
    (5, BENGKAYANG, "road", {"road_status": "tol"}, "61-bpjn", "pusat"),
    (6, BENGKAYANG, "road", {"road_status": "provinsi"}, "61-pupr", "provinsi"),
    (7, BENGKAYANG, "road", {"road_status": "kabupaten"}, "61.07-pupr", "kabupaten_kota"),
    (7, BENGKAYANG, "road", {"road_status": "kota"}, "61.07-pupr", "kabupaten_kota"),
    (8, VILLAGE, "road", {"road_status": "desa"}, "61.07-pupr", "kabupaten_kota"),  # UU 38/2004
    (9, BENGKAYANG, "hospital", {"hospital_class": "A"}, "pusat-kemenkes", "pusat"),
    (9, BENGKAYANG, "hospital", {"hospital_class": "pma"}, "pusat-kemenkes", "pusat"),
    (10, BENGKAYANG, "hospital", {"hospital_class": "B"}, "61-dinkes", "provinsi"),
    (11, BENGKAYANG, "hospital", {"hospital_class": "C"}, "61.07-dinkes", "kabupaten_kota"),
    (11, BENGKAYANG, "hospital", {"hospital_class": "D"}, "61.07-dinkes", "kabupaten_kota"),
    (11, BENGKAYANG, "puskesmas", {}, "61.07-dinkes", "kabupaten_kota"),
    (12, BENGKAYANG, "health_insurance", {}, "pusat-bpjs-kesehatan", "pusat"),
    (12, BENGKAYANG, "employment_insurance", {}, "pusat-bpjs-ketenagakerjaan", "pusat"),
    (13, BENGKAYANG, "population_documents", {}, "61.07-disdukcapil", "kabupaten_kota"),
    (13, BENGKAYANG, "population_documents", {"document": "ktp_el"}, "61.07-disdukcapil",
     "kabupaten_kota"),
    (13, BENGKAYANG, "population_documents", {"document": "sistem"}, "pusat-dukcapil", "pusat"),
    (14, BENGKAYANG, "land", {}, "61.07-kantah", "pusat"),
    (15, BENGKAYANG, "police", {}, "61.07-polres", "pusat"),
    (15, BENGKAYANG, "police", {"service": "sim"}, "61.07-polres", "pusat"),
    (16, BENGKAYANG, "court", {}, "61.07-pn", "pusat"),
    (16, "61.09", "court", {}, "61-pt", "pusat"),  # no district court in the sample
    (16, BENGKAYANG, "prosecution", {}, "61.07-kejari", "pusat"),
    (17, BENGKAYANG, "electricity", {}, "61-pln-uid", "pusat"),
    (18, BENGKAYANG, "waste", {}, "61.07-dlh", "kabupaten_kota"),
    (18, BENGKAYANG, "drainage", {}, "61.07-pupr", "kabupaten_kota"),
    (18, BENGKAYANG, "street_lighting", {}, "61.07-pupr", "kabupaten_kota"),
    (18, BENGKAYANG, "local_market", {}, "61.07-disperindag", "kabupaten_kota"),
    *[(19, BENGKAYANG, "social_assistance", {"program": v}, "61.07-dinsos", "kabupaten_kota")
      for v in ("pkh", "bpnt", "dtks", "bansos_daerah")],
    *[(20, BENGKAYANG, "public_transport", {"transport_service": v}, "61.07-dishub",
       "kabupaten_kota") for v in ("angkutan_dalam_kabupaten_kota", "pelabuhan_lokal")],
    *[(20, BENGKAYANG, "public_transport", {"transport_service": v}, "61-dishub", "provinsi")
      for v in ("akdp", "pelabuhan_regional")],
    *[(20, BENGKAYANG, "public_transport", {"transport_service": v}, "pusat-kemenhub", "pusat")
      for v in ("akap", "kereta_api", "bandar_udara", "pelabuhan_utama")],
    (20, BENGKAYANG, "public_transport", {"transport_service": "terminal_a"}, "pusat-kemenhub",
     "pusat"),
    (20, BENGKAYANG, "public_transport", {"transport_service": "terminal_b"}, "61-dishub",
     "provinsi"),
    (20, BENGKAYANG, "public_transport", {"transport_service": "terminal_c"}, "61.07-dishub",
     "kabupaten_kota"),
    (21, VILLAGE, "village_governance", {}, "61.07-dpmd", "kabupaten_kota"),
    (21, VILLAGE, "village_funds", {}, "61.07-dpmd", "kabupaten_kota"),
    (22, BENGKAYANG, "civil_servant_conduct", {"employer": "kabupaten_kota"},
     "61.07-inspektorat", "kabupaten_kota"),
    (22, BENGKAYANG, "civil_servant_conduct", {"employer": "provinsi"}, "61-inspektorat",
     "provinsi"),
    (22, BENGKAYANG, "civil_servant_conduct", {"employer": "pusat"}, "pusat-bkn", "pusat"),
    *[(23, BENGKAYANG, "tax", {"tax_kind": v}, "pusat-djp", "pusat")
      for v in ("pph", "ppn", "ppnbm", "bea_meterai", "pbb_p5l")],
    *[(23, BENGKAYANG, "tax", {"tax_kind": v}, "61-bapenda", "provinsi")
      for v in ("pkb", "bbnkb", "pab", "pbbkb", "pap", "pajak_rokok")],
    *[(23, BENGKAYANG, "tax", {"tax_kind": v}, "61.07-bapenda", "kabupaten_kota")
      for v in ("pbb_p2", "bphtb", "pbjt", "pajak_reklame", "pajak_air_tanah", "pajak_mblb",
                "pajak_sarang_burung_walet", "opsen_pkb", "opsen_bbnkb")],
    (23, BENGKAYANG, "tax", {"tax_kind": "opsen_pajak_mblb"}, "61-bapenda", "provinsi"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "region", "topic", "attributes", "agency", "level"),
    MATRIX,
    ids=[f"row{m[0]}-{m[2]}-{'-'.join(m[3].values()) or 'any'}" for m in MATRIX],
)
def test_matrix_row(
    row: int, region: str, topic: str, attributes: dict[str, str], agency: str, level: str
) -> None:
    decision = route(region, topic, attributes)
    assert decision.agency is not None
    assert (decision.agency.id, str(decision.level)) == (agency, level)
    assert decision.manual is False
    assert decision.region == region
    first = decision.reasons[0]
    assert first.rule in {"absolute_affairs", "vertical_and_national_bodies", "concurrent_affairs"}
    assert first.citation
    assert first.certainty in set(Certainty)
    assert row in Router.default().affairs.topic(topic).matrix_rows


def test_every_matrix_row_is_tested_and_encoded() -> None:
    assert {m[0] for m in MATRIX} == set(range(1, 24))
    affairs = load_affairs()
    # rows beyond regulation.md §8 (mining, forestry: decision 0155) carry no matrix row
    assert {row.matrix_row for row in affairs.rows} - {None} == set(range(1, 24))


def test_every_attribute_value_is_covered_and_tested() -> None:
    affairs = load_affairs()
    tested = {(m[2], key, value) for m in MATRIX for key, value in m[3].items()}
    for topic in affairs.topics.values():
        for key, attribute in topic.attributes.items():
            for value in attribute.values:
                decision = route(VILLAGE, topic.id, {key: value})
                assert decision.agency is not None, (topic.id, key, value)
                assert not decision.manual, (topic.id, key, value)
                if attribute.required:
                    assert (topic.id, key, value) in tested


def test_absolute_affairs_are_decided_before_concurrent_ones() -> None:
    decision = route(BENGKAYANG, "tax", {"tax_kind": "pph"})
    assert decision.reasons[0].rule == "absolute_affairs"
    assert "UU 23/2014 Pasal 10" in decision.reasons[0].citation
    assert route(BENGKAYANG, "land").reasons[0].rule == "vertical_and_national_bodies"
    assert route(BENGKAYANG, "electricity").reasons[0].rule == "vertical_and_national_bodies"


def test_affair_kinds_follow_the_matrix() -> None:
    affairs = load_affairs()
    kinds = {row.topic: row.kind for row in affairs.rows if not row.when}
    assert kinds["police"] is AffairKind.ABSOLUTE
    assert kinds["court"] is AffairKind.ABSOLUTE
    assert kinds["religious_affairs"] is AffairKind.ABSOLUTE
    assert kinds["land"] is AffairKind.VERTICAL
    assert kinds["health_insurance"] is AffairKind.STATUTORY_BODY
    assert kinds["electricity"] is AffairKind.SOE
    assert kinds["waste"] is AffairKind.CONCURRENT


def test_every_row_carries_citation_and_certainty() -> None:
    for row in load_affairs().rows:
        assert len(row.citation) > 20
        assert row.certainty in set(Certainty)
    education = [row for row in load_affairs().rows if row.topic == "school"]
    assert {row.certainty for row in education} == {Certainty.READ}  # [C] in regulation.md


def test_vertical_offices_nearest_first_with_fallbacks_as_alternatives() -> None:
    decision = route("61.07.01", "police")
    assert decision.agency is not None
    assert decision.agency.id == "61.07-polres"
    assert [a.id for a in decision.alternatives] == ["61-polda", "pusat-polri"]
    elsewhere = route("32.73", "police")  # Kota Bandung: not in the sample directory
    assert elsewhere.agency is not None
    assert elsewhere.agency.id == "pusat-polri"


def test_social_assistance_lists_the_central_programme_as_alternative() -> None:
    decision = route(BENGKAYANG, "social_assistance", {"program": "pkh"})
    assert [a.id for a in decision.alternatives] == ["pusat-kemensos", "61-dinsos"]


def test_all_rollout_regions_route_every_topic() -> None:
    affairs = load_affairs()
    for region in ("61.07", "61.09", "64.08", "63.10", "76"):
        for topic in affairs.topics.values():
            attributes = {
                key: attribute.values[0]
                for key, attribute in topic.attributes.items()
                if attribute.required
            }
            decision = route(region, topic.id, attributes)
            assert decision.agency is not None
            if topic.id == "other":
                assert decision.manual


def test_sulawesi_barat_province_routes_its_own_affairs() -> None:
    decision = route("76", "school", {"school_level": "sma"})
    assert decision.agency is not None
    assert decision.agency.id == "76-disdik"
    assert decision.level is AuthorityLevel.PROVINSI
    regency_affair = route("76.04", "school", {"school_level": "sd"})
    assert regency_affair.manual
    assert regency_affair.agency is not None
    assert regency_affair.agency.id == "76-admin"  # nearest coordinator: the province's
