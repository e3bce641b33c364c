"""A regional complaint portal on sp4n: form, tracking page, Open311 and the sweep, on waitress."""

import argparse
import logging
import signal
import threading
from datetime import datetime
from html import escape
from typing import Any, Self
from urllib.parse import parse_qs, quote

from sp4n import Desk, serving
from sp4n.adapters.blobs import BlobStore, open_blob_store, public_files
from sp4n.adapters.channels import WebFormChannel, form_message, known_region, visibility_choices
from sp4n.errors import InvalidInputError, NotFoundError, Sp4nError
from sp4n.lifecycle import published_view, replay
from sp4n.open311 import Open311App
from sp4n.routing import get_region

__all__ = ["FORM_MAX_BYTES", "UPLOAD_MAX_BYTES", "Portal", "main", "make_app"]

# the log; the largest body: the form's text, and with files (a blob store)
log, FORM_MAX_BYTES, UPLOAD_MAX_BYTES = logging.getLogger("sp4n_portal"), 64 * 1024, 26 << 20
NAV = '<nav><a href="/">Sampaikan atau lacak laporan</a></nav>'
FORM = """{error}<form method="post" action="/" enctype="multipart/form-data"><label>Judul laporan
<input name="title" value="{title}" maxlength="200" required></label><label>Isi laporan
<textarea name="body" rows="6" maxlength="10000" required>{body}</textarea></label>
<label>Kode wilayah <input name="region" value="{region}" inputmode="decimal"></label><label>Topik
<select name="topic">{topics}</select></label><label>Identitas pelapor <select
name="visibility">{visibility}</select></label><label>Nama <input name="name" value="{name}"
autocomplete="name"></label><label>Surel <input name="email" value="{email}" type="email">
</label><label>Telepon <input name="phone" value="{phone}" type="tel"></label>{files}
<button>Kirim laporan</button></form><h2>Lacak laporan</h2><form action="/lacak">
<label>Nomor pelacakan <input name="id" required></label><button>Lacak</button></form>"""
ERROR = """<p class="galat" role="alert">Periksa kolom <b>{}</b>: {}</p><details><summary>Rincian
teknis</summary><code>{}</code></details>"""  # what to fix in words, then sp4n's typed error
FILES = """<label>Foto atau dokumen (JPEG, PNG, PDF) <input type="file" name="lampiran" multiple
accept="image/jpeg,image/png,application/pdf"></label><label><input type="checkbox"
name="share_location" value="ya"{}> Bagikan lokasi foto</label>"""  # shown with a blob store


def tracking_page(desk: Desk, ref: str, blobs: BlobStore | None = None) -> str:
    """The public tracking page: status, the complaint, its public files and its history."""
    complaint = desk.get(ref)
    head = f"<p>Nomor pelacakan: <b>{escape(complaint.tracking_id)}</b> (simpan nomor ini)</p>"
    head += f"<p>Status: <b>{escape(complaint.status.label)}</b></p>"
    if (view := published_view(complaint)) is None:  # not published (0151): status only
        return serving.page("Status laporan", head, header=NAV)
    region, directory, agency = get_region(view["region"]), desk.router.directory, view["agency"]
    agency = directory.get(agency).name if agency in directory else agency  # None: not yet
    reporter = "Anonim" if view["reporter"]["anonymous"] else view["reporter"]["name"] or "-"
    rows, media = "", f"/open311/v2/media/{quote(complaint.tracking_id)}"  # Open311's file route
    files = public_files(complaint, blobs) if blobs else []  # what that route serves (0194)
    links = "".join(f'<li><a href="{media}/{s}/{n}">{escape(a.name)}</a></li>' for s, n, a in files)
    for seq, event in enumerate(view["history"], start=1):  # the status after each event
        when = datetime.fromisoformat(event["occurred_at"]).astimezone(region.timezone)
        note = " ".join(str(event["payload"].get(k) or "") for k in ("text", "reason", "question"))
        cells = (f"{when:%d-%m-%Y %H:%M %Z}", replay(complaint.history[:seq]).status.label, note)
        rows += "<tr>" + "".join(f"<td>{escape(cell.strip())}</td>" for cell in cells) + "</tr>"
    content = f"""{head}<p style="white-space:pre-wrap">{escape(view["body"])}</p>
<p>{escape(f"Wilayah: {region.name} · Pelapor: {reporter} · Instansi: {agency or '-'}")}</p>
{f"<h2>Lampiran</h2><ul>{links}</ul>" if links else ""}
<h2>Riwayat</h2><table><tr><th>Waktu</th><th>Status</th><th>Keterangan</th></tr>{rows}</table>"""
    return serving.page(view["title"], content, header=NAV)


