"""The transition table: one piece of data that the code, the docs and the diagram read.

Each :class:`Transition` row says: in status ``source``, event ``event`` by one of
``roles`` moves the complaint to ``target``, if the named ``guard`` (if any) lets it.
:class:`TransitionTable` checks itself when it is built and raises
:class:`sp4n.errors.InvalidWorkflowDefinition` for duplicate rows, unreachable
statuses, exits from final statuses and dead ends.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

import attrs

from sp4n.errors import InvalidWorkflowDefinition
from sp4n.lifecycle._events import EventType, Role
from sp4n.lifecycle._status import FINAL_STATUSES, Status

__all__ = ["LAPOR_TABLE", "Transition", "TransitionTable"]


@attrs.frozen
class Transition:
    """One row of the table: ``source --event [roles] / guard--> target``."""

    source: Status
    event: EventType
    target: Status
    roles: frozenset[Role]
    guard: str | None = None
    event_name: str = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "event_name", self.event.value)

    @property
    def is_self_loop(self) -> bool:
        """Whether the event leaves the status unchanged."""
        return self.source is self.target


def _check(
    initial: Status,
    statuses: frozenset[Status],
    final: frozenset[Status],
    rows: tuple[Transition, ...],
) -> dict[tuple[Status, EventType], Transition]:
    index: dict[tuple[Status, EventType], Transition] = {}
    for row in rows:
        key = (row.source, row.event)
        if key in index:
            raise InvalidWorkflowDefinition(
                f"duplicate row: event {row.event.value!r} appears twice in status "
                f"{row.source.value!r}"
            )
        if row.source not in statuses or row.target not in statuses:
            raise InvalidWorkflowDefinition(
                f"row {row.source.value} --{row.event.value}--> {row.target.value} names a "
                "status outside the table"
            )
        if row.source in final:
            raise InvalidWorkflowDefinition(
                f"final status {row.source.value!r} has an exit ({row.event.value!r})"
            )
        if not row.roles:
            raise InvalidWorkflowDefinition(
                f"row {row.source.value} --{row.event.value}--> nobody may fire it (no roles)"
            )
        index[key] = row
    seen = {initial}
    queue = deque([initial])
    while queue:
        current = queue.popleft()
        for row in rows:
            if row.source is current and row.target not in seen:
                seen.add(row.target)
                queue.append(row.target)
    unreachable = sorted(s.value for s in statuses - seen)
    if unreachable:
        raise InvalidWorkflowDefinition(f"unreachable statuses: {', '.join(unreachable)}")
    dead = sorted(
        s.value
        for s in statuses - final
        if not any(r.source is s and not r.is_self_loop for r in rows)
    )
    if dead:
        raise InvalidWorkflowDefinition(
            f"statuses with no way out that are not declared final: {', '.join(dead)}"
        )
    return index


@attrs.frozen(cache_hash=True)  # a cache key of every clock evaluation
class TransitionTable:
    """A checked set of transitions from ``initial`` (entered by the ``submitted`` event)."""

    initial: Status
    final: frozenset[Status]
    rows: tuple[Transition, ...]
    statuses: frozenset[Status] = attrs.field()
    index: Mapping[tuple[Status, str], Transition] = attrs.field(init=False, repr=False, eq=False)
    """Rows by ``(status, event name)``."""
    _allowed: Mapping[Status, tuple[str, ...]] = attrs.field(init=False, repr=False, eq=False)

    @statuses.default
    def _all_statuses(self) -> frozenset[Status]:
        return frozenset(
            {self.initial, *(r.source for r in self.rows), *(r.target for r in self.rows)}
        )

    def __attrs_post_init__(self) -> None:
        index = _check(self.initial, self.statuses, self.final, self.rows)
        object.__setattr__(self, "index", index)
        allowed = {
            s: tuple(sorted(r.event.value for r in self.rows if r.source is s))
            for s in self.statuses
        }
        object.__setattr__(self, "_allowed", allowed)

    def row(self, status: Status, event: str) -> Transition | None:
        """The row for ``event`` in ``status``, or ``None`` when the event is not allowed there."""
        return self.index.get((status, event))

    def allowed_events(self, status: Status) -> tuple[str, ...]:
        """Event names allowed in ``status`` (by any role), sorted."""
        return self._allowed.get(status, ())

    def rows_from(self, status: Status) -> tuple[Transition, ...]:
        """All rows leaving ``status``, in table order."""
        return tuple(r for r in self.rows if r.source is status)

    def to_mermaid(self, *, lang: str = "id") -> str:
        """Render the table as a Mermaid ``stateDiagram-v2`` (labels in ``lang``).

        Arrows carry ``event [roles] / guard``; events between the same two statuses
        share an arrow. Events that keep the status are listed in a note on it.
        """
        lines = ["stateDiagram-v2"]
        for status in sorted(self.statuses, key=_order):
            lines.append(f'    state "{status.label_in(lang)}" as {status.value}')
        lines.append(f"    [*] --> {self.initial.value} : submitted")
        edges: dict[tuple[Status, Status], list[str]] = {}
        loops: dict[Status, list[str]] = {}
        for row in self.rows:
            roles = ", ".join(sorted(r.value for r in row.roles))
            text = f"{row.event.value} [{roles}]"
            if row.guard:
                text += f" / {row.guard}"
            if row.is_self_loop:
                loops.setdefault(row.source, []).append(text)
            else:
                edges.setdefault((row.source, row.target), []).append(text)
        for (source, target), texts in edges.items():
            lines.append(f"    {source.value} --> {target.value} : {'<br/>'.join(texts)}")
        for status in sorted(loops, key=_order):
            lines.append(f"    note right of {status.value}")
            lines.extend(f"        {text}" for text in loops[status])
            lines.append("    end note")
        for status in sorted(self.final, key=_order):
            lines.append(f"    {status.value} --> [*]")
        return "\n".join(lines) + "\n"

    def to_markdown(self, *, lang: str = "id") -> str:
        """Render the rows as a Markdown table (status labels in ``lang``)."""
        lines = [
            "| from | event | to | roles | guard |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in self.rows:
            roles = ", ".join(sorted(r.value for r in row.roles))
            lines.append(
                f"| {row.source.label_in(lang)} (`{row.source.value}`) | `{row.event.value}` | "
                f"{row.target.label_in(lang)} (`{row.target.value}`) | {roles} | "
                f"{'`' + row.guard + '`' if row.guard else ''} |"
            )
        return "\n".join(lines) + "\n"


_ORDER = {status: number for number, status in enumerate(Status)}


def _order(status: Status) -> int:
    return _ORDER[status]


def _rows(
    sources: Iterable[Status],
    event: EventType,
    roles: Iterable[Role],
    target: Status | None = None,
    guard: str | None = None,
) -> list[Transition]:
    """Rows for one event from several statuses; ``target=None`` keeps the status."""
    role_set = frozenset(roles)
    return [Transition(s, event, target or s, role_set, guard) for s in sources]


S, E, R = Status, EventType, Role
_OPEN = (
    S.SUBMITTED,
    S.ON_HOLD,
    S.VERIFIED,
    S.FORWARDED,
    S.IN_PROGRESS,
    S.AWAITING_REPORTER,
    S.RETURNED,
    S.FOLLOWED_UP,
)
_AGENCY = (S.FORWARDED, S.IN_PROGRESS)
_ESCALABLE = (S.SUBMITTED, S.VERIFIED, S.FORWARDED, S.IN_PROGRESS, S.RETURNED, S.FOLLOWED_UP)

LAPOR_TABLE = TransitionTable(
    initial=S.SUBMITTED,
    final=FINAL_STATUSES,
    rows=(
        # Intake and verification by the LAPOR! admin (regulation.md §6.2: A1-A4)
        *_rows(
            [S.SUBMITTED, S.ON_HOLD],
            E.VERIFIED,
            [R.ADMIN],
            S.VERIFIED,
            "verification_keeps_privacy",
        ),
        *_rows([S.SUBMITTED], E.HELD, [R.ADMIN], S.ON_HOLD),
        *_rows([S.ON_HOLD], E.INFO_PROVIDED, [R.REPORTER], S.SUBMITTED),
        *_rows([S.SUBMITTED, S.ON_HOLD, S.VERIFIED, S.RETURNED], E.ARCHIVED, [R.ADMIN], S.ARCHIVED),
        *_rows(
            [S.SUBMITTED, S.ON_HOLD, S.VERIFIED, S.RETURNED],
            E.AMENDED,
            [R.ADMIN],
            None,
            "amendment_matches_the_record",
        ),
        *_rows(
            [S.VERIFIED, S.RETURNED],
            E.FORWARDED,
            [R.ADMIN],
            S.FORWARDED,
            "agency_has_not_returned_it",
        ),
        # The agency's liaison (pejabat penghubung)
        *_rows([S.FORWARDED], E.ACKNOWLEDGED, [R.LIAISON], S.IN_PROGRESS),
        *_rows(_AGENCY, E.INFO_REQUESTED, [R.LIAISON], S.AWAITING_REPORTER),
        *_rows([S.FOLLOWED_UP], E.INFO_REQUESTED, [R.LIAISON], S.AWAITING_REPORTER),
        *_rows([S.AWAITING_REPORTER], E.INFO_PROVIDED, [R.REPORTER], S.IN_PROGRESS),
        *_rows(
            [*_AGENCY, S.FOLLOWED_UP],
            E.FOLLOWED_UP,
            [R.LIAISON],
            S.FOLLOWED_UP,
            "approves_a_draft",
        ),
        # Disposition inside the agency: liaison -> work unit -> approved follow-up (0201)
        *_rows([S.IN_PROGRESS], E.DISPOSED, [R.LIAISON]),
        *_rows([S.IN_PROGRESS], E.FOLLOW_UP_DRAFTED, [R.UNIT]),
        *_rows(_AGENCY, E.RETURNED, [R.LIAISON], S.RETURNED),
        *_rows(_AGENCY, E.EXTENDED, [R.LIAISON, R.ADMIN], None, "within_extension_caps"),
        # Conversation
        *_rows(_AGENCY, E.REPORTER_REPLIED, [R.REPORTER]),
        *_rows(_AGENCY, E.ADMIN_REPLIED, [R.ADMIN]),
        # a reply to a follow-up hands the complaint back to the agency (T2 reopens, T3 stops)
        *_rows([S.FOLLOWED_UP], E.REPORTER_REPLIED, [R.REPORTER], S.IN_PROGRESS),
        *_rows([S.FOLLOWED_UP], E.ADMIN_REPLIED, [R.ADMIN], S.IN_PROGRESS),
        # Closing, feedback, reopening
        *_rows([S.FOLLOWED_UP], E.COMPLETED, [R.SYSTEM, R.REPORTER, R.ADMIN], S.COMPLETED),
        *_rows([S.COMPLETED], E.RATED, [R.REPORTER], None, "not_rated_yet"),
        *_rows(
            [S.COMPLETED],
            E.REOPENED,
            [R.REPORTER, R.ADMIN],
            S.IN_PROGRESS,
            "within_reopen_limit",
        ),
        # Oversight
        *_rows(
            [*_ESCALABLE, S.COMPLETED],
            E.ESCALATED,
            [R.SUPERVISOR, R.SYSTEM, R.REPORTER],
            None,
            "escalation_target_allowed",
        ),
        *_rows(_OPEN, E.MERGED, [R.ADMIN], S.MERGED, "merge_target_is_another_complaint"),
        *_rows(
            [*_OPEN, S.COMPLETED],
            E.VISIBILITY_CHANGED,
            [R.REPORTER, R.ADMIN],
            None,
            "only_reporter_reveals",
        ),
        *_rows(_OPEN, E.DEADLINE_MOVED, [R.SYSTEM]),
        *_rows(_OPEN, E.REMINDED, [R.SYSTEM]),
    ),
)
"""The SP4N-LAPOR! lifecycle as sp4n models it (decision 0040; diagram in docs/lifecycle.md)."""
