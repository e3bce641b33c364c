"""Rebuild the bundled region dataset from a Kemendagri code list.

Usage (from a checkout, when a new Kepmendagri list appears)::

    python -m sp4n.regions.refresh kode_wilayah_2025.csv \\
        --version "Kepmendagri 300.2.2-2138/2025"

The input is a CSV with the columns ``kode,nama,level`` (level 1 province, 2 regency or
city, 3 district, 4 village), the shape of ``shared/data/kode_wilayah_2025.csv``. Every
row is checked: the code must have the Kemendagri shape, the level column must agree
with the code's structure, every code's parent must be in the list and no code may
repeat. The output is ``src/sp4n/regions/data/kode_wilayah.tsv.gz``: a header stamped
with the dataset name, version, row counts and the source's SHA-256, then one
``code<TAB>name`` line per region in code order, gzip-compressed reproducibly (no
timestamp), so the same input always gives the same bytes. See docs/routing.md.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from sp4n.errors import InvalidInputError, MalformedRegionCodeError
from sp4n.regions._codes import level_of, normalize_code

__all__ = ["DATASET_NAME", "build", "main"]

DATASET_NAME = "Kode dan Data Wilayah Administrasi Pemerintahan (Kemendagri)"
_DEFAULT_OUT = Path(__file__).parent / "data" / "kode_wilayah.tsv.gz"
_SEGMENTS_BY_LEVEL = {"1": 1, "2": 2, "3": 3, "4": 4}


def _sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def build(source: bytes, *, version: str) -> bytes:
    """Validate a Kemendagri CSV (``kode,nama,level``) and return the bundled gzip bytes."""
    if not version.strip():
        raise InvalidInputError("version", version, "the dataset version must not be empty")
    reader = csv.DictReader(io.StringIO(source.decode("utf-8-sig")))
    missing = {"kode", "nama", "level"} - set(reader.fieldnames or ())
    if missing:
        raise InvalidInputError(
            "columns",
            reader.fieldnames,
            f"the CSV needs the columns kode, nama, level; missing {sorted(missing)}",
        )
    names: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        code = normalize_code(row["kode"], field=f"line {line} kode")
        level_of(code)  # rejects a regency segment 00/70 or a village segment 0xxx
        if _SEGMENTS_BY_LEVEL.get(row["level"].strip()) != code.count(".") + 1:
            raise InvalidInputError(
                f"line {line} level",
                row["level"],
                f"code {code} has {code.count('.') + 1} segment(s)",
            )
        name = " ".join(row["nama"].split())
        if not name or "\t" in name:
            raise InvalidInputError(f"line {line} nama", row["nama"], "a name is non-empty text")
        if code in names:
            raise InvalidInputError(f"line {line} kode", code, "each code appears once")
        names[code] = name
    for code in names:
        parent = code.rpartition(".")[0]
        if parent and parent not in names:
            raise MalformedRegionCodeError("kode", code, f"its parent {parent} is not in the list")
    counts = Counter(code.count(".") + 1 for code in names)
    header = [
        f"# dataset: {DATASET_NAME}",
        f"# version: {version.strip()}",
        f"# rows: {len(names)}",
        f"# provinces: {counts[1]}",
        f"# regencies_and_cities: {counts[2]}",
        f"# districts: {counts[3]}",
        f"# villages: {counts[4]}",
        f"# source_sha256: {hashlib.sha256(source).hexdigest()}",
    ]
    body = [f"{code}\t{names[code]}" for code in sorted(names, key=_sort_key)]
    text = "\n".join([*header, *body]) + "\n"
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m sp4n.regions.refresh CSV --version V``."""
    parser = argparse.ArgumentParser(prog="python -m sp4n.regions.refresh", description=__doc__)
    parser.add_argument("csv", type=Path, help="Kemendagri list as CSV with kode,nama,level")
    parser.add_argument(
        "--version",
        required=True,
        help='the decision that set the list, e.g. "Kepmendagri 300.2.2-2138/2025"',
    )
    parser.add_argument("--out", type=Path, default=_DEFAULT_OUT, help="where to write the bundle")
    args = parser.parse_args(argv)
    try:
        data = build(args.csv.read_bytes(), version=args.version)
    except InvalidInputError as exc:
        print(f"refresh: {exc}", file=sys.stderr)
        return 2
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
