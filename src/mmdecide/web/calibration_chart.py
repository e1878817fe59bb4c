"""The calibration figure: each trial's published number beside the model's, as inline SVG made on
the server (no script, no inline style: colours come from classes in static/style.css).

Two panels: medians in months, and percents at a landmark time. Across is the trial's number, up
the model's; the diagonal is perfect agreement and the grey band the stated tolerance
(``personal.calibration``: a median within a share of the published one, a percent within some
points). One mark per row with a published number; its shape says what kind of row it is: a check
against an option's own trial, a row used to fit the model (agrees by construction), or a study held
out of the model. A row whose model median lies past the end of the model's curves is drawn at the
top edge as an arrow. The page's tables hold the same numbers (the chart's text alternative).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

from ..personal.result import CalibrationRow
from ..report.calibration_words import model_words, published_words
from ..timeunits import months_to_years

__all__ = ["KIND_WORDS", "Kind", "Mark", "calibration_chart", "legend"]

Kind = Literal["check", "fitted", "held-out"]

#: legend words per kind of mark, in the legend's order
KIND_WORDS: dict[Kind, str] = {
    "check": "A check against a trial behind the model",
    "fitted": "Used to set the model (agrees by design)",
    "held-out": "A study not used to build the model",
}

_PANEL, _LEFT, _RIGHT, _TOP, _BOTTOM = 250.0, 56.0, 16.0, 12.0, 52.0


@dataclass(frozen=True)
class Mark:
    """One row to draw and what kind of row it is."""

    row: CalibrationRow
    kind: Kind


def _shape(kind: Kind, x: float, y: float, tip: str = "", beyond: bool = False) -> str:
    """The mark (class ``calib-<kind>``): a circle, a hollow square or a diamond, or an upward
    arrow when the model's value is past the top of the chart; ``tip``: its tooltip."""
    cls = f"calib-mark calib-{kind}"
    if beyond:
        tag, attrs = "polygon", f'class="{cls} calib-beyond" points="{x:.1f},{y - 7:.1f} {x + 6:.1f},{y + 3:.1f} {x - 6:.1f},{y + 3:.1f}"'
    elif kind == "fitted":
        tag, attrs = "rect", f'class="{cls}" x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9"'
    elif kind == "held-out":
        tag, attrs = "polygon", f'class="{cls}" points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"'
    else:
        tag, attrs = "circle", f'class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="4.5"'
    return f"<{tag} {attrs}><title>{escape(tip)}</title></{tag}>" if tip else f"<{tag} {attrs}/>"


def _key(body: str) -> Markup:
    return Markup(f'<svg class="legend-mark" viewBox="0 0 16 16" aria-hidden="true" focusable="false">{body}</svg>')


def legend(reach_months: float) -> list[tuple[Markup, str]]:
    """The figure's legend: a key (decorative) and its words, for each kind of mark, the line,
    the band and the arrow (``reach_months``: the end of the model's curves)."""
    keys = [(_key(_shape(kind, 8, 8)), words) for kind, words in KIND_WORDS.items()]
    return keys + [
        (_key('<line class="calib-identity" x1="0" y1="16" x2="16" y2="0"/>'),
         "Dashed line: the trial and the model give the same number"),
        (_key('<rect class="calib-band" x="0" y="0" width="16" height="16"/>'), "Grey band: a match within the tolerance"),
        (_key(_shape("check", 8, 9, beyond=True)), f"Arrow at the top: the model's median is past {months_to_years(reach_months):g} years"),
    ]


def _tip(m: Mark) -> str:
    r = m.row
    verdict = ("used to set the model" if r.fitted else "not comparable" if not r.comparable
               else "agrees" if r.within_tolerance else "does not agree")
    return (f"{r.trial_name}, {r.arm_label}, {r.endpoint} {r.quantity}: trial {published_words(r)}, "
            f"model {model_words(r)} ({verdict})")


