"""About you: the profile form. A valid POST keeps the answers in the signed session cookie and
redirects to /results (no answer in any address); an invalid one re-renders the form with each
message beside its field (status 422). "Clear my details" empties the cookie."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..profile_form import FIELDS, profile_params, read_profile
from ..rendering import render
from ..session import clear, no_store, store_profile, stored_profile

router = APIRouter()


def form_page(request: Request, raw: dict, errors: list[tuple[str, str]], status_code: int = 200) -> HTMLResponse:
    by_field: dict[str, list[str]] = {}
    for field, message in errors:
        by_field.setdefault(field, []).append(message)
    page = render(request, "profile.html", status_code=status_code, fields=FIELDS, raw=raw,
                  errors=by_field, error_list=errors)
    return no_store(page)


def _raw_of(request: Request) -> dict:
    """The stored answers as the form shows them."""
    multi: dict[str, list[str]] = {}
    for k, v in profile_params(stored_profile(request)):
        multi.setdefault(k, []).append(v)
    return read_profile(multi)[1]


@router.get("/profile", response_class=HTMLResponse)
def profile_form(request: Request) -> HTMLResponse:
    """The form, filled in with the answers kept in this browser's session (if any)."""
    return form_page(request, _raw_of(request), [])


@router.post("/profile")
async def profile_submit(request: Request) -> Response:
    form = await request.form()
    profile, raw, errors = read_profile(form)
    if profile is None:
        return form_page(request, raw, errors, status_code=422)
    store_profile(request, profile)
    return no_store(RedirectResponse("/results", status_code=303))


@router.post("/profile/clear")
def profile_clear(request: Request) -> Response:
    """Forget everything this browser's session holds, then show the start page."""
    clear(request)
    return no_store(RedirectResponse("/?cleared=1", status_code=303))
