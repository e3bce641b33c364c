"""Intake channels: web form, SMS 1708 and e-mail turn raw input into drafts or typed errors."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sp4n.adapters.channels import (
    SMS_TEXT_MAX,
    EmailChannel,
    SmsChannel,
    SmsMessage,
    WebFormChannel,
    read_tags,
    title_from,
)
from sp4n.errors import (
    InvalidInputError,
    MalformedRegionCodeError,
    NaiveDatetimeError,
    Sp4nError,
)
from sp4n.lifecycle import guest_reporter_id

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
sms = SmsChannel(default_region="61.07")
mail = EmailChannel(default_region="61.07")
web = WebFormChannel(default_region="61.07")


def test_sms_reads_region_and_topic_tags() -> None:
    intake = sms.parse(
        SmsMessage(
            sender="+6281234567890", text="LAPOR #61.07 #road Jalan di Sebalo berlubang. Bahaya!"
        ),
        received_at=AT,
    )
    draft = intake.draft
    assert (draft.region, draft.topic, draft.channel) == ("61.07", "road", "sms")
    assert draft.body == "Jalan di Sebalo berlubang. Bahaya!"
    assert draft.title == "Jalan di Sebalo berlubang."
    assert draft.reporter.phone == "+6281234567890"
    assert intake.needs_triage == ()
    assert intake.received_at == AT


def test_sms_without_tags_is_left_for_the_admin() -> None:
    intake = sms.parse(SmsMessage(sender="081234567890", text="lampu jalan mati"), received_at=AT)
    assert intake.draft.region == "61.07"
    assert intake.draft.topic == "other"
    assert intake.needs_triage == ("region", "topic")


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (SmsMessage(sender="+62812345678", text=b"\xff\xfe rusak"), "text"),
        (SmsMessage(sender="+62812345678", text="x" * (SMS_TEXT_MAX + 1)), "text"),
        (SmsMessage(sender="+62812345678", text="LAPOR #61.07"), "text"),
        (SmsMessage(sender="+62812345678", text="#61.7 jalan rusak"), "text #region"),
    ],
)
def test_bad_sms_raise_typed_errors(message: SmsMessage, field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        sms.parse(message, received_at=AT)
    assert info.value.field == field


def test_sms_sender_and_naive_time_are_checked() -> None:
    with pytest.raises(InvalidInputError, match="sender"):
        SmsMessage(sender="bukan nomor", text="x")
    with pytest.raises(NaiveDatetimeError, match="received_at"):
        sms.parse(
            SmsMessage(sender="+6281234567", text="jalan rusak"), received_at=datetime(2026, 3, 2)
        )


def _email(**overrides: object) -> bytes:
    message = EmailMessage()
    message["From"] = overrides.get("sender", "Siti Aminah <siti@example.id>")
    message["To"] = "lapor@bengkayangkab.go.id"
    message["Subject"] = overrides.get("subject", "Sampah menumpuk di pasar #waste")
    if overrides.get("date", True):
        message["Date"] = format_datetime(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    message["Message-ID"] = "<abc@example.id>"
    message.set_content(str(overrides.get("body", "Sudah seminggu tidak diangkut.\n#61.07.01")))
    if overrides.get("attach"):
        message.add_attachment(
            b"\x89PNG fake", maintype="image", subtype="png", filename="foto.png"
        )
    return bytes(message)


def test_email_reads_subject_body_tags_and_attachments() -> None:
    intake = mail.parse(_email(attach=True), received_at=AT)
    draft = intake.draft
    assert draft.title == "Sampah menumpuk di pasar"
    assert draft.body == "Sudah seminggu tidak diangkut."
    assert (draft.region, draft.topic) == ("61.07.01", "waste")
    assert draft.reporter.email == "siti@example.id"
    assert draft.reporter.name == "Siti Aminah"
    [attachment] = draft.attachments
    assert (attachment.name, attachment.media_type, attachment.size_bytes) == (
        "foto.png",
        "image/png",
        9,
    )
    assert attachment.ref is not None
    assert attachment.ref.startswith("sha256:")
    assert intake.external_id == "<abc@example.id>"


def test_email_without_date_or_with_unknown_zone_is_rejected() -> None:
    with pytest.raises(InvalidInputError) as info:
        mail.parse(_email(date=False), received_at=AT)
    assert info.value.field == "Date"
    raw = _email().replace(b"+0000", b"-0000")
    with pytest.raises(NaiveDatetimeError):
        mail.parse(raw, received_at=AT)


def test_email_needs_one_sender_and_some_text() -> None:
    with pytest.raises(InvalidInputError, match="From"):
        mail.parse(_email(sender="tanpa alamat"), received_at=AT)
    with pytest.raises(InvalidInputError, match="body"):
        mail.parse(_email(body="#61.07"), received_at=AT)


def test_web_form_reads_fields() -> None:
    intake = web.parse(
        {
            "kind": "pengaduan",
            "title": "Puskesmas tutup",
            "body": "Puskesmas Ledo tutup pada jam layanan.",
            "topic": "puskesmas",
            "visibility": "anonymous",
            "email": "warga@example.id",
            "lat": "0.9",
            "lon": "109.6",
        },
        received_at=AT,
    )
    assert intake.draft.region == "61.07"
    assert intake.draft.visibility.value == "anonymous"
    assert intake.draft.location is not None
    assert intake.draft.location.lat == 0.9
    assert intake.draft.reporter.email == "warga@example.id"  # a contact, not the identity
    assert intake.guest_token is not None
    assert intake.draft.reporter.id == guest_reporter_id("web", intake.guest_token)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"title": "", "body": "x"}, "title"),
        ({"title": "a", "body": "x", "lat": "utara"}, "lat"),
        ({"title": "a", "body": "x", "kind": "gosip"}, "kind"),
        ({"title": "a", "body": "x", "region": "61-07"}, "region"),
        ({"title": "a", "body": "x", "password": "1"}, "form"),
    ],
)
def test_bad_web_forms_name_the_field(form: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        web.parse(form, received_at=AT)
    assert info.value.field == field


def test_web_form_without_a_region_anywhere() -> None:
    with pytest.raises(InvalidInputError, match="region"):
        WebFormChannel().parse({"title": "a", "body": "b"}, received_at=AT)


def test_title_and_tags_helpers() -> None:
    assert title_from("Satu. Dua.") == "Satu."
    long = "kata " * 40
    assert len(title_from(long)) <= 80
    assert title_from(long).endswith("…")
    tags = read_tags("#6107 #Road jalan rusak")
    assert (tags.region, tags.topic, tags.text) == ("61.07", "road", "jalan rusak")
    with pytest.raises(MalformedRegionCodeError):
        read_tags("#61.0")


@given(st.binary(max_size=400))
def test_fuzzed_emails_raise_only_sp4n_errors(raw: bytes) -> None:
    with contextlib.suppress(Sp4nError):
        mail.parse(raw, received_at=AT)


@given(st.text(max_size=300), st.binary(max_size=100))
def test_fuzzed_sms_raise_only_sp4n_errors(text: str, raw: bytes) -> None:
    for body in (text, raw):
        with contextlib.suppress(Sp4nError):
            sms.parse(SmsMessage(sender="+628123456789", text=body), received_at=AT)


@given(
    st.dictionaries(
        st.sampled_from(
            ["title", "body", "region", "topic", "kind", "lat", "lon", "email", "visibility"]
        ),
        st.text(max_size=50),
    )
)
def test_fuzzed_web_forms_raise_only_sp4n_errors(form: dict[str, str]) -> None:
    with contextlib.suppress(Sp4nError):
        web.parse(form, received_at=AT)
