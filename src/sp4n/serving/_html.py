"""The HTML every sp4n page shares: a document readable on a 390 px phone, and select options."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

__all__ = ["PAGE_CSS", "options", "page"]

PAGE_CSS = (
    "body{font:17px/1.5 sans-serif;max-width:40em;margin:auto;padding:0 .8em}"
    "label{display:block;margin:.7em 0}"
    "input,select,textarea,button{display:block;box-sizing:border-box;width:100%;font:inherit;"
    "padding:.5em;margin-top:.2em}"
    "button{width:auto;min-height:2.75em;padding:.5em 1.5em}"
    "table{display:block;overflow-x:auto;border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
    ".galat{background:#fde8e8;border-left:4px solid #b00;padding:.4em .8em}"
)
"""One column, 17 px text, full-width fields and large buttons: usable at 390 px wide."""


def page(title: str, content: str, *, header: str = "", lang: str = "id") -> str:
    """A whole HTML document: ``title`` (escaped here) as ``<title>`` and ``<h1>``, then
    ``content`` (HTML, escaped by the caller); ``header`` (HTML) goes before the heading."""
    name = escape(title)
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{name}</title><style>{PAGE_CSS}</style></head>"
        f"<body>{header}<h1>{name}</h1>{content}</body></html>"
    )


def options(pairs: Iterable[tuple[str, str]], chosen: str | None = None) -> str:
    """``<option>`` elements for ``(value, label)`` pairs, ``chosen`` selected, all escaped."""
    return "".join(
        f'<option value="{escape(value)}"{" selected" * (value == chosen)}>{escape(label)}</option>'
        for value, label in pairs
    )
