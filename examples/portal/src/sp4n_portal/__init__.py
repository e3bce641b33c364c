"""A regional complaint portal on sp4n: form, tracking page, Open311 and the sweep, on WSGI."""

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
from wsgiref.simple_server import make_server

from sp4n import Desk
from sp4n.adapters.channels import WebFormChannel, known_region
from sp4n.errors import InvalidInputError, NotFoundError, Sp4nError
from sp4n.lifecycle import published_view, replay
from sp4n.open311 import Open311App
from sp4n.routing import get_region

__all__ = ["FORM_MAX_BYTES", "Portal", "main", "make_app"]

log = logging.getLogger("sp4n_portal")
FORM_MAX_BYTES = 64 * 1024
PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{title}</title><style>
body{{font-family:sans-serif;max-width:50em;margin:auto}} label{{display:block}}</style></head>
<body><nav><a href="/">Sampaikan atau lacak laporan</a></nav><h1>{title}</h1>{content}</body>"""
FORM = """<form method="post" action="/"><label>Judul laporan <input name="title" required></label>
<label>Isi laporan <textarea name="body" rows="6" cols="60" required></textarea></label>
<label>Kode wilayah <input name="region" value="{region}"></label>
<label>Topik <select name="topic">{topics}</select></label><label>Identitas pelapor
<select name="visibility"><option value="public">Publik (nama saya tampil)</option>
<option value="anonymous">Anonim (identitas disembunyikan)</option><option value="confidential">
Rahasia (laporan tidak tampil di publik)</option></select></label><label>Nama <input name="name">
</label><label>Surel <input name="email" type="email"></label><label>Telepon <input name="phone">
</label><button>Kirim laporan</button></form><h2>Lacak laporan</h2><form action="/lacak">
<label>Nomor pelacakan <input name="id" required></label><button>Lacak</button></form>"""


def tracking_page(desk: Desk, ref: str) -> str:
    """The public tracking page: status, the complaint and its history (public view only)."""
    complaint = desk.get(ref)
    view = published_view(complaint)  # None unless published (decision 0151): status only
    head = f"<p>Nomor pelacakan: <b>{escape(complaint.tracking_id)}</b> (simpan nomor ini)</p>"
    head += f"<p>Status: <b>{escape(complaint.status.label)}</b></p>"
    if view is None:
        return PAGE.format(title="Status laporan", content=head)
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
    return PAGE.format(title=escape(view["title"]), content=content)


def make_app(desk: Desk, *, region: str | None = None, api_keys: Iterable[str] = ()) -> Any:
    """The portal's WSGI application; sp4n's own Open311 server answers ``/open311/v2/``."""
    region = region and known_region(region)
    open311, channel = Open311App(desk, api_keys=api_keys, region=region), WebFormChannel(region)
    topics = sorted(desk.router.affairs.topics.values(), key=lambda topic: topic.name)
    options = "".join(f'<option value="{escape(t.id)}">{escape(t.name)}</option>' for t in topics)
    content = FORM.format(region=region or "", topics=options)  # region: a checked code
    form = PAGE.format(title="Layanan pengaduan", content=content)

    def submit(environ: dict[str, Any]) -> str:
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > FORM_MAX_BYTES:
            raise InvalidInputError("Content-Length", length, f"must be <= {FORM_MAX_BYTES}")
        raw = environ["wsgi.input"].read(int(length)).decode("utf-8", "replace")
        fields = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        intake = channel.parse(fields, received_at=desk.clock())
        desk.router.affairs.topic(intake.draft.topic)  # an unknown topic is a 400 naming it
        if region and not f"{intake.draft.region}.".startswith(f"{region}."):
            rule = f"lies outside this portal's region {region}; report it at lapor.go.id"
            raise InvalidInputError("region", intake.draft.region, rule)
        return desk.submit(intake).tracking_id

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, get = environ.get("PATH_INFO") or "/", environ.get("REQUEST_METHOD") != "POST"
        if path.startswith("/open311/"):
            return open311(environ, start_response)
        ref = parse_qs(environ.get("QUERY_STRING", "")).get("id", [""])[-1].strip()
        status, headers, body = "200 OK", [("Content-Type", "text/html; charset=utf-8")], form
        try:
            if path == "/" and not get:
                status, body = "303 See Other", ""
                headers.append(("Location", "/lacak?id=" + quote(submit(environ))))
            elif path == "/lacak" and ref:
                body = tracking_page(desk, ref)
            elif path not in ("/", "/lacak"):
                status, body = "404 Not Found", PAGE.format(title="Tidak ditemukan", content="")
        except Sp4nError as exc:  # the typed error names the field, the value and the rule
            status = ["400 Bad Request", "404 Not Found"][isinstance(exc, NotFoundError) and get]
            field = escape(getattr(exc, "field", "-"))
            content = f"<p>Periksa kolom <b>{field}</b>: <code>{escape(str(exc))}</code></p>"
            body = PAGE.format(title="Laporan tidak dapat diproses", content=content)
        data = body.encode()
        start_response(status, [*headers, ("Content-Length", str(len(data)))])
        return [data]

    return app


class Portal:
    """The portal on ``host:port`` (0: a free port) and its sweep thread; ``with`` runs both."""

    def __init__(self, desk: Desk, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.desk, self.every = desk, float(options.pop("sweep_every", 60.0))
        self.sweeps, self.stopping = 0, threading.Event()
        self.server = make_server(host, port, make_app(desk, **options))
        self.url = f"http://{host}:{self.server.server_port}"
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
        self.server.shutdown()
        for thread in self.threads:
            thread.join()
        self.server.server_close()


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
