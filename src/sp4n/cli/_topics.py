"""``sp4n topics``: the complaint topics, their competent level and attributes."""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._output import add_json_flag, emit

__all__ = ["register", "topics_payload"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``topics`` subcommand."""
    parser = sub.add_parser("topics", help="list complaint topics and their competent level")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def topics_payload() -> dict[str, Any]:
    """The JSON object of ``sp4n topics --json``.

    ``level`` is the single competent level of a topic, ``"varies"`` when it depends on
    the topic's attributes, or ``"none"`` when no affairs row covers the topic.
    """
    from sp4n.routing import Router

    affairs = Router.default().affairs
    topics = []
    for topic_id in sorted(affairs.topics):
        topic = affairs.topics[topic_id]
        levels = affairs.levels(topic_id)
        level = str(levels[0]) if len(levels) == 1 else ("varies" if levels else "none")
        topics.append(
            {
                "id": topic.id,
                "name": topic.name,
                "level": level,
                "attributes": [
                    {
                        "key": attribute.key,
                        "name": attribute.name,
                        "values": list(attribute.values),
                        "required": attribute.required,
                    }
                    for attribute in topic.attributes.values()
                ],
            }
        )
    return {"topics": topics}


def run(args: argparse.Namespace) -> int:
    """Print the topics."""
    payload = topics_payload()
    lines = []
    for topic in payload["topics"]:
        lines.append(f"{topic['id']:<24} {topic['level']:<15} {topic['name']}")
        for attribute in topic["attributes"]:
            optional = "" if attribute["required"] else " (opsional / optional)"
            lines.append(f"    {attribute['key']}{optional}: {', '.join(attribute['values'])}")
    return emit(args, payload, "\n".join(lines))
