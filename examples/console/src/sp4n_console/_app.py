"""The console as a WSGI application: ``make_app(desk, officers=...)``.

Routes (all under the mount point, ``SCRIPT_NAME``):

- ``GET /masuk``, ``POST /masuk``: sign in (CSRF token, throttled); ``POST /keluar``: sign out;
- ``GET /antrean``: the queues; ``GET /laporan/<tracking id>``: one complaint;
- ``POST /laporan/<tracking id>/<action>``: verify, amend (reclassify), hold, forward, return,
  request_info, follow_up, dispose, approve_follow_up, draft_follow_up;
- ``GET /dasbor`` and ``GET /dasbor.csv``: the compliance dashboard and its CSV.

Authorisation is the Desk's: the signed-in officer's :class:`~sp4n.lifecycle.Actor` is passed
to every read and verb, and a :class:`~sp4n.errors.PermissionDenied` becomes a 403 page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from html import escape
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from sp4n import Desk
from sp4n.errors import (
    InvalidInputError,
    NotFoundError,
    PermissionDenied,
    Sp4nError,
)
from sp4n_console._actions import http_status, perform, refusal
from sp4n_console._dashboard import build_dashboard, figures_csv
from sp4n_console._html import CSS, page
from sp4n_console._officers import Officer, OfficerBook
from sp4n_console._queues import queues
from sp4n_console._sessions import Session, SessionStore, Throttle
from sp4n_console._text import FOLLOW_UP_TEMPLATES, LANGS, t
from sp4n_console._views import ACTIONS, case_page, dashboard_page, login_form, queue_page

__all__ = ["COOKIE", "FORM_MAX_BYTES", "ConsoleApp", "make_app"]

log = logging.getLogger("sp4n_console")
COOKIE = "sp4n_console"
FORM_MAX_BYTES = 64 * 1024
_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
]
StartResponse = Callable[..., Any]


class _Response(Exception):  # noqa: N818 - control flow inside the app, never escapes it
    def __init__(self, status: str, body: str, headers: list[tuple[str, str]] | None = None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or []


class ConsoleApp:
    """The WSGI callable; build it with :func:`make_app`."""

    def __init__(
        self,
        desk: Desk,
        officers: OfficerBook,
        *,
        secure_cookie: bool = False,
        trusted_proxy: bool = False,
    ) -> None:
        self.desk = desk
        self.officers = officers
        self.secure_cookie = secure_cookie
        self.trusted_proxy = trusted_proxy
        self.sessions = SessionStore(desk.clock)
        self.throttle = Throttle(desk.clock)
        for officer in officers:  # an officer's agency and unit must exist: fail at start
            if officer.agency is not None:
                agency = desk.router.directory.get(officer.agency)
                if officer.unit is not None:
                    agency.unit(officer.unit)

    # -- WSGI -----------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        session = self.sessions.get(self._cookie(environ))
        headers: list[tuple[str, str]] = []
        if session is None:
            session = self.sessions.new()
            headers.append(self._set_cookie(session, environ))
        lang = parse_qs(environ.get("QUERY_STRING", "")).get("lang", [""])[-1]
        if lang in LANGS:
            session.lang = lang
        try:
            status, body, extra = self._route(environ, session)
        except _Response as response:
            status, body, extra = response.status, response.body, response.headers
        except Exception:
            log.exception("console request failed")
            status, body, extra = (
                "500 Internal Server Error",
                self._error(session, environ, "error", "500"),
                [],
            )
        headers.extend(extra)
        if not any(name == "Content-Type" for name, _ in headers):
            headers.append(("Content-Type", "text/html; charset=utf-8"))
        data = body.encode("utf-8")
        named = {name for name, _ in headers}
        defaults = [(name, value) for name, value in _HEADERS if name not in named]
        start_response(status, [*headers, *defaults, ("Content-Length", str(len(data)))])
        return [data]

    def _cookie(self, environ: Mapping[str, Any]) -> str | None:
        try:
            jar = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        except CookieError:
            return None
        morsel = jar.get(COOKIE)
        return morsel.value if morsel is not None else None

    def _set_cookie(self, session: Session, environ: Mapping[str, Any]) -> tuple[str, str]:
        secure = "; Secure" if self.secure_cookie else ""
        path = quote(environ.get("SCRIPT_NAME", "") or "/")  # only the console's own URLs
        cookie = f"{COOKIE}={session.id}; Path={path}; HttpOnly; SameSite=Strict{secure}"
        return ("Set-Cookie", cookie)

    def _client(self, environ: Mapping[str, Any]) -> str:
        if self.trusted_proxy and environ.get("HTTP_X_FORWARDED_FOR"):
            return str(environ["HTTP_X_FORWARDED_FOR"]).split(",")[0].strip()
        return str(environ.get("REMOTE_ADDR", "?"))

    # -- plumbing -------------------------------------------------------------------------

    def _page(
        self,
        session: Session,
        environ: Mapping[str, Any],
        title: str,
        body: str,
        flash: tuple[str, str] | None = None,
    ) -> str:
        officer = self.officers.get(session.officer_id) if session.officer_id else None
        label = f"{officer.name} ({officer.role.value})" if officer else None
        base = _base(environ)
        path = environ.get("PATH_INFO", "/")
        if environ.get("REQUEST_METHOD") == "POST":  # switch language on the page shown
            parts = [p for p in path.split("/") if p]
            path = "/" + "/".join(parts[:2]) if parts[:1] == ["laporan"] else "/antrean"
            query: dict[str, str] = {}
        else:
            query = {
                k: v[-1]
                for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()
                if k in ("from", "to", "template")
            }
        return page(
            title,
            body,
            lang=session.lang,
            base=base,
            here=base + quote(path) + "?" + urlencode(query),
            officer=label,
            csrf=session.csrf,
            flash=flash,
        )

    def _error(self, session: Session, environ: Mapping[str, Any], key: str, detail: str) -> str:
        return self._page(session, environ, t(key, session.lang), "", flash=("err", detail))

    def _form(self, environ: Mapping[str, Any], session: Session) -> dict[str, str]:
        length = environ.get("CONTENT_LENGTH") or ""
        if not length.isdigit():
            raise _Response(
                "411 Length Required",
                self._error(
                    session, environ, "error", f"Content-Length = {length!r}: must be a number"
                ),
            )
        if int(length) > FORM_MAX_BYTES:
            raise _Response(
                "413 Content Too Large",
                self._error(
                    session,
                    environ,
                    "error",
                    f"Content-Length = {length}: must be <= {FORM_MAX_BYTES}",
                ),
            )
        raw = environ["wsgi.input"].read(int(length))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Response(
                "400 Bad Request", self._error(session, environ, "error", "form: must be UTF-8")
            ) from None
        form = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
        if not session.csrf_ok(form.get("csrf")):
            raise _Response(
                "403 Forbidden", self._error(session, environ, "forbidden", t("csrf", session.lang))
            )
        return form

    def _redirect(
        self, environ: Mapping[str, Any], path: str
    ) -> tuple[str, str, list[tuple[str, str]]]:
        return "303 See Other", "", [("Location", quote(environ.get("SCRIPT_NAME", "")) + path)]

    def _officer(self, environ: Mapping[str, Any], session: Session) -> Officer:
        if session.officer_id is None:
            raise _Response(
                "303 See Other",
                "",
                [("Location", quote(environ.get("SCRIPT_NAME", "")) + "/masuk")],
            )
        return self.officers.get(session.officer_id)

    # -- routes ---------------------------------------------------------------------------

    def _route(
        self, environ: dict[str, Any], session: Session
    ) -> tuple[str, str, list[tuple[str, str]]]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/") or "/"
        parts = [p for p in path.split("/") if p]
        if path == "/console.css":
            return (
                "200 OK",
                CSS,
                [("Content-Type", "text/css; charset=utf-8"), ("Cache-Control", "max-age=3600")],
            )
        if method not in ("GET", "HEAD", "POST"):
            raise _Response(
                "405 Method Not Allowed",
                self._error(session, environ, "error", method),
                [("Allow", "GET, HEAD, POST")],
            )
        post = method == "POST"
        if parts == []:
            return self._redirect(environ, "/antrean" if session.officer_id else "/masuk")
        if parts == ["masuk"]:
            return (
                self._login(environ, session)
                if post
                else (
                    "200 OK",
                    self._page(
                        session,
                        environ,
                        t("login", session.lang),
                        login_form(session.lang, _base(environ), session.csrf),
                    ),
                    [],
                )
            )
        if parts == ["keluar"] and post:
            self._form(environ, session)
            self.sessions.end(session.id)
            fresh = self.sessions.new(lang=session.lang)
            status, body, headers = self._redirect(environ, "/masuk")
            return status, body, [*headers, self._set_cookie(fresh, environ)]
        officer = self._officer(environ, session)
        if parts == ["antrean"] and not post:
            now = self.desk.clock()
            body = queue_page(
                self.desk,
                queues(self.desk, officer.actor, now),
                now,
                session.lang,
                _base(environ),
            )
            return "200 OK", self._page(session, environ, t("queues", session.lang), body), []
        if len(parts) == 2 and parts[0] == "laporan" and not post:
            return self._case(environ, session, officer, parts[1])
        if len(parts) == 3 and parts[0] == "laporan" and post and parts[2] in ACTIONS:
            return self._act(environ, session, officer, parts[1], parts[2])
        if parts in (["dasbor"], ["dasbor.csv"]) and not post:
            return self._dashboard(environ, session, officer, csv=parts[0] == "dasbor.csv")
        raise _Response("404 Not Found", self._error(session, environ, "not_found", path))

    def _login(
        self, environ: dict[str, Any], session: Session
    ) -> tuple[str, str, list[tuple[str, str]]]:
        form = self._form(environ, session)
        officer_id = form.get("officer", "").strip()[:200]
        keys = (f"id:{officer_id}", f"ip:{self._client(environ)}")
        base = _base(environ)
        until = self.throttle.blocked_until(*keys)
        if until is not None:
            text = t("throttled", session.lang, until=until.strftime("%H:%M UTC"))
            body = login_form(session.lang, base, session.csrf, officer_id)
            return (
                "429 Too Many Requests",
                self._page(session, environ, t("login", session.lang), body, flash=("err", text)),
                [],
            )
        officer = self.officers.authenticate(officer_id, form.get("password", ""))
        if officer is None:
            self.throttle.fail(*keys)
            body = login_form(session.lang, base, session.csrf, officer_id)
            return (
                "401 Unauthorized",
                self._page(
                    session,
                    environ,
                    t("login", session.lang),
                    body,
                    flash=("err", t("bad_login", session.lang)),
                ),
                [],
            )
        self.throttle.clear(keys[0])
        self.sessions.end(session.id)  # a new id after sign-in: no session fixation
        fresh = self.sessions.new(officer_id=officer.id, lang=session.lang)
        status, body, headers = self._redirect(environ, "/antrean")
        return status, body, [*headers, self._set_cookie(fresh, environ)]

    def _case(
        self,
        environ: dict[str, Any],
        session: Session,
        officer: Officer,
        ref: str,
        flash: tuple[str, str] | None = None,
        status: str = "200 OK",
        entered: tuple[str, Mapping[str, str]] | None = None,
    ) -> tuple[str, str, list[tuple[str, str]]]:
        try:
            view = self.desk.view(ref, officer.actor)
        except PermissionDenied as error:
            raise _Response(
                "403 Forbidden", self._error(session, environ, "forbidden", str(error))
            ) from None
        except (NotFoundError, InvalidInputError) as error:
            raise _Response(
                "404 Not Found", self._error(session, environ, "not_found", str(error))
            ) from None
        assert view is not None
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if flash is None and "done" in query:
            action = query["done"][-1]
            if action in ACTIONS:
                flash = ("ok", t("done", session.lang, action=t(action, session.lang)))
        chosen = query.get("template", ["0"])[-1]
        if not chosen.isdigit() or int(chosen) >= len(FOLLOW_UP_TEMPLATES):
            detail = f"template = {chosen!r}: must be 0..{len(FOLLOW_UP_TEMPLATES) - 1}"
            raise _Response("400 Bad Request", self._error(session, environ, "error", detail))
        body = case_page(
            self.desk,
            view,
            officer.actor,
            self.desk.clock(),
            session.csrf,
            session.lang,
            _base(environ),
            template=int(chosen),
            entered=entered,
        )
        return status, self._page(session, environ, view["title"], body, flash=flash), []

    def _act(
        self, environ: dict[str, Any], session: Session, officer: Officer, ref: str, action: str
    ) -> tuple[str, str, list[tuple[str, str]]]:
        form = self._form(environ, session)
        try:
            done = perform(self.desk, officer, ref, action, form)
        except Sp4nError as error:
            status = http_status(error)
            if status.startswith("404"):
                page = self._error(session, environ, "not_found", str(error))
                raise _Response(status, page) from None
            flash = ("err", refusal(error, session.lang))
            return self._case(environ, session, officer, ref, flash, status, (action, form))
        return self._redirect(environ, f"/laporan/{quote(done.tracking_id)}?done={action}")

    def _dashboard(
        self, environ: dict[str, Any], session: Session, officer: Officer, *, csv: bool
    ) -> tuple[str, str, list[tuple[str, str]]]:
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        now = self.desk.clock()
        today = self.desk.rules.calendar_for_region("31").local_date(now)
        try:
            start = _date("from", query["from"]) if query.get("from") else today.replace(day=1)
            end = _date("to", query["to"]) if query.get("to") else today
            if end < start:
                raise InvalidInputError(
                    "to", end.isoformat(), f"must be on or after from ({start})"
                )
            if (end - start).days > 366:
                raise InvalidInputError(
                    "to", end.isoformat(), "the period may span at most 366 days"
                )
            board = build_dashboard(self.desk, officer.actor, start=start, end=end, now=now)
        except Sp4nError as error:
            raise _Response(
                "400 Bad Request", self._error(session, environ, "error", str(error))
            ) from None
        if csv:
            by = query.get("by", "agency")
            if by == "agency":
                text = board.by_agency.to_csv()
            elif by == "region":
                text = figures_csv(board.by_region)
            elif by in ("topic", "channel"):
                text = (board.by_topic if by == "topic" else board.by_channel).to_csv()
            elif by == "month":
                text = figures_csv(
                    [row for _, row in board.by_month], [m for m, _ in board.by_month]
                )
            else:
                raise _Response(
                    "400 Bad Request",
                    self._error(
                        session,
                        environ,
                        "error",
                        f"by = {by!r}: must be agency, region, month, topic or channel",
                    ),
                )
            name = f"sp4n-{by}-{start.isoformat()}-{end.isoformat()}.csv"
            return (
                "200 OK",
                text,
                [
                    ("Content-Type", "text/csv; charset=utf-8"),
                    ("Content-Disposition", f'attachment; filename="{name}"'),
                ],
            )
        body = dashboard_page(self.desk, board, session.lang, _base(environ))
        return "200 OK", self._page(session, environ, t("dashboard", session.lang), body), []


def _base(environ: Mapping[str, Any]) -> str:
    """The mount point as it goes into HTML: percent-quoted, then HTML-escaped."""
    return escape(quote(environ.get("SCRIPT_NAME", "")))


def _date(field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(field, text, "must be a date YYYY-MM-DD") from None


def make_app(
    desk: Desk,
    *,
    officers: OfficerBook,
    secure_cookie: bool = False,
    trusted_proxy: bool = False,
) -> ConsoleApp:
    """The console's WSGI application over ``desk`` for the officers in ``officers``.

    :param secure_cookie: mark the session cookie ``Secure`` (set it behind TLS).
    :param trusted_proxy: throttle sign-ins by the first ``X-Forwarded-For`` address
        (only behind a proxy that sets it) instead of the peer address.
    """
    if not isinstance(desk, Desk):
        raise InvalidInputError("desk", desk, "must be an sp4n Desk")
    if not isinstance(officers, OfficerBook):
        raise InvalidInputError("officers", officers, "must be an OfficerBook")
    return ConsoleApp(desk, officers, secure_cookie=secure_cookie, trusted_proxy=trusted_proxy)
