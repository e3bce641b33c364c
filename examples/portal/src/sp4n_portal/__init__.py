"""A regional complaint portal on sp4n: form, tracking page, Open311 and the sweep, on waitress."""

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from html import escape
from typing import Any, Self
from urllib.parse import parse_qs, quote

from sp4n import Desk, serving
from sp4n.adapters.channels import WebFormChannel, form_message, known_region, visibility_choices
from sp4n.errors import InvalidInputError, NotFoundError, Sp4nError
from sp4n.lifecycle import published_view, replay
from sp4n.open311 import Open311App
from sp4n.routing import get_region

__all__ = ["FORM_MAX_BYTES", "Portal", "main", "make_app"]

log = logging.getLogger("sp4n_portal")
FORM_MAX_BYTES = 64 * 1024
NAV = '<nav><a href="/">Sampaikan atau lacak laporan</a></nav>'
FORM = """{error}<form method="post" action="/"><label>Judul laporan
<input name="title" value="{title}" maxlength="200" required></label><label>Isi laporan
<textarea name="body" rows="6" maxlength="10000" required>{body}</textarea></label>
<label>Kode wilayah <input name="region" value="{region}" inputmode="decimal"></label><label>Topik
<select name="topic">{topics}</select></label><label>Identitas pelapor
<select name="visibility">{visibility}</select></label><label>Nama
<input name="name" value="{name}" autocomplete="name"></label><label>Surel
<input name="email" value="{email}" type="email"></label><label>Telepon
<input name="phone" value="{phone}" type="tel"></label><button>Kirim laporan</button></form>
<h2>Lacak laporan</h2><form action="/lacak"><label>Nomor pelacakan <input name="id" required>
</label><button>Lacak</button></form>"""
ERROR = """<p class="galat" role="alert">Periksa kolom <b>{}</b>: {}</p><details><summary>Rincian
teknis</summary><code>{}</code></details>"""  # what to fix in words, then sp4n's typed error


def tracking_page(desk: Desk, ref: str) -> str:
    """The public tracking page: status, the complaint and its history (public view only)."""
    complaint = desk.get(ref)
    view = published_view(complaint)  # None unless published (decision 0151): status only
    head = f"<p>Nomor pelacakan: <b>{escape(complaint.tracking_id)}</b> (simpan nomor ini)</p>"
    head += f"<p>Status: <b>{escape(complaint.status.label)}</b></p>"
    if view is None:
        return serving.page("Status laporan", head, header=NAV)
    region = get_region(view["region"])
    directory, agency = desk.router.directory, view["agency"]
    agency = directory.get(agency).name if agency in directory else agency  # None: not yet
    reporter = "Anonim" if view["reporter"]["anonymous"] else view["reporter"]["name"] or "-"
    rows = ""
    for seq, event in enumerate(view["history"], start=1):  # the status after each event
        when = datetime.fromisoformat(event["occurred_at"]).astimezone(region.timezone)
        note = " ".join(str(event["payload"].get(k) or "") for k in ("text", "reason", "question"))
        cells = (f"{when:%d-%m-%Y %H:%M %Z}", replay(complaint.history[:seq]).status.label, note)
        rows += "<tr>" + "".join(f"<td>{escape(cell.strip())}</td>" for cell in cells) + "</tr>"
    content = f"""{head}<p style="white-space:pre-wrap">{escape(view["body"])}</p>
<p>{escape(f"Wilayah: {region.name} · Pelapor: {reporter} · Instansi: {agency or '-'}")}</p>
<h2>Riwayat</h2><table><tr><th>Waktu</th><th>Status</th><th>Keterangan</th></tr>{rows}</table>"""
    return serving.page(view["title"], content, header=NAV)


