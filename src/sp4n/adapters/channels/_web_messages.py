"""What a citizen reads when a complaint form is refused: Indonesian (or English) sentences.

The typed errors name the field, the value and the rule for developers
(``region = None: is required``); a citizen on a phone needs to know which box to fix and
how. :func:`form_message` turns an error of the form's intake into that, from the tables
below: a label per field and, per field, a sentence chosen by a word of the rule.
"""

from __future__ import annotations

from collections.abc import Mapping

from sp4n.errors import Sp4nError

__all__ = [
    "FORM_LABELS",
    "FORM_MESSAGES",
    "VISIBILITY_LABELS",
    "form_message",
    "visibility_choices",
]

VISIBILITY_LABELS: Mapping[str, tuple[str, str]] = {
    "public": ("Publik (nama saya tampil)", "Public (my name is shown)"),
    "anonymous": ("Anonim (identitas disembunyikan)", "Anonymous (my identity is hidden)"),
    "confidential": (
        "Rahasia (laporan tidak tampil di publik)",
        "Confidential (the report is not shown in public)",
    ),
}
"""The form's choice of how the reporter is shown (regulation.md §5), per visibility."""


def visibility_choices(lang: str = "id") -> list[tuple[str, str]]:
    """``(value, label)`` of each visibility a reporter may choose, for a form's select."""
    return [(value, labels[lang == "en"]) for value, labels in VISIBILITY_LABELS.items()]


FORM_LABELS: Mapping[str, tuple[str, str]] = {
    "title": ("Judul laporan", "Report title"),
    "body": ("Isi laporan", "Report text"),
    "region": ("Kode wilayah", "Region code"),
    "topic": ("Topik", "Topic"),
    "visibility": ("Identitas pelapor", "Reporter identity"),
    "kind": ("Jenis laporan", "Kind of report"),
    "reporter.name": ("Nama", "Name"),
    "reporter.email": ("Surel", "E-mail"),
    "reporter.phone": ("Telepon", "Phone"),
    "lat": ("Lintang", "Latitude"),
    "lon": ("Bujur", "Longitude"),
    "Content-Length": ("Laporan", "Report"),
    "form": ("Formulir", "Form"),
    "ref": ("Nomor pelacakan", "Tracking number"),
    "tracking_id": ("Nomor pelacakan", "Tracking number"),
    "attachment.media_type": ("Lampiran", "Attachment"),
    "attachment.size_bytes": ("Lampiran", "Attachment"),
    "attachment.name": ("Lampiran", "Attachment"),
    "files": ("Lampiran", "Attachment"),
}
"""The form's label of each field an intake error may name (Indonesian, English)."""