def _panel(x0: float, top: float, label: str, unit: str, ticks: Sequence[float],
           band: list[tuple[float, float]], marks: list[Mark]) -> list[str]:
    """One square panel at (x0, top) with axes 0..ticks[-1], the tolerance band (polygon in data
    units), the identity line and the marks."""
    hi = ticks[-1]
    sx: Callable[[float], float] = lambda v: x0 + _PANEL * min(v, hi) / hi  # noqa: E731 (scale functions)
    sy: Callable[[float], float] = lambda v: top + _PANEL * (1 - min(v, hi) / hi)  # noqa: E731 (scale functions)
    out = [f'<polygon class="calib-band" points="{" ".join(f"{sx(a):.1f},{sy(b):.1f}" for a, b in band)}"/>']
    for t in ticks:
        out.append(f'<line class="calib-grid" x1="{x0}" x2="{x0 + _PANEL}" y1="{sy(t):.1f}" y2="{sy(t):.1f}"/>'
                   f'<text x="{x0 - 6}" y="{sy(t) + 4:.1f}" text-anchor="end" font-size="12">{t:g}</text>'
                   f'<text x="{sx(t):.1f}" y="{top + _PANEL + 17}" text-anchor="middle" font-size="12">{t:g}</text>')
    out.append(f'<line class="calib-identity" x1="{sx(0):.1f}" y1="{sy(0):.1f}" x2="{sx(hi):.1f}" y2="{sy(hi):.1f}"/>'
               f'<rect class="calib-frame" x="{x0}" y="{top}" width="{_PANEL}" height="{_PANEL}"/>'
               f'<text x="{x0 + _PANEL / 2:.1f}" y="{top + _PANEL + 36}" text-anchor="middle" font-size="13">'
               f'{escape(label)}: trial ({unit})</text>'
               f'<text transform="translate({x0 - 40:.1f},{top + _PANEL / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'font-size="13">Model ({unit})</text>')
    for m in marks:
        published, model = m.row.published, m.row.model
        if published is None:
            continue
        y = top if model is None else sy(model)
        out.append(_shape(m.kind, sx(published), y, _tip(m), beyond=model is None))
    return out


def _svg(uid: str, title: str, desc: str, describedby: str, body: list[str]) -> str:
    w, h = _LEFT + _PANEL + _RIGHT, _TOP + _PANEL + _BOTTOM
    return (f'<svg class="chart calib-chart" id="{uid}" viewBox="0 0 {w:g} {h:g}" role="img" aria-labelledby="{uid}-t" '
            f'aria-describedby="{uid}-d {escape(describedby)}">'
            f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>{"".join(body)}</svg>')


def calibration_chart(marks: list[Mark], desc: str, describedby: str, reach_months: float,
                      median_tolerance: float, landmark_points: float) -> Markup:
    """Two SVGs, medians and percents (side by side on a wide screen, one above the other on a
    phone, each readable at its own width); ``desc``: what both show, in words; ``describedby``:
    the id of the page's summary of the tables; ``reach_months``: the end of the model's curves
    (the top of the median axis)."""
    step = 30.0
    m_ticks = [step * i for i in range(math.ceil(reach_months / step) + 1)]
    hi = m_ticks[-1]
    m_band = [(0.0, 0.0), (hi / (1 + median_tolerance), hi), (hi, hi), (hi, hi * (1 - median_tolerance))]
    d = landmark_points
    p_band = [(0.0, 0.0), (0.0, d), (100 - d, 100.0), (100.0, 100.0), (100.0, 100 - d), (d, 0.0)]
    medians = [m for m in marks if m.row.quantity.startswith("median")]
    percents = [m for m in marks if m.row.quantity.startswith("percent")]
    return Markup(
        _svg("calibration-medians", "Medians: the trials' numbers beside the model's", desc, describedby,
             _panel(_LEFT, _TOP, "Median", "months", m_ticks, m_band, medians))
        + _svg("calibration-percents", "Percents at a set time: the trials' numbers beside the model's", desc,
               describedby, _panel(_LEFT, _TOP, "Percent at a set time", "%", [0, 25, 50, 75, 100], p_band, percents)))
