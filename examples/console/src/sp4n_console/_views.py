"""The console's pages as HTML: queues, one complaint with its actions, the dashboard.

Every value that came from a user, a complaint or the store is escaped here. A complaint
is shown only through ``Desk.view(ref, actor)``, so an anonymous reporter's identity never
reaches the page (only the relay handle), whatever the officer's role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape
from typing import Any

from sp4n import Desk
from sp4n.adapters import ComplaintRow
from sp4n.lifecycle import LAPOR_TABLE, Actor, Kind, Role, Status
from sp4n_console._dashboard import Dashboard, bar_chart, rate
from sp4n_console._queues import Nearest, nearest_deadline
from sp4n_console._text import FOLLOW_UP_TEMPLATES, event_label, t

__all__ = ["ACTIONS", "case_page", "dashboard_page", "login_form", "queue_page"]

ACTIONS: Mapping[str, tuple[str, Role]] = {
    "verify": ("verified", Role.ADMIN),
    "amend": ("amended", Role.ADMIN),
    "hold": ("held", Role.ADMIN),
    "forward": ("forwarded", Role.ADMIN),
    "return": ("returned", Role.LIAISON),
    "request_info": ("info_requested", Role.LIAISON),
    "follow_up": ("followed_up", Role.LIAISON),
    "dispose": ("disposed", Role.LIAISON),
    "approve_follow_up": ("followed_up", Role.LIAISON),
    "draft_follow_up": ("follow_up_drafted", Role.UNIT),
}
"""Console action -> (lifecycle event, the role that performs it)."""


_WEEKDAYS = (
    ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
    ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
)


def _hidden(csrf: str, version: int | None = None) -> str:
    out = f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
    if version is not None:
        out += f'<input type="hidden" name="version" value="{version}">'
    return out


def login_form(lang: str, base: str, csrf: str, officer_id: str = "") -> str:
    """The sign-in form."""
    return (
        f'<form class="card" method="post" action="{base}/masuk">{_hidden(csrf)}'
        f'<label for="officer">{escape(t("officer_id", lang))}</label>'
        f'<input id="officer" name="officer" autocomplete="username" required '
        f'value="{escape(officer_id)}">'
        f'<label for="password">{escape(t("password", lang))}</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" required>'
        f'<button class="primary">{escape(t("login", lang))}</button></form>'
    )


def _due_text(due: dt.date | None, today: dt.date, lang: str) -> tuple[str, bool]:
    if due is None:
        return t("no_deadline", lang), False
    text = due.isoformat()
    if due == today:
        return f"{text} ({t('today', lang)})", False
    if due == today + dt.timedelta(days=1):
        return f"{text} ({t('tomorrow', lang)})", False
    if due < today:
        return f"{text} ({t('overdue_by', lang)})", True
    return text, False


def explanation(nearest: Nearest, lang: str) -> str:
    """The nearest deadline's rule, citation and every day from its start to its due date."""
    clock = nearest.clock
    rule = clock.rule
    deadline = clock.deadline
    assert deadline is not None
    title = rule.title_en if lang == "en" else rule.title
    items = []
    for line in nearest.days:
        if line.working_day == 0:
            label = t("start_day", lang)
        elif line.working_day is not None:
            label = t("working_day", lang, n=line.working_day)
        else:
            label = (line.reason_en if lang == "en" else line.reason) or ""
        css = ' class="skip"' if line.working_day is None else ""
        weekday = _WEEKDAYS[1 if lang == "en" else 0][line.date.weekday()]
        items.append(f"<li{css}>{line.date.isoformat()} {weekday}: {escape(label)}</li>")
    notes = []
    if deadline.paused:
        notes.append(t("paused", lang, n=deadline.paused))
    if deadline.provisional:
        notes.append(t("provisional", lang))
    extra = "".join(f'<p class="muted">{escape(n)}</p>' for n in notes)
    return (
        f"<details><summary>{escape(t('explain', lang))}</summary>"
        f"<p>{escape(rule.id)}: {escape(title)} ({rule.length} {escape(t(str(rule.unit), lang))}; "
        f"{escape(rule.citation)})</p><ol>{''.join(items)}</ol>{extra}</details>"
    )


