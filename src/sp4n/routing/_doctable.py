"""Generate the tables of docs/routing.md from the shipped data, so the docs cannot drift.

``python -m sp4n.routing._doctable docs/routing.md`` rewrites every block between
``<!-- BEGIN name -->`` and ``<!-- END name -->``; a test checks that the file is current.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sp4n.routing._affairs import Affairs, load_affairs
from sp4n.routing._routing_rules import BUILTIN_RULES

__all__ = ["BLOCKS", "render", "rewrite"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def topics_table(affairs: Affairs) -> str:
    """Topics: id, names, competent level(s) and attributes with their values."""
    lines = [
        "| topic | nama | name | aliases | level | attributes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for topic_id in sorted(affairs.topics):
        topic = affairs.topics[topic_id]
        levels = ", ".join(str(level) for level in affairs.levels(topic_id)) or "none (manual)"
        attributes = "; ".join(
            f"`{a.key}`{'' if a.required else ' (optional)'}: " + ", ".join(a.values)
            for a in topic.attributes.values()
        )
        lines.append(
            f"| `{topic.id}` | {_cell(topic.name)} | {_cell(topic.name_en)} "
            f"| {', '.join(topic.aliases) or '-'} | {levels} "
            f"| {attributes or '-'} |"
        )
    return "\n".join(lines)


def affairs_table(affairs: Affairs) -> str:
    """Rows of the division of affairs, in matrix order, with citation and certainty."""
    lines = [
        "| §8 row | topic | when | level | kind | certainty | citation |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    rows = sorted(affairs.rows, key=lambda row: (row.matrix_row or 99, row.topic))
    for row in rows:
        when = "; ".join(f"{key} = {', '.join(values)}" for key, values in row.when.items())
        level = str(row.level)
        if row.alternatives:
            level += " (alternatives: " + ", ".join(str(a) for a in row.alternatives) + ")"
        if row.supervisor is not None:
            level += f" (supervisor: {row.supervisor[0]} `{row.supervisor[1]}`)"
        lines.append(
            f"| {row.matrix_row or '-'} | `{row.topic}` | {when or 'any'} | {level} "
            f"| {row.kind} | {row.certainty} | {_cell(row.citation)} |"
        )
    return "\n".join(lines)


def rules_table(_affairs: Affairs) -> str:
    """The built-in rules in the order the router runs them."""
    lines = [
        "| order | rule | what it does | basis | certainty |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in BUILTIN_RULES:
        lines.append(
            f"| {rule.order} | `{rule.id}` | {_cell(rule.description)} | {_cell(rule.citation)} "
            f"| {rule.certainty} |"
        )
    return "\n".join(lines)


BLOCKS: dict[str, Callable[[Affairs], str]] = {
    "topics": topics_table,
    "affairs": affairs_table,
    "rules": rules_table,
}


def render(text: str, affairs: Affairs | None = None) -> str:
    """Return ``text`` with every generated block replaced by its current content."""
    table = affairs or load_affairs()
    for name, build in BLOCKS.items():
        pattern = re.compile(
            rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", flags=re.DOTALL
        )
        replacement = r"\g<1>" + build(table).replace("\\", "\\\\") + "\n" + r"\g<2>"
        text = pattern.sub(replacement, text)
    return text


def rewrite(path: Path) -> bool:
    """Rewrite the generated blocks of ``path``; return whether anything changed."""
    old = path.read_text(encoding="utf-8")
    new = render(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sp4n.routing._doctable FILE...``: refresh the generated tables."""
    for name in argv if argv is not None else sys.argv[1:]:
        changed = rewrite(Path(name))
        print(f"{name}: {'updated' if changed else 'up to date'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
