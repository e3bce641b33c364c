"""Notifiers named in a TOML file, built through the plugin hook, and ``sp4n deliver``.

The built-in notifiers register through ``sp4n_register_notifiers`` like any plugin, so one
file configures a deployment's SMTP server, webhook and plugin notifiers. The end-to-end test
runs the command line against a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pluggy
import pytest

from servers import free_port, http_server, smtp_server
from sp4n.adapters import Adapters, describe_plugins, plugin_manager
from sp4n.adapters.hookspecs import RegisterNotifier
from sp4n.adapters.notifiers import (
    LogNotifier,
    SmtpNotifier,
    WebhookNotifier,
    load_notifiers,
)
from sp4n.cli import main
from sp4n.errors import InvalidInputError, PluginError


@pytest.fixture
def pm() -> pluggy.PluginManager:
    return plugin_manager(load_entrypoints=False)


def test_builtin_notifiers_register_through_the_hook(pm: pluggy.PluginManager) -> None:
    factories = Adapters(pm).notifier_factories()
    assert {"log", "smtp", "webhook"} <= set(factories)
    plugin = next(p for p in describe_plugins(pm) if p.name.endswith("notifiers._plugin"))
    assert plugin.source == "builtin"
    assert plugin.hooks == ("sp4n_register_notifiers",)


def test_a_file_names_each_notifier_and_the_default(
    tmp_path: Path, pm: pluggy.PluginManager
) -> None:
    path = tmp_path / "notifiers.toml"
    path.write_text(
        'default = "mail"\n'
        "[mail]\n"
        'type = "smtp"\nhost = "mail.pemda.go.id"\nport = 587\nstarttls = true\n'
        'sender = "lapor@pemda.go.id"\npassword = "rahasia"\n'
        "[webhook]\n"
        'url = "https://ops.pemda.go.id/hooks/sp4n"\nsecret = "k3y"\ntimeout = 2.5\n'
        "[log]\n",
        encoding="utf-8",
    )
    config = load_notifiers(path, pm=pm)
    assert config.default == "mail"
    assert list(config.notifiers) == ["mail", "webhook", "log"]
    mail = config.notifiers["mail"]
    assert isinstance(mail, SmtpNotifier)
    assert (mail.host, mail.port, mail.starttls, mail.sender) == (
        "mail.pemda.go.id",
        587,
        True,
        "lapor@pemda.go.id",
    )
    assert mail.password == "rahasia"
    hook = config.notifiers["webhook"]
    assert isinstance(hook, WebhookNotifier)
    assert (hook.url, hook.secret, hook.timeout) == (
        "https://ops.pemda.go.id/hooks/sp4n",
        b"k3y",
        2.5,
    )
    assert isinstance(config.notifiers["log"], LogNotifier)


def test_without_a_default_the_log_is_added_when_asked_for(pm: pluggy.PluginManager) -> None:
    config = load_notifiers({"default": "log", "smtp": {"host": "127.0.0.1"}}, pm=pm)
    assert set(config.notifiers) == {"smtp", "log"}
    assert load_notifiers({"smtp": {"host": "h"}}, pm=pm).default == "smtp"
    assert set(load_notifiers({}, pm=pm).notifiers) == {"log"}


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        ({"fax": {"url": "x"}}, "notifiers: [fax].type", "no notifier of that name is registered"),
        ({"sms": {"url": "x"}}, "notifiers: [sms].url", "http://"),
        ({"whatsapp": {"phone_number_id": "1"}}, "[whatsapp].access_token", "is required"),
        ({"smtp": {"port": 25}}, "notifiers: [smtp].host", "is required"),
        ({"smtp": {"host": "h", "port": "99999"}}, "notifiers: [smtp].port", "TCP port"),
        ({"smtp": {"host": "h", "starttls": "maybe"}}, "notifiers: [smtp].starttls", "true or"),
        ({"smtp": {"host": "h", "hots": "x"}}, "notifiers: [smtp].hots", "not a setting of"),
        ({"webhook": {"url": "ftp://x", "secret": "s"}}, "notifiers: [webhook].url", "http://"),
        ({"webhook": {"url": "http://x"}}, "notifiers: [webhook].secret", "is required"),
        ({"webhook": {"url": "http://x", "secret": "s", "timeout": "-1"}}, "[webhook].timeout", ""),
        ({"smtp": ["host"]}, "notifiers: smtp", "must be a table"),
        ({"smtp": {"host": ["a"]}}, "notifiers: [smtp].host", "string, number or boolean"),
        ({"default": "mail", "smtp": {"host": "h"}}, "notifiers: default", "must name one"),
    ],
)
def test_bad_settings_name_the_table_and_the_setting(
    pm: pluggy.PluginManager, data: dict[str, object], field: str, rule: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        load_notifiers(data, pm=pm)
    assert field in info.value.field
    assert rule in info.value.rule


def test_unknown_notifier_lists_the_registered_ones(pm: pluggy.PluginManager) -> None:
    with pytest.raises(InvalidInputError, match=r"registered: log, sms, smtp, webhook, whatsapp"):
        load_notifiers({"fax": {}}, pm=pm)


def test_a_factory_that_builds_no_notifier_is_a_plugin_error(pm: pluggy.PluginManager) -> None:
    import sp4n

    class Broken:
        @sp4n.hookimpl
        def sp4n_register_notifiers(self, register: RegisterNotifier) -> None:
            register("broken", lambda settings: object())

    pm.register(Broken(), name="broken")
    with pytest.raises(PluginError, match="'broken' notifier factory returned object"):
        load_notifiers({"broken": {}}, pm=pm)


def test_missing_and_unreadable_files_are_named(tmp_path: Path, pm: pluggy.PluginManager) -> None:
    with pytest.raises(InvalidInputError, match="no such file"):
        load_notifiers(tmp_path / "missing.toml", pm=pm)
    bad = tmp_path / "bad.toml"
    bad.write_text("[smtp\nhost=", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="cannot be read as TOML"):
        load_notifiers(bad, pm=pm)


def test_sp4n_deliver_sends_through_a_real_smtp_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'sp4n.db'}"]
    with smtp_server() as (port, inbox):
        config = tmp_path / "notifiers.toml"
        config.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\n'
            'sender = "lapor@bengkayang.go.id"\n[log]\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("SP4N_NOTIFIERS", str(config))  # what a cron line sets once
        code = main(
            [
                "submit", "--title", "Lampu jalan mati", "--body", "Sudah seminggu gelap.",
                "--region", "61.07", "--topic", "street_lighting",
                "--email", "warga@example.org", "--json", *db,
            ]
        )  # fmt: skip
        assert code == 0
        tracking = json.loads(capsys.readouterr().out)["tracking_id"]
        assert main(["deliver", "--json", *db]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["notifiers"] == ["log", "smtp"]
        assert len(report["delivered"]) >= 1
        assert report["retrying"] == report["parked"] == []
        to_reporter = [
            m
            for m in inbox
            if m["To"].endswith("<warga@example.org>") or m["To"] == "warga@example.org"
        ]
        assert len(to_reporter) == 1
        assert tracking in to_reporter[0]["Subject"]
        assert to_reporter[0]["From"].endswith("<lapor@bengkayang.go.id>")
        # Nothing is left to deliver, so a second run (the next minute's cron) sends nothing.
        assert main(["deliver", "--json", *db]) == 0
        assert json.loads(capsys.readouterr().out)["delivered"] == []
        assert len([m for m in inbox if "warga@example.org" in m["To"]]) == 1


def test_sp4n_deliver_retries_when_the_server_is_down(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'sp4n.db'}"]
    config = tmp_path / "notifiers.toml"
    config.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {free_port()}\ntimeout = 2\n')
    notifiers = ["--notifiers", str(config)]
    submitted = main(
        [
            "submit", "--title", "Jalan rusak", "--body", "Berlubang.", "--region", "61.07",
            "--topic", "road", "--email", "warga@example.org", *notifiers, *db,
        ]
    )  # fmt: skip
    assert submitted == 0
    capsys.readouterr()
    assert main(["deliver", "--json", *notifiers, *db]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["delivered"] == []
    assert len(report["retrying"]) >= 1
    assert main(["outbox", "--json", *db]) == 0
    waiting = json.loads(capsys.readouterr().out)["undelivered"]
    assert {m["id"] for m in waiting} >= set(report["retrying"])
    assert all(
        m["attempts"] == 1 and m["last_error"] for m in waiting if m["id"] in report["retrying"]
    )


def test_sp4n_deliver_names_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "notifiers.toml"
    config.write_text('[smtp]\nhost = "h"\nport = "abc"\n')
    db = f"sqlite:///{tmp_path / 'sp4n.db'}"
    assert main(["deliver", "--notifiers", str(config), "--db", db]) == 2
    assert f"{config}: [smtp].port = 'abc'" in capsys.readouterr().err


def test_for_roles_sends_those_recipients_through_one_notifier(pm: pluggy.PluginManager) -> None:
    config = load_notifiers(
        {
            "smtp": {"host": "127.0.0.1"},
            "ops": {
                "type": "webhook",
                "url": "http://127.0.0.1:1/hook",
                "secret": "s",
                "for_roles": ["liaison", "admin"],
            },
        },
        pm=pm,
    )
    assert config.by_role == {"liaison": "ops", "admin": "ops"}
    assert isinstance(config.notifiers["ops"], WebhookNotifier)


@pytest.mark.parametrize(
    ("ops", "rule"),
    [
        ({"for_roles": "liaison"}, "must be a list of recipient roles"),
        ({"for_roles": ["lurah"]}, "is not a recipient role"),
    ],
)
def test_bad_for_roles_are_named(
    pm: pluggy.PluginManager, ops: dict[str, object], rule: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        load_notifiers({"log": ops}, pm=pm)
    assert info.value.field == "notifiers: [log].for_roles"
    assert rule in info.value.rule


def test_a_role_has_one_notifier(pm: pluggy.PluginManager) -> None:
    data = {
        "log": {"for_roles": ["liaison"]},
        "smtp": {"host": "h", "for_roles": ["liaison"]},
    }
    with pytest.raises(InvalidInputError, match=r"already sent through \[log\]"):
        load_notifiers(data, pm=pm)


def test_officers_to_a_webhook_and_reporters_by_email(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posted: list[dict[str, object]] = []

    def hook(path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        posted.append(json.loads(body))
        return 200, b"{}"

    db = ["--db", f"sqlite:///{tmp_path / 'sp4n.db'}"]
    with smtp_server() as (port, inbox), http_server(hook) as url:
        config = tmp_path / "notifiers.toml"
        config.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\n'
            f'[ops]\ntype = "webhook"\nurl = "{url}"\nsecret = "k"\n'
            'for_roles = ["liaison", "admin", "supervisor"]\n',
            encoding="utf-8",
        )
        both = ["--notifiers", str(config), *db]
        assert main(["submit", "--title", "Jalan rusak", "--body", "Berlubang.", "--region",
                     "61.07", "--topic", "road", "--email", "warga@example.org", "--json",
                     *both]) == 0  # fmt: skip
        ref = json.loads(capsys.readouterr().out)["tracking_id"]
        assert main(["verify", ref, *both]) == 0
        assert main(["forward", ref, "--attr", "road_status=kabupaten", *both]) == 0
        capsys.readouterr()
        assert main(["deliver", "--json", *both]) == 0
        report = json.loads(capsys.readouterr().out)
    assert report["retrying"] == report["parked"] == []
    roles = sorted(str(message["recipient"]["role"]) for message in posted)  # type: ignore[index]
    assert roles
    assert "reporter" not in roles
    assert {"liaison"} <= set(roles)
    assert inbox
    assert all("warga@example.org" in message["To"] for message in inbox)
    assert len(report["delivered"]) == len(posted) + len(inbox)


def test_the_desk_refuses_a_role_sent_to_a_missing_notifier(tmp_path: Path) -> None:
    from sp4n import Desk

    with (
        Desk.open(f"sqlite:///{tmp_path / 'x.db'}") as desk,
        pytest.raises(InvalidInputError, match="names no notifier of this Desk: 'chat'"),
    ):
        desk.deliver_notifications(by_role={"liaison": "chat"})
