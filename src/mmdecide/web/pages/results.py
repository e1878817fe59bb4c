"""Your results: the answer for this person first (one card per option: benefit, harms,
evidence), then the layers that explain it. The profile comes from the signed session cookie
(``session.py``), never from the address; the time span, the options shown and "what matters"
are posted back and kept in the same cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...report.option_words import DURATION_WORDS, NOT_OFFERED_WORDS, effect_words
from ..profile_form import (
    FIELDS,
    MATTERS,
    WHATIF_FIELDS,
    YEARS,
    changes,
    describe,
    profile_params,
    read_choice,
    read_profile,
)
from ..rendering import SourceList, render
from ..results_view import (
    before_after,
    build_view,
    clinic_questions,
    default_options,
    plain_summary,
    with_options,
)
from ..services import Services
from ..session import (
    has_profile_query,
    no_store,
    previous_profile,
    store_profile,
    store_view,
    stored_profile,
    stored_view,
)

router = APIRouter()
DEFAULT_YEARS = 5


def services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(services)]


def old_link() -> Response:
    """An old address with answers in it: the answers are dropped, never read or echoed."""
    return no_store(RedirectResponse("/profile?old-link=1", status_code=303))


#: session key of a what-if change that could not be made (shown once, on the next page)
_WHATIF_ERROR = "whatif_error"


def page_context(request: Request, services: Services) -> dict:
    profile = stored_profile(request)
    choice = stored_view(request, DEFAULT_YEARS, YEARS)
    result = services.results(profile)
    offered = [o.option for o in result.options]
    shown = [o for o in (choice.options or default_options(result)) if o in offered]
    shown_result = with_options(result, shown)
    view = build_view(shown_result, with_options(services.curves(profile), shown), choice.years)
    before = previous_profile(request)
    comparison = None
    if before is not None and before != profile:
        comparison = {"changes": changes(before, profile),
                      "rows": before_after(services.results(before), result, shown, choice.years)}
    return {
        "profile": profile, "profile_rows": describe(profile), "years": choice.years,
        "years_choices": YEARS, "matters": choice.matters, "matters_choices": MATTERS,
        "view": view, "result": shown_result, "all_options": result.options, "shown": shown,
        "plain": plain_summary(shown_result, choice.years), "comparison": comparison,
        "refs": SourceList(services.source_anchor), "duration_words": DURATION_WORDS,
        "not_offered_words": NOT_OFFERED_WORDS, "effect_words": effect_words,
        "whatif_fields": [f for f in FIELDS if f.name in WHATIF_FIELDS],
        "known": profile.known_fields(), "clinic_questions": clinic_questions(profile),
        "whatif_error": request.session.pop(_WHATIF_ERROR, None),
    }


@router.get("/results", response_class=HTMLResponse)
def results(request: Request, services: ServicesDep) -> Response:
    if has_profile_query(request):
        return old_link()
    return no_store(render(request, "results.html", **page_context(request, services)))


@router.post("/results")
async def results_choose(request: Request, services: ServicesDep) -> Response:
    """The time span, the options to show and what matters: kept, then the page again."""
    form = await request.form()
    choice = stored_view(request, DEFAULT_YEARS, YEARS)
    years = str(form.get("years", "")).strip()
    if years in {str(y) for y in YEARS}:
        choice.years = int(years)
    if form.get("set_options"):
        offered = [o.option for o in services.results(stored_profile(request)).options]
        choice.options = ["observation", *(o for o in read_choice(form, "option", offered) if o != "observation")]
    if form.get("set_matters"):
        choice.matters = read_choice(form, "matters", [k for k, _ in MATTERS])
    if form.get("forget_before"):
        request.session.pop("previous", None)
    store_view(request, choice)
    target = "/summary" if form.get("next") == "summary" else "/results"
    return no_store(RedirectResponse(target, status_code=303))


@router.post("/whatif")
async def whatif(request: Request) -> Response:
    """Change one answer (``change=field:value``) and see the numbers before and after."""
    form = await request.form()
    name, _, value = str(form.get("change", "")).partition(":")
    if name in WHATIF_FIELDS:
        params = [(k, v) for k, v in profile_params(stored_profile(request)) if k != name]
        if value.strip():
            params.append((name, value.strip()))
        multi: dict[str, list[str]] = {}
        for k, v in params:
            multi.setdefault(k, []).append(v)
        profile, _, errors = read_profile(multi)
        if profile is not None and not errors:
            store_profile(request, profile)
        else:  # said on the page, not dropped in silence (e.g. MRD-negative after a partial response)
            request.session[_WHATIF_ERROR] = "; ".join(message for _, message in errors)[:500]
            return no_store(RedirectResponse("/results#whatif-error", status_code=303))
    return no_store(RedirectResponse("/results#before-after", status_code=303))
