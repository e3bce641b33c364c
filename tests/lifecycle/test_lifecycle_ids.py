"""Complaint ids; tracking ids citizens read aloud and type on phones (0041, 0111, 0310).

The check symbol is a letter or digit of the Crockford alphabet, never ``*``, ``~``, ``$``,
``=`` or ``U``; it catches every single mistyped symbol and every swap of two neighbours.
Ids issued under the old mod-37 check (decision 0041) stay valid and resolve.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from sp4n import Desk
from sp4n.errors import InvalidDateError, NaiveDatetimeError
from sp4n.lifecycle import (
    Actor,
    ComplaintDraft,
    Reporter,
    Role,
    complaint_uuid,
    submit,
    tracking_id_for,
    tracking_id_is_valid,
)
from sp4n.lifecycle._ids import _check_symbol

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
IDS = [tracking_id_for(str(uuid.uuid5(uuid.NAMESPACE_URL, f"c{n}")), AT) for n in range(400)]

# Issued by sp4n before decision 0111 (mod-37 check, decision 0041): (complaint id, tracking id)
LEGACY = [
    ("55086e13-a33d-5ad1-961a-24809d7fe2c0", "LAPOR-2026-AM46-W4X3*"),
    ("d96bb6c2-7dd6-5345-913b-c06b307a5767", "LAPOR-2026-V5NV-DGKX~"),
    ("201ca6b0-772c-55f3-874a-974bfe465f34", "LAPOR-2026-40EA-DC3Q="),
    ("eee79a4a-27a5-5799-9898-f8ee16ae4414", "LAPOR-2026-XVKS-MJH7U"),
    ("cc6ad470-51f5-5c4e-9640-dcb9abc4468e", "LAPOR-2026-SHND-8W2H$"),
    ("83ef274c-15dd-5684-8ef5-d7f5500cdc24", "LAPOR-2026-GFQJ-EK0NA"),
]


def _symbols(tracking_id: str) -> tuple[str, str]:
    """The eight data symbols with the check symbol, and the ``LAPOR-YYYY-`` prefix."""
    return tracking_id[11:15] + tracking_id[16:], tracking_id[:11]


def _join(prefix: str, symbols: str) -> str:
    return f"{prefix}{symbols[:4]}-{symbols[4:]}"


def test_new_check_symbols_are_letters_or_digits_of_the_alphabet() -> None:
    checks = {tracking_id[-1] for tracking_id in IDS}
    assert checks <= set(ALPHABET)
    assert len(checks) > 25  # all over the alphabet, not a few symbols
    assert all(tracking_id_is_valid(t, legacy=False) for t in IDS)


def test_every_single_mistyped_symbol_is_caught() -> None:
    for tracking_id in IDS[:100]:
        symbols, prefix = _symbols(tracking_id)
        for i, right in enumerate(symbols):
            for wrong in ALPHABET.replace(right, ""):
                typo = _join(prefix, symbols[:i] + wrong + symbols[i + 1 :])
                assert not tracking_id_is_valid(typo, legacy=False), (tracking_id, typo)


def test_every_swap_of_two_different_neighbours_is_caught() -> None:
    for tracking_id in IDS:
        symbols, prefix = _symbols(tracking_id)
        for i in range(len(symbols) - 1):
            if symbols[i] == symbols[i + 1]:
                continue
            swapped = symbols[:i] + symbols[i + 1] + symbols[i] + symbols[i + 2 :]
            assert not tracking_id_is_valid(_join(prefix, swapped), legacy=False)


@pytest.mark.parametrize(("complaint_id", "old"), LEGACY)
def test_ids_issued_under_the_old_check_stay_valid(complaint_id: str, old: str) -> None:
    assert tracking_id_is_valid(old)
    assert not tracking_id_is_valid(old, legacy=False)
    symbols, prefix = _symbols(old)
    new = _join(prefix, symbols[:-1] + _check_symbol(symbols[:-1]))
    assert tracking_id_is_valid(new, legacy=False)  # the same data symbols, today's check
    assert new[-1] in ALPHABET


def _ms(at: dt.datetime) -> int:
    return (at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(milliseconds=1)


def test_a_new_complaint_id_is_version_8_and_starts_with_its_submission_millisecond() -> None:
    at = dt.datetime(2026, 3, 2, 16, 4, 5, 678_901, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    value = uuid.UUID(complaint_uuid("warga-1", at, "Jalan berlubang", "Sejak Juli."))
    assert (value.version, value.variant) == (8, uuid.RFC_4122)
    assert value.int >> 80 == _ms(at) == 1_772_442_245_678
    assert str(value).startswith("019cadca-5a2e-8")
    # the same submission gives the same id (a retried intake, decision 0041)
    assert str(value) == complaint_uuid("warga-1", at, "Jalan berlubang", "Sejak Juli.")


def test_complaint_ids_differ_in_their_hash_bits_and_sort_by_submission_time() -> None:
    base = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    same_ms = {complaint_uuid(f"warga-{n}", base, "Jalan", "Rusak.") for n in range(300)}
    assert len(same_ms) == 300
    assert len({cid[:13] for cid in same_ms}) == 1  # 48 time bits, then version 8
    assert len({cid[15:] for cid in same_ms}) == 300  # the other 74 bits from the hash
    assert complaint_uuid("warga-1", base, "Jalan", "Rusak.") != complaint_uuid(
        "warga-1", base, "Jalan", "Rusak!"
    )
    steps = [base + dt.timedelta(microseconds=700 * n) for n in range(0, 3000, 7)]
    ids = [complaint_uuid(f"warga-{n % 5}", at, "Jalan", "Rusak.") for n, at in enumerate(steps)]
    assert sorted(ids) == sorted(ids, key=lambda cid: uuid.UUID(cid).int)  # text order = bits
    assert [_ms(at) for at in steps] == [uuid.UUID(cid).int >> 80 for cid in ids]
    assert [uuid.UUID(c).int >> 80 for c in sorted(ids)] == sorted(_ms(at) for at in steps)


def test_tracking_ids_of_one_millisecond_and_second_differ_and_do_not_follow_the_clock() -> None:
    def tracking(n: int, at: dt.datetime) -> str:
        return tracking_id_for(complaint_uuid(f"warga-{n}", at, "Jalan", "Rusak."), at)

    base = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    one_ms = [tracking(n, base) for n in range(500)]
    one_second = [tracking(0, base + dt.timedelta(milliseconds=n)) for n in range(1000)]
    for ids in (one_ms, one_second):
        assert len(set(ids)) == len(ids)
        assert all(tracking_id_is_valid(t, legacy=False) for t in ids)
        for position in (11, 12, 13, 14, 16):  # every data symbol varies, the first ones too
            assert len({t[position] for t in ids}) == 32, position
    # submitted one millisecond after another, the ids do not rise (or fall) with the clock
    rising = sum(a < b for a, b in itertools.pairwise(one_second))
    assert 400 < rising < 600


def test_a_complaint_id_needs_an_aware_instant_from_1970_on() -> None:
    with pytest.raises(NaiveDatetimeError):
        complaint_uuid("warga-1", dt.datetime(2026, 3, 2, 9), "Jalan", "Rusak.")
    early = dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    rule = r"^at = .*1969, 12, 31.*from 1970-01-01 UTC"
    with pytest.raises(InvalidDateError, match=rule) as caught:
        complaint_uuid("warga-1", early, "Jalan", "Rusak.")
    assert caught.value.field == "at"
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert complaint_uuid("warga-1", epoch, "Jalan", "Rusak.").startswith("00000000-0000-8")


def test_an_old_id_still_resolves_on_a_desk(sqlite_url: str) -> None:
    complaint_id, old = LEGACY[0]
    draft = ComplaintDraft(
        kind="pengaduan",
        title="Jalan berlubang",
        body="Sejak Juli.",
        region="61.07",
        topic="road",
        channel="web",
        reporter=Reporter(id="warga-1", email="warga1@example.org"),
    )
    filed = submit(
        draft, actor=Actor("warga-1", Role.REPORTER), at=AT, complaint_id=complaint_id,
        tracking_id=old,
    )  # fmt: skip
    with Desk.open(sqlite_url, clock=lambda: AT) as desk:  # a store the old sp4n wrote
        desk._commit(filed, filed.history)
    with Desk.open(sqlite_url, clock=lambda: AT) as desk:
        assert desk.get(old).complaint_id == complaint_id
        assert desk.get(old.lower()).tracking_id == old
