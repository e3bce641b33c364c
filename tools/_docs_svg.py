"""A very small SVG writer for the generated pictures of the documentation site.

Only what the pictures need: boxes, lines, paths and text, escaped, with text widths estimated
from the font size (the pictures are laid out here, not by a browser). Every picture is a white
card (so it reads the same in the site's dark mode) whose text is in the system sans-serif font.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from _docs_run import generated_notice

__all__ = ["FONT", "Svg", "text_width"]

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
"""The font stack: DejaVu Sans where installed, a wide sans-serif elsewhere."""

_NARROW = set("iljtfr.,:;'!|()[] ")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """An upper estimate of ``text``'s width in pixels at font ``size`` (DejaVu Sans metrics)."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.36
        elif char in _WIDE:
            em += 0.9
        elif char.isupper() or char.isdigit():
            em += 0.7
        else:
            em += 0.6
    return em * size * (1.12 if bold else 1.0)


def _attrs(attributes: dict[str, object]) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.1f}".rstrip("0").rstrip(".")
        parts.append(f"{name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}")
    return " ".join(parts)


class Svg:
    """Elements appended in drawing order, rendered as one standalone SVG document."""

    def __init__(self, width: float, height: float, *, title: str, sources: str) -> None:
        self.width = width
        self.height = height
        self.title = title
        self.sources = sources
        self.body: list[str] = []
        self._markers: list[str] = []

    def arrow(self, colour: str) -> str:
        """``url(#...)`` of an arrowhead marker in ``colour`` (defined once per colour)."""
        if colour not in self._markers:
            self._markers.append(colour)
        return f"url(#arrow{self._markers.index(colour)})"

    def add(self, tag: str, content: str | None = None, **attributes: object) -> None:
        """Append ``<tag attributes>content</tag>`` (``content`` is escaped)."""
        attrs = _attrs(attributes)
        if content is None:
            self.body.append(f"<{tag} {attrs}/>")
        else:
            self.body.append(f"<{tag} {attrs}>{escape(content)}</{tag}>")

    def text(
        self, x: float, y: float, content: str, *, size: float = 13, **attributes: object
    ) -> None:
        """Text whose baseline starts at (``x``, ``y``); ``text_anchor`` etc. pass through."""
        self.add("text", content, x=x, y=y, font_size=size, **attributes)

    def render(self) -> str:
        """The SVG document, opening with the generated-file notice."""
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:.0f}" '
            f'height="{self.height:.0f}" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
            f'font-family="{FONT}" role="img">'
        )
        lines = [
            generated_notice(self.sources),
            head,
            f"<title>{escape(self.title)}</title>",
            "<defs>",
            *(
                f'<marker id="arrow{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6"'
                f' markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z"'
                f' fill="{colour}"/></marker>'
                for i, colour in enumerate(self._markers)
            ),
            "</defs>",
            f'<rect x="0" y="0" width="{self.width:.0f}" height="{self.height:.0f}" rx="8"'
            ' fill="#ffffff"/>',
            *self.body,
            "</svg>",
        ]
        return "\n".join(lines) + "\n"
