"""Charts as inline SVG, made on the server (no script, no external file).

Each function returns SVG markup with ``role="img"``, a ``<title>`` and a ``<desc>`` that says
what the chart shows in words; the page puts a table with the same numbers beside every chart.
Colours are Okabe-Ito (colour-blind safe); lines also differ by dash pattern, icons by shape.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

__all__ = [
    "MARKERS",
    "PALETTE",
    "IconGroup",
    "Series",
    "forest_plot",
    "icon_array",
    "icon_symbol",
    "km_plot",
    "marker_symbol",
    "survival_chart",
]

#: (colour, dash pattern, words for the dash) per line, in order; black first for no maintenance.
PALETTE = (
    ("#000000", "", "solid"),
    ("#0072b2", "8 4", "long dashes"),
    ("#d55e00", "2 3", "dots"),
    ("#009e73", "10 3 2 3", "dash-dot"),
    ("#cc79a7", "4 4", "short dashes"),
    ("#e69f00", "12 4 2 4 2 4", "dash-dot-dot"),
)

#: Point markers of the survival curves, one per option (line style is kept for "beyond follow-up").
MARKERS = ("circle", "square", "triangle", "diamond", "down", "cross")

_ids = count(1)


def _uid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _head(width: float, height: float, title: str, desc: str, css: str) -> tuple[str, str]:
    uid = _uid("svg")
    head = (f'<svg class="{css}" viewBox="0 0 {width:g} {height:g}" '
            f'role="img" aria-labelledby="{uid}-t {uid}-d">'
            f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>')
    return head, uid


@dataclass(frozen=True)
class IconGroup:
    """``n`` people drawn in ``colour``; ``shape``: 'person' (filled), 'tick' (filled, white tick:
    benefit), 'cross' (filled, white cross: harm) or 'rest' (outline only)."""

    n: int
    colour: str
    shape: str
    label: str


_CELL = 22


def _person(x: float, y: float) -> str:
    """One person (a head and shoulders) whose cell's top centre is (x, y)."""
    return (f"M{x - 3.6:g},{y + 5.5:g}a3.6,3.6 0 1,0 7.2,0a3.6,3.6 0 1,0 -7.2,0"
            f"M{x - 6:g},{y + 19:g}v-4.5a6,5 0 0 1 12,0v4.5z")


def _mark(shape: str, x: float, y: float) -> str:
    """The white symbol on a person's body: a tick for benefit, a cross for harm."""
    if shape == "tick":
        return f"M{x - 3.2:g},{y + 15.6:g}l2.2,2.2l4.2,-4.6"
    if shape == "cross":
        return f"M{x - 2.6:g},{y + 13.2:g}l5.2,4.6M{x + 2.6:g},{y + 13.2:g}l-5.2,4.6"
    return ""


