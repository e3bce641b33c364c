"""The generated Concepts tables: lifecycle, SLA rules, routing matrix, labels and notifications."""

from __future__ import annotations

from collections.abc import Iterable

from _docs_run import Session, generated_notice

from sp4n.desk._notify import RECIPIENTS
from sp4n.lifecycle import LAPOR_TABLE, Status
from sp4n.routing import load_affairs, route
from sp4n.sla import Policy, Rule, load_overrides, load_policy
from sp4n.texts import catalogue

_TEXTS = catalogue()
SUBJECT = _TEXTS["notification.subject"]
_GENERIC = (_TEXTS["notification.generic"]["id"], _TEXTS["notification.generic"]["en"])
_ANONYMOUS_NAME = _TEXTS["reporter.anonymous"]
_NO_NAME = _TEXTS["reporter.no_name"]
_TEMPLATES = {
    key.removeprefix("notification."): (texts["id"], texts["en"])
    for key, texts in _TEXTS.items()
    if key.startswith("notification.")
    and key not in ("notification.subject", "notification.generic")
}
_EVENT_NAMES = {
    key.removeprefix("event_name."): (texts["id"], texts["en"])
    for key, texts in _TEXTS.items()
    if key.startswith("event_name.")
}
_STAGES = ("warning", "breach", "escalation")
SWEEP_SUBJECT = {stage: _TEXTS[f"sweep.{stage}_subject"] for stage in _STAGES}
SWEEP_TEXT = {stage: _TEXTS[f"sweep.{stage}"] for stage in _STAGES}

__all__ = ["labels_page", "lifecycle_page", "routing_page", "sla_page"]

SAMPLE_REGION = "61.07"
"""The region the routing matrix is routed from (Kabupaten Bengkayang, in the sample directory)."""


def cell(text: object) -> str:
    """``text`` made safe for one Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A Markdown table."""
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)
    return "\n".join(lines)


CERTAINTY = table(
    ["certainty", "meaning"],
    [
        ["`read`", "checked in the text of the regulation or the operator's own publication"],
        ["`reported`", "from a secondary source (news, a regional site quoting the rule)"],
        ["`inferred`", "sp4n's reading where the sources are silent; see the decisions"],
    ],
)


# -- lifecycle ----------------------------------------------------------------------------------


def lifecycle_page() -> str:
    """Statuses, the state diagram in both languages and every transition."""
    statuses = table(
        ["status", "label (Bahasa Indonesia)", "label (English)", "accepts", "closed"],
        [
            [
                f"`{status.value}`",
                status.label,
                status.label_en,
                ", ".join(f"`{e}`" for e in sorted(LAPOR_TABLE.allowed_events(status))) or "-",
                "final" if status.is_final else "yes" if status.is_closed else "no",
            ]
            for status in Status
        ],
    )
    return "\n".join(
        [
            generated_notice("`sp4n.lifecycle.LAPOR_TABLE`"),
            "",
            "# The complaint lifecycle",
            "",
            "A complaint is the sum of its events: every action appends one event, and the status",
            "is what the transition table makes of them. The table is data "
            "(`sp4n.lifecycle.LAPOR_TABLE`);",
            "this page is drawn from it. Who may act, the guards, replies and reopening are "
            "explained in",
            "[the lifecycle reference](../lifecycle.md); the regulatory basis in "
            "[decision 0040](../decisions/0040-lifecycle-table.md).",
            "",
            "## The state diagram",
            "",
            "Each box is a status, in Indonesian as citizens and officers read it and in English;",
            "each arrow is an event, coloured by who may record it (the tables below have every",
            "row with its roles and guard). Dashed arrows go back to an earlier status.",
            "",
            "![The lifecycle diagram; its statuses: "
            + ", ".join(f"{s.label} ({s.label_en})" for s in Status)
            + "](../assets/pictures/lifecycle.svg)",
            "",
            "The same table as a Mermaid diagram, with the notes for the events that keep the "
            "status, is in",
            "[the lifecycle reference](../lifecycle.md#statuses-and-the-transition-table).",
            "",
            "## Statuses",
            "",
            "*Closed* statuses accept no agency action and run no clock; *final* ones accept no "
            "event at all.",
            "",
            statuses,
            "",
            "## Transitions",
            "",
            "Every row of the table: the status before, the event, the status after, who may "
            "record it and",
            "the guard that must hold.",
            "",
            LAPOR_TABLE.to_markdown().rstrip("\n"),
            "",
        ]
    )


# -- SLA rules ----------------------------------------------------------------------------------


def _length(rule: Rule) -> str:
    unit = "working days" if rule.unit.value == "working_days" else "calendar days"
    text = f"{rule.length} {unit}"
    if rule.roll_forward:
        text += ", rolled forward off a day off"
    if rule.extension is not None:
        text += f"; +{rule.extension.max_working_days} WD x{rule.extension.max_times}"
    return text


def _span(rule: Rule) -> str:
    start = f"payload `{rule.anchor}`" if rule.anchor else ", ".join(rule.starts)
    text = f"{start} → {', '.join(rule.stops)}"
    if rule.when:
        text += "; when " + ", ".join(f"{k} = {'/'.join(v)}" for k, v in rule.when.items())
    return text


