"""The lifecycle picture: the transition table drawn as a layered state diagram (SVG).

Laid out here from ``LAPOR_TABLE`` alone, so a new status or event moves the picture: each
status is a box with its Indonesian and English label, ranked top to bottom by the longest path
from the initial status (edges that go back up, found by a depth-first walk in table order, are
drawn as such), edges that span several ranks pass through reserved gaps, and each rank is
ordered to follow its neighbours (barycentre sweeps). Arrows are coloured by who records the
event. The two final statuses, reachable from many others, sit in a band at the foot with the
statuses they are reached from written out, and events that keep the status are listed
underneath rather than drawn as loops; the tables on the page have every row with its roles
and guard.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import attrs
from _docs_svg import Svg, text_width

from sp4n.lifecycle import LAPOR_TABLE, Role, Status, TransitionTable

__all__ = ["lifecycle_svg"]

ROLE_COLOURS = {
    Role.ADMIN: "#b3261e",
    Role.LIAISON: "#1f5fa8",
    Role.REPORTER: "#2e7d32",
}
MIXED = "#555555"
ROLE_WORDS = {
    Role.ADMIN: "admin (pengelola LAPOR! / the desk)",
    Role.LIAISON: "penghubung instansi / agency liaison",
    Role.REPORTER: "pelapor / reporter",
}

BOX_H = 48
RANK_GAP = 100
DUMMY_W = 30
GAP = 26
MARGIN = 24
LABEL = 12.0


@attrs.define
class _Node:
    key: str
    status: Status | None  # None for a gap an edge passes through
    rank: int
    width: float
    x: float = 0.0
    order: float = 0.0


@attrs.frozen
class _Edge:
    source: Status
    target: Status
    events: tuple[tuple[str, frozenset[Role]], ...]
    back: bool


def _colour(roles: frozenset[Role]) -> str:
    return (
        ROLE_COLOURS[next(iter(roles))]
        if len(roles) == 1 and roles <= ROLE_COLOURS.keys()
        else MIXED
    )


def _box_width(status: Status) -> float:
    return max(text_width(status.label, 14, bold=True), text_width(status.label_en, 12)) + 24


def _edges(table: TransitionTable) -> list[_Edge]:
    grouped: dict[tuple[Status, Status], list[tuple[str, frozenset[Role]]]] = {}
    for row in table.rows:
        if row.is_self_loop or row.target in table.final:
            continue
        grouped.setdefault((row.source, row.target), []).append((row.event.value, row.roles))
    # Depth-first in table order from the initial status: an edge to a status still on the
    # walk's stack goes back up.
    back: set[tuple[Status, Status]] = set()
    state: dict[Status, str] = {}

    def walk(status: Status) -> None:
        state[status] = "open"
        for source, target in grouped:
            if source is not status:
                continue
            if state.get(target) == "open":
                back.add((source, target))
            elif target not in state:
                walk(target)
        state[status] = "done"

    walk(table.initial)
    return [
        _Edge(source, target, tuple(events), (source, target) in back)
        for (source, target), events in grouped.items()
    ]


def _ranks(statuses: list[Status], edges: list[_Edge]) -> dict[Status, int]:
    rank = dict.fromkeys(statuses, 0)
    for _ in statuses:  # longest path over the forward edges (a DAG: relax |V| times)
        for edge in edges:
            if not edge.back:
                rank[edge.target] = max(rank[edge.target], rank[edge.source] + 1)
    return rank


def _layout(
    statuses: list[Status], edges: list[_Edge]
) -> tuple[dict[str, _Node], list[list[_Node]], dict[_Edge, list[str]]]:
    ranks = _ranks(statuses, edges)
    nodes = {s.value: _Node(s.value, s, ranks[s], _box_width(s)) for s in statuses}
    chains: dict[_Edge, list[str]] = {}
    for edge in edges:
        top, bottom = sorted((ranks[edge.source], ranks[edge.target]))
        keys = [edge.source.value if not edge.back else edge.target.value]
        for r in range(top + 1, bottom):
            key = f"{edge.source.value}>{edge.target.value}@{r}"
            nodes[key] = _Node(key, None, r, DUMMY_W)
            keys.append(key)
        keys.append(edge.target.value if not edge.back else edge.source.value)
        chains[edge] = keys  # top to bottom
    rows: list[list[_Node]] = [[] for _ in range(max(ranks.values()) + 1)]
    for node in nodes.values():
        rows[node.rank].append(node)
    for row in rows:
        for i, node in enumerate(row):
            node.order = i
    up: dict[str, list[str]] = defaultdict(list)
    down: dict[str, list[str]] = defaultdict(list)
    for keys in chains.values():
        for a, b in itertools.pairwise(keys):
            down[a].append(b)
            up[b].append(a)
    for sweep in range(8):  # barycentre ordering, alternately downwards and upwards
        sequence = rows[1:] if sweep % 2 == 0 else rows[-2::-1]
        neighbours = up if sweep % 2 == 0 else down
        for row in sequence:
            for node in row:
                around = [nodes[k].order for k in neighbours[node.key]]
                if around:
                    node.order = sum(around) / len(around)
            row.sort(key=lambda n: n.order)
            for i, node in enumerate(row):
                node.order = i
    return nodes, rows, chains


def _curve(points: list[tuple[float, float]]) -> str:
    """A smooth path through ``points``, leaving and entering each vertically."""
    (x, y), rest = points[0], points[1:]
    path = [f"M{x:.1f},{y:.1f}"]
    for nx, ny in rest:
        mid = (ny - y) / 2
        path.append(f"C{x:.1f},{y + mid:.1f} {nx:.1f},{ny - mid:.1f} {nx:.1f},{ny:.1f}")
        x, y = nx, ny
    return " ".join(path)


def _point(a: tuple[float, float], b: tuple[float, float], t: float) -> tuple[float, float]:
    """The point at ``t`` on the curve :func:`_curve` draws from ``a`` to ``b``."""
    (x0, y0), (x1, y1) = a, b
    mid = (y1 - y0) / 2
    c0, c1 = (x0, y0 + mid), (x1, y1 - mid)
    s = 1 - t
    x = s**3 * x0 + 3 * s * s * t * c0[0] + 3 * s * t * t * c1[0] + t**3 * x1
    y = s**3 * y0 + 3 * s * s * t * c0[1] + 3 * s * t * t * c1[1] + t**3 * y1
    return x, y


def _free_spot(
    path: list[tuple[float, float]],
    w: float,
    h: float,
    taken: list[tuple[float, float, float, float]],
) -> tuple[float, float]:
    """The first point along ``path`` where a ``w`` x ``h`` label overlaps nothing ``taken``."""
    on_line = [
        _point(a, b, t) for t in (0.5, 0.35, 0.65, 0.2, 0.8) for a, b in itertools.pairwise(path)
    ]
    beside = [(x + dx, y) for x, y in on_line for dx in (w / 2 + 4, -w / 2 - 4)]

    def overlap(x: float, y: float) -> float:
        box = (x - w / 2 - 2, y - h / 2 - 2, x + w / 2 + 2, y + h / 2 + 2)
        return sum(
            max(0.0, min(box[2], t[2]) - max(box[0], t[0]))
            * max(0.0, min(box[3], t[3]) - max(box[1], t[1]))
            for t in taken
        )

    for x, y in on_line + beside:
        if overlap(x, y) == 0:
            return x, y
    return min(on_line + beside, key=lambda p: overlap(*p))


def lifecycle_svg(table: TransitionTable = LAPOR_TABLE) -> str:
    """The state diagram of ``table`` as an SVG document."""
    statuses = sorted((s for s in table.statuses if s not in table.final), key=list(Status).index)
    edges = _edges(table)
    nodes, rows, chains = _layout(statuses, edges)
    widths = [sum(n.width for n in row) + GAP * (len(row) - 1) for row in rows]
    width = max(max(widths) + 2 * MARGIN, 760)
    top = MARGIN + 36
    for r, row in enumerate(rows):
        x = (width - widths[r]) / 2
        for node in row:
            node.x = x + node.width / 2
            x += node.width + GAP

    def y_of(node: _Node) -> float:
        return top + node.rank * (BOX_H + RANK_GAP)

    # Attachment points: spread the edges leaving a box's bottom (or entering its top) by the
    # x of their other end, so arrows between the same two boxes do not overlap.
    ports: dict[tuple[str, str], list[tuple[float, _Edge]]] = defaultdict(list)
    for edge, keys in chains.items():
        ports[(keys[0], "bottom")].append((nodes[keys[1]].x + (8 if edge.back else -8), edge))
        ports[(keys[-1], "top")].append((nodes[keys[-2]].x + (8 if edge.back else -8), edge))
    attach: dict[tuple[str, str, _Edge], float] = {}
    for (key, side), items in ports.items():
        items.sort(key=lambda item: item[0])
        node = nodes[key]
        step = min(26.0, (node.width - 30) / max(len(items), 1))
        for i, (_, edge) in enumerate(items):
            attach[(key, side, edge)] = node.x + (i - (len(items) - 1) / 2) * step

    height_graph = y_of(rows[-1][0]) + BOX_H
    svg = Svg(
        0,
        0,
        title="Siklus hidup laporan / The complaint lifecycle",
        sources="`sp4n.lifecycle.LAPOR_TABLE`",
    )
    svg.text(MARGIN, MARGIN + 6, "Siklus hidup laporan", size=17, font_weight="bold", fill="#222")
    svg.text(
        MARGIN + text_width("Siklus hidup laporan", 17, bold=True) + 10,
        MARGIN + 6,
        "The complaint lifecycle",
        size=14,
        font_style="italic",
        fill="#555",
    )
    labels: list[tuple[list[tuple[float, float]], list[tuple[str, str]]]] = []
    for edge, keys in chains.items():
        colour = _colour(frozenset().union(*(roles for _, roles in edge.events)))
        points = [(attach[(keys[0], "bottom", edge)], y_of(nodes[keys[0]]) + BOX_H)]
        points += [(nodes[k].x, y_of(nodes[k]) + BOX_H / 2) for k in keys[1:-1]]
        points.append((attach[(keys[-1], "top", edge)], y_of(nodes[keys[-1]])))
        if edge.back:
            points.reverse()
        marker = svg.arrow(colour)
        svg.add(
            "path",
            d=_curve(points),
            fill="none",
            stroke=colour,
            stroke_width=1.6,
            stroke_dasharray="5 3" if edge.back else None,
            marker_end=marker,
        )
        labels.append((points, [(event, _colour(roles)) for event, roles in edge.events]))
    for node in nodes.values():
        if node.status is None:
            continue
        y = y_of(node)
        closed = node.status.is_closed
        svg.add(
            "rect",
            x=node.x - node.width / 2,
            y=y,
            width=node.width,
            height=BOX_H,
            rx=10,
            fill="#e8f5e9" if closed else "#fdf3f2",
            stroke="#2e7d32" if closed else "#b3261e",
            stroke_width=2.2 if closed else 1.4,
        )
        svg.text(
            node.x,
            y + 20,
            node.status.label,
            size=14,
            font_weight="bold",
            text_anchor="middle",
            fill="#222",
        )
        svg.text(
            node.x,
            y + 38,
            node.status.label_en,
            size=12,
            font_style="italic",
            text_anchor="middle",
            fill="#444",
        )
        if node.status is table.initial:
            svg.add("circle", cx=node.x, cy=y - 22, r=6, fill="#222")
            svg.add(
                "line",
                x1=node.x,
                y1=y - 16,
                x2=node.x,
                y2=y - 2,
                stroke="#222",
                stroke_width=1.6,
                marker_end=svg.arrow("#222"),
            )
    boxes = [
        (n.x - n.width / 2, y_of(n), n.x + n.width / 2, y_of(n) + BOX_H)
        for n in nodes.values()
        if n.status is not None
    ]
    for path, lines in labels:  # drawn last: above every line, placed where nothing else is
        line_h = LABEL + 3
        w = max(text_width(event, LABEL) for event, _ in lines) + 8
        h = line_h * len(lines) + 2
        lx, ly = _free_spot(path, w, h, boxes)
        boxes.append((lx - w / 2, ly - h / 2, lx + w / 2, ly + h / 2))
        svg.add(
            "rect",
            x=lx - w / 2,
            y=ly - h / 2,
            width=w,
            height=h,
            rx=3,
            fill="#ffffff",
            fill_opacity=0.92,
        )
        for i, (event, colour) in enumerate(lines):
            svg.text(
                lx,
                ly - h / 2 + line_h * (i + 1) - 2,
                event,
                size=LABEL,
                text_anchor="middle",
                fill=colour,
            )
    y = height_graph + 34
    y = _finals(svg, table, y, width)
    y = _legend(svg, table, y, width)
    svg.width, svg.height = width, y + MARGIN / 2
    return svg.render()


def _wrap(words: list[str], limit: float, size: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current}, {word}" if current else word
        if current and text_width(trial, size) > limit:
            lines.append(current + ",")
            current = word
        else:
            current = trial
    lines.append(current)
    return lines


def _finals(svg: Svg, table: TransitionTable, y: float, width: float) -> float:
    """The final statuses in a band, each with the statuses it is reached from."""
    svg.add(
        "line",
        x1=MARGIN,
        y1=y - 16,
        x2=width - MARGIN,
        y2=y - 16,
        stroke="#ccc",
        stroke_dasharray="4 4",
    )
    open_statuses = {s for s in table.statuses if not s.is_closed}
    for status in sorted(table.final, key=list(Status).index):
        rows = [r for r in table.rows if r.target is status and r.source is not status]
        sources = {r.source for r in rows}
        events = sorted({(r.event.value, r.roles) for r in rows}, key=lambda e: e[0])
        box_w = _box_width(status)
        svg.add(
            "rect",
            x=MARGIN,
            y=y,
            width=box_w,
            height=BOX_H,
            rx=10,
            fill="#eeeeee",
            stroke="#444",
            stroke_width=2.2,
        )
        svg.text(
            MARGIN + box_w / 2,
            y + 20,
            status.label,
            size=14,
            font_weight="bold",
            text_anchor="middle",
            fill="#222",
        )
        svg.text(
            MARGIN + box_w / 2,
            y + 38,
            status.label_en,
            size=12,
            font_style="italic",
            text_anchor="middle",
            fill="#444",
        )
        x = MARGIN + box_w + 16
        event_text = " / ".join(e for e, _ in events)
        colour = _colour(frozenset().union(*(roles for _, roles in events)))
        svg.add(
            "line",
            x1=x + 60,
            y1=y + BOX_H / 2,
            x2=x - 12,
            y2=y + BOX_H / 2,
            stroke=colour,
            stroke_width=1.6,
            marker_end=svg.arrow(colour),
        )
        svg.text(x + 68, y + 16, event_text, size=LABEL, fill=colour)
        if sources == open_statuses:
            names = ["dari setiap status terbuka / from every open status"]
        else:
            names = [s.label for s in sorted(sources, key=list(Status).index)]
        lines = _wrap(
            [f"dari / from: {names[0]}" if len(names) > 1 else names[0], *names[1:]],
            width - x - 68 - MARGIN,
            12,
        )
        for i, line in enumerate(lines):
            svg.text(x + 68, y + 32 + 15 * i, line, size=12, fill="#333")
        y += max(BOX_H, 22 + 15 * len(lines)) + 14
    return y


def _legend(svg: Svg, table: TransitionTable, y: float, width: float) -> float:
    """Who records which arrow, and the events that keep the status."""
    y += 6
    x = MARGIN
    items = [(ROLE_COLOURS[role], words) for role, words in ROLE_WORDS.items()]
    for colour, words in [*items, (MIXED, "beberapa peran / several roles")]:
        if x + 32 + text_width(words, 12) > width - MARGIN:
            x, y = MARGIN, y + 20
        svg.add(
            "line",
            x1=x,
            y1=y - 4,
            x2=x + 26,
            y2=y - 4,
            stroke=colour,
            stroke_width=2,
            marker_end=svg.arrow(colour),
        )
        svg.text(x + 32, y, words, size=12, fill="#333")
        x += 32 + text_width(words, 12) + 18
    y += 20
    svg.add(
        "line",
        x1=MARGIN,
        y1=y - 4,
        x2=MARGIN + 26,
        y2=y - 4,
        stroke="#555",
        stroke_width=1.6,
        stroke_dasharray="5 3",
    )
    svg.text(
        MARGIN + 32,
        y,
        "kembali ke status sebelumnya / back to an earlier status",
        size=12,
        fill="#333",
    )
    y += 22
    loops = sorted({r.event.value for r in table.rows if r.is_self_loop})
    lines = _wrap(loops, width - 2 * MARGIN - 10, 12)
    svg.text(
        MARGIN,
        y,
        "Juga dicatat tanpa perubahan status / also recorded without a change of status:",
        size=12,
        font_weight="bold",
        fill="#333",
    )
    for i, line in enumerate(lines):
        svg.text(MARGIN, y + 16 * (i + 1), line, size=12, fill="#333")
    return y + 16 * len(lines)
