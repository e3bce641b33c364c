"""Rows added or corrected by issue 14 (decision 0155): village roads to the regency (UU 38/2004
Pasal 16(1)), bus terminals by type, mining permits (UU 3/2020, Perpres 55/2022), forestry,
and the MBLB, bird's-nest and opsen regional taxes."""

from __future__ import annotations

import pytest

from sp4n.routing import AuthorityLevel, route

VILLAGE = "61.07.01.2001"  # Sungai Duri, a desa in Kabupaten Bengkayang


@pytest.mark.parametrize(
    ("topic", "attributes", "agency", "level", "cited"),
    [
        ("road", {"road_status": "desa"}, "61.07-pupr", "kabupaten_kota", "UU 38/2004"),
        ("jalan", {"road_status": "desa"}, "61.07-pupr", "kabupaten_kota", "Pasal 16"),
        ("public_transport", {"transport_service": "terminal_a"}, "pusat-kemenhub", "pusat",
         "type A"),
        ("public_transport", {"transport_service": "terminal_b"}, "61-dishub", "provinsi",
         "type B"),
        ("public_transport", {"transport_service": "terminal_c"}, "61.07-dishub",
         "kabupaten_kota", "type C"),
        ("mining", {"mineral": "batubara"}, "pusat-esdm", "pusat", "UU 3/2020"),
        ("tambang", {}, "pusat-esdm", "pusat", "UU 3/2020"),
        ("mining", {"mineral": "batuan"}, "61-esdm", "provinsi", "Perpres 55/2022"),
        ("mining", {"mineral": "pertambangan_rakyat"}, "61-esdm", "provinsi", "Perpres 55/2022"),
        ("forestry", {}, "61-dishut", "provinsi", "Kehutanan"),
        ("forestry", {"forest_area": "konservasi"}, "pusat-kemenhut", "pusat", "Taman Nasional"),
        ("forestry", {"forest_area": "tahura"}, "61.07-dlh", "kabupaten_kota", "Tahura"),
        ("tax", {"tax_kind": "pajak_mblb"}, "61.07-bapenda", "kabupaten_kota", "MBLB"),
        ("tax", {"tax_kind": "pajak_sarang_burung_walet"}, "61.07-bapenda", "kabupaten_kota",
         "sarang burung walet"),
        ("tax", {"tax_kind": "opsen_pkb"}, "61.07-bapenda", "kabupaten_kota", "opsen"),
        ("tax", {"tax_kind": "opsen_pajak_mblb"}, "61-bapenda", "provinsi", "opsen"),
    ],
)  # fmt: skip
def test_the_new_rows_route_to_the_competent_agency(
    topic: str, attributes: dict[str, str], agency: str, level: str, cited: str
) -> None:
    decision = route(VILLAGE, topic, attributes)
    assert decision.agency is not None
    assert (decision.agency.id, decision.level, decision.manual) == (
        agency,
        AuthorityLevel(level),
        False,
    )
    assert cited in decision.reasons[0].citation


def test_delegated_and_shared_rows_name_the_other_level_as_alternative() -> None:
    assert [a.id for a in route(VILLAGE, "mining", {"mineral": "batuan"}).alternatives] == [
        "pusat-esdm"
    ]
    assert [a.id for a in route(VILLAGE, "tax", {"tax_kind": "opsen_bbnkb"}).alternatives] == [
        "61-bapenda"
    ]
