"""The officer actions of the command line, one row each: ``sp4n ACTION REF [options]``.

Each row names the subcommand, its help, its options and the :class:`~sp4n.desk.Desk`
method it calls: ``desk.<method>(ref, *positional, **keywords, actor=actor)``, where
``positional`` and ``keywords`` name the parsed options. Every action also takes the actor
options (``--actor``, ``--role``, ``--agency``, ``--region``), ``--db``, ``--notifiers``
and ``--json``, and prints the complaint's new state. ``sp4n forward`` has its own module
(it also prints the router's reasons).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

__all__ = ["ACTIONS", "OfficerAction", "Option", "register"]

_TIERS = ("simple", "dispute", "field_examination")


@attrs.frozen
class Option:
    """One option of an action, as ``parser.add_argument(flag, ...)`` takes it."""

    flag: str
    help: str
    required: bool = False
    choices: tuple[Any, ...] | None = None
    type: Callable[[str], Any] | None = None
    dest: str | None = None
    metavar: str | None = None

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Add the option to ``parser``."""
        extra: dict[str, Any] = {}
        for name in ("choices", "type", "dest", "metavar"):
            value = getattr(self, name)
            if value is not None:
                extra[name] = value
        if self.required:
            extra["required"] = True
        parser.add_argument(self.flag, help=self.help, **extra)


def _frozen_mapping(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen
class OfficerAction:
    """A subcommand that calls one Desk method on one complaint."""

    name: str
    help: str
    method: str
    positional: tuple[str, ...] = ()
    keywords: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping)
    options: tuple[Option, ...] = ()


