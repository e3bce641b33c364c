"""Serving benchmark: requests per second of ``sp4n serve`` (waitress) over real HTTP.

For SQLite (a file in a temporary directory) and PostgreSQL (a temporary server started with
initdb/pg_ctl, fsync on), the store is filled with ``--complaints`` complaints (default
100,000, as projection rows with their submitted event, through ``Store.append_many``), then
the Open311 site is served on 127.0.0.1 with 1 and with 8 worker threads and hammered by 8
keep-alive client connections in two separate processes for ``--seconds`` each:

- ``GET /open311/v2/requests.json``: the national hub's default list (the last 90 days, up to
  1,000 requests, newest first);
- ``POST /open311/v2/requests.json``: a new road complaint (a Desk submit: replay, clocks,
  projection, outbox), form-encoded with an API key.

    python benchmarks/serve.py                     # 100,000 complaints, SQLite and PostgreSQL
    python benchmarks/serve.py --small             # 10,000 complaints, 3 s per measurement
    python benchmarks/serve.py --complaints 50000 --skip-postgres

One table; requests per second (and the median latency) per store, thread count and request.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import importlib.util
import logging
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

KEY = "kunci-benchmark"
CLIENT_PROCESSES = 2
CONNECTIONS_PER_PROCESS = 4
FORM = urlencode(
    {
        "api_key": KEY,
        "service_code": "road",
        "jurisdiction_id": "61.07",
        "lat": "0.8456",
        "long": "109.4777",
        "description": "Jalan kabupaten di Sebalo berlubang besar sejak bulan lalu.",
        "attribute[road_status]": "kabupaten",
    }
).encode()


def _storage_module() -> Any:
    """benchmarks/storage.py, for its simulated complaints (loaded by path, not by name)."""
    path = Path(__file__).with_name("storage.py")
    spec = importlib.util.spec_from_file_location("sp4n_bench_storage", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fill(url: str, complaints: int) -> date:
    """Store ``complaints`` simulated complaints over two years; return the last day."""
    from sp4n.adapters import open_store

    storage = _storage_module()
    today: date = storage.START + timedelta(days=2 * 365 - 1)
    store = open_store(url)
    try:
        for batch in storage.projected_years(max(1, complaints // 2), today):
            store.append_many(batch)
    finally:
        store.close()
    return today


def _client(args: tuple[int, str, str, float]) -> tuple[list[float], list[str]]:
    """One client process: keep-alive connections for ``seconds``; latencies and failures."""
    port, method, path, seconds = args
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if method == "POST" else {}
        mine: list[float] = []
        try:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                connection.request(method, path, body=FORM if method == "POST" else None,
                                   headers=headers)  # fmt: skip
                response = connection.getresponse()
                response.read()
                if response.status not in (200, 201):
                    with lock:
                        failures.append(f"{method} {path}: HTTP {response.status}")
                    return
                mine.append(time.perf_counter() - began)
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                failures.append(f"{method} {path}: {exc!r}")
        finally:
            connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(CONNECTIONS_PER_PROCESS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures


def hammer(
    pool: concurrent.futures.Executor, port: int, method: str, seconds: float
) -> tuple[float, float]:
    """Requests per second and median latency (ms) of 8 connections for ``seconds``."""
    path = "/open311/v2/requests.json"
    began = time.perf_counter()
    jobs = [(port, method, path, seconds)] * CLIENT_PROCESSES
    answers = list(pool.map(_client, jobs))
    elapsed = time.perf_counter() - began
    failures = [failure for _, part in answers for failure in part]
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    latencies = [value for part, _ in answers for value in part]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000


def measure(
    name: str, url: str, complaints: int, seconds: float, pool: concurrent.futures.Executor
) -> list[dict[str, Any]]:
    """Fill the store at ``url``, then both requests with 1 and 8 server threads."""
    from zoneinfo import ZoneInfo

    from sp4n.desk import Desk
    from sp4n.open311 import make_site
    from sp4n.serving import ServeSettings, serving
    from sp4n.testing import FrozenClock

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "queue depth": expected here
    print(f"{name}: storing {complaints:,} complaints ...", file=sys.stderr)
    began = time.perf_counter()
    today = fill(url, complaints)
    print(f"{name}: stored in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    clock = FrozenClock(datetime(*today.timetuple()[:3], 10, tzinfo=ZoneInfo("Asia/Pontianak")))
    rows = []
    with Desk.open(url, clock=clock) as desk:
        site = make_site(desk, api_keys=[KEY])
        for threads in (1, 8):
            settings = ServeSettings(port=0, threads=threads, channel_timeout=120)
            with serving(site, settings) as server:
                for method in ("GET", "POST"):
                    print(f"{name}: {threads} thread(s), {method} ...", file=sys.stderr)
                    rate, median = hammer(pool, server.port, method, seconds)
                    rows.append(
                        {"store": name, "threads": threads, "method": method,
                         "per_s": rate, "median_ms": median}
                    )  # fmt: skip
    return rows


def table(rows: list[dict[str, Any]], complaints: int, seconds: float) -> str:
    """The one table this benchmark prints."""
    lines = [
        f"sp4n serve (waitress), {complaints:,} complaints stored, 8 keep-alive client "
        f"connections, {seconds:g} s per cell",
        "",
        "| store | threads | GET requests.json per s (median) "
        "| POST requests.json per s (median) |",
        "| --- | --- | --- | --- |",
    ]  # fmt: skip
    for store in dict.fromkeys(row["store"] for row in rows):
        for threads in (1, 8):
            cells = {
                row["method"]: f"{row['per_s']:,.1f} ({row['median_ms']:,.0f} ms)"
                for row in rows
                if row["store"] == store and row["threads"] == threads
            }
            lines.append(f"| {store} | {threads} | {cells['GET']} | {cells['POST']} |")
    if hasattr(os, "getloadavg"):
        lines.append("")
        lines.append(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return "\n".join(lines)


def _postgres() -> Iterator[tuple[str, str]]:
    from sp4n.testing import TemporaryPostgres

    with TemporaryPostgres(durable=True) as server:
        yield "PostgreSQL", server.create_database("serve")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000, help="stored (default 100k)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement (10)")
    parser.add_argument("--small", action="store_true", help="10,000 complaints, 3 s each")
    parser.add_argument("--skip-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    complaints, seconds = args.complaints, args.seconds
    if args.small:
        complaints, seconds = 10_000, 3.0
    if complaints < 1 or seconds <= 0:
        parser.error("--complaints must be at least 1 and --seconds more than 0")
    rows: list[dict[str, Any]] = []
    context = multiprocessing.get_context("spawn")  # clients start clean, before any server
    with concurrent.futures.ProcessPoolExecutor(CLIENT_PROCESSES, mp_context=context) as pool:
        list(pool.map(time.sleep, [0] * CLIENT_PROCESSES))  # start the client processes
        with tempfile.TemporaryDirectory(prefix="sp4n-serve-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'serve.db'}"
            rows += measure("SQLite", url, complaints, seconds, pool)
        if not args.skip_postgres:
            for name, url in _postgres():
                rows += measure(name, url, complaints, seconds, pool)
    print(table(rows, complaints, seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
