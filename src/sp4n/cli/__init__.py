"""The ``sp4n`` command line.

Each subcommand lives in its own module ``sp4n.cli._<name>`` with a
``register(subparsers)`` function, except the officer actions (``verify``, ``hold``, ...,
``merge``), which are the rows of :data:`sp4n.cli._actions.ACTIONS`; :data:`COMMANDS`
lists them all in help order.
Every command takes ``--json`` and then prints exactly one JSON object to stdout.
Bad input exits with status 2 and a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import NoReturn

from sp4n._text import check_clean
from sp4n.errors import InvalidInputError, Sp4nError

__all__ = ["COMMANDS", "main"]

COMMANDS: tuple[str, ...] = (
    "deadline",
    "calendar",
    "policy",
    "route",
    "topics",
    "region",
    "plugins",
    "outbox",
    "deliver",
    "demo",
    "submit",
    "show",
    "history",
    "list",
    "verify",
    "hold",
    "amend",
    "archive",
    "forward",
    "return",
    "acknowledge",
    "request-info",
    "provide-info",
    "follow-up",
    "dispose",
    "draft-follow-up",
    "approve-follow-up",
    "reply",
    "complete",
    "rate",
    "reopen",
    "extend",
    "escalate",
    "merge",
    "sweep",
    "report",
    "serve",
    "relay",
    "migrate",
)

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the full argument parser with every registered subcommand."""
    parser = _Parser(prog="sp4n", description="Public-service complaints, the SP4N-LAPOR! way.")
    from sp4n import __version__

    parser.add_argument("--version", action="version", version=f"sp4n {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    from sp4n.cli import _actions

    officer_actions = {action.name for action in _actions.ACTIONS}
    for name in COMMANDS:
        if name in officer_actions:
            _actions.register(sub, name)
            continue
        module = import_module(f"sp4n.cli._{name.replace('-', '_')}")
        module.register(sub)
    return parser


def _option_names(parser: argparse.ArgumentParser, command: str) -> dict[str, str]:
    """``dest`` -> how the user wrote it (``--title``, or the positional's metavar)."""
    names: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_action in action.choices[command]._actions:
                written = sub_action.option_strings[:1] or [sub_action.metavar or sub_action.dest]
                names[sub_action.dest] = str(written[0])
    return names


def _check_argv(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse arguments with NUL, control characters or lone surrogates (decision 0142).

    Python hands undecodable argv bytes over as lone surrogates; nothing downstream could
    store or print them.
    """
    names: dict[str, str] | None = None
    for dest, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                try:
                    check_clean(dest, text)
                except InvalidInputError as exc:
                    names = names or _option_names(parser, args.command)
                    raise InvalidInputError(names.get(dest, dest), exc.value, exc.rule) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_argv(parser, args)
        if getattr(args, "db", "") is None:  # --db not given: a deployment plugin's store
            from sp4n.adapters import Adapters

            args.db = Adapters.default().default_store_url()
        status: int = args.func(args)
    except Sp4nError as exc:
        message = _one_line(f"sp4n {args.command}: {exc}")
        print(message.encode("utf-8", "backslashreplace").decode("utf-8"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # pragma: no cover - e.g. `sp4n calendar 2026 | head`
        return 0
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