ACTIONS: tuple[OfficerAction, ...] = (
    OfficerAction(
        "verify",
        "the admin verifies a report",
        "verify",
        keywords={"tier": "tier", "visibility": "visibility"},
        options=(
            Option("--tier", "resolution tier", choices=_TIERS),
            Option(
                "--visibility",
                "correct the visibility",
                choices=("public", "anonymous", "confidential"),
            ),
        ),
    ),
    OfficerAction(
        "hold",
        "the admin puts an incomplete report on hold",
        "hold",
        positional=("reason",),
        options=(Option("--reason", "what is missing", required=True),),
    ),
    OfficerAction(
        "amend",
        "the admin corrects a report's topic, region, kind or title (audited)",
        "amend",
        keywords={
            "reason": "reason",
            "topic": "topic",
            "region": "region",
            "kind": "kind",
            "title": "title",
        },
        options=(
            Option("--reason", "why the report is corrected", required=True),
            Option(
                "--new-topic", "the right topic (an id or alias, see `sp4n topics`)", dest="topic"
            ),
            Option("--new-region", "the right region code (see `sp4n region`)", dest="region"),
            Option(
                "--new-kind",
                "the right kind of report",
                choices=("pengaduan", "aspirasi", "permintaan_informasi"),
                dest="kind",
            ),
            Option("--new-title", "the corrected title", dest="title"),
        ),
    ),
    OfficerAction(
        "archive",
        "the admin archives a report",
        "archive",
        positional=("reason",),
        keywords={"note": "note", "of": "of"},
        options=(
            Option(
                "--reason",
                "why",
                required=True,
                choices=("unclear", "too_general", "not_public_service", "duplicate", "spam"),
            ),
            Option("--note", "a note"),
            Option("--of", "the original, for a duplicate"),
        ),
    ),
    OfficerAction(
        "return",
        "the agency returns it as not its authority (bukan wewenang)",
        "return_",
        positional=("reason",),
        keywords={"suggested_agency": "suggest"},
        options=(
            Option("--reason", "why it is not the agency's authority", required=True),
            Option("--suggest", "agency id that is competent"),
        ),
    ),
    OfficerAction(
        "acknowledge",
        "the agency acknowledges the complaint",
        "acknowledge",
        positional=("note",),
        options=(Option("--note", "a note"),),
    ),
    OfficerAction(
        "request-info",
        "the agency asks the reporter for more information",
        "request_info",
        positional=("question",),
        options=(Option("--question", "what the agency needs", required=True),),
    ),
    OfficerAction(
        "provide-info",
        "the reporter provides the information asked for",
        "provide_info",
        positional=("text",),
        options=(Option("--text", "the answer", required=True),),
    ),
    OfficerAction(
        "follow-up",
        "the agency records its follow-up (tindak lanjut)",
        "follow_up",
        positional=("text",),
        keywords={"decided_on": "decided_on"},
        options=(
            Option("--text", "what the agency did", required=True),
            Option(
                "--decided-on",
                "the day the decision this follow-up delivers was made: starts the UU 25/2009 "
                "Pasal 50 14-day delivery clock",
                metavar="YYYY-MM-DD",
            ),
        ),
    ),
    OfficerAction(
        "dispose",
        "the liaison disposes the complaint to a work unit of the agency (disposisi)",
        "dispose",
        positional=("unit",),
        keywords={"note": "note"},
        options=(
            Option("--unit", "the work unit's id in the directory", required=True),
            Option("--note", "an instruction for the unit (officers only)"),
        ),
    ),
    OfficerAction(
        "draft-follow-up",
        "the work unit drafts the follow-up for the liaison to approve",
        "draft_follow_up",
        positional=("text",),
        options=(Option("--text", "the draft follow-up", required=True),),
    ),
    OfficerAction(
        "approve-follow-up",
        "the liaison approves the unit's draft: the reporter receives it",
        "approve_follow_up",
        keywords={"text": "text"},
        options=(Option("--text", "the approved wording (default: the draft as written)"),),
    ),
    OfficerAction(
        "reply",
        "the reporter (or an admin with --role admin) replies",
        "reply",
        positional=("text",),
        options=(Option("--text", "the reply", required=True),),
    ),
    OfficerAction("complete", "declare a followed-up complaint completed (Selesai)", "complete"),
    OfficerAction(
        "rate",
        "the reporter rates the handling (1-5)",
        "rate",
        positional=("score",),
        keywords={"comment": "comment"},
        options=(
            Option("--score", "1 to 5", required=True, type=int, choices=tuple(range(1, 6))),
            Option("--comment", "a comment"),
        ),
    ),
    OfficerAction(
        "reopen",
        "reopen a completed complaint",
        "reopen",
        positional=("reason",),
        options=(Option("--reason", "why", required=True),),
    ),
    OfficerAction(
        "extend",
        "extend the handling time",
        "extend",
        positional=("reason",),
        keywords={"tier": "tier", "working_days": "working_days"},
        options=(
            Option("--reason", "why", required=True),
            Option("--tier", "new tier", choices=_TIERS),
            Option("--working-days", "extra working days", type=int),
        ),
    ),
    OfficerAction(
        "escalate",
        "escalate to the superior, the supervisor or the Ombudsman",
        "escalate",
        positional=("target", "reason"),
        options=(
            Option(
                "--target",
                "where to",
                required=True,
                choices=("superior", "supervisor", "ombudsman"),
            ),
            Option("--reason", "why", required=True),
        ),
    ),
    OfficerAction(
        "merge",
        "the admin merges a duplicate into another complaint",
        "merge",
        positional=("into",),
        options=(Option("--into", "tracking id or complaint id of the original", required=True),),
    ),
)
"""Every officer action, in the order of ``sp4n --help``."""

_BY_NAME = {action.name: action for action in ACTIONS}


def register(sub: Any, name: str) -> None:
    """Add the subcommand of the action called ``name``."""
    from sp4n.cli._desk_common import action_command

    action = _BY_NAME[name]

    def act(desk: Any, ref: str, args: argparse.Namespace, actor: Any) -> Any:
        values = [getattr(args, dest) for dest in action.positional]
        keywords = {key: getattr(args, dest) for key, dest in action.keywords.items()}
        return getattr(desk, action.method)(ref, *values, **keywords, actor=actor)

    def options(parser: argparse.ArgumentParser) -> None:
        for option in action.options:
            option.add_to(parser)

    action_command(sub, action.name, action.help, act, options=options)