def _row(desk: Desk, row: ComplaintRow, now: dt.datetime, lang: str, base: str) -> str:
    today = desk.rules.calendar_for_region(row.region).local_date(now)
    nearest = nearest_deadline(desk, row.complaint_id, now)
    due, late = _due_text(nearest.due if nearest else row.next_due, today, lang)
    detail = explanation(nearest, lang) if nearest else ""
    status = Status(row.status)
    link = f"{base}/laporan/{escape(row.tracking_id)}"
    cells = (
        ("tracking", f'<a href="{link}">{escape(row.tracking_id)}</a>'),
        ("title", escape(row.title)),
        ("status", f'<span class="tag">{escape(status.label_in(lang))}</span>'),
        ("region", escape(row.region)),
        ("agency", escape(row.agency or "-")),
        ("deadline", f'<span class="{"late" if late else ""}">{escape(due)}</span>{detail}'),
    )
    return (
        "<tr>"
        + "".join(f'<td data-label="{escape(t(key, lang))}">{html}</td>' for key, html in cells)
        + "</tr>"
    )


def queue_page(
    desk: Desk, rows: Mapping[str, list[ComplaintRow]], now: dt.datetime, lang: str, base: str
) -> str:
    """The officer's queues (the keys of ``rows``, in order), each a table (a list of cards
    on a phone)."""
    heads = "".join(
        f"<th>{escape(t(k, lang))}</th>"
        for k in ("tracking", "title", "status", "region", "agency", "deadline")
    )
    out = []
    for name, items in rows.items():
        body = "".join(_row(desk, row, now, lang, base) for row in items[:200])
        table = (
            f'<table class="rows"><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>'
            if items
            else f'<p class="muted">{escape(t("empty", lang))}</p>'
        )
        out.append(
            f'<section class="card" id="q-{name}"><h2>{escape(t("q_" + name, lang))} '
            f'<span class="tag">{len(items)}</span></h2>{table}</section>'
        )
    return "".join(out)


def _agency_name(desk: Desk, agency: str | None) -> str:
    if agency is None:
        return "-"
    directory = desk.router.directory
    return directory.get(agency).name if agency in directory else agency


def _reporter(view: Mapping[str, Any], lang: str) -> str:
    reporter = view["reporter"]
    if reporter.get("anonymous"):
        handle = reporter.get("handle")
        return escape(t("anonymous", lang)) + (f" · {escape(str(handle))}" if handle else "")
    parts = [str(reporter.get(k)) for k in ("name", "email", "phone") if reporter.get(k)]
    return escape(" · ".join(parts) or "-")


def _topic_name(desk: Desk, topic: str, lang: str) -> str:
    affairs = desk.router.affairs
    if topic not in affairs.topics:
        return topic
    found = affairs.topics[topic]
    return found.name_en if lang == "en" else found.name


def _amend_fields(desk: Desk, view: Mapping[str, Any], lang: str, typed: Mapping[str, str]) -> str:
    """The reclassify form's fields, holding the complaint's current values (or, after a
    refusal, what the officer had typed)."""
    current = {k: typed.get(k) or str(view[k]) for k in ("title", "region", "topic", "kind")}

    def options(pairs: list[tuple[str, str]], current: str) -> str:
        return "".join(
            f'<option value="{escape(value)}"{" selected" if value == current else ""}>'
            f"{escape(label)}</option>"
            for value, label in pairs
        )

    topics = sorted(
        ((tid, _topic_name(desk, tid, lang)) for tid in desk.router.affairs.topics),
        key=lambda pair: pair[1],
    )
    for topic in dict.fromkeys((view["topic"], current["topic"])):
        if topic not in desk.router.affairs.topics:  # e.g. "other": keep it selectable
            topics.insert(0, (topic, topic))
    kinds = [(kind.value, t("kind_" + kind.value, lang)) for kind in Kind]
    return (
        f'<p class="muted">{escape(t("amend_note", lang))}</p>'
        f'<label for="amend-title">{escape(t("title", lang))}</label>'
        f'<input id="amend-title" name="title" value="{escape(current["title"])}" required>'
        f'<label for="amend-region">{escape(t("region_code", lang))}</label>'
        f'<input id="amend-region" name="region" value="{escape(current["region"])}" required '
        'inputmode="decimal">'
        f'<label for="amend-topic">{escape(t("topic", lang))}</label>'
        f'<select id="amend-topic" name="topic">{options(topics, current["topic"])}</select>'
        f'<label for="amend-kind">{escape(t("kind", lang))}</label>'
        f'<select id="amend-kind" name="kind">{options(kinds, current["kind"])}</select>'
        f'<label for="amend-reason">{escape(t("reason", lang))}</label>'
        '<textarea id="amend-reason" name="reason" rows="2" required maxlength="2000">'
        f"{escape(typed.get('reason', ''))}</textarea>"
    )


