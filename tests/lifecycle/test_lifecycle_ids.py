"""Tracking ids citizens read aloud and type on phones (decisions 0041 and 0111).

The check symbol is a letter or digit of the Crockford alphabet, never ``*``, ``~``, ``$``,
``=`` or ``U``; it catches every single mistyped symbol and every swap of two neighbours.
Ids issued under the old mod-37 check (decision 0041) stay valid and resolve.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from sp4n import Desk
from sp4n.lifecycle import (
    Actor,
    ComplaintDraft,
    Reporter,
    Role,
    submit,
    tracking_id_for,
    tracking_id_is_valid,
)

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
    new = tracking_id_for(complaint_id, AT)
    assert new[:-1] == old[:-1]  # the same data symbols: only the check symbol differs
    assert new[-1] in ALPHABET


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