def make_app(desk: Desk, *, region: str | None = None, blobs: Any = None, **open311: Any) -> Any:
    """The WSGI app; ``blobs``: files taken and shown; Open311App (``open311``) on /open311/."""
    region = region and known_region(region)
    api, affairs = Open311App(desk, region=region, blobs=blobs, **open311), desk.router.affairs
    channel, limit = WebFormChannel(region, blobs=blobs), [UPLOAD_MAX_BYTES, FORM_MAX_BYTES]
    topics = [(i, n) for n, i in sorted((t.name, t.id) for t in affairs.topics.values())]

    def form(values: dict[str, str], error: str = "") -> str:  # what the citizen typed stays
        keep = {k: escape(values.get(k, "")) for k in ("title", "body", "name", "email", "phone")}
        keep["region"] = escape(values.get("region", region or ""))
        keep["topics"] = serving.options(topics, values.get("topic"))
        keep["visibility"] = serving.options(visibility_choices(), values.get("visibility"))
        keep["files"] = FILES.format(" checked" * ("share_location" in values)) if blobs else ""
        return serving.page("Layanan pengaduan", FORM.format(error=error, **keep), header=NAV)

    def submit(posted: serving.FormData) -> str:
        intake = channel.parse(posted.fields, received_at=desk.clock(), files=posted.file_pairs)
        affairs.topic(intake.draft.topic)  # an unknown topic is a 400 naming it
        if region and not f"{intake.draft.region}.".startswith(f"{region}."):
            rule = f"lies outside this portal's region {region}; report it at lapor.go.id"
            raise InvalidInputError("region", intake.draft.region, rule)
        return desk.submit(intake).tracking_id

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        path, get = environ.get("PATH_INFO") or "/", environ.get("REQUEST_METHOD") != "POST"
        if path.startswith("/open311/"):
            return api(environ, start_response)
        ref = parse_qs(environ.get("QUERY_STRING", "")).get("id", [""])[-1].strip()
        status, headers, body = "200 OK", [("Content-Type", "text/html; charset=utf-8")], form({})
        posted = serving.FormData(fields={}, files=())
        try:
            if path == "/" and not get:
                posted = serving.read_form(environ, limit=limit[blobs is None])
                status, body = "303 See Other", ""
                headers.append(("Location", "/lacak?id=" + quote(submit(posted))))
            elif path == "/lacak" and ref:
                body = tracking_page(desk, ref, blobs)
            elif path not in ("/", "/lacak"):
                status, body = "404 Not Found", serving.page("Tidak ditemukan", "", header=NAV)
        except Sp4nError as exc:  # the form again, as typed, with the error in plain words
            status = ["400 Bad Request", "404 Not Found"][isinstance(exc, NotFoundError) and get]
            body = form(posted.fields, ERROR.format(*map(escape, (*form_message(exc), str(exc)))))
        start_response(status, [*headers, ("Content-Length", str(len(body.encode())))])
        return [body.encode()]

    return serving.with_health(app, desk)  # GET /healthz reads the store


class Portal:
    """The portal on ``host:port`` (0: a free port) and its sweep thread; ``with`` runs both."""

    def __init__(self, desk: Desk, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.desk, self.every = desk, float(options.pop("sweep_every", 60.0))
        self.sweeps, self.stopping = 0, threading.Event()
        limit = UPLOAD_MAX_BYTES if options.get("blobs") is not None else FORM_MAX_BYTES
        settings = serving.ServeSettings(host=host, port=port, max_request_body=limit)
        # waitress: threads, timeouts, a log; a body over the limit is a 413 before it is read
        self.server = serving.Server(serving.with_access_log(make_app(desk, **options)), settings)
        self.url = self.server.url
        self.threads = [threading.Thread(target=self.server.serve_forever, name="sp4n-portal")]
        self.threads.append(threading.Thread(target=self.sweep_forever, name="sp4n-sweep"))

    def sweep_forever(self) -> None:
        """Every ``sweep_every`` seconds the Desk's sweep (on its clock), then deliveries."""
        while not self.stopping.wait(self.every):
            try:
                log.info("sweep %s; %s", self.desk.sweep(), self.desk.deliver_notifications())
            except Exception:  # logged; the next tick tries again
                log.exception("sweep failed")
            self.sweeps += 1

    def __enter__(self) -> Self:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self.server.stop()  # finishes the requests in flight first
        for thread in self.threads:
            thread.join()


def main(argv: list[str] | None = None) -> None:
    """``python -m sp4n_portal``: serve until Ctrl+C or SIGTERM, then stop cleanly."""
    parser = argparse.ArgumentParser(prog="python -m sp4n_portal", description=__doc__)
    parser.add_argument("--db", default="sqlite:///portal.db", help="the sp4n store URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0: any free port")
    parser.add_argument("--region", help="the portal's region code, e.g. 61.07")
    parser.add_argument("--api-key", dest="api_keys", action="append", default=[], help="Open311")
    parser.add_argument("--sweep-every", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--blobs", help="blob store URL for uploaded files (none: no files)")
    options = vars(parser.parse_args(argv))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for signum in (signal.SIGINT, signal.SIGTERM):  # both run the clean shutdown below
        signal.signal(signum, lambda *_: parser.exit())
    try:
        blobs = open_blob_store(url) if (url := options.pop("blobs")) else None
        with Desk.open(options.pop("db")) as desk, Portal(desk, blobs=blobs, **options) as portal:
            print(f"Portal sp4n: {portal.url}/ (Ctrl+C untuk berhenti)", flush=True)
            portal.threads[0].join()
    except (Sp4nError, OSError) as exc:
        parser.exit(2, f"sp4n_portal: {exc}\n")