def _changes(payload: Mapping[str, Any]) -> str:
    """An ``amended`` event's changes as " · field: old → new"."""
    changes = payload.get("changes")
    if not isinstance(changes, Mapping):
        return ""
    return "".join(
        f" · {escape(str(name))}: {escape(str(pair.get('old')))} → {escape(str(pair.get('new')))}"
        for name, pair in changes.items()
        if isinstance(pair, Mapping)
    )


def _action_forms(
    desk: Desk,
    view: Mapping[str, Any],
    actor: Actor,
    csrf: str,
    lang: str,
    base: str,
    template: int,
    entered: tuple[str, Mapping[str, str]] | None,
) -> str:
    status = Status(view["status"])
    tracking = escape(view["tracking_id"])
    version = int(view["version"])
    complaint = desk.get(view["complaint_id"])  # its unit and draft (not in the view)
    directory = desk.router.directory
    units = directory.get(view["agency"]).units if view["agency"] in directory else ()
    forms = []
    for action, (event, role) in ACTIONS.items():
        if actor.role is not role or LAPOR_TABLE.row(status, event) is None:
            continue
        if action == "approve_follow_up" and complaint.draft is None:
            continue  # nothing to approve until the unit has drafted
        if action == "dispose" and not units:
            continue  # the directory lists no work unit of this agency
        typed = entered[1] if entered is not None and entered[0] == action else {}
        fields = ""
        if action == "verify":
            tiers = "".join(
                f'<option value="{tier}">{escape(t("tier_" + tier, lang))}</option>'
                for tier in ("simple", "dispute", "field_examination")
            )
            fields = (
                f'<label for="tier">{escape(t("tier", lang))}</label><select id="tier" '
                f'name="tier"><option value="">-</option>{tiers}</select>'
            )
        elif action == "amend":
            fields = _amend_fields(desk, view, lang, typed)
        elif action == "forward":
            decision = desk.suggest(view["complaint_id"])
            chosen = decision.agency.id if decision.agency else None
            returned = set(view.get("returned_by", ()))
            first = list(
                dict.fromkeys(a for a in (decision.agency, *decision.alternatives) if a is not None)
            )
            rest = sorted(
                (a for a in desk.router.directory if a not in first), key=lambda a: a.name
            )

            def option(agency: Any, chosen: str | None = chosen) -> str:
                chosen_mark = " selected" if agency.id == chosen else ""
                return (
                    f'<option value="{escape(agency.id)}"{chosen_mark}>'
                    f"{escape(agency.name)}</option>"
                )

            options = (
                f'<optgroup label="{escape(t("suggested", lang))}">'
                + "".join(option(a) for a in first if a.id not in returned)
                + f'</optgroup><optgroup label="{escape(t("all", lang))}">'
                + "".join(option(a) for a in rest if a.id not in returned)
                + "</optgroup>"
            )
            reasons = "".join(
                f"<li>{escape(r.text_en if lang == 'en' else r.text)} "
                f'<span class="muted">({escape(r.citation)})</span></li>'
                for r in decision.reasons
            )
            name = escape(decision.agency.name) if decision.agency else "-"
            fields = (
                f"<p>{escape(t('suggested', lang))}: <b>{name}</b></p><ul>{reasons}</ul>"
                f'<label for="agency">{escape(t("agency", lang))}</label>'
                f'<select id="agency" name="agency">{options}</select>'
            )
        elif action == "hold":
            fields = (
                f'<label for="hold-reason">{escape(t("hold_reason", lang))}</label>'
                '<textarea id="hold-reason" name="reason" rows="3" required '
                f'maxlength="2000">{escape(typed.get("reason", ""))}</textarea>'
            )
        elif action == "return":
            fields = (
                f'<label for="reason">{escape(t("reason", lang))}</label>'
                '<textarea id="reason" name="reason" rows="3" required maxlength="2000">'
                f"{escape(typed.get('reason', ''))}</textarea>"
            )
        elif action == "request_info":
            fields = (
                f'<label for="question">{escape(t("question", lang))}</label>'
                '<textarea id="question" name="question" rows="3" required '
                f'maxlength="2000">{escape(typed.get("question", ""))}</textarea>'
            )
        elif action == "follow_up":
            index = 1 if lang == "en" else 0
            templates = "".join(
                f'<li><a href="?template={n}#act-follow_up">{escape(pair[index])}</a></li>'
                for n, pair in enumerate(FOLLOW_UP_TEMPLATES)
            )
            chosen_text = escape(typed.get("text") or FOLLOW_UP_TEMPLATES[template][index])
            fields = (
                f'<p class="muted">{escape(t("template", lang))}:</p><ul>{templates}</ul>'
                f'<label for="text">{escape(t("text", lang))}</label>'
                f'<textarea id="text" name="text" rows="4" required maxlength="5000">'
                f"{chosen_text}</textarea>"
            )
        elif action == "dispose":
            chosen_unit = typed.get("unit") or complaint.unit
            unit_options = "".join(
                f'<option value="{escape(u.id)}"{" selected" if u.id == chosen_unit else ""}>'
                f"{escape(u.name)}</option>"
                for u in units
            )
            fields = (
                f'<label for="unit">{escape(t("unit", lang))}</label>'
                f'<select id="unit" name="unit">{unit_options}</select>'
                f'<label for="note">{escape(t("note", lang))}</label>'
                '<textarea id="note" name="note" rows="2" maxlength="2000">'
                f"{escape(typed.get('note', ''))}</textarea>"
            )
        elif action == "draft_follow_up":
            fields = (
                f'<p class="muted">{escape(t("draft_note", lang))}</p>'
                f'<label for="draft-text">{escape(t("text", lang))}</label>'
                '<textarea id="draft-text" name="text" rows="4" required maxlength="5000">'
                f"{escape(typed.get('text') or complaint.draft or '')}</textarea>"
            )
        elif action == "approve_follow_up":
            unit_name = next((u.name for u in units if u.id == complaint.unit), complaint.unit)
            fields = (
                f'<p class="muted">{escape(t("approve_note", lang, unit=unit_name))}</p>'
                f'<blockquote id="draft">{escape(complaint.draft or "")}</blockquote>'
                f'<label for="approve-text">{escape(t("text", lang))}</label>'
                '<textarea id="approve-text" name="text" rows="4" required maxlength="5000">'
                f"{escape(typed.get('text') or complaint.draft or '')}</textarea>"
            )
        forms.append(
            f'<form class="card" method="post" action="{base}/laporan/{tracking}/{action}" '
            f'id="act-{action}"><h3>{escape(t(action, lang))}</h3>{_hidden(csrf, version)}'
            f'{fields}<button class="primary">{escape(t(action, lang))}</button></form>'
        )
    return "".join(forms)