FORM_MESSAGES: tuple[tuple[str, str, str, str], ...] = (
    (
        "attachment.media_type",
        "anonymous",
        "Laporan anonim hanya menerima foto JPEG atau PNG: berkas lain dapat memuat identitas "
        "Anda.",
        "An anonymous report takes only JPEG or PNG photos: other files may carry your identity.",
    ),
    (
        "attachment.media_type",
        "",
        "Jenis berkas lampiran ini tidak diterima; kirim foto (JPEG, PNG) atau dokumen PDF.",
        "This kind of file is not accepted; send a photo (JPEG, PNG) or a PDF document.",
    ),
    (
        "attachment.size_bytes",
        "empty",
        "Berkas lampiran kosong; pilih berkasnya lagi.",
        "The attached file is empty; choose it again.",
    ),
    (
        "attachment.size_bytes",
        "at most",
        "Berkas lampiran terlalu besar; kecilkan fotonya atau kirim berkas yang lebih kecil.",
        "The attached file is too large; shrink the photo or send a smaller file.",
    ),
    (
        "attachment.name",
        "",
        "Nama berkas lampiran tidak dapat dipakai; ganti namanya lalu kirim lagi.",
        "The attached file's name cannot be used; rename it and send it again.",
    ),
    (
        "files",
        "",
        "Portal ini tidak menerima lampiran; kirim laporan tanpa berkas.",
        "This portal takes no attachments; send the report without files.",
    ),
    ("title", "empty", "Judul laporan wajib diisi.", "Please give the report a title."),
    (
        "title",
        "",
        "Judul laporan terlalu panjang atau memuat tanda yang tidak dapat dipakai; "
        "tulis judul singkat dalam satu baris (paling banyak 200 karakter).",
        "The title is too long or has characters that cannot be used; write a short "
        "one-line title (at most 200 characters).",
    ),
    ("body", "empty", "Isi laporan wajib diisi.", "Please describe the problem."),
    (
        "body",
        "",
        "Isi laporan terlalu panjang atau memuat tanda yang tidak dapat dipakai "
        "(paling banyak 10.000 karakter).",
        "The report text is too long or has characters that cannot be used "
        "(at most 10,000 characters).",
    ),
    (
        "region",
        "outside",
        "Wilayah ini di luar wilayah layanan portal ini. Sampaikan laporan Anda melalui "
        "lapor.go.id atau portal daerah yang bersangkutan.",
        "This region is outside this portal's area. Please report it at lapor.go.id or the "
        "portal of that region.",
    ),
    (
        "region",
        "required",
        "Kode wilayah wajib diisi, misalnya 61.07 untuk Kabupaten Bengkayang.",
        "Please give a region code, for example 61.07 for Kabupaten Bengkayang.",
    ),
    (
        "region",
        "",
        "Kode wilayah tidak dikenal. Tulis kode Kemendagri dengan titik, misalnya 61.07 atau "
        "61.07.01.",
        "Unknown region code. Write the Kemendagri code with dots, for example 61.07 or 61.07.01.",
    ),
    (
        "topic",
        "",
        "Topik tidak dikenal; pilih salah satu topik dari daftar.",
        "Unknown topic; choose one from the list.",
    ),
    (
        "visibility",
        "",
        "Pilih identitas pelapor: publik, anonim, atau rahasia.",
        "Choose how you are shown: public, anonymous or confidential.",
    ),
    (
        "kind",
        "",
        "Jenis laporan tidak dikenal; pilih pengaduan atau aspirasi.",
        "Unknown kind of report; choose complaint or aspiration.",
    ),
    (
        "reporter.email",
        "",
        "Alamat surel tidak valid; contoh: nama@contoh.id.",
        "Not a valid e-mail address; for example name@example.id.",
    ),
    (
        "reporter.phone",
        "",
        "Nomor telepon tidak valid; contoh: 0812 3456 7890 atau +62 812 3456 7890.",
        "Not a valid phone number; for example 0812 3456 7890 or +62 812 3456 7890.",
    ),
    (
        "reporter.name",
        "",
        "Nama terlalu panjang atau memuat tanda yang tidak dapat dipakai.",
        "The name is too long or has characters that cannot be used.",
    ),
    (
        "Content-Length",
        "",
        "Laporan terlalu panjang untuk dikirim; persingkat isinya.",
        "The report is too long to send; please shorten it.",
    ),
    (
        "ref",
        "",
        "Laporan dengan nomor ini tidak ditemukan. Periksa kembali nomor pelacakan yang Anda "
        "simpan, misalnya LAPOR-2026-AB12-CD34E.",
        "No report has this number. Check the tracking number you kept, for example "
        "LAPOR-2026-AB12-CD34E.",
    ),
    (
        "tracking_id",
        "",
        "Nomor pelacakan tidak sesuai bentuknya; contoh: LAPOR-2026-AB12-CD34E.",
        "Not a tracking number; for example LAPOR-2026-AB12-CD34E.",
    ),
    (
        "form",
        "",
        "Formulir tidak lengkap atau berisi kolom yang tidak dikenal; muat ulang halaman.",
        "The form is incomplete or has unknown fields; please reload the page.",
    ),
)
"""``(field, word of the rule, Indonesian, English)``; the first row whose field matches and
whose word appears in the error's rule (``""``: any rule) gives the sentence."""

_FALLBACK = (
    "Isian ini tidak dapat diterima; periksa kembali.",
    "This entry cannot be accepted; please check it.",
)


def form_message(error: Sp4nError, lang: str = "id") -> tuple[str, str]:
    """Return ``(label, sentence)`` a citizen understands for a refused complaint form.

    :param error: the typed error the intake raised (``WebFormChannel.parse``, the Desk).
    :param lang: ``"id"`` (default) or ``"en"``.
    """
    index = 1 if lang == "en" else 0
    field = str(getattr(error, "field", None) or "form").split("[", 1)[0]
    rule = str(getattr(error, "rule", None) or error)
    label = FORM_LABELS.get(field, (field, field))[index]
    for name, word, indonesian, english in FORM_MESSAGES:
        if name == field and word in rule:
            return label, (indonesian, english)[index]
    return label, _FALLBACK[index]
