"""Every text an officer reads, in Indonesian (first) and English."""

from __future__ import annotations

__all__ = ["EVENTS", "FOLLOW_UP_TEMPLATES", "LANGS", "event_label", "t"]

LANGS = ("id", "en")

_TEXT: dict[str, tuple[str, str]] = {
    "app": ("Konsol Petugas SP4N-LAPOR!", "SP4N-LAPOR! officer console"),
    "login": ("Masuk", "Sign in"),
    "logout": ("Keluar", "Sign out"),
    "officer_id": ("ID petugas", "Officer id"),
    "password": ("Kata sandi", "Password"),
    "bad_login": ("ID petugas atau kata sandi salah.", "Wrong officer id or password."),
    "throttled": (
        "Terlalu banyak percobaan masuk. Coba lagi setelah {until}.",
        "Too many sign-in attempts. Try again after {until}.",
    ),
    "csrf": (
        "Formulir kedaluwarsa atau tidak sah; muat ulang halaman dan coba lagi.",
        "The form expired or is not valid; reload the page and try again.",
    ),
    "queues": ("Antrean", "Queues"),
    "dashboard": ("Dasbor kepatuhan", "Compliance dashboard"),
    "q_triage": ("Perlu triase", "Needs triage"),
    "q_due": ("Jatuh tempo hari ini/besok", "Due today/tomorrow"),
    "q_overdue": ("Lewat tenggat", "Overdue"),
    "q_awaiting": ("Menunggu pelapor", "Awaiting reporter"),
    "q_disposed": ("Disposisi untuk unit", "Disposed to my unit"),
    "q_drafted": ("Draf unit menunggu persetujuan", "Unit drafts awaiting approval"),
    "dispose": ("Disposisi ke unit kerja", "Dispose to a work unit"),
    "unit": ("Unit kerja", "Work unit"),
    "note": ("Catatan untuk unit (opsional)", "Note for the unit (optional)"),
    "no_units": (
        "Direktori tidak mencantumkan unit kerja instansi ini.",
        "The directory lists no work units for this agency.",
    ),
    "draft_follow_up": ("Susun draf tindak lanjut", "Draft the follow-up"),
    "draft_note": (
        "Draf dikirim ke pejabat penghubung untuk disetujui; pelapor belum melihatnya.",
        "The draft goes to the liaison for approval; the reporter does not see it yet.",
    ),
    "approve_follow_up": ("Setujui tindak lanjut", "Approve the follow-up"),
    "approve_note": (
        "Draf dari unit {unit}; ubah kata-katanya bila perlu. Setelah disetujui, pelapor "
        "menerimanya sebagai tindak lanjut.",
        "Draft from unit {unit}; change the wording if needed. Once approved, the reporter "
        "receives it as the follow-up.",
    ),
    "empty": ("Tidak ada laporan.", "No reports."),
    "tracking": ("Nomor", "Tracking id"),
    "title": ("Judul", "Title"),
    "status": ("Status", "Status"),
    "region": ("Wilayah", "Region"),
    "agency": ("Instansi", "Agency"),
    "deadline": ("Tenggat terdekat", "Nearest deadline"),
    "no_deadline": ("tidak ada tenggat berjalan", "no running deadline"),
    "today": ("hari ini", "today"),
    "tomorrow": ("besok", "tomorrow"),
    "overdue_by": ("lewat", "overdue"),
    "explain": ("Rincian hari demi hari", "Day by day"),
    "start_day": ("mulai (hari ke-0)", "start (day 0)"),
    "working_day": ("hari kerja ke-{n}", "working day {n}"),
    "paused": (
        "termasuk {n} hari kerja jeda (menunggu pelapor)",
        "includes {n} paused working days (waiting for the reporter)",
    ),
    "provisional": (
        "sementara: bergantung pada libur perkiraan",
        "provisional: rests on an estimated holiday",
    ),
    "reporter": ("Pelapor", "Reporter"),
    "anonymous": ("Anonim (identitas disembunyikan)", "Anonymous (identity hidden)"),
    "history": ("Riwayat", "History"),
    "actions": ("Tindakan", "Actions"),
    "verify": ("Verifikasi", "Verify"),
    "amend": ("Klasifikasi ulang", "Reclassify"),
    "amend_note": (
        "Ubah yang salah dibaca kanal; hanya kolom yang diubah dicatat, dengan nilai lama.",
        "Correct what the channel misread; only changed fields are recorded, with the old value.",
    ),
    "topic": ("Topik", "Topic"),
    "channel": ("Kanal", "Channel"),
    "kind": ("Jenis laporan", "Report type"),
    "kind_pengaduan": ("Pengaduan", "Complaint"),
    "kind_aspirasi": ("Aspirasi", "Aspiration"),
    "kind_permintaan_informasi": ("Permintaan informasi", "Request for information"),
    "region_code": ("Wilayah (kode, mis. 61.07)", "Region (code, e.g. 61.07)"),
    "hold": ("Minta kelengkapan (tunda)", "Ask for missing details (hold)"),
    "hold_reason": (
        "Apa yang perlu dilengkapi pelapor",
        "What the reporter needs to complete",
    ),
    "forward": ("Teruskan", "Forward"),
    "suggested": ("Saran router", "Router's suggestion"),
    "return": ("Kembalikan (bukan wewenang)", "Return (not our authority)"),
    "reason": ("Alasan", "Reason"),
    "request_info": ("Minta informasi ke pelapor", "Ask the reporter for information"),
    "question": ("Pertanyaan", "Question"),
    "follow_up": ("Tindak lanjut", "Follow up"),
    "template": ("Templat", "Template"),
    "text": ("Isi", "Text"),
    "done": ("Tersimpan: {action}.", "Saved: {action}."),
    "error": ("Tidak dapat diproses", "Could not be processed"),
    "refused_stale": (
        "Laporan sudah diubah sejak formulir dibuka; muat ulang halaman",
        "The report changed since the form was opened; reload the page",
    ),
    "refused_permission": ("Tindakan ini tidak diizinkan untuk Anda", "You may not do this"),
    "refused_status": (
        "Tindakan ini tidak dapat dilakukan pada status laporan sekarang",
        "This action cannot be taken in the report's current status",
    ),
    "refused_input": ("Isian tidak sah", "The input is not valid"),
    "not_found": ("Tidak ditemukan", "Not found"),
    "forbidden": ("Tidak diizinkan", "Not allowed"),
    "period": ("Periode", "Period"),
    "from": ("Dari", "From"),
    "to": ("Sampai", "To"),
    "show": ("Tampilkan", "Show"),
    "csv": ("Unduh CSV", "Download CSV"),
    "per_agency": ("Per instansi", "Per agency"),
    "per_region": ("Per wilayah (provinsi)", "Per region (province)"),
    "per_month": ("Per bulan", "Per month"),
    "per_topic": ("Per topik", "Per topic"),
    "per_channel": ("Per kanal", "Per channel"),
    "received": ("Diterima", "Received"),
    "t1_rate": ("T1 tepat waktu", "T1 on time"),
    "t2_rate": ("T2 tepat waktu", "T2 on time"),
    "completed": ("Selesai", "Completed"),
    "overdue_now": ("Lewat tenggat", "Overdue"),
    "backlog": ("Belum selesai", "Backlog"),
    "median": ("Median HK ke tindak lanjut", "Median WD to follow-up"),
    "returns": ("Dikembalikan", "Returns"),
    "escalations": ("Eskalasi", "Escalations"),
    "all": ("Semua", "All"),
    "chart_title": ("Ketepatan waktu T1/T2 per instansi", "T1/T2 on-time share per agency"),
    "rates_note": (
        "Persentase dari laporan yang diterima pada periode; angka sama dengan sp4n report.",
        "Shares of the reports received in the period; the same figures as sp4n report.",
    ),
    "chart_topics": ("Ketepatan waktu T1/T2 per topik", "T1/T2 on-time share per topic"),
    "chart_months": ("Ketepatan waktu T1/T2 per bulan", "T1/T2 on-time share per month"),
    "lang_switch": ("English", "Bahasa Indonesia"),
    "open_case": ("Buka", "Open"),
    "tier": ("Jenis penyelesaian (opsional)", "Resolution tier (optional)"),
    "tier_simple": ("Sederhana", "Simple"),
    "tier_dispute": ("Sengketa", "Dispute"),
    "tier_field_examination": ("Perlu pemeriksaan lapangan", "Needs a field examination"),
    "working_days": ("hari kerja", "working days"),
    "days": ("hari kalender", "calendar days"),
    "version_note": ("Versi laporan", "Report version"),
}

