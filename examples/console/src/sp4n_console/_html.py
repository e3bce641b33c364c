"""The page frame and style sheet: one column on a phone, wider tables on a desktop, no script."""

from __future__ import annotations

from html import escape

from sp4n_console._text import t

__all__ = ["CSS", "page"]

CSS = """
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;
background:#f4f6f8}
header{background:#0b4f6c;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;
align-items:center}
header a,header button{color:#fff}
header .brand{font-weight:600;margin-right:auto}
header form{margin:0}
header button{background:none;border:1px solid #fff;border-radius:4px;padding:.2rem .6rem;
font:inherit;cursor:pointer}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.4rem 0 1rem}
h2{font-size:1.15rem;margin:1.4rem 0 .5rem}
.card>h2:first-child,.card>h3:first-child{margin-top:0}
.card{background:#fff;border-radius:8px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px #0002}
.flash{padding:.6rem 1rem;border-radius:6px;margin:0 0 1rem}
.flash.ok{background:#e3f4e1}.flash.err{background:#fde2e1}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #e2e6ea;vertical-align:top}
th{font-size:.85rem;color:#555}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
.tag{display:inline-block;font-size:.8rem;padding:0 .4rem;border-radius:4px;background:#e8eef3}
.late{color:#a40000;font-weight:600}
details summary{cursor:pointer;color:#0b4f6c}
details ol{margin:.3rem 0;padding-left:1.2rem;font-size:.9rem}
.skip{color:#777}
label{display:block;margin:.5rem 0 .2rem;font-weight:500}
input,select,textarea{width:100%;max-width:36rem;font:inherit;padding:.5rem;border:1px solid #bbb;
border-radius:6px}
button.primary{background:#0b4f6c;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;
font:inherit;margin-top:.6rem;min-height:44px;cursor:pointer}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}
.chart{width:100%;max-width:36rem;height:auto}
.muted{color:#666;font-size:.9rem}
@media (max-width:40rem){
 table.rows thead{display:none}
 table.rows tr{display:block;border-bottom:1px solid #d5dbe0;padding:.4rem 0}
 table.rows td{display:block;border:0;padding:.1rem 0}
 table.rows td[data-label]::before{content:attr(data-label) ": ";color:#666;font-size:.85rem}
 table.figures td:first-child{font-weight:600}
 table.figures td.num{text-align:left}
 header{font-size:.95rem;padding:.5rem .7rem}
 header .brand{flex-basis:100%}
 main{padding:.6rem}
}
"""


def page(
    title: str,
    body: str,
    *,
    lang: str,
    base: str,
    here: str = "",
    officer: str | None = None,
    csrf: str | None = None,
    flash: tuple[str, str] | None = None,
) -> str:
    """A whole HTML page; ``title``, ``officer`` and the flash text are escaped here,
    ``body`` must already be safe HTML. ``here`` is the URL (path and query) the language
    switch leads to, with ``lang`` added."""
    other = "en" if lang == "id" else "id"
    nav = f'<span class="brand">{escape(t("app", lang))}</span>'
    if officer is not None and csrf is not None:
        nav += (
            f'<a href="{base}/antrean">{escape(t("queues", lang))}</a>'
            f'<a href="{base}/dasbor">{escape(t("dashboard", lang))}</a>'
            f"<span>{escape(officer)}</span>"
            f'<form method="post" action="{base}/keluar"><input type="hidden" name="csrf" '
            f'value="{escape(csrf)}"><button>{escape(t("logout", lang))}</button></form>'
        )
    here = here if "?" in here else here + "?"
    switch = here + ("" if here.endswith("?") else "&") + f"lang={other}"
    nav += f'<a href="{escape(switch)}" hreflang="{other}">{escape(t("lang_switch", lang))}</a>'
    note = ""
    if flash is not None:
        kind, text = flash
        note = (
            f'<p class="flash {"ok" if kind == "ok" else "err"}" role="status">{escape(text)}</p>'
        )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)} · SP4N-LAPOR!</title>"
        f'<link rel="stylesheet" href="{base}/console.css"></head>'
        f"<body><header>{nav}</header><main><h1>{escape(title)}</h1>{note}{body}</main></body></html>"
    )