def case_page(
    desk: Desk,
    view: Mapping[str, Any],
    actor: Actor,
    now: dt.datetime,
    csrf: str,
    lang: str,
    base: str,
    *,
    template: int = 0,
    entered: tuple[str, Mapping[str, str]] | None = None,
) -> str:
    """One complaint as ``actor`` may see it, its nearest deadline and the actions allowed.

    ``template`` is the index of the follow-up template the text box starts from;
    ``entered`` (action, form) is a refused form, whose typed values are shown again.
    """
    status = Status(view["status"])
    nearest = nearest_deadline(desk, view["complaint_id"], now)
    today = desk.rules.calendar_for_region(view["region"]).local_date(now)
    due, late = _due_text(nearest.due if nearest else None, today, lang)
    facts = (
        ("tracking", escape(view["tracking_id"])),
        ("status", escape(status.label_in(lang))),
        ("kind", escape(t("kind_" + view["kind"], lang))),
        ("topic", escape(_topic_name(desk, view["topic"], lang))),
        ("region", escape(view["region"])),
        ("agency", escape(_agency_name(desk, view["agency"]))),
        ("reporter", _reporter(view, lang)),
        (
            "deadline",
            f'<span class="{"late" if late else ""}">{escape(due)}</span>'
            + (explanation(nearest, lang) if nearest else ""),
        ),
    )
    rows = "".join(f"<tr><th>{escape(t(k, lang))}</th><td>{v}</td></tr>" for k, v in facts)
    zone = desk.rules.calendar_for_region(view["region"]).timezone
    items = []
    after = Status.SUBMITTED
    for e in view["history"]:
        if e["seq"] > 1:  # the status each event led to, as the lifecycle table says
            step = LAPOR_TABLE.row(after, e["type"])
            after = step.target if step is not None else after
        when = dt.datetime.fromisoformat(e["occurred_at"]).astimezone(zone)
        notes = "".join(
            f" · {escape(str(e['payload'][k]))}"
            for k in ("agency", "unit", "note", "reason", "question", "text")
            if e["payload"].get(k)
        ) + _changes(e["payload"])
        items.append(
            f"<li>{when:%Y-%m-%d %H:%M %Z} · <b>{escape(event_label(e['type'], lang))}</b> "
            f"→ {escape(after.label_in(lang))} "
            f'<span class="muted">({escape(e["type"])}; {escape(e["actor"]["role"])} '
            f"{escape(str(e['actor'].get('id', '')))})</span>{notes}</li>"
        )
    history = "".join(items)
    forms = _action_forms(desk, view, actor, csrf, lang, base, template, entered)
    return (
        f'<section class="card"><div class="scroll"><table>{rows}</table></div>'
        f'<p style="white-space:pre-wrap">{escape(view["body"])}</p></section>'
        f'<div class="grid">{forms}</div>'
        f'<section class="card"><h2>{escape(t("history", lang))}</h2><ol>{history}</ol></section>'
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:g}%"


