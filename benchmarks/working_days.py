"""Benchmark of the working-day calendar against its peers; prints ONE table from one run.

Peers (given the very same holiday set, 2000-2100): a naive day-by-day loop, scalar
``numpy.busday_offset`` / ``numpy.busday_count``, pandas ``CustomBusinessDay``; and for bulk,
vectorised ``numpy.busday_offset`` over the same 1,000,000 start dates.

Run: ``PYTHONPATH=src python benchmarks/working_days.py`` (needs the ``bench`` extra).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from pandas.tseries.offsets import CustomBusinessDay

from sp4n.sla import WorkingCalendar

CAL = WorkingCalendar.indonesia()
HOLIDAY_DATES = sorted(
    s.date for s in CAL.non_working_days(CAL.first_date, CAL.last_date) if s.date.weekday() < 5
)
HOLIDAY_SET = frozenset(HOLIDAY_DATES)
NP_HOLIDAYS = np.array([d.isoformat() for d in HOLIDAY_DATES], dtype="datetime64[D]")
NP_CAL = np.busdaycalendar(weekmask="1111100", holidays=NP_HOLIDAYS)
RNG = random.Random(2026)
LOW, HIGH = dt.date(2000, 1, 3).toordinal(), dt.date(2100, 6, 1).toordinal()


def starts(count: int) -> list[dt.date]:
    return [dt.date.fromordinal(RNG.randint(LOW, HIGH)) for _ in range(count)]


def naive_add(start: dt.date, n: int) -> dt.date:
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAY_SET:
            left -= 1
    return day


def naive_between(a: dt.date, b: dt.date) -> int:
    count, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAY_SET:
            count += 1
    return count


def best_rate(loops: dict[str, tuple[Callable[[], object], int]], rounds: int) -> dict[str, float]:
    """Calls per second of each loop: best of ``rounds``, the loops interleaved per round
    so that load from other processes hits every contender alike."""
    best = dict.fromkeys(loops, float("inf"))
    for _ in range(rounds):
        for name, (loop, _count) in loops.items():
            began = time.perf_counter()
            loop()
            best[name] = min(best[name], time.perf_counter() - began)
    return {name: loops[name][1] / best[name] for name in loops}


def add_loops(n: int) -> dict[str, tuple[Callable[[], object], int]]:
    dates = starts(20_000)
    few = dates[:2_000]
    np_dates = [np.datetime64(d, "D") for d in dates]
    pd_dates = [pd.Timestamp(d) for d in few]
    offset = CustomBusinessDay(n=n, calendar=NP_CAL)
    add, busday_offset = CAL.add_working_days, np.busday_offset

    def ours() -> None:
        for d in dates:
            add(d, n)

    def naive() -> None:
        for d in few:
            naive_add(d, n)

    def numpy_scalar() -> None:
        for d in np_dates:
            busday_offset(d, n, roll="forward", busdaycal=NP_CAL)

    def pandas_cbd() -> None:
        for t in pd_dates:
            t + offset

    return {
        "sp4n": (ours, len(dates)),
        "naive": (naive, len(few)),
        "numpy": (numpy_scalar, len(np_dates)),
        "pandas": (pandas_cbd, len(pd_dates)),
    }


def between_loops(n: int) -> dict[str, tuple[Callable[[], object], int]]:
    pairs = [(d, CAL.add_working_days(d, n)) for d in starts(20_000)]
    few = pairs[:2_000]
    np_pairs = [(np.datetime64(a, "D"), np.datetime64(b, "D")) for a, b in pairs]
    pd_pairs = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in pairs[:100]]
    between, busday_count = CAL.working_days_between, np.busday_count

    def ours() -> None:
        for a, b in pairs:
            between(a, b)

    def naive() -> None:
        for a, b in few:
            naive_between(a, b)

    def numpy_scalar() -> None:
        for a, b in np_pairs:
            busday_count(a, b, busdaycal=NP_CAL)

    def pandas_cbd() -> None:
        for a, b in pd_pairs:
            len(pd.bdate_range(a, b, freq="C", holidays=HOLIDAY_DATES))

    return {
        "sp4n": (ours, len(pairs)),
        "naive": (naive, len(few)),
        "numpy": (numpy_scalar, len(np_pairs)),
        "pandas": (pandas_cbd, len(pd_pairs)),
    }


def main() -> None:
    results: dict[tuple[str, int], dict[str, float]] = {}
    for op, make in (("add_working_days", add_loops), ("working_days_between", between_loops)):
        loops = {f"{name}@{n}": loop for n in (1, 5, 60) for name, loop in make(n).items()}
        rates = best_rate(loops, rounds=5)
        for n in (1, 5, 60):
            results[(op, n)] = {
                name: rates[f"{name}@{n}"] for name in ("sp4n", "naive", "numpy", "pandas")
            }

    million = starts(1_000_000)
    np_million = np.array(million, dtype="datetime64[D]")
    ours_bulk = numpy_bulk = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        bulk = CAL.add_working_days_many(million, 5)
        ours_bulk = min(ours_bulk, time.perf_counter() - began)
        began = time.perf_counter()
        np.busday_offset(np_million, 5, roll="forward", busdaycal=NP_CAL)
        numpy_bulk = min(numpy_bulk, time.perf_counter() - began)
    assert bulk[0] == CAL.add_working_days(million[0], 5)

    print("sp4n calendar benchmark: calls/second (higher is better), one run, same holiday set")
    print(f"(holidays + cuti bersama on weekdays 2000-2100: {len(HOLIDAY_DATES)}; {CAL.version})")
    columns = ("sp4n", "naive", "numpy", "pandas")
    titles = ("sp4n", "naive loop", "numpy scalar", "pandas CBD")
    print(f"{'operation':<22}{'n':>4}" + "".join(f"{t:>14}" for t in titles))
    for (op, n), rates in results.items():
        print(f"{op:<22}{n:>4}" + "".join(f"{rates[c]:>14,.0f}" for c in columns))
    print(
        f"{'1,000,000 bulk, s':<22}{5:>4}{ours_bulk:>14.3f}{'-':>14}{numpy_bulk:>14.3f}{'-':>14}"
        "   (sp4n add_working_days_many vs vectorised numpy.busday_offset)"
    )
    print()
    checks: list[tuple[str, float, float]] = []
    for (op, n), rates in results.items():
        checks.append((f"{op} n={n}: vs numpy scalar (>= 5x)", rates["sp4n"] / rates["numpy"], 5))
        checks.append((f"{op} n={n}: vs pandas (>= 30x)", rates["sp4n"] / rates["pandas"], 30))
    for op in ("add_working_days", "working_days_between"):
        slowdown = results[(op, 1)]["sp4n"] / results[(op, 60)]["sp4n"]
        checks.append((f"{op}: time n=60 / n=1 (<= 1.3x)", slowdown, -1.3))
    checks.append(("1M bulk: time vs vectorised numpy (<= 10x)", ours_bulk / numpy_bulk, -10))
    print(f"{'target (ratio in this run)':<52}{'ratio':>10}   result")
    for label, value, target in checks:
        met = value >= target if target > 0 else value <= -target
        print(f"{label:<52}{value:>10.2f}x  {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
