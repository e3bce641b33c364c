"""docs/sla.md shows the shipped policies' rules; this test keeps it in step with the TOML."""

from __future__ import annotations

import re
from pathlib import Path

from sp4n.sla import Policy, load_policy

DOC = Path(__file__).parents[2] / "docs" / "sla.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rule_table(policy: Policy) -> str:
    """The Markdown table docs/sla.md holds between its markers."""
    lines = [
        "| id | rule | starts / stops / pauses | length | on expiry | certainty | citation |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule in policy.rules:
        length = f"{rule.length} {'working days' if rule.unit == 'working_days' else 'days'}"
        if rule.roll_forward:
            length += ", roll forward"
        if rule.extension is not None:
            cap = rule.extension
            length += f"; extension +{cap.max_working_days} WD x{cap.max_times}"
        events = f"{', '.join(rule.starts)} / {', '.join(rule.stops)}"
        events += f" / {', '.join(rule.pauses) or '-'}"
        if rule.when:
            events += "; when " + ", ".join(
                f"{k} = {'/'.join(str(v) for v in values)}" for k, values in rule.when.items()
            )
        if rule.anchor:
            events += f"; counted from payload `{rule.anchor}`"
        lines.append(
            f"| `{rule.id}` | {_cell(rule.title_en)} | {_cell(events)} | {length} "
            f"| {rule.on_expiry.value} | {rule.certainty.value} | {_cell(rule.citation)} |"
        )
    return "\n".join(lines)


def _block(text: str, name: str) -> str:
    match = re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", text, re.DOTALL)
    assert match, f"docs/sla.md lacks the {name} markers"
    return match.group(1)


def test_docs_table_matches_the_lapor_policy() -> None:
    text = DOC.read_text(encoding="utf-8")
    expected = rule_table(load_policy())
    assert _block(text, "lapor-rules") == expected, "regenerate: python tests/sla/test_sla_docs.py"


def test_docs_table_matches_the_sample_overrides() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert _block(text, "kutai-timur-rules") == rule_table(load_policy(region="64.08"))
    tiered = rule_table(load_policy(agency="sample-sippn-tiered"))
    assert _block(text, "sippn-tiered-rules") == tiered


if __name__ == "__main__":  # regenerate the tables in place
    content = DOC.read_text(encoding="utf-8")
    for marker, policy in (
        ("lapor-rules", load_policy()),
        ("kutai-timur-rules", load_policy(region="64.08")),
        ("sippn-tiered-rules", load_policy(agency="sample-sippn-tiered")),
    ):
        content = re.sub(
            rf"(<!-- {marker}:start -->\n).*?(\n<!-- {marker}:end -->)",
            lambda m, p=policy: m.group(1) + rule_table(p) + m.group(2),
            content,
            flags=re.DOTALL,
        )
    DOC.write_text(content, encoding="utf-8")
