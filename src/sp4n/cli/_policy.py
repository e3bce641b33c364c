"""``sp4n policy [NAME] [--region CODE] [--agency ID] [--json]``: the SLA rules in force.

JSON (ARCHITECTURE.md): ``{"name", "version", "rules": [{"id", "starts", "stops",
"pauses", "length", "unit", "roll_forward", "on_expiry", "citation", "certainty",
"behaviour_certainty"}]}`` (``behaviour_certainty`` added after ARCHITECTURE.md, decision
0155).
The version names every override applied (``2026.1+64.08-kutai-timur@sample-1``).
"""

from __future__ import annotations

import argparse
from typing import Any

from sp4n.cli._output import add_json_flag, emit

__all__ = ["policy_payload", "register", "render_text"]

_JSON_KEYS = (
    "id",
    "starts",
    "stops",
    "pauses",
    "length",
    "unit",
    "roll_forward",
    "on_expiry",
    "citation",
    "certainty",
    "behaviour_certainty",
)


def register(sub: Any) -> None:
    """Add the ``policy`` subcommand."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "policy",
        help="the SLA rules in force for a region or agency, with their citations",
        description="Show an SLA policy (default 'lapor') with region/agency overrides applied.",
    )
    parser.add_argument("name", nargs="?", default="lapor", help="policy name (default: lapor)")
    parser.add_argument("--region", metavar="CODE", help="Kemendagri region code, e.g. 64.08")
    parser.add_argument("--agency", metavar="ID", help="agency id whose overrides apply")
    add_json_flag(parser)
    parser.set_defaults(func=run)


def policy_payload(policy: Any) -> dict[str, Any]:
    """The JSON object of ``sp4n policy --json``."""
    rules = []
    for rule in policy.rules:
        full = rule.to_dict()
        rules.append({key: full[key] for key in _JSON_KEYS})
    return {"name": policy.name, "version": policy.version, "rules": rules}


def _length(rule: Any) -> str:
    unit = "WD" if rule.unit.value == "working_days" else "days"
    text = f"{rule.length} {unit}"
    if rule.roll_forward:
        text += " (roll)"
    if rule.extension is not None:
        text += f" +{rule.extension.max_working_days}WDx{rule.extension.max_times}"
    return text


def _when(rule: Any) -> str:
    parts = [f"{k}={'|'.join(str(v) for v in values)}" for k, values in rule.when.items()]
    if rule.anchor:
        parts.append(f"from payload {rule.anchor}")
    return ", ".join(parts)


def render_text(policy: Any, *, region: str | None, agency: str | None) -> str:
    """A readable table of the rules with numbered citations below it."""
    scope = ", ".join(p for p in (f"region {region}" if region else "", agency or "") if p)
    lines = [f"Policy {policy.name} {policy.version}" + (f" ({scope})" if scope else "")]
    if policy.title:
        lines.append(policy.title)
    for override in policy.overrides:
        tag = " [SAMPLE]" if override.sample else ""
        lines.append(f"override {override.label}{tag}: {override.citation or ''}".rstrip(": "))
    header = ("rule", "length", "starts", "stops", "pauses", "when", "expiry", "certainty", "ref")
    rows = [header]
    for number, rule in enumerate(policy.rules, 1):
        rows.append(
            (
                rule.id,
                _length(rule),
                ",".join(rule.starts),
                ",".join(rule.stops),
                ",".join(rule.pauses) or "-",
                _when(rule) or "-",
                rule.on_expiry.value,
                rule.certainty.value,
                f"[{number}]",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines.append("")
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines.append("")
    for number, rule in enumerate(policy.rules, 1):
        lines.append(f"[{number}] {rule.id}: {rule.title} / {rule.title_en}")
        lines.append(f"    {rule.citation}")
        if rule.source:
            lines.append(f"    {rule.source}")
        if rule.note:
            lines.append(f"    note: {rule.note}")
    return "\n".join(line.rstrip() for line in lines)


def run(args: argparse.Namespace) -> int:
    """Print the policy."""
    from sp4n.adapters import Adapters, plugin_manager
    from sp4n.desk._projection import plugin_policy
    from sp4n.routing import normalize_code

    region = normalize_code(args.region) if args.region is not None else None
    adapters = Adapters(plugin_manager())
    policy = plugin_policy(args.name, region=region, agency=args.agency, adapters=adapters)
    payload = policy_payload(policy)
    return emit(args, payload, render_text(policy, region=region, agency=args.agency))
