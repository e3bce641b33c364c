"""``sp4n route``: where a complaint goes, and why."""

from __future__ import annotations

import argparse

from sp4n.cli._days import both
from sp4n.cli._output import add_json_flag, emit
from sp4n.errors import InvalidInputError

__all__ = ["register"]


def _attribute(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"--attr {text!r}: expected KEY=VALUE")
    return key.strip(), value.strip()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``route`` subcommand."""
    parser = sub.add_parser("route", help="route a complaint to the competent agency")
    parser.add_argument("--region", required=True, help="Kemendagri region code, e.g. 61.07")
    parser.add_argument("--topic", required=True, help="complaint topic (see `sp4n topics`)")
    parser.add_argument(
        "--attr",
        action="append",
        default=[],
        type=_attribute,
        metavar="KEY=VALUE",
        help="a topic attribute, e.g. road_status=provinsi (repeatable)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="AGENCY",
        help="an agency that returned the complaint as not its authority (repeatable)",
    )
    add_json_flag(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Route and print the decision."""
    from sp4n.routing import route

    attributes: dict[str, str] = {}
    for key, value in args.attr:
        if key in attributes:
            raise InvalidInputError(f"attributes.{key}", value, "each attribute is given once")
        attributes[key] = value
    decision = route(args.region, args.topic, attributes, exclude=args.exclude)
    lines = [
        f"{both('route.region')}: {decision.region}",
        f"{both('route.topic')}: {decision.topic}",
    ]
    if decision.agency is None:
        lines.append(f"{both('route.agency')}: - ({both('route.national_admin')})")
    else:
        lines.append(f"{both('route.agency')}: {decision.agency.name} [{decision.agency.id}]")
    lines.append(f"{both('route.level')}: {decision.level}")
    if decision.manual:
        lines.append(both("route.manual"))
    lines.append(f"{both('route.reasons')}:")
    for reason in decision.reasons:
        lines.append(f"  - {reason.text} [{reason.rule}; {reason.certainty}]")
        lines.append(f"    {reason.citation}")
    if decision.alternatives:
        lines.append(f"{both('route.alternatives')}:")
        lines.extend(f"  - {agency.name} [{agency.id}]" for agency in decision.alternatives)
    return emit(args, decision.to_dict(), "\n".join(lines))
