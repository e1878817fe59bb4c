"""Printable summary (``/summary``) and the clinic leaflet as a PDF (``/summary.pdf``,
WeasyPrint); both read the answers from the session cookie, never from the address."""

from __future__ import annotations

import logging
import re
from datetime import date
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...report.harms_words import your_levels
from ...report.plain_language import top_side_effects
from ...report.side_effect_words import plain_side_effect
from ..patient_sections import harms_for
from ..profile_form import describe
from ..pdf_gate import RETRY_AFTER_SECONDS, Busy
from ..rendering import SourceList, render
from ..results_view import key_sources, picture_key
from ..session import has_profile_query, no_store
from .results import ServicesDep, old_link, page_context

router = APIRouter()
log = logging.getLogger(__name__)
_SVG_ID = re.compile(rb"\bsvg-\d+\b")
#: profile fields the leaflet sets beside the lenalidomide label's levels instead of in the details list
_LEVEL_FIELDS = ("creatinine_clearance_ml_min", "hemoglobin_g_dl", "neutrophils_10e9_l", "platelets_10e9_l")
#: the leaflet's length limit, in A4 pages
MAX_PAGES = 2
#: What the leaflet gives up, in this order, while it is longer than ``MAX_PAGES``: the least loss
#: first, each step with every step before it (docs/patient-text.md). Each is (step, the words of
#: the "left out" line, or "" when nothing is left out, only moved). Every number still shown keeps
#: its source marker, the text stays >= 8 pt, and the harms beside the benefits (the second-cancer
#: column and one side effect per option) and the "not advice" line are never given up.
COMPACTION: tuple[tuple[str, str], ...] = (
    ("trial-pfs-only", "what the trials of the options marked \"Trial results only\" saw "
                       "about staying alive"),
    ("main-sources-in-list", ""),  # the three main sources are marked in the numbered list, addresses kept
    ("one-side-effect", "side effects after the most common one for each option"),
    ("no-pictures", "the pictures of 100 people (the table has the same numbers)"),
)


def _summary(request: Request, services, inline_css: str | None = None, compaction: int = 0) -> HTMLResponse:
    """The summary page; ``compaction`` > 0 applies the first that many steps of ``COMPACTION``."""
    ctx = page_context(request, services)
    steps = {step for step, _ in COMPACTION[:compaction]}
    ctx["compact"] = steps
    ctx["left_out"] = [words for _, words in COMPACTION[:compaction] if words]
    n_side_effects = 1 if "one-side-effect" in steps else 2
    ctx["top_side_effects"] = {ov.option.option: top_side_effects(ov.option, n_side_effects)
                               for ov in ctx["view"].options}
    ctx["plain_side_effect"] = plain_side_effect  # the trial's own wording stays on the evidence pages
    ctx["key_sources"] = key_sources(ctx["view"])
    ctx["main_sources"] = {(r.citation, r.url) for r in ctx["key_sources"]}
    ctx["picture_key"] = picture_key(ctx["view"].options)
    ctx["matters_labels"] = [label for key, label in ctx["matters_choices"] if key in ctx["matters"]]
    ctx["today"] = date.today()
    # the person's kidney function and blood counts beside the lenalidomide label's levels
    ctx["your_levels"] = your_levels(harms_for(request, ctx["profile"]))
    if ctx["your_levels"][0]:  # the values are said there, beside the label's levels: not twice
        ctx["profile_rows"] = describe(ctx["profile"].model_copy(update=dict.fromkeys(_LEVEL_FIELDS)))
    # a leaflet numbers its sources by publication (one line per paper, not per table entry)
    ctx["refs"] = SourceList(services.source_anchor, by_publication=True)
    return render(request, "summary.html", inline_css=inline_css or "", **ctx)


@router.get("/summary", response_class=HTMLResponse)
def summary(request: Request, services: ServicesDep) -> Response:
    if has_profile_query(request):
        return old_link()
    return no_store(_summary(request, services))


@router.get("/summary.pdf")
def summary_pdf(request: Request, services: ServicesDep) -> Response:
    """The summary page printed by WeasyPrint (its print stylesheet inlined: no URL is fetched)."""
    if has_profile_query(request):
        return old_link()
    css = (resources.files("mmdecide") / "web" / "static" / "style.css").read_text(encoding="utf-8")
    page = _summary(request, services, inline_css=css)
    if page.status_code != 200:
        return page
    from weasyprint import HTML

    body = _page_ids(page.body)

    def make_pdf() -> bytes:
        """The full page, or while it is longer than ``MAX_PAGES`` the page with one more
        compaction step: a rendering costs 1-3 s of CPU, so a page that fits is rendered once."""
        doc = HTML(string=body.decode("utf-8"), base_url=None, url_fetcher=_no_fetch).render()
        step = 0
        while len(doc.pages) > MAX_PAGES and step < len(COMPACTION):
            step += 1
            shorter = _summary(request, services, inline_css=css, compaction=step)
            doc = HTML(string=shorter.body.decode("utf-8"), base_url=None, url_fetcher=_no_fetch).render()
        if len(doc.pages) > MAX_PAGES:  # no patient data in the log: only the counts
            log.warning("summary PDF has %d pages after every compaction step", len(doc.pages))
        return doc.write_pdf()

    try:
        pdf = request.app.state.pdf_gate.render(body, make_pdf)
    except Busy:
        busy = render(request, "error.html", status_code=503, status=503, title="Busy, please try again",
                      text=f"Many summaries are being made right now. Please try again in "
                           f"{RETRY_AFTER_SECONDS} seconds.")
        busy.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return no_store(busy)
    return no_store(Response(pdf, media_type="application/pdf",
                             headers={"Content-Disposition": 'attachment; filename="mmdecide-summary.pdf"'}))


def _page_ids(html: bytes) -> bytes:
    """The charts' ids numbered from 1 in the page's order. The charts take them from a counter
    for the whole process, so the same page had new ids at every request and the PDF cache,
    keyed by the page, never found a page it had made before."""
    seen: dict[bytes, bytes] = {}
    return _SVG_ID.sub(lambda m: seen.setdefault(m.group(0), b"svg-%d" % (len(seen) + 1)), html)


def _no_fetch(url: str, *args, **kwargs):
    """The PDF is made from the page alone: WeasyPrint may not fetch anything."""
    raise ValueError(f"the summary PDF loads no external resource ({url[:60]})")