def _rules_table(rules: Iterable[Rule]) -> str:
    return table(
        [
            "id",
            "what (English / Indonesian)",
            "from → until",
            "length",
            "owed by",
            "on expiry",
            "certainty",
            "behaviour",
            "citation",
        ],
        [
            [
                f"`{rule.id}`",
                f"{rule.title_en} / *{rule.title}*",
                _span(rule),
                _length(rule),
                rule.role,
                rule.on_expiry.value,
                f"`{rule.certainty.value}`",
                f"`{rule.behaviour_certainty.value}`",
                rule.citation,
            ]
            for rule in rules
        ],
    )


_COMPARED = ("length", "unit", "roll_forward", "starts", "stops", "when", "certainty")


def _value(rule: Rule, field: str) -> str:
    value = getattr(rule, field)
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(getattr(value, "value", value))


def _override_section(base: Policy, policy: Policy) -> list[str]:
    (override,) = policy.overrides
    scope = f"region `{override.region}`" if override.region else f"agency `{override.agency}`"
    lines = [
        f"### `{override.name}` ({scope})",
        "",
        (
            "A **sample**: it illustrates a reported local practice, not a checked rule. "
            if override.sample
            else ""
        )
        + (f"Basis: {override.citation}" if override.citation else ""),
        "",
    ]
    before = {rule.id: rule for rule in base.rules}
    changed = []
    for rule in policy.rules:
        old = before.get(rule.id)
        if old is None:
            changed.append([f"`{rule.id}`", "(new rule)", "-", _length(rule), rule.citation])
            continue
        for field in _COMPARED:
            if _value(old, field) != _value(rule, field):
                changed.append(
                    [f"`{rule.id}`", field, _value(old, field), _value(rule, field), rule.citation]
                )
    changed.extend([f"`{rid}`", "(removed)", "-", "-", "-"] for rid in override.remove)
    lines.append(table(["rule", "field", "national", "here", "citation"], changed))
    lines.append("")
    return lines


def sla_page() -> str:
    """The rules of the ``lapor`` policy and what each shipped override changes."""
    base = load_policy()
    lines = [
        generated_notice("`src/sp4n/sla/policies/lapor.toml` and its override files"),
        "",
        "# SLA rules",
        "",
        "Every deadline sp4n computes comes from a rule in a policy file, with its citation and a",
        "certainty. This page is drawn from the shipped `lapor` policy "
        f"(version `{base.version}`: {base.title}).",
        "How the clocks run (pauses, restarts, extensions, the lifecycle's adjustments) is in the",
        "[SLA reference](../sla.md); how days are counted in [counting conventions](counting.md).",
        "",
        "## The national rules",
        "",
        _rules_table(base.rules),
        "",
        "The lifecycle also stops every clock when a complaint is completed or merged, even "
        "where a",
        "rule's own list does not say so.",
        "",
        "## Certainty",
        "",
        CERTAINTY,
        "",
        "## Shipped overrides",
        "",
        "A region or an agency changes rules with an override file "
        "(see [override a policy](../howto/policy-override.md)).",
        "These ship with sp4n:",
        "",
    ]
    for override in load_overrides():
        policy = load_policy(region=override.region, agency=override.agency)
        lines.extend(_override_section(base, policy))
    return "\n".join(lines)


# -- routing ------------------------------------------------------------------------------------


def routing_page() -> str:
    """The division of affairs: topic, when, competent level, and the agency it reaches."""
    affairs = load_affairs()
    rows = []
    for row in sorted(affairs.rows, key=lambda r: (r.matrix_row or 99, r.topic)):
        topic = affairs.topics[row.topic]
        attributes = {key: values[0] for key, values in row.when.items()}
        decision = route(SAMPLE_REGION, row.topic, attributes)
        agency = decision.agency
        reached = "-" if agency is None else f"{agency.kind.value} (`{agency.id}`)"
        when = "; ".join(f"{k} = {', '.join(v)}" for k, v in row.when.items()) or "any"
        level = row.level.value
        if row.alternatives:
            level += " (or " + ", ".join(a.value for a in row.alternatives) + ")"
        rows.append(
            [
                row.matrix_row or "-",
                f"`{row.topic}` {topic.name_en} / *{topic.name}*",
                when,
                level,
                row.kind.value,
                reached,
                f"`{row.certainty.value}`",
                row.citation,
            ]
        )
    return "\n".join(
        [
            generated_notice("`src/sp4n/routing/data/affairs.toml` and the sample directory"),
            "",
            "# Routing matrix",
            "",
            "Which level of government is competent for a complaint's topic comes from the "
            "division of",
            "affairs of UU 23/2014, as data with a citation and a certainty per row. The router "
            "first",
            "finds the competent level, then the agency of that level for the complaint's region.",
            "",
            f'The *reaches* column is what `route("{SAMPLE_REGION}", topic, attributes)` '
            "answers today for",
            "Kabupaten Bengkayang with the **sample** agency directory (the first value of each "
            "condition):",
            "its kind of agency and its id. A topic competent at village level reaches the "
            "regency's",
            "village-community office when the directory has no village government: no wrong door",
            "([decision 0034](../decisions/0034-no-wrong-door.md)). The full rules, regional "
            "overrides",
            "and plugins are in the [routing reference](../routing.md).",
            "",
            table(
                [
                    "§8 row",
                    "topic",
                    "when",
                    "competent level",
                    "affair",
                    "reaches",
                    "certainty",
                    "citation",
                ],
                rows,
            ),
            "",
            "## Certainty",
            "",
            CERTAINTY,
            "",
        ]
    )


