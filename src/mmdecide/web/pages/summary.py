"""Printable summary (``/summary``) and the clinic leaflet as a PDF (``/summary.pdf``,
WeasyPrint); both read the answers from the session cookie, never from the address."""

from __future__ import annotations

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
#: profile fields the leaflet sets beside the lenalidomide label's levels instead of in the details list
_LEVEL_FIELDS = ("creatinine_clearance_ml_min", "hemoglobin_g_dl", "neutrophils_10e9_l", "platelets_10e9_l")


def _summary(request: Request, services, inline_css: str | None = None) -> HTMLResponse:
    ctx = page_context(request, services)
    ctx["top_side_effects"] = {ov.option.option: top_side_effects(ov.option, 2) for ov in ctx["view"].options}
    ctx["plain_side_effect"] = plain_side_effect  # the trial's own wording stays on the evidence pages
    ctx["key_sources"] = key_sources(ctx["view"])
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

    def make_pdf() -> bytes:
        return HTML(string=page.body.decode("utf-8"), base_url=None, url_fetcher=_no_fetch).write_pdf()

    try:
        pdf = request.app.state.pdf_gate.render(page.body, make_pdf)
    except Busy:
        busy = render(request, "error.html", status_code=503, status=503, title="Busy, please try again",
                      text=f"Many summaries are being made right now. Please try again in "
                           f"{RETRY_AFTER_SECONDS} seconds.")
        busy.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return no_store(busy)
    return no_store(Response(pdf, media_type="application/pdf",
                             headers={"Content-Disposition": 'attachment; filename="mmdecide-summary.pdf"'}))


def _no_fetch(url: str, *args, **kwargs):
    """The PDF is made from the page alone: WeasyPrint may not fetch anything."""
    raise ValueError(f"the summary PDF loads no external resource ({url[:60]})")
