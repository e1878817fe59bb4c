"""About you: the profile form. A valid POST redirects to /results with the profile in the URL;
an invalid one re-renders the form with each message beside its field (status 422)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..profile_form import FIELDS, query, read_profile
from ..rendering import render

router = APIRouter()


def form_page(request: Request, raw: dict, errors: list[tuple[str, str]], status_code: int = 200) -> HTMLResponse:
    by_field: dict[str, list[str]] = {}
    for field, message in errors:
        by_field.setdefault(field, []).append(message)
    return render(request, "profile.html", status_code=status_code, fields=FIELDS, raw=raw,
                  errors=by_field, error_list=errors)


@router.get("/profile", response_class=HTMLResponse)
def profile_form(request: Request) -> HTMLResponse:
    """The form, filled in from the query string (so "change my answers" keeps them)."""
    _, raw, _ = read_profile(request.query_params)
    return form_page(request, raw, [])


@router.post("/profile")
async def profile_submit(request: Request) -> Response:
    form = await request.form()
    profile, raw, errors = read_profile(form)
    if profile is None:
        return form_page(request, raw, errors, status_code=422)
    return RedirectResponse(f"/results?{query(profile)}", status_code=303)
