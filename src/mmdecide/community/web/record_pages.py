"""Community pages for a member's own records (timeline, add, delete) and the aggregates."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from ..aggregates import DOSE_CHOICES, LAB_BINS, SINCE_TRANSPLANT, Filters
from ..errors import CommunityInputError, NotAllowed, NotFound, NotReady
from ..terms import (
    AGE_BANDS,
    CTCAE_URL,
    CTCAE_VERSION,
    DOSE_CHANGE_REASONS,
    LAB_KINDS,
    REGIMENS,
    RISK_GROUPS,
    SCHEDULES,
    SECOND_CANCER_TYPES,
    SIDE_EFFECT_TERMS,
)
from .account_pages import page
from .chart import lab_chart
from .security import check_csrf, community, current, form_post, member, member_form, redirect

router = APIRouter(prefix="/community")

TERMS = {"regimens": REGIMENS, "schedules": SCHEDULES, "reasons": DOSE_CHANGE_REASONS,
         "side_effects": SIDE_EFFECT_TERMS, "cancers": SECOND_CANCER_TYPES, "labs": LAB_KINDS,
         "risks": RISK_GROUPS, "age_bands": AGE_BANDS, "since_transplant": SINCE_TRANSPLANT,
         "ctcae_version": CTCAE_VERSION, "ctcae_url": CTCAE_URL, "lab_bins": LAB_BINS,
         "dose_choices": {dose: f"{dose} mg" for dose in DOSE_CHOICES}}


def _charts(timeline: dict) -> list[dict]:
    today = date.today()
    periods = [(date.fromisoformat(p["start"]), date.fromisoformat(p["stop"]) if p["stop"] else today)
               for p in timeline["period"]]
    out = []
    for kind, spec in LAB_KINDS.items():
        rows = [r for r in timeline["lab"] if r["kind"] == kind]
        if rows:
            points = [(date.fromisoformat(r["day"]), r["value"]) for r in rows]
            out.append({"kind": kind, "label": spec.label, "unit": spec.unit, "rows": rows,
                        "svg": lab_chart(spec.label, spec.unit, points, periods)})
    return out


def _me(request: Request, status: int = 200, error: str | None = None, form: dict | None = None) -> Response:
    login = current(request)
    timeline = community(request).entries.timeline(login.member_id)
    return page(request, "me.html", status, title="Your timeline", timeline=timeline,
                charts=_charts(timeline), error=error, form=form or {}, today=date.today().isoformat(),
                **TERMS)


@router.get("/me")
def me(request: Request) -> Response:
    _login, away = member(request)
    return away or _me(request)


@router.post("/entries/add")
@form_post
def add_entry(request: Request, form: FormData) -> Response:
    login, away = member_form(request, form)
    if away:
        return away
    fields = {k: v for k, v in form.items() if k not in ("csrf", "entry")}
    try:
        community(request).entries.add(login.member_id, str(form.get("entry") or ""), fields)
    except NotFound:
        raise HTTPException(404) from None
    except CommunityInputError as exc:
        return _me(request, 422, error=str(exc), form={"entry": form.get("entry"), **fields})
    return redirect(request, "/community/me")


def _edit_page(request: Request, kind: str, entry_id, values: dict, status: int = 200,
               error: str | None = None) -> Response:
    timeline = community(request).entries.timeline(current(request).member_id)
    return page(request, "edit.html", status, title="Change an entry", kind=kind, entry_id=entry_id,
                values=values, error=error, periods=timeline["period"], today=date.today().isoformat(),
                **TERMS)


@router.post("/entries/edit")
@form_post
def edit_form(request: Request, form: FormData) -> Response:
    """The form to change one entry (a POST, so the entry's id stays out of the address)."""
    login, away = member_form(request, form)
    if away:
        return away
    kind = str(form.get("entry") or "")
    try:
        values = community(request).entries.get(login.member_id, kind, form.get("id"))
    except NotFound:
        raise HTTPException(404) from None
    return _edit_page(request, kind, values["id"], values)


@router.post("/entries/save")
@form_post
def save_entry(request: Request, form: FormData) -> Response:
    login, away = member_form(request, form)
    if away:
        return away
    kind = str(form.get("entry") or "")
    fields = {k: v for k, v in form.items() if k not in ("csrf", "entry", "id")}
    try:
        community(request).entries.edit(login.member_id, kind, form.get("id"), fields)
    except NotFound:
        raise HTTPException(404) from None
    except CommunityInputError as exc:
        return _edit_page(request, kind, form.get("id"), fields, 422, error=str(exc))
    return redirect(request, "/community/me")


@router.post("/entries/delete")
@form_post
def delete_entry(request: Request, form: FormData) -> Response:
    login, away = member_form(request, form)
    if away:
        return away
    try:
        community(request).entries.delete(login.member_id, str(form.get("entry") or ""), form.get("id"))
    except NotFound:
        raise HTTPException(404) from None
    return redirect(request, "/community/me")


@router.post("/about")
@form_post
def about(request: Request, form: FormData) -> Response:
    login, away = member_form(request, form)
    if away:
        return away
    try:
        community(request).entries.set_about(login.member_id, form.get("age_band"), form.get("risk"),
                                             form.get("transplant_month"))
    except CommunityInputError as exc:
        return _me(request, 422, error=str(exc))
    return redirect(request, "/community/me")


@router.post("/story")
@form_post
def story(request: Request, form: FormData) -> Response:
    login, away = member_form(request, form)
    if away:
        return away
    try:
        community(request).entries.add_story(login.member_id, form.get("text"), form.get("share") == "yes")
    except (CommunityInputError, NotAllowed) as exc:
        return _me(request, 422, error=str(exc), form={"entry": "story", "text": form.get("text")})
    return redirect(request, "/community/me")


#: seconds a visitor is asked to wait when the figures are still being prepared
RETRY_AFTER = 10


def _aggregates(request: Request, filters: Filters, status: int = 200, error: str | None = None) -> Response:
    try:
        agg = community(request).aggregate(filters)
    except NotReady:  # a plain page at once, rather than a request stalled for the first snapshot
        response = page(request, "preparing.html", 503, title="Members like you", retry=RETRY_AFTER)
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response
    return page(request, "aggregates.html", status, title="Members like you", agg=agg, error=error,
                filters=filters, **TERMS)


@router.get("/aggregates")
def aggregates_all(request: Request) -> Response:
    if current(request) is None:
        return redirect(request, "/community/login")
    return _aggregates(request, Filters())


@router.post("/aggregates")
@form_post
def aggregates(request: Request, form: FormData) -> Response:
    check_csrf(request, form)
    if current(request) is None:
        return redirect(request, "/community/login")
    try:
        filters = Filters.parse(dict(form))
    except CommunityInputError as exc:
        return _aggregates(request, Filters(), 422, error=str(exc))
    return _aggregates(request, filters)
