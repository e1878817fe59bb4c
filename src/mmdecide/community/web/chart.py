"""A member's own lab values over time as inline SVG (made on the server, no script, no style
attribute). The page puts a table with the same values under every chart (its text alternative)."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

__all__ = ["lab_chart"]

W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 56, 16, 16, 36


def lab_chart(label: str, unit: str, points: list[tuple[date, float]],
              periods: list[tuple[date, date]]) -> Markup:
    """Values as a line with dots; treatment periods as a shaded band behind them."""
    days = [d.toordinal() for d, _ in points] + [p for a, b in periods for p in (a.toordinal(), b.toordinal())]
    x0, x1 = min(days), max(days)
    x1 = x1 if x1 > x0 else x0 + 1
    values = [v for _, v in points]
    y0, y1 = min(values), max(values)
    pad = (y1 - y0) * 0.1 or max(abs(y0) * 0.1, 1.0)
    y0, y1 = max(0.0, y0 - pad), y1 + pad

    def x(d: date) -> float:
        return LEFT + (d.toordinal() - x0) / (x1 - x0) * (W - LEFT - RIGHT)

    def y(v: float) -> float:
        return TOP + (1 - (v - y0) / (y1 - y0)) * (H - TOP - BOTTOM)

    desc = (f"{label} in {unit}: {len(points)} value(s) from {points[0][0].isoformat()} to "
            f"{points[-1][0].isoformat()}, lowest {min(values):g}, highest {max(values):g}. "
            "Shaded: time on treatment. The same values are in the table below.")
    parts = [(f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(label)} over time">'
             f"<title>{escape(label)} over time</title><desc>{escape(desc)}</desc>")]
    for a, b in periods:
        parts.append(f'<rect x="{x(a):.1f}" y="{TOP}" width="{max(x(b) - x(a), 1):.1f}" '
                     f'height="{H - TOP - BOTTOM}" fill="#cfe3f2"/>')
    parts.append(f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#1a1a1a"/>'
                 f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" stroke="#1a1a1a"/>')
    for v in (y0, (y0 + y1) / 2, y1):
        parts.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12">{v:.3g}</text>')
    first, last = date.fromordinal(x0), date.fromordinal(x1)
    parts.append(f'<text x="{LEFT}" y="{H - 12}" font-size="12">{first.isoformat()}</text>'
                 f'<text x="{W - RIGHT}" y="{H - 12}" text-anchor="end" font-size="12">{last.isoformat()}</text>')
    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#0072b2" stroke-width="2"/>')
    parts.extend(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3.5" fill="#0072b2"/>' for d, v in points)
    parts.append(f'<text x="{LEFT + 4}" y="{TOP + 12}" font-size="12">{escape(unit)}</text></svg>')
    return Markup("".join(parts))
