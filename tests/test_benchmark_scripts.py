"""The benchmark scripts run as their docstrings say (``python benchmarks/NAME.py``).

``python benchmarks/x.py`` puts ``benchmarks/`` first on ``sys.path``, so a script named like a
standard library module (it was ``calendar.py``) shadows that module for every other script and
for the libraries they import.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "benchmarks").glob("*.py"))


def test_no_benchmark_script_is_named_like_a_standard_library_module() -> None:
    assert SCRIPTS
    clashes = [p.name for p in SCRIPTS if p.stem in sys.stdlib_module_names]
    assert clashes == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_each_docstring_names_its_own_file_in_the_run_line(script: Path) -> None:
    doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    run = re.search(r"Run: ``(?:PYTHONPATH=src )?python (benchmarks/\S+\.py)", doc)
    if run is None:  # storage.py documents its options through argparse
        assert "argparse" in script.read_text(encoding="utf-8"), script.name
        return
    assert run.group(1) == f"benchmarks/{script.name}"


def test_the_lifecycle_benchmark_runs_as_its_docstring_says() -> None:
    """``PYTHONPATH=src python benchmarks/lifecycle.py``: about a second, one table."""
    env = {**os.environ, "PYTHONPATH": "src"}
    done = subprocess.run(
        [sys.executable, "benchmarks/lifecycle.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "apply vs transitions" in done.stdout


def test_the_decade_benchmark_runs_at_a_small_scale() -> None:
    """``python benchmarks/decade.py --scale 0.001``: 5,000 complaints and a year of daily
    sweeps, every phase printed, in a few seconds (about 4 s on the shared machine)."""
    env = {**os.environ, "PYTHONPATH": "src"}
    done = subprocess.run(
        [sys.executable, "benchmarks/decade.py", "--scale", "0.001"],  # the CI size
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for phase in ("1. history import", "2. the year", "3. idle repeat sweep", "4. compliance"):
        assert phase in done.stdout
    assert "all phases" in done.stdout
    assert "events/s by complaints stored: 1,000: " in done.stdout  # the ingest trend


def test_the_desk_benchmark_sweeps_both_engines_at_a_small_scale() -> None:
    """``python benchmarks/desk.py --open ... --sweep-only``: the sweep table per engine, with
    the time per complaint replayed (issue 17); PostgreSQL always under ``CI=true``."""
    from sp4n.testing._postgres import find_postgres_bin

    in_ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    engines = "sqlite,postgresql" if in_ci or find_postgres_bin() is not None else "sqlite"
    command = ["benchmarks/desk.py", "--open", "1000", "--sweep-only", "--engines", engines]
    done = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": "src"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    for engine in ("sqlite (file)", "postgresql (durable)")[: engines.count(",") + 1]:
        mine = [line for line in lines if engine in line]
        assert re.match(r"sweep 1,000 open .* \d+\.\d\d s ", mine[0])
        assert re.match(r"  per complaint replayed .* \d+\.\d{3} ms ", mine[1])
        assert re.match(r"sweep again, a minute later .* \d+ ms ", mine[2])
    assert done.stdout.count("10 due replayed: 5 warnings, 5 breach notices, 5 escalations") == (
        engines.count(",") + 1
    )
    assert "  0 new messages" in lines  # the repeat sweep found everything done
