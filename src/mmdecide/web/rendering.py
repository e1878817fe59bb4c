"""Templates, number formats and the per-page list of sources.

Every number a page shows goes through :func:`whole` (people out of 100, rounded as the estimate
rounds them) or one of the other formats here, and every number's sources are registered with a
page's :class:`SourceList`, which the page prints at its foot with a link to the evidence explorer
and to the publication.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup
from fastapi import Request
from fastapi.responses import HTMLResponse

from ..personal.result import Number, SourceRef
from ..report.number_words import BELOW_ONE, between, fmt_years, people, whole
from ..report.plain_language import RANGE_SENTENCE
from ..report.rounding import more_than_months, percent, percent_range, round_text, upper_months
from .patient_sections import harms_for, high_risk_for

__all__ = ["PEOPLE_PAGES", "SourceList", "between", "fmt_years", "make_env", "people", "render", "whole"]

#: the pages a patient reads (and their PDF): free text from the evidence base is shown there with
#: percents and months rounded to whole numbers (the evidence explorer shows them as published)
PEOPLE_PAGES = frozenset({"results.html", "summary.html"})


def fmt_range(n: Number | None, unit: str = "") -> str:
    if n is None or n.lower is None or n.upper is None:
        return ""
    lo, hi = people(n.lower), people(n.upper)
    if lo == hi == "fewer than 1":
        return f"{BELOW_ONE}{unit}"  # the leaflet said "fewer than 1 (fewer than 1)"; --plain's words
    if lo == hi:
        return f"{lo}{unit}"
    return f"{lo}{unit} to {hi}{unit}"


def fmt_signed(x: float | None) -> str:
    n = whole(x)
    if n is None:
        return "not known"
    return f"+{n}" if n > 0 else str(n)


def fmt_months(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "not known"
    return f"{x:.0f}"


def fmt_hr(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    return f"{x:.2f}"


def fmt_g(x: float | None) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:g}"


@dataclass
class SourceList:
    """The sources cited on one page, numbered in order of first citation."""

    anchor: Any  # callable (evidence, url, citation) -> explorer link
    #: one entry per publication (the printable summary) instead of one per number's source entry
    by_publication: bool = False
    items: list[tuple[int, SourceRef, str]] = field(default_factory=list)
    _index: dict[tuple, int] = field(default_factory=dict)

    def cite(self, refs: Number | Iterable[SourceRef] | None) -> list[int]:
        if refs is None:
            return []
        if isinstance(refs, Number):
            refs = refs.sources
        out = []
        for r in refs:
            key = (r.evidence, r.citation, r.url) if self.by_publication else (
                r.evidence, r.what, r.citation, r.url, r.locator)
            if key not in self._index:
                self._index[key] = len(self.items) + 1
                self.items.append((len(self.items) + 1, r, self.anchor(r.evidence, r.url, r.citation)))
            if self._index[key] not in out:
                out.append(self._index[key])
        return out

    def cite_runs(self, refs: Number | Iterable[SourceRef] | None) -> list[tuple[int, int]]:
        """The cited numbers as runs (first, last): [1-18, 24] instead of eighteen links."""
        runs: list[tuple[int, int]] = []
        for i in sorted(self.cite(refs)):
            if runs and i == runs[-1][1] + 1:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        return runs


def sources_of(*items: Any) -> list[SourceRef]:
    """The sources of every Number in ``items`` (Numbers, None, or lists, tuples and dicts of
    them), each once: for a figure, a table or a card that states several numbers at once."""
    out: dict[str, SourceRef] = {}

    def walk(x: Any) -> None:
        if isinstance(x, Number):
            for r in x.sources:
                out.setdefault(r.model_dump_json(), r)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)

    walk(items)
    return list(out.values())


def curve_sources(rows: dict[str, dict[float, tuple[Number, Number]]], endpoint: int) -> list[SourceRef]:
    """The sources of one endpoint's curve table (0: progression-free, 1: alive)."""
    return sources_of([[pair[endpoint] for pair in by_year.values()] for by_year in rows.values()])


def _for_people(value: Any) -> Any:
    """Every ``{{ ... }}`` text of a patient page, rounded for people (markup and links untouched:
    macros' output was rounded piece by piece, and a link must stay as it is)."""
    if isinstance(value, str) and not isinstance(value, Markup) and not value.startswith(("http", "/", "#")):
        return round_text(value)
    return value


def make_env(for_people: bool = False) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("mmdecide") / "web" / "templates")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
        finalize=_for_people if for_people else None,
    )
    from .charts import icon_symbol, marker_symbol

    env.globals.update(icon_symbol=icon_symbol, marker_symbol=marker_symbol, between=between,
                       sources_of=sources_of, curve_sources=curve_sources, range_sentence=RANGE_SENTENCE,
                       upper_months=upper_months)
    env.filters.update(whole=whole, people=people, range=fmt_range, signed=fmt_signed,
                       months=fmt_months, more_than=more_than_months, hr=fmt_hr, g=fmt_g, years=fmt_years,
                       pct=percent, pct_range=percent_range,
                       zip=lambda a, b: list(zip(a, b)),
                       sentence=lambda s: s[:1].upper() + s[1:] if s else s)
    env.globals.update(harms_for=harms_for, high_risk_for=high_risk_for)
    from ..report.calibration_words import effect_words, model_words, published_words, row_sentence

    # the calibration page and each option's details on the results page word the rows alike
    env.globals.update(calib_published=published_words, calib_model=model_words, trial_effect_words=effect_words,
                       calib_row_sentence=row_sentence)
    return env


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page in the site layout (the app's settings and evidence version included)."""
    app = request.app
    services = app.state.services
    session = request.scope.get("session") or {}
    ctx = {"request": request, "facts": services.facts, "page": template.removesuffix(".html"),
           "has_details": bool(session.get("profile")), **context}
    env = app.state.people_templates if template in PEOPLE_PAGES else app.state.templates
    html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code)
