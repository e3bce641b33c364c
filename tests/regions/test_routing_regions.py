"""The bundled Kemendagri list: codes, names, parent chains, the refresh script."""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sp4n.errors import InvalidInputError, MalformedRegionCodeError, UnknownRegionError
from sp4n.routing import (
    RegionLevel,
    dataset_info,
    find_regions,
    get_region,
    iter_codes,
    parents,
)
from sp4n.routing.refresh import build

SOURCE = Path("/work/shared/data/kode_wilayah_2025.csv")
ALL_CODES = tuple(iter_codes())
BUNDLE = files("sp4n.regions").joinpath("data/kode_wilayah.tsv.gz")


def test_dataset_is_stamped_and_complete() -> None:
    info = dataset_info()
    assert info.version == "Kepmendagri 300.2.2-2138/2025"
    assert "Kemendagri" in info.name
    assert (info.provinces, info.regencies_and_cities, info.districts, info.villages) == (
        38,
        514,
        7285,
        83762,
    )
    assert info.rows == len(ALL_CODES) == 91599


def test_bundle_is_compact() -> None:
    assert len(BUNDLE.read_bytes()) < 1_000_000  # the CSV is 2.4 MB


@pytest.mark.skipif(not SOURCE.exists(), reason="shared source CSV not present")
def test_bundle_is_exactly_what_refresh_builds_from_the_source() -> None:
    rebuilt = build(SOURCE.read_bytes(), version="Kepmendagri 300.2.2-2138/2025")
    assert gzip.decompress(rebuilt) == gzip.decompress(BUNDLE.read_bytes())
    with SOURCE.open(encoding="utf-8") as handle:
        rows = {row["kode"]: " ".join(row["nama"].split()) for row in csv.DictReader(handle)}
    assert {code: get_region(code).name for code in ALL_CODES[::97]} == {
        code: rows[code] for code in ALL_CODES[::97]
    }


def test_rollout_regions() -> None:
    bengkayang = get_region("61.07")
    assert bengkayang.name == "Kabupaten Bengkayang"
    assert bengkayang.level is RegionLevel.KABUPATEN
    assert str(bengkayang.timezone) == "Asia/Pontianak"
    assert (bengkayang.province, bengkayang.parent) == ("61", "61")
    assert get_region("6109").name == "Kabupaten Sekadau"
    assert get_region("64.08").name == "Kabupaten Kutai Timur"
    assert str(get_region("64.08").timezone) == "Asia/Makassar"
    assert get_region("63.10").name == "Kabupaten Tanah Bumbu"
    sulbar = get_region(" 76 ")
    assert (sulbar.name, sulbar.level, sulbar.parent) == ("Sulawesi Barat", "provinsi", None)


def test_levels_from_code_structure() -> None:
    assert get_region("32.73").level is RegionLevel.KOTA
    assert get_region("11.01.01").level is RegionLevel.KECAMATAN
    assert get_region("11.01.01.2001").level is RegionLevel.DESA
    kelurahan = next(code for code in ALL_CODES if len(code) == 13 and code[9] == "1")
    assert get_region(kelurahan).level is RegionLevel.KELURAHAN


def test_parent_chain_of_a_village() -> None:
    chain = parents("61.07.01.2001")
    assert [region.code for region in chain] == ["61.07.01", "61.07", "61"]
    assert get_region("61.07.01.2001").parents == chain
    assert parents("61") == ()


@given(st.sampled_from(ALL_CODES))
def test_every_code_resolves_and_its_chain_ends_at_its_province(code: str) -> None:
    region = get_region(code)
    assert region.code == code
    assert get_region(code.replace(".", "")) == region
    chain = region.parents
    assert len(chain) == code.count(".")
    if chain:
        assert chain[-1].level is RegionLevel.PROVINSI
        assert chain[-1].code == region.province
        assert chain[0].code == region.parent
    else:
        assert region.level is RegionLevel.PROVINSI


def test_every_code_resolves_exhaustively() -> None:
    assert all(get_region(code).code == code for code in ALL_CODES)


@pytest.mark.parametrize("bad", ["6", "61.7", "61-07", "61.07.1", "61.70", "61.00", "abc", ""])
def test_malformed_code_names_the_value(bad: str) -> None:
    with pytest.raises(MalformedRegionCodeError) as info:
        get_region(bad)
    assert info.value.value == bad
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize("unknown", ["99", "61.68", "61.07.99", "61.07.01.2999"])
def test_unknown_code_names_the_value(unknown: str) -> None:
    with pytest.raises(UnknownRegionError) as info:
        get_region(unknown)
    assert info.value.value == unknown
    assert unknown in str(info.value)
    assert not isinstance(info.value, MalformedRegionCodeError)


