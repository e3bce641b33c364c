"""The sentences a citizen reads when a complaint form is refused, in Indonesian and English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sp4n.adapters.blobs import UploadLimits, open_blob_store
from sp4n.adapters.channels import (
    FORM_LABELS,
    FORM_MESSAGES,
    VISIBILITY_LABELS,
    WebFormChannel,
    form_message,
    visibility_choices,
)
from sp4n.errors import InvalidInputError, Sp4nError, UnknownComplaintError
from sp4n.lifecycle import Visibility

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
GOOD = {"title": "Jalan rusak", "body": "Berlubang.", "topic": "road", "region": "61.07"}


def _refusal(**fields: str) -> Sp4nError:
    with pytest.raises(Sp4nError) as raised:
        WebFormChannel().parse({**GOOD, **fields}, received_at=NOW)
    return raised.value


@pytest.mark.parametrize(
    ("fields", "label", "indonesian", "english"),
    [
        ({"title": ""}, "Judul laporan", "wajib diisi", "give the report a title"),
        ({"body": ""}, "Isi laporan", "wajib diisi", "describe the problem"),
        ({"region": ""}, "Kode wilayah", "wajib diisi", "give a region code"),
        ({"region": "61.7x"}, "Kode wilayah", "tidak dikenal", "Unknown region code"),
        ({"region": "99.99"}, "Kode wilayah", "tidak dikenal", "Unknown region code"),
        ({"visibility": "semua"}, "Identitas pelapor", "rahasia", "confidential"),
        ({"email": "budi@"}, "Surel", "nama@contoh.id", "name@example.id"),
        ({"phone": "nomor"}, "Telepon", "0812", "0812"),
        ({"admin": "1"}, "Formulir", "muat ulang", "reload the page"),
    ],
)
def test_the_form_s_own_errors_get_a_sentence_in_both_languages(
    fields: dict[str, str], label: str, indonesian: str, english: str
) -> None:
    error = _refusal(**fields)
    got_label, sentence = form_message(error)
    assert (got_label, indonesian in sentence) == (label, True), (error, sentence)
    assert " = " not in sentence  # never the developer's `field = value: rule`
    _, sentence = form_message(error, lang="en")
    assert english in sentence


def test_outside_the_portal_and_unknown_tracking_numbers() -> None:
    outside = InvalidInputError("region", "35.73", "lies outside this portal's region 61.07")
    assert "lapor.go.id" in form_message(outside)[1]
    label, sentence = form_message(UnknownComplaintError("LAPOR-2026-AAAA-AAAAA"))
    assert (label, "tidak ditemukan" in sentence) == ("Nomor pelacakan", True)


def test_an_error_of_an_unknown_field_gets_the_fallback_not_a_crash() -> None:
    label, sentence = form_message(InvalidInputError("whatever", 1, "bad"))
    assert (label, sentence) == ("whatever", "Isian ini tidak dapat diterima; periksa kembali.")
    assert form_message(Sp4nError("plain"), lang="en")[0] == "Form"


def test_every_message_row_names_a_labelled_field_and_has_both_languages() -> None:
    for field, _word, indonesian, english in FORM_MESSAGES:
        assert field in FORM_LABELS
        assert indonesian.strip()
        assert english.strip()
        assert indonesian != english


def test_visibility_choices_cover_every_visibility_in_order() -> None:
    assert [value for value, _ in visibility_choices()] == [v.value for v in Visibility]
    assert set(VISIBILITY_LABELS) == {v.value for v in Visibility}
    assert visibility_choices()[1] == ("anonymous", "Anonim (identitas disembunyikan)")
    assert visibility_choices("en")[2][1].startswith("Confidential")


def _upload_refusal(data: bytes, **fields: str) -> Sp4nError:
    channel = WebFormChannel(blobs=open_blob_store("memory://"), upload_limits=UploadLimits(64))
    with pytest.raises(Sp4nError) as raised:
        channel.parse({**GOOD, **fields}, received_at=NOW, files=[("foto.jpg", data)])
    return raised.value


@pytest.mark.parametrize(
    ("data", "fields", "indonesian", "english"),
    [
        (b"MZ\x90\x00 program", {}, "Jenis berkas", "kind of file"),
        (b"%PDF-1.7 surat", {"visibility": "anonymous"}, "hanya menerima foto JPEG", "JPEG"),
        (b"", {}, "kosong", "empty"),
        (b"%PDF-1.7" + b"x" * 100, {}, "terlalu besar", "too large"),
    ],
)
def test_a_refused_upload_gets_a_sentence_naming_the_attachment(
    data: bytes, fields: dict[str, str], indonesian: str, english: str
) -> None:
    error = _upload_refusal(data, **fields)
    label, sentence = form_message(error)
    assert (label, indonesian in sentence) == ("Lampiran", True), (error, sentence)
    assert form_message(error, lang="en")[0] == "Attachment"
    assert english in form_message(error, lang="en")[1]


def test_files_sent_to_a_form_without_a_blob_store() -> None:
    with pytest.raises(Sp4nError) as raised:
        WebFormChannel().parse(GOOD, received_at=NOW, files=[("a.jpg", b"\xff\xd8\xff")])
    label, sentence = form_message(raised.value)
    assert (label, "tidak menerima lampiran" in sentence) == ("Lampiran", True)
