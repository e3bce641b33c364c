"""Lifecycle speed: sp4n.lifecycle.apply vs the `transitions` package on the same table.

One run, one table. Rows:
- apply one event: sp4n's ``apply`` (payload check, table lookup, role + scope check,
  guard, new Event, fold into a new immutable Complaint), per event, over a 19-event story;
- transitions: a ``transitions.Machine`` built from the same LAPOR_TABLE rows firing the
  same 19 triggers on a model (no payloads, permissions or history);
- replay 20 events: ``sp4n.lifecycle.replay`` of the whole 20-event history.

Targets (issue 3): apply at least 2x as fast as transitions per event; replay < 100 µs.

Run: ``PYTHONPATH=src python benchmarks/lifecycle.py``
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from transitions import Machine

from lifecycle_kit import actor_for, new_complaint, payload_for
from sp4n.lifecycle import LAPOR_TABLE, EventType, Role, apply, replay

logging.getLogger("transitions").setLevel(logging.WARNING)

E = EventType
STORY: tuple[tuple[EventType, Role], ...] = (
    (E.VERIFIED, Role.ADMIN),
    (E.FORWARDED, Role.ADMIN),
    (E.ACKNOWLEDGED, Role.LIAISON),
    (E.INFO_REQUESTED, Role.LIAISON),
    (E.INFO_PROVIDED, Role.REPORTER),
    (E.EXTENDED, Role.LIAISON),
    (E.REPORTER_REPLIED, Role.REPORTER),
    (E.ADMIN_REPLIED, Role.ADMIN),
    (E.FOLLOWED_UP, Role.LIAISON),
    (E.REPORTER_REPLIED, Role.REPORTER),
    (E.FOLLOWED_UP, Role.LIAISON),
    (E.ESCALATED, Role.SUPERVISOR),
    (E.ADMIN_REPLIED, Role.ADMIN),
    (E.FOLLOWED_UP, Role.LIAISON),
    (E.VISIBILITY_CHANGED, Role.REPORTER),
    (E.COMPLETED, Role.SYSTEM),
    (E.RATED, Role.REPORTER),
    (E.ESCALATED, Role.REPORTER),
    (E.VISIBILITY_CHANGED, Role.REPORTER),
)
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def prepared_steps() -> list[tuple[str, Any, datetime, dict[str, Any]]]:
    """Actors, instants and payloads for the story, computed once (not timed)."""
    complaint = new_complaint()
    steps = []
    for number, (event, role) in enumerate(STORY, start=1):
        actor = actor_for(role, complaint)
        at = T0 + timedelta(hours=number)
        payload = payload_for(event, complaint, role)
        steps.append((event.value, actor, at, payload))
        complaint = apply(complaint, event, actor=actor, at=at, payload=payload)
    return steps


def run_sp4n(start: Any, steps: list[tuple[str, Any, datetime, dict[str, Any]]]) -> Any:
    complaint = start
    for event, actor, at, payload in steps:
        complaint = apply(complaint, event, actor=actor, at=at, payload=payload)
    return complaint


class Model:
    pass


def build_machine() -> Machine:
    transitions = [
        {"trigger": r.event.value, "source": r.source.value, "dest": r.target.value}
        for r in LAPOR_TABLE.rows
    ]
    return Machine(
        model=None,
        states=[s.value for s in LAPOR_TABLE.statuses],
        transitions=transitions,
        initial=LAPOR_TABLE.initial.value,
        auto_transitions=False,
    )


def run_transitions(machine: Machine, model: Any) -> Any:
    machine.set_state(LAPOR_TABLE.initial.value, model)
    for event, _ in STORY:
        getattr(model, event.value)()
    return model


ROUNDS = 21


def timed(func: Any, *args: Any, loops: int) -> float:
    """Mean CPU seconds per call over ``loops`` calls.

    CPU time of this process (``time.process_time``), so time spent descheduled on a
    shared machine does not count against either side.
    """
    start = time.process_time()
    for _ in range(loops):
        func(*args)
    return (time.process_time() - start) / loops


def main() -> None:
    steps = prepared_steps()
    start = new_complaint()
    final = run_sp4n(start, steps)
    assert final.status.value == "completed", final.status
    history = final.history
    assert len(history) == 20
    machine = build_machine()
    model = Model()
    machine.add_model(model)
    run_transitions(machine, model)
    assert model.state == final.status.value, (model.state, final.status)

    n = len(STORY)
    # Interleave the three measurements round by round so a busy machine slows all
    # of them alike, and keep each one's best round.
    ours_runs, theirs_runs, replay_runs = [], [], []
    for _ in range(ROUNDS):
        ours_runs.append(timed(run_sp4n, start, steps, loops=200) / n)
        theirs_runs.append(timed(run_transitions, machine, model, loops=200) / n)
        replay_runs.append(timed(replay, history, loops=500))
    ours, theirs, replayed = min(ours_runs), min(theirs_runs), min(replay_runs)
    samples = replay_runs

    ratio = theirs / ours
    rows = [
        ("sp4n apply (validate, permit, guard, fold)", ours * 1e6, "per event"),
        ("transitions Machine trigger (same table)", theirs * 1e6, "per event"),
        ("sp4n replay of 20 events", replayed * 1e6, "per history"),
    ]
    print(f"Python {sys.version.split()[0]}; lifecycle table: {len(LAPOR_TABLE.rows)} rows")
    print(f"{'measurement (CPU time, best round)':<46} {'µs':>9}  unit")
    print("-" * 70)
    for name, micros, unit in rows:
        print(f"{name:<46} {micros:>9.2f}  {unit}")
    print("-" * 70)
    print(
        f"best of {ROUNDS} interleaved rounds; replay median {statistics.median(samples) * 1e6:.1f}"
        f" µs, apply median {statistics.median(ours_runs) * 1e6:.1f} µs, transitions median "
        f"{statistics.median(theirs_runs) * 1e6:.1f} µs"
    )
    met_ratio = ratio >= 2.0
    met_replay = replayed < 100e-6
    print(
        f"apply vs transitions: {ratio:.2f}x faster (target >= 2x): "
        f"{'MET' if met_ratio else 'NOT MET'}"
    )
    print(
        f"20-event replay: {replayed * 1e6:.1f} µs (target < 100 µs): "
        f"{'MET' if met_replay else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