def test_non_string_code_is_malformed() -> None:
    with pytest.raises(MalformedRegionCodeError):
        get_region(6107)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query",
    ["Kabupaten Bengkayang", "kab. bengkayang", "KAB BENGKAYANG", "  Kabupaten   Bengkayang "],
)
def test_name_lookup_tolerates_prefix_case_and_spacing(query: str) -> None:
    best = find_regions(query)[0]
    assert (best.region.code, best.score) == ("61.07", 1.0)


def test_city_query_prefers_the_city_and_ranks_the_regency_next() -> None:
    codes = [match.region.code for match in find_regions("Kota Bandung", limit=3)]
    assert codes[:2] == ["32.73", "32.04"]
    codes = [match.region.code for match in find_regions("Kabupaten Bandung", limit=3)]
    assert codes[:2] == ["32.04", "32.73"]


def test_ambiguous_name_gives_ranked_candidates() -> None:
    matches = find_regions("Bandung", limit=10)
    scores = [match.score for match in matches]
    assert scores == sorted(scores, reverse=True)
    assert len(matches) == 10
    assert {"32.04", "32.73"} <= {match.region.code for match in matches[:2]}


def test_exact_outranks_prefix_and_fuzzy() -> None:
    matches = find_regions("Sekadau", limit=5)
    assert matches[0].region.code == "61.09"
    assert all(match.score < matches[0].score for match in matches[1:])
    fuzzy = find_regions("Bengkayan")  # a letter missing
    assert fuzzy[0].region.code == "61.07"
    assert fuzzy[0].score < 0.9
    typo = find_regions("Kabupaten Sekadua")
    assert typo[0].region.code == "61.09"


def test_accents_apostrophes_abbreviations_and_aliases() -> None:
    assert find_regions("Régapu'u")[0].region.name == "Regapu’u"
    assert find_regions("Kab. Kep. Seribu")[0].region.code == "31.01"
    assert find_regions("Kota Adm. Jakarta Utara")[0].region.code == "31.72"
    assert find_regions("Sulbar")[0].region.code == "76"


def test_limit_caps_candidates() -> None:
    assert len(find_regions("Sukamaju", limit=3)) == 3
    with pytest.raises(InvalidInputError, match="limit = 0"):
        find_regions("Sukamaju", limit=0)


@pytest.mark.parametrize("name", ["Atlantis Raya Zzz", "Qqqqq"])
def test_unknown_name_raises_naming_it(name: str) -> None:
    with pytest.raises(UnknownRegionError) as info:
        find_regions(name)
    assert info.value.value == name


@pytest.mark.parametrize("name", ["", "  ", "..."])
def test_empty_name_is_invalid(name: str) -> None:
    with pytest.raises(InvalidInputError, match="name = "):
        find_regions(name)


def test_refresh_rejects_inconsistent_lists() -> None:
    header = "kode,nama,level\n"
    with pytest.raises(InvalidInputError, match="level"):
        build((header + "61,Kalimantan Barat,2\n").encode(), version="X")
    with pytest.raises(MalformedRegionCodeError, match="parent 61"):
        build((header + "61.07,Kabupaten Bengkayang,2\n").encode(), version="X")
    with pytest.raises(InvalidInputError, match="once"):
        build((header + "61,A,1\n61,B,1\n").encode(), version="X")
    with pytest.raises(InvalidInputError, match="columns"):
        build(b"code,name\n61,A\n", version="X")
    with pytest.raises(InvalidInputError, match="version"):
        build((header + "61,A,1\n").encode(), version=" ")


def test_refresh_command_writes_a_loadable_bundle(tmp_path: Path) -> None:
    source = tmp_path / "list.csv"
    source.write_text("kode,nama,level\n61,Kalimantan Barat,1\n61.07,Kabupaten  Bengkayang ,2\n")
    out = tmp_path / "bundle.tsv.gz"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "sp4n.routing.refresh", str(source)),
            *("--version", "Test 1/2030", "--out", str(out)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = gzip.decompress(out.read_bytes()).decode().splitlines()
    assert "# version: Test 1/2030" in lines
    assert lines[-2:] == ["61\tKalimantan Barat", "61.07\tKabupaten Bengkayang"]
    bad = tmp_path / "bad.csv"
    bad.write_text("kode,nama,level\n6x,Oops,1\n")
    run = subprocess.run(
        [sys.executable, "-m", "sp4n.routing.refresh", str(bad), "--version", "T"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "'6x'" in run.stderr
