"""``sp4n region``: look a region up by code or by name."""

from __future__ import annotations

import argparse
import re

from sp4n.cli._output import add_json_flag, emit

__all__ = ["register"]

_LOOKS_LIKE_CODE = re.compile(r"^[\d.\s]+$")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``region`` subcommand."""
    parser = sub.add_parser("region", help="look a region up by Kemendagri code or by name")
    parser.add_argument("query", metavar="CODE_OR_NAME", help="e.g. 61.07 or 'Kab. Bengkayang'")
    parser.add_argument("--limit", type=int, default=10, help="name lookup: candidates shown")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the region (code) or the ranked candidates (name)."""
    from sp4n.routing import find_regions, get_region

    if _LOOKS_LIKE_CODE.match(args.query):
        region = get_region(args.query)
        chain = region.parents
        payload = {
            "code": region.code,
            "name": region.name,
            "level": str(region.level),
            "timezone": str(region.timezone),
            "parents": [
                {"code": parent.code, "name": parent.name, "level": str(parent.level)}
                for parent in chain
            ],
        }
        lines = [f"{region.code} {region.name} ({region.level}, {region.timezone})"]
        lines.extend(f"  in {p.code} {p.name} ({p.level})" for p in chain)
        return emit(args, payload, "\n".join(lines))
    matches = find_regions(args.query, limit=args.limit)
    payload_name = {
        "query": args.query,
        "candidates": [
            {
                "code": match.region.code,
                "name": match.region.name,
                "level": str(match.region.level),
                "score": match.score,
            }
            for match in matches
        ],
    }
    lines = [
        f"{m.score:.3f}  {m.region.code:<14} {m.region.name} ({m.region.level})" for m in matches
    ]
    return emit(args, payload_name, "\n".join(lines))