EVENTS: dict[str, tuple[str, str]] = {
    "submitted": ("Laporan masuk", "Submitted"),
    "verified": ("Diverifikasi", "Verified"),
    "held": ("Diminta kelengkapan", "Put on hold for details"),
    "archived": ("Diarsipkan", "Archived"),
    "forwarded": ("Diteruskan", "Forwarded"),
    "returned": ("Dikembalikan (bukan wewenang)", "Returned (not our authority)"),
    "acknowledged": ("Diterima instansi", "Acknowledged by the agency"),
    "info_requested": ("Informasi diminta", "Information requested"),
    "info_provided": ("Informasi diberikan", "Information provided"),
    "followed_up": ("Ditindaklanjuti", "Followed up"),
    "reporter_replied": ("Tanggapan pelapor", "Reporter replied"),
    "admin_replied": ("Tanggapan admin", "Admin replied"),
    "completed": ("Selesai", "Completed"),
    "rated": ("Dinilai", "Rated"),
    "reopened": ("Dibuka kembali", "Reopened"),
    "extended": ("Tenggat diperpanjang", "Deadline extended"),
    "escalated": ("Dieskalasi", "Escalated"),
    "merged": ("Digabungkan", "Merged"),
    "visibility_changed": ("Kerahasiaan diubah", "Visibility changed"),
    "deadline_moved": ("Tenggat dipindahkan", "Deadline moved"),
    "reminded": ("Pengingat", "Reminder"),
    "amended": ("Klasifikasi diubah", "Reclassified"),
    "disposed": ("Didisposisikan ke unit kerja", "Disposed to a work unit"),
    "follow_up_drafted": ("Draf tindak lanjut unit", "Follow-up drafted by the unit"),
}
"""Each lifecycle event's name in the history (Indonesian, English); unknown types show as is."""


def event_label(event_type: str, lang: str) -> str:
    """The name of ``event_type`` in ``lang``, or the type itself when it has none."""
    pair = EVENTS.get(event_type)
    return event_type if pair is None else pair[1 if lang == "en" else 0]


FOLLOW_UP_TEMPLATES: tuple[tuple[str, str], ...] = (
    (
        "Laporan telah kami tindak lanjuti di lokasi pada tanggal [tanggal]. [uraian]",
        "We acted on the report on site on [date]. [details]",
    ),
    (
        "Perbaikan dijadwalkan pada [tanggal] oleh [unit kerja].",
        "The repair is scheduled for [date] by [unit].",
    ),
    (
        "Laporan telah kami teruskan ke unit kerja terkait, yaitu [unit kerja], untuk ditangani.",
        "We passed the report on to the unit concerned, [unit], for handling.",
    ),
)
"""Follow-up texts a liaison starts from (Indonesian, English); placeholders in brackets."""


def t(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (``"id"`` or ``"en"``), with ``values`` filled in."""
    text = _TEXT[key][1 if lang == "en" else 0]
    return text.format(**values) if values else text
