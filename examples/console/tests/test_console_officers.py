"""Officers: Argon2 hashes, checked fields, the JSON file and `add-officer`."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from sp4n_console import Officer, OfficerBook, hash_password
from sp4n_console.__main__ import main

from sp4n.errors import InvalidInputError, NotFoundError
from sp4n.lifecycle import Role

PASSWORD = "kata-sandi-panjang"


def test_password_hash_is_argon2id_and_verifies_only_the_password() -> None:
    digest = hash_password(PASSWORD)
    assert digest.startswith("$argon2id$")
    assert PASSWORD not in digest
    book = OfficerBook([Officer.build(id="a1", name="A", role="admin", password_hash=digest)])
    assert book.authenticate("a1", PASSWORD) == book.get("a1")
    assert book.authenticate("a1", PASSWORD + "x") is None
    assert book.authenticate("tidak-ada", PASSWORD) is None
    with pytest.raises(
        InvalidInputError, match="password = '<hidden>': must be a string of at least 10"
    ):
        hash_password("pendek")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"role": "reporter"},
            "role = 'reporter': must be one of admin, liaison, supervisor, unit",
        ),
        ({"role": "unit"}, "agency = None: a work unit officer must name their agency"),
        (
            {"role": "unit", "agency": "61.07-pupr"},
            "unit = None: a work unit officer must name their unit",
        ),
        ({"unit": "bina-marga"}, "unit = 'bina-marga': only a work unit officer has a unit"),
        ({"role": "liaison"}, "agency = None: a liaison must name their agency"),
        ({"agency": "61-pupr"}, "agency = '61-pupr': an admin has a region scope"),
        ({"id": "a b"}, "id = 'a b': may hold only letters"),
        ({"name": "x\x00"}, "name = 'x\\x00': must not contain control characters"),
        ({"region": "6x"}, "region"),
        ({"password_hash": "plain"}, "password_hash = '<hidden>': must be an Argon2 hash"),
    ],
)
def test_bad_officer_fields_name_the_field(fields: dict[str, str], message: str) -> None:
    base = {"id": "a1", "name": "A", "role": "admin", "password_hash": hash_password(PASSWORD)}
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        Officer.build(**{**base, **fields})


def test_officer_is_an_actor_with_scope() -> None:
    officer = Officer.build(
        id="l1",
        name="L",
        role="liaison",
        agency="61.07-pupr",
        password_hash=hash_password(PASSWORD),
    )
    assert officer.actor.role is Role.LIAISON
    assert officer.actor.agency == "61.07-pupr"
    assert "password" not in repr(officer)
    with pytest.raises(NotFoundError, match="officer = 'x': no such officer"):
        OfficerBook([officer]).get("x")


def test_add_officer_writes_the_file_and_refuses_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "officers.json"
    args = [
        "add-officer",
        "--officers",
        str(file),
        "--id",
        "pupr",
        "--name",
        "Penghubung PUPR",
        "--role",
        "liaison",
        "--agency",
        "61.07-pupr",
        "--password-stdin",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(args) == 0
    stored = json.loads(file.read_text())["officers"]
    assert [o["id"] for o in stored] == ["pupr"]
    assert stored[0]["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in file.read_text()
    assert OfficerBook.load(file).authenticate("pupr", PASSWORD) is not None
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(args) == 2  # the id is taken
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "id = 'pupr': is already taken" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("pendek\n"))
    assert main([*args[:4], "baru", *args[5:]]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["add-officer", "--officers", str(file), "--id", "x", "--name", "X", "--role", "raja"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert len(OfficerBook.load(file)) == 1  # nothing half-written


def test_a_broken_officers_file_is_a_typed_error(tmp_path: Path) -> None:
    file = tmp_path / "officers.json"
    file.write_text("{not json")
    with pytest.raises(InvalidInputError, match=r"officers = .*must be a readable JSON file"):
        OfficerBook.load(file)
    file.write_text('{"officers": {"id": 1}}')
    with pytest.raises(InvalidInputError, match="must hold"):
        OfficerBook.load(file)
    assert len(OfficerBook.load(tmp_path / "missing.json")) == 0


def test_make_app_refuses_an_officer_of_an_unknown_agency() -> None:
    from sp4n_console import make_app

    from sp4n import Desk
    from sp4n.errors import UnknownAgencyError

    officer = Officer.build(
        id="l1",
        name="L",
        role="liaison",
        agency="61.07-tidak-ada",
        password_hash=hash_password(PASSWORD),
    )
    with Desk.open("memory://") as desk:
        with pytest.raises(UnknownAgencyError, match=r"61\.07-tidak-ada"):
            make_app(desk, officers=OfficerBook([officer]))
        with pytest.raises(InvalidInputError, match=r"officers = .*must be an OfficerBook"):
            make_app(desk, officers=[officer])  # type: ignore[arg-type]


def test_a_unit_officer_is_a_unit_actor_and_round_trips_the_file(tmp_path: Path) -> None:
    officer = Officer.build(
        id="bm1",
        name="Bidang Bina Marga",
        role="unit",
        agency="61.07-pupr",
        unit="bina-marga",
        password_hash=hash_password(PASSWORD),
    )
    assert officer.actor.role is Role.UNIT
    assert (officer.actor.agency, officer.actor.unit) == ("61.07-pupr", "bina-marga")
    file = tmp_path / "officers.json"
    OfficerBook([officer]).save(file)
    assert json.loads(file.read_text())["officers"][0]["unit"] == "bina-marga"
    assert OfficerBook.load(file).get("bm1") == officer


def test_add_officer_adds_a_unit_officer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "officers.json"
    args = ["add-officer", "--officers", str(file), "--id", "bm1", "--name", "Bina Marga"]
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main([*args, "--role", "unit", "--agency", "61.07-pupr", "--password-stdin"]) == 2
    err = capsys.readouterr().err
    assert err == "sp4n-console: unit = None: a work unit officer must name their unit\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    full = [*args, "--role", "unit", "--agency", "61.07-pupr", "--unit", "bina-marga"]
    assert main([*full, "--password-stdin"]) == 0
    assert OfficerBook.load(file).get("bm1").actor.unit == "bina-marga"


def test_make_app_refuses_a_unit_the_directory_does_not_list() -> None:
    from sp4n_console import make_app

    from sp4n import Desk
    from sp4n.errors import UnknownAgencyError

    officer = Officer.build(
        id="u1",
        name="U",
        role="unit",
        agency="61.07-pupr",
        unit="tidak-ada",
        password_hash=hash_password(PASSWORD),
    )
    with (
        Desk.open("memory://") as desk,
        pytest.raises(UnknownAgencyError, match=r"unit = 'tidak-ada'.*bina-marga"),
    ):
        make_app(desk, officers=OfficerBook([officer]))
