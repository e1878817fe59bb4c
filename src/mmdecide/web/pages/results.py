"""Your results: the options side by side at a chosen horizon, with charts, sources and the
plain-language summary. The profile is read from the URL (nothing is stored)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...personal import PatientProfile
from ..profile_form import MATTERS, YEARS, describe, profile_params, query, read_choice, read_profile
from ..rendering import SourceList, render
from ..results_view import DURATION_WORDS, build_view, plain_summary
from ..services import Services
from .profile import form_page

router = APIRouter()
DEFAULT_YEARS = 5


def services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(services)]


def read_request(request: Request) -> tuple[PatientProfile | None, int | None, list[str], HTMLResponse | None]:
    """(profile, years, what matters, or an error page) from the query string."""
    profile, raw, errors = read_profile(request.query_params)
    years_raw = request.query_params.get("years", str(DEFAULT_YEARS)).strip()
    years = int(years_raw) if years_raw in {str(y) for y in YEARS} else None
    if years is None:
        errors.append(("years", f"Choose a number of years from {', '.join(map(str, YEARS))}."))
    if errors:
        return None, None, [], form_page(request, raw, errors, status_code=422)
    matters = read_choice(request.query_params, "matters", [k for k, _ in MATTERS])
    return profile, years, matters, None


def page_context(request: Request, services: Services, profile: PatientProfile, years: int,
                 matters: list[str]) -> dict:
    result = services.results(profile)
    view = build_view(result, services.curves(profile), years)
    return {
        "profile": profile, "profile_rows": describe(profile), "hidden": profile_params(profile),
        "years": years, "years_choices": YEARS, "matters": matters, "matters_choices": MATTERS,
        "view": view, "result": result, "plain": plain_summary(result, years),
        "refs": SourceList(services.source_anchor), "duration_words": DURATION_WORDS,
        "query": query(profile, years=years, matters=matters or None),
        "profile_query": query(profile),
    }


@router.get("/results", response_class=HTMLResponse)
def results(request: Request, services: ServicesDep) -> HTMLResponse:
    profile, years, matters, error = read_request(request)
    if error is not None:
        return error
    return render(request, "results.html", **page_context(request, services, profile, years, matters))