# -- labels and notifications -------------------------------------------------------------------


def _recipients(event: str) -> str:
    return ", ".join(role.value for role in RECIPIENTS.get(event, ())) or "-"


def labels_page() -> str:
    """Everything a citizen or officer reads, Indonesian and English side by side."""
    session = Session()
    templated = [
        [f"`{event}`", _recipients(event), ind, eng] for event, (ind, eng) in _TEMPLATES.items()
    ]
    generic = [
        [f"`{event}`", _recipients(event), names[0], names[1]]
        for event, names in _EVENT_NAMES.items()
    ]
    sweep = [
        [
            f"`{stage}`",
            SWEEP_SUBJECT[stage]["id"],
            SWEEP_SUBJECT[stage]["en"],
            text["id"],
            text["en"],
        ]
        for stage, text in SWEEP_TEXT.items()
    ]
    example = session.block(
        "from datetime import datetime",
        "from zoneinfo import ZoneInfo",
        "from sp4n import Desk",
        "from sp4n.lifecycle import ComplaintDraft, Reporter, render_notification",
        "from sp4n.testing import FrozenClock",
        'clock = FrozenClock(datetime(2026, 8, 3, 8, 15, tzinfo=ZoneInfo("Asia/Pontianak")))',
        'desk = Desk.open("memory://", clock=clock)',
        'c = desk.submit(ComplaintDraft(kind="pengaduan", title="Jalan rusak", body="Berlubang.",\n'
        '    region="61.07", topic="road", channel="web", reporter=Reporter(id="warga-1")))',
        "_ = desk.verify(c.tracking_id)",
        'c = desk.forward(c.tracking_id, attributes={"road_status": "kabupaten"})',
        "sent = desk.store.pending_outbox(now=clock())",
        'print(next(m for m in sent if m.template == "forwarded.reporter").payload["body"])',
        "name = desk.router.directory.get(c.agency).name",
        'print(render_notification(c, c.history[-1], "reporter", "en", agency_name=name))',
        "desk.close()",
    )
    return "\n".join(
        [
            generated_notice(
                "`sp4n.texts` (`src/sp4n/texts/texts.toml`: statuses, notification texts, "
                "subjects, deadline notices)"
            ),
            "",
            "# Labels and notifications",
            "",
            "Everything sp4n shows a citizen or an officer is Indonesian first, with English "
            "available",
            '(`lang="en"` on the Desk). This page lists those texts side by side, drawn from '
            "the code",
            "that renders them, so a reviewer reads exactly what is sent. The wording conventions "
            "(a",
            "glossary) and the review's findings are in "
            "[decision 0106](../decisions/0106-indonesian-wording.md).",
            "",
            "## Status labels",
            "",
            table(
                ["status", "Bahasa Indonesia", "English"],
                [[f"`{s.value}`", s.label, s.label_en] for s in Status],
            ),
            "",
            "## Notifications",
            "",
            "Each event notifies the roles of decision "
            "[0072](../decisions/0072-who-is-notified.md). The subject is",
            f"`{SUBJECT['id']}` / `{SUBJECT['en']}`, where `{{status}}` is the status label above.",
            "In the bodies, `{tracking}` is the tracking id, `{title}` the complaint's title, "
            "`{agency}`",
            "the handling agency, `{reporter}` the reporter's name (for officials of an "
            f'anonymous complaint "{_ANONYMOUS_NAME["id"]}" / "{_ANONYMOUS_NAME["en"]}" '
            "with the relay handle) and",
            "`{detail}` the text, question or reason the event carries.",
            "",
            table(["event", "sent to", "Bahasa Indonesia", "English"], templated),
            "",
            "The Desk names the agency as the agency directory does; a reporter who gave no name "
            f'appears as "{_NO_NAME["id"]}" / "{_NO_NAME["en"]}". Events that notify '
            "nobody by default have a",
            f'generic text, "{_GENERIC[0]}" / "{_GENERIC[1]}", with these event names:',
            "",
            table(["event", "sent to", "Bahasa Indonesia", "English"], generic),
            "",
            "For example:",
            "",
            example,
            "",
            "## Deadline notices",
            "",
            "The sweep warns before a deadline, reports a breach and escalates "
            "([decision 0081](../decisions/0081-warning-and-escalation-ladder.md)).",
            "`{rule}` / `{rule_en}` is the rule's title (see [SLA rules](sla-rules.md)), "
            "`{due}` its due date.",
            "",
            table(["stage", "subject", "subject (English)", "Bahasa Indonesia", "English"], sweep),
            "",
        ]
    )
