"""The officer actions of the CLI are one table (issue 16, decision 0214)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import sp4n.cli
from sp4n.cli import COMMANDS, build_parser
from sp4n.cli._actions import ACTIONS
from sp4n.desk import Desk

CLI = Path(sp4n.cli.__file__).parent


def test_each_officer_action_is_a_row_and_a_command() -> None:
    names = [action.name for action in ACTIONS]
    assert len(names) == len(set(names)) == 19
    assert set(names) <= set(COMMANDS)
    for name in names:  # no module of its own any more
        assert not (CLI / f"_{name.replace('-', '_')}.py").exists(), name


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_each_row_calls_a_desk_method_with_arguments_it_takes(action: object) -> None:
    from sp4n.cli._actions import OfficerAction

    assert isinstance(action, OfficerAction)
    method = getattr(Desk, action.method)
    signature = inspect.signature(method)
    positional = ["self", "ref", *(f"<{dest}>" for dest in action.positional)]
    bound = signature.bind(*positional, actor=None, **dict.fromkeys(action.keywords))
    assert set(bound.arguments) >= {"ref", "actor", *action.keywords}
    parser = build_parser()
    written: list[str] = []
    for option in action.options:
        if option.required:
            written += [option.flag, str(option.choices[0]) if option.choices else "x"]
    args = parser.parse_args([action.name, "T-1", *written])
    for dest in (*action.positional, *action.keywords.values()):
        assert hasattr(args, dest), (action.name, dest)


def test_a_required_option_missing_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["hold", "T-1"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["sp4n hold: error: the following arguments are required: --reason"]
