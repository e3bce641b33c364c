"""Benchmark of sp4n.routing; prints ONE table measured in one run.

Rows: code lookups per second over the whole Kemendagri list (every code, shuffled);
name lookups per second (every name of the list, shuffled, plus misspelled names);
routing decisions per second (random regions from the whole list x every topic and
attribute value; with the router's memo, and without it for reference); the wall time
of ``python -c "import sp4n"`` against a bare interpreter (best of several runs); and
the memory of the loaded list (tracemalloc). A pandas ``DataFrame.loc`` code lookup over
the same list is shown as a reference point. Targets from issue 4: import within 100 ms
of a bare interpreter; at least 50,000 routing decisions per second; the full list
resident in under 30 MB.

Run: ``PYTHONPATH=src python benchmarks/routing.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's calendar (imported by
# zoneinfo and pandas): keep this folder off sys.path.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE]

import random  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from typing import Any  # noqa: E402

RNG = random.Random(2026)
Row = tuple[str, str, str, str]


def memory() -> tuple[float, float, float]:
    """MB traced for the code table, then with the name index; and the load time (s)."""
    tracemalloc.start()
    started = time.perf_counter()
    from sp4n.routing import _regions

    _regions._dataset()
    codes_mb = tracemalloc.get_traced_memory()[0] / 2**20
    _regions._name_index()
    loaded = time.perf_counter() - started
    full_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    return codes_mb, full_mb, loaded


def rate(items: Sequence[Any], call: Callable[[Any], object], repeats: int = 3) -> float:
    """Calls per second over ``items``: the best of ``repeats`` passes (least disturbed
    by other processes on a shared machine, as timeit recommends)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for item in items:
            call(item)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def best_wall(code: str, runs: int = 7) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def found(name: str) -> bool:
    from sp4n.errors import UnknownRegionError
    from sp4n.routing import find_regions

    try:
        find_regions(name)
    except UnknownRegionError:
        return False
    return True


def misspell(name: str) -> str:
    if len(name) < 6:
        return name
    at = RNG.randrange(2, len(name) - 1)
    return name[:at] + name[at + 1 :]  # one letter dropped


def main() -> None:
    codes_mb, full_mb, load_s = memory()

    from sp4n.routing import Router, find_regions, get_region, iter_codes, load_affairs

    codes = list(iter_codes())
    shuffled = codes[:]
    RNG.shuffle(shuffled)
    names = [get_region(code).name for code in shuffled]  # every name in the list
    typos = [misspell(get_region(code).name) for code in RNG.sample(codes[:600], 300)]

    affairs = load_affairs()
    requests: list[tuple[str, dict[str, str] | None]] = []
    for topic in affairs.topics.values():
        if not topic.attributes:
            requests.append((topic.id, None))
        for key, attribute in topic.attributes.items():
            requests.extend((topic.id, {key: value}) for value in attribute.values)
    work = [(RNG.choice(codes), *RNG.choice(requests)) for _ in range(100_000)]
    router = Router.default()
    plain = Router(directory=router.directory, affairs=router.affairs, memoize=False)
    for code, topic, attributes in work[:20_000]:  # warm the memo as a running portal would
        router.route(code, topic, attributes)

    code_rate = rate(shuffled, get_region, repeats=1)  # cold: every code once
    code_rate_warm = rate(shuffled[:16_000], get_region)
    name_rate = rate(names, find_regions, repeats=1)
    typo_rate = rate(typos, found, repeats=1)
    typo_hits = sum(map(found, typos)) / len(typos)
    route_rate = rate(work, lambda item: router.route(*item))
    plain_rate = rate(work[:20_000], lambda item: plain.route(*item), repeats=1)

    import pandas as pd

    frame = pd.read_csv("/work/shared/data/kode_wilayah_2025.csv", dtype=str, index_col="kode")
    pandas_rate = rate(shuffled[:20_000], lambda code: frame.loc[code, "nama"])

    bare = best_wall("pass")
    with_sp4n = best_wall("import sp4n")
    import_delta_ms = (with_sp4n - bare) * 1000

    rows: list[Row] = [
        ("code lookups/s, all 91,599 codes (cold)", f"{code_rate:,.0f}", "-", ""),
        ("code lookups/s (cached)", f"{code_rate_warm:,.0f}", "-", ""),
        ("  reference: pandas DataFrame.loc", f"{pandas_rate:,.0f}", "-", ""),
        ("name lookups/s, all 91,599 names", f"{name_rate:,.0f}", "-", ""),
        ("name lookups/s, misspelled", f"{typo_rate:,.0f}", "-", ""),
        ("  misspelled names found", f"{typo_hits:.0%}", "-", ""),
        (
            "routing decisions/s (memo)",
            f"{route_rate:,.0f}",
            ">= 50,000",
            "met" if route_rate >= 50_000 else "NOT met",
        ),
        ("routing decisions/s (no memo)", f"{plain_rate:,.0f}", "-", ""),
        (
            "import sp4n - bare python (ms)",
            f"{import_delta_ms:.1f}",
            "<= 100",
            "met" if import_delta_ms <= 100 else "NOT met",
        ),
        ("  bare / import sp4n (ms)", f"{bare * 1000:.1f} / {with_sp4n * 1000:.1f}", "-", ""),
        ("dataset resident, codes (MB)", f"{codes_mb:.1f}", "-", ""),
        (
            "dataset resident, codes+names (MB)",
            f"{full_mb:.1f}",
            "< 30",
            "met" if full_mb < 30 else "NOT met",
        ),
        ("dataset load + index (s)", f"{load_s:.2f}", "-", ""),
    ]
    header: Row = ("measure", "value", "target", "result")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(4)]
    line = "-+-".join("-" * w for w in widths)
    print(line)
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(line)


if __name__ == "__main__":
    main()