def _compliance_table(rows: list[tuple[str, Any]], lang: str, label: str) -> str:
    keys = (
        "received",
        "t1_rate",
        "t2_rate",
        "completed",
        "overdue_now",
        "median",
        "returns",
        "escalations",
    )
    head = f"<th>{escape(label)}</th>" + "".join(
        f'<th class="num">{escape(t(k, lang))}</th>' for k in keys
    )
    body = []
    for name, row in rows:
        cells = (
            row.received,
            _pct(rate(row.forwarded_in_3wd, row.received)),
            _pct(rate(row.followed_up_in_5wd, row.received)),
            row.completed,
            row.overdue_now,
            "-" if row.median_wd_to_follow_up is None else f"{row.median_wd_to_follow_up:g}",
            row.returns,
            row.escalations,
        )
        body.append(
            f'<tr data-group="{escape(row.group)}"><td>{escape(name)}</td>'
            + "".join(
                f'<td class="num" data-label="{escape(t(k, lang))}">{escape(str(c))}</td>'
                for k, c in zip(keys, cells, strict=True)
            )
            + "</tr>"
        )
    return (
        f'<div class="scroll"><table class="rows figures"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def dashboard_page(desk: Desk, board: Dashboard, lang: str, base: str) -> str:
    """The dashboard: period form, charts, tables per agency, province, month, topic, channel."""
    directory = desk.router.directory

    def agency_name(group: str) -> str:
        if group == "*":
            return t("all", lang)
        return directory.get(group).name if group in directory else group

    period = f"from={board.start.isoformat()}&amp;to={board.end.isoformat()}"
    form = (
        f'<form class="card" method="get" action="{base}/dasbor"><div class="grid">'
        f'<div><label for="from">{escape(t("from", lang))}</label><input id="from" name="from" '
        f'type="date" value="{board.start.isoformat()}"></div>'
        f'<div><label for="to">{escape(t("to", lang))}</label><input id="to" name="to" '
        f'type="date" value="{board.end.isoformat()}"></div></div>'
        f'<button class="primary">{escape(t("show", lang))}</button> '
        f'<a href="{base}/dasbor.csv?{period}">{escape(t("csv", lang))}</a> · '
        + " · ".join(
            f'<a href="{base}/dasbor.csv?{period}&amp;by={by}">CSV {escape(t(key, lang))}</a>'
            for by, key in (
                ("region", "region"),
                ("month", "per_month"),
                ("topic", "topic"),
                ("channel", "channel"),
            )
        )
        + f'<p class="muted">{escape(t("backlog", lang))}: <b id="backlog">{board.backlog}</b>. '
        f"{escape(t('rates_note', lang))}</p></form>"
    )
    agencies = [(agency_name(r.group), r) for r in board.by_agency.rows]
    named = [(n, r) for n, r in agencies if r.group != "*"]
    chart = bar_chart(
        t("chart_title", lang),
        [n for n, _ in named],
        [
            (t("t1_rate", lang), [rate(r.forwarded_in_3wd, r.received) for _, r in named]),
            (t("t2_rate", lang), [rate(r.followed_up_in_5wd, r.received) for _, r in named]),
        ],
    )
    months = bar_chart(
        t("per_month", lang),
        [f"{m} ({t('received', lang).lower()}: {r.received})" for m, r in board.by_month],
        [
            (t("t1_rate", lang), [rate(r.forwarded_in_3wd, r.received) for _, r in board.by_month]),
            (
                t("t2_rate", lang),
                [rate(r.followed_up_in_5wd, r.received) for _, r in board.by_month],
            ),
        ],
    )

    def topic_name(group: str) -> str:
        return t("all", lang) if group == "*" else _topic_name(desk, group, lang)

    sections = [
        form,
        f'<div class="grid"><section class="card"><h2>{escape(t("chart_title", lang))}</h2>'
        f'{chart}</section><section class="card"><h2>{escape(t("chart_months", lang))}</h2>'
        f"{months}</section></div>",
        f'<section class="card" id="by-agency"><h2>{escape(t("per_agency", lang))}</h2>'
        f"{_compliance_table(agencies, lang, t('agency', lang))}</section>",
    ]
    if board.by_region:
        regions = [(r.group, r) for r in board.by_region]
        sections.append(
            f'<section class="card" id="by-region"><h2>{escape(t("per_region", lang))}</h2>'
            f"{_compliance_table(regions, lang, t('region', lang))}</section>"
        )
    sections.append(
        f'<section class="card" id="by-month"><h2>{escape(t("per_month", lang))}</h2>'
        f"{_compliance_table(list(board.by_month), lang, t('period', lang))}</section>"
    )
    topics = [(topic_name(r.group), r) for r in board.by_topic.rows]
    channels = [(t("all", lang) if r.group == "*" else r.group, r) for r in board.by_channel.rows]
    named_topics = [(n, r) for n, r in topics if r.group != "*"]
    topic_chart = bar_chart(
        t("chart_topics", lang),
        [n for n, _ in named_topics],
        [
            (t("t1_rate", lang), [rate(r.forwarded_in_3wd, r.received) for _, r in named_topics]),
            (t("t2_rate", lang), [rate(r.followed_up_in_5wd, r.received) for _, r in named_topics]),
        ],
    )
    sections.append(
        f'<section class="card" id="by-topic"><h2>{escape(t("per_topic", lang))}</h2>'
        f"{topic_chart}{_compliance_table(topics, lang, t('topic', lang))}</section>"
    )
    sections.append(
        f'<section class="card" id="by-channel"><h2>{escape(t("per_channel", lang))}</h2>'
        f"{_compliance_table(channels, lang, t('channel', lang))}</section>"
    )
    return "".join(sections)