def _icons(shape: str, colour: str, cells: range, cell: float = _CELL) -> list[str]:
    d = [_person((i % 10) * cell + cell / 2, (i // 10) * cell) for i in cells]
    marks = [_mark(shape, (i % 10) * cell + cell / 2, (i // 10) * cell) for i in cells]
    fill = "#ffffff" if shape == "rest" else colour
    out = [f'<path d="{"".join(d)}" fill="{fill}" stroke="{colour}" stroke-width="1.2"/>']
    if any(marks):
        out.append(f'<path d="{"".join(marks)}" stroke="#ffffff" stroke-width="1.8" fill="none"/>')
    return out


def icon_array(groups: list[IconGroup], title: str, desc: str) -> Markup:
    """100 people in a 10 x 10 grid, filled row by row from the top left, group after group;
    whatever the groups leave is drawn as outlined 'rest' people."""
    head, _ = _head(10 * _CELL, 10 * _CELL, title, desc, "icon-array")
    parts = [head]
    # one <path> per group (every icon of the group as sub-paths) keeps a page with several
    # arrays small
    start = 0
    left = 100 - sum(max(0, g.n) for g in groups)
    for g in [*groups, IconGroup(left, "#595959", "rest", "others")]:
        n = max(0, min(g.n, 100 - start))
        if n == 0:
            continue
        parts.extend(_icons(g.shape, g.colour, range(start, start + n)))
        start += n
    parts.append("</svg>")
    return Markup("".join(parts))


def icon_symbol(group: IconGroup) -> Markup:
    """One person of ``group``'s kind, for a legend (decorative: the legend's words say it)."""
    body = "".join(_icons(group.shape, group.colour, range(1)))
    return Markup(f'<svg class="legend-icon" viewBox="0 0 {_CELL} {_CELL}" aria-hidden="true" '
                  f'focusable="false">{body}</svg>')


@dataclass(frozen=True)
class Series:
    """One option's curve: points (years, estimate, lower, upper, beyond follow-up) in percent;
    ``weak`` draws it lighter (weak or indirect evidence)."""

    label: str
    colour: str
    marker: str
    points: list[tuple[float, float | None, float | None, float | None, bool]]
    weak: bool = False


def _marker(shape: str, x: float, y: float, colour: str, tip: str) -> str:
    r = 4.5
    shapes = {
        "circle": f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}"',
        "square": f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}"',
        "triangle": f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y + r:.1f} {x - r - 1:.1f},{y + r:.1f}"',
        "diamond": f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} {x - r - 1:.1f},{y:.1f}"',
        "down": f'<polygon points="{x - r - 1:.1f},{y - r:.1f} {x + r + 1:.1f},{y - r:.1f} {x:.1f},{y + r + 1:.1f}"',
        "cross": f'<path d="M{x - r:.1f},{y - r:.1f}l{2 * r},{2 * r}m0,{-2 * r}l{-2 * r},{2 * r}" stroke-width="3"',
    }
    stroke = colour if shape == "cross" else "#ffffff"
    return (f'{shapes.get(shape, shapes["circle"])} fill="{colour}" stroke="{stroke}">'
            f'<title>{escape(tip)}</title></{_tag(shapes.get(shape, shapes["circle"]))}>')


def _tag(element: str) -> str:
    return element[1:].split(" ", 1)[0]


def marker_symbol(shape: str, colour: str) -> Markup:
    """A legend key: a short solid line with the option's marker (decorative)."""
    return Markup(f'<svg class="legend-line" viewBox="0 0 36 14" aria-hidden="true" focusable="false">'
                  f'<line x1="0" x2="36" y1="7" y2="7" stroke="{colour}" stroke-width="3"/>'
                  f'{_marker(shape, 18, 7, colour, "")}</svg>')


def survival_chart(series: list[Series], title: str, desc: str, max_years: float = 7.0) -> Markup:
    """Percent alive (or alive without progression) over time: a line per option with a shaded
    95% band, solid while the trials followed people and dashed beyond; each point has a
    ``<title>`` tooltip with its value and range."""
    w, h, left, right, top, bottom = 640, 360, 52, 16, 14, 46
    pw, ph = w - left - right, h - top - bottom
    sx = lambda t: left + pw * t / max_years  # noqa: E731 (scale functions)
    sy = lambda p: top + ph * (1 - p / 100)  # noqa: E731 (scale functions)
    head, _ = _head(w, h, title, desc, "chart")
    out = [head]
    for p in (0, 25, 50, 75, 100):
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{sy(p):.1f}" y2="{sy(p):.1f}" stroke="#c8c8c8" stroke-width="1"/>'
                   f'<text x="{left - 6}" y="{sy(p) + 4:.1f}" text-anchor="end" font-size="12">{p}%</text>')
    for t in range(int(max_years) + 1):
        out.append(f'<line x1="{sx(t):.1f}" x2="{sx(t):.1f}" y1="{top + ph}" y2="{top + ph + 5}" stroke="#1a1a1a"/>'
                   f'<text x="{sx(t):.1f}" y="{top + ph + 19}" text-anchor="middle" font-size="12">{t}</text>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#1a1a1a"/>'
               f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#1a1a1a"/>'
               f'<text x="{left + pw / 2:.1f}" y="{h - 6}" text-anchor="middle" font-size="13">Years after the start of maintenance</text>')
    for s in series:
        out.extend(_series(s, sx, sy))
    out.append("</svg>")
    return Markup("".join(out))


def _series(s: Series, sx, sy) -> list[str]:
    pts = [p for p in s.points if p[1] is not None]
    if not pts:
        return []
    out = []
    opacity = ' stroke-opacity="0.6"' if s.weak else ""
    if all(p[2] is not None and p[3] is not None for p in pts):
        poly = " ".join(f"{sx(t):.1f},{sy(hi):.1f}" for t, _, _, hi, _ in pts) + " " + " ".join(
            f"{sx(t):.1f},{sy(lo):.1f}" for t, _, lo, _, _ in pts[::-1])
        out.append(f'<polygon points="{poly}" fill="{s.colour}" fill-opacity="{0.07 if s.weak else 0.13}" stroke="none"/>')
    # within follow-up: solid up to the last followed point; beyond: dashed from there on
    last_in = max((i for i, p in enumerate(pts) if not p[4]), default=0)
    solid, beyond = pts[: last_in + 1], pts[last_in:]
    for part, dash in ((solid, ""), (beyond, ' stroke-dasharray="7 5"')):
        if len(part) < 2:
            continue
        line = " ".join(f"{sx(t):.1f},{sy(e):.1f}" for t, e, _, _, _ in part)
        words = " (beyond trial follow-up)" if dash else ""
        out.append(f'<polyline points="{line}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash}{opacity}>'
                   f'<title>{escape(s.label)}{words}</title></polyline>')
    for t, e, lo, hi, beyond_fu in pts:
        if t == 0:
            continue
        rng = f" (range {lo:.0f}% to {hi:.0f}%)" if lo is not None and hi is not None else ""
        flag = ", beyond trial follow-up" if beyond_fu else ""
        out.append(_marker(s.marker, sx(t), sy(e), s.colour, f"{s.label}, {t:g} years: {e:.0f}%{rng}{flag}"))
    return out


def forest_plot(rows: list[dict], title: str, desc: str, lo: float = 0.2, hi: float = 1.5) -> Markup:
    """Hazard ratios on a log scale: squares (sized by weight) for trials, diamonds for pools.

    ``rows``: dicts with label, hr, lower, upper, kind ('study' or a pooled kind), weight_percent.
    """
    w, row_h, left, right, top = 640, 30, 300, 20, 10
    h = top + row_h * len(rows) + 44
    pw = w - left - right
    sx = lambda x: left + pw * (math.log(min(max(x, lo), hi)) - math.log(lo)) / (math.log(hi) - math.log(lo))  # noqa: E731 (scale functions)
    head, _ = _head(w, h, title, desc, "chart")
    out = [head]
    bottom = top + row_h * len(rows)
    for tick in (0.25, 0.5, 0.75, 1.0, 1.5):
        out.append(f'<line x1="{sx(tick):.1f}" x2="{sx(tick):.1f}" y1="{top}" y2="{bottom}" '
                   f'stroke="{"#1a1a1a" if tick == 1 else "#d0d0d0"}" stroke-width="1"/>'
                   f'<text x="{sx(tick):.1f}" y="{bottom + 16}" text-anchor="middle" font-size="12">{tick:g}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{bottom + 36}" text-anchor="middle" font-size="12">'
               f'Hazard ratio (log scale; below 1 favours lenalidomide)</text>')
    for i, r in enumerate(rows):
        y = top + row_h * i + row_h / 2
        label = r["label"] if len(r["label"]) <= 44 else r["label"][:43] + "…"
        out.append(f'<text x="4" y="{y + 4:.1f}" font-size="12">{escape(label)}</text>')
        x0, x1, xe = sx(r["lower"]), sx(r["upper"]), sx(r["hr"])
        tip = f'{r["label"]}: HR {r["hr"]:.2f} (95% CI {r["lower"]:.2f} to {r["upper"]:.2f})'
        colour = "#000000" if r["kind"] == "study" else ("#d55e00" if r["kind"] == "published" else "#0072b2")
        out.append(f'<g><title>{escape(tip)}</title>')
        if r["kind"] == "study":
            size = 5 + 10 * math.sqrt((r.get("weight_percent") or 30) / 100)
            out.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" stroke-width="1.6"/>'
                       f'<rect x="{xe - size / 2:.1f}" y="{y - size / 2:.1f}" width="{size:.1f}" height="{size:.1f}" fill="{colour}"/>')
        else:
            out.append(f'<polygon points="{x0:.1f},{y:.1f} {xe:.1f},{y - 7:.1f} {x1:.1f},{y:.1f} {xe:.1f},{y + 7:.1f}" '
                       f'fill="{colour}"/>')
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def km_plot(arms: list[dict], title: str, desc: str, unit: str) -> Markup:
    """Reconstructed Kaplan-Meier step curves; published numbers at risk marked as ticks.

    ``arms``: dicts with label, colour, dash, time (list), survival (list, fractions).
    """
    w, h, left, right, top, bottom = 640, 320, 52, 16, 14, 46
    pw, ph = w - left - right, h - top - bottom
    tmax = max(max(a["time"]) for a in arms) if arms else 1.0
    tmax = math.ceil(tmax)
    sx = lambda t: left + pw * t / tmax  # noqa: E731 (scale functions)
    sy = lambda s: top + ph * (1 - s)  # noqa: E731 (scale functions)
    head, _ = _head(w, h, title, desc, "chart")
    out = [head]
    for p in (0, 0.25, 0.5, 0.75, 1.0):
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{sy(p):.1f}" y2="{sy(p):.1f}" stroke="#c8c8c8"/>'
                   f'<text x="{left - 6}" y="{sy(p) + 4:.1f}" text-anchor="end" font-size="12">{100 * p:.0f}%</text>')
    for t in range(tmax + 1):
        out.append(f'<text x="{sx(t):.1f}" y="{top + ph + 19}" text-anchor="middle" font-size="12">{t}</text>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#1a1a1a"/>'
               f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#1a1a1a"/>'
               f'<text x="{left + pw / 2:.1f}" y="{h - 6}" text-anchor="middle" font-size="13">{escape(unit.capitalize())}</text>')
    for a in arms:
        d = [f"M{sx(a['time'][0]):.1f},{sy(a['survival'][0]):.1f}"]
        prev = a["survival"][0]
        for t, s in zip(a["time"][1:], a["survival"][1:]):
            d.append(f"H{sx(t):.1f}")
            if s != prev:
                d.append(f"V{sy(s):.1f}")
            prev = s
        dash = f' stroke-dasharray="{a["dash"]}"' if a["dash"] else ""
        out.append(f'<path d="{" ".join(d)}" fill="none" stroke="{a["colour"]}" stroke-width="2"{dash}>'
                   f'<title>{escape(a["label"])} (reconstructed)</title></path>')
    out.append("</svg>")
    return Markup("".join(out))