def make_app(desk: Desk, *, region: str | None = None, api_keys: Iterable[str] = ()) -> Any:
    """The portal's WSGI application; sp4n's own Open311 server answers ``/open311/v2/``."""
    region = region and known_region(region)
    open311, channel = Open311App(desk, api_keys=api_keys, region=region), WebFormChannel(region)
    affairs = desk.router.affairs
    topics = [(i, n) for n, i in sorted((t.name, t.id) for t in affairs.topics.values())]

    def form(values: dict[str, str], error: str = "") -> str:  # what the citizen typed stays
        keep = {k: escape(values.get(k, "")) for k in ("title", "body", "name", "email", "phone")}
        keep["region"] = escape(values.get("region", region or ""))
        keep["topics"] = serving.options(topics, values.get("topic"))
        keep["visibility"] = serving.options(visibility_choices(), values.get("visibility"))
        return serving.page("Layanan pengaduan", FORM.format(error=error, **keep), header=NAV)

    def submit(fields: dict[str, str]) -> str:
        intake = channel.parse(fields, received_at=desk.clock())
        affairs.topic(intake.draft.topic)  # an unknown topic is a 400 naming it
        if region and not f"{intake.draft.region}.".startswith(f"{region}."):
            rule = f"lies outside this portal's region {region}; report it at lapor.go.id"
            raise InvalidInputError("region", intake.draft.region, rule)
        return desk.submit(intake).tracking_id

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, get = environ.get("PATH_INFO") or "/", environ.get("REQUEST_METHOD") != "POST"
        if path.startswith("/open311/"):
            return open311(environ, start_response)
        ref = parse_qs(environ.get("QUERY_STRING", "")).get("id", [""])[-1].strip()
        status, headers, body = "200 OK", [("Content-Type", "text/html; charset=utf-8")], form({})
        fields: dict[str, str] = {}
        try:
            if path == "/" and not get:
                raw = serving.read_body(environ, limit=FORM_MAX_BYTES).decode("utf-8", "replace")
                fields = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                status, body = "303 See Other", ""
                headers.append(("Location", "/lacak?id=" + quote(submit(fields))))
            elif path == "/lacak" and ref:
                body = tracking_page(desk, ref)
            elif path not in ("/", "/lacak"):
                status, body = "404 Not Found", serving.page("Tidak ditemukan", "", header=NAV)
        except Sp4nError as exc:  # the form again, as typed, with the error in plain words
            status = ["400 Bad Request", "404 Not Found"][isinstance(exc, NotFoundError) and get]
            body = form(fields, ERROR.format(*map(escape, (*form_message(exc), str(exc)))))
        data = body.encode()
        start_response(status, [*headers, ("Content-Length", str(len(data)))])
        return [data]

    return serving.with_health(app, desk)  # GET /healthz reads the store


class Portal:
    """The portal on ``host:port`` (0: a free port) and its sweep thread; ``with`` runs both."""

    def __init__(self, desk: Desk, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.desk, self.every = desk, float(options.pop("sweep_every", 60.0))
        self.sweeps, self.stopping = 0, threading.Event()
        app = serving.with_access_log(make_app(desk, **options))  # threads, timeouts, a log
        self.server = serving.Server(app, serving.ServeSettings(host=host, port=port))
        self.url = self.server.url
        self.threads = [threading.Thread(target=self.server.serve_forever, name="sp4n-portal")]
        self.threads.append(threading.Thread(target=self.sweep_forever, name="sp4n-sweep"))

    def sweep_forever(self) -> None:
        """Every ``sweep_every`` seconds the Desk's sweep (on its clock), then deliveries."""
        while not self.stopping.wait(self.every):
            try:
                log.info("sweep: %s", self.desk.sweep())
                self.desk.deliver_notifications()
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


def main(argv: list[str] | None = None) -> int:
    """``python -m sp4n_portal``: serve until Ctrl+C or SIGTERM, then stop cleanly."""
    parser = argparse.ArgumentParser(prog="python -m sp4n_portal", description=__doc__)
    parser.add_argument("--db", default="sqlite:///portal.db", help="the sp4n store URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0: any free port")
    parser.add_argument("--region", help="the portal's region code, e.g. 61.07")
    parser.add_argument("--api-key", dest="api_keys", action="append", default=[], help="Open311")
    parser.add_argument("--sweep-every", type=float, default=60.0, help="seconds (default 60)")
    options = vars(parser.parse_args(argv))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for signum in (signal.SIGINT, signal.SIGTERM):  # both run the clean shutdown below
        signal.signal(signum, lambda *_: sys.exit(0))
    try:
        with Desk.open(options.pop("db")) as desk, Portal(desk, **options) as portal:
            print(f"Portal sp4n: {portal.url}/ (Ctrl+C untuk berhenti)", flush=True)
            portal.threads[0].join()
    except (Sp4nError, OSError) as exc:
        parser.exit(2, f"sp4n_portal: {exc}\n")
    return 0
