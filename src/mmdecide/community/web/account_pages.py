"""Community pages about the account: start and privacy, sign-up, login, logout, consent,
password change, export and deletion. Every change is a POST form with a CSRF token; nothing a
member enters goes into an address or a log line."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from ...web.rendering import render
from ..consent import CONSENT_TEXT, CONSENT_VERSION
from ..errors import CommunityInputError, NotAllowed
from .security import (
    SESSION_COOKIE,
    check_csrf,
    clear_session,
    community,
    csrf_token,
    current,
    finish,
    form_post,
    member_form,
    redirect,
    set_session,
    who,
)

router = APIRouter(prefix="/community")

#: the sign-up form's hidden field that people never see or fill; bots that fill every field do
HONEYPOT = "website"


def page(request: Request, template: str, status: int = 200, **ctx) -> Response:
    ctx.setdefault("title", "Community")
    response = render(request, f"community/{template}", status_code=status, login=current(request),
                      csrf=csrf_token(request), k=community(request).config.k, **ctx)
    return finish(request, response)


@router.get("")
def index(request: Request) -> Response:
    return page(request, "index.html", title="Community: members share their experience")


@router.get("/signup")
def signup_form(request: Request) -> Response:
    return page(request, "signup.html", title="Join the community", error=None, handle="")


@router.post("/signup")
@form_post
def signup(request: Request, form: FormData) -> Response:
    check_csrf(request, form)
    handle = str(form.get("handle") or "")
    c = community(request)
    try:
        if form.get(HONEYPOT):
            raise NotAllowed("sign-up: this could not be completed")
        if form.get("password") != form.get("password2"):
            raise CommunityInputError("repeat password: the two passwords are not the same")
        c.accounts.sign_up(handle, str(form.get("password") or ""), who=who(request))
        token, _ = c.accounts.log_in(handle, str(form.get("password") or ""), who=who(request))
    except (CommunityInputError, NotAllowed) as exc:
        return page(request, "signup.html", 422 if isinstance(exc, CommunityInputError) else 429,
                    title="Join the community", error=str(exc), handle=handle)
    response = redirect(request, "/community/consent")
    set_session(request, response, token)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return page(request, "login.html", title="Log in", error=None)


@router.post("/login")
@form_post
def login(request: Request, form: FormData) -> Response:
    check_csrf(request, form)
    try:
        token, who_ = community(request).accounts.log_in(
            str(form.get("handle") or ""), str(form.get("password") or ""), who=who(request))
    except NotAllowed as exc:
        return page(request, "login.html", 401, title="Log in", error=str(exc))
    response = redirect(request, "/community/me" if who_.consented else "/community/consent")
    set_session(request, response, token)
    return response


@router.post("/logout")
@form_post
def logout(request: Request, form: FormData) -> Response:
    check_csrf(request, form)
    community(request).accounts.log_out(request.cookies.get(SESSION_COOKIE))
    response = redirect(request, "/community")
    clear_session(response)
    return response


@router.get("/consent")
def consent_form(request: Request) -> Response:
    if current(request) is None:
        return redirect(request, "/community/login")
    return page(request, "consent.html", title="Before you share", text=CONSENT_TEXT,
                version=CONSENT_VERSION, error=None)


@router.post("/consent")
@form_post
def consent(request: Request, form: FormData) -> Response:
    login, away = member_form(request, form, consented=False)
    if away:
        return away
    try:
        if form.get("agree") != "yes":
            raise CommunityInputError("consent: tick the box to agree, or leave this page")
        community(request).accounts.give_consent(login.member_id, str(form.get("version") or ""))
    except CommunityInputError as exc:
        return page(request, "consent.html", 422, title="Before you share", text=CONSENT_TEXT,
                    version=CONSENT_VERSION, error=str(exc))
    return redirect(request, "/community/me")


@router.get("/account")
def account_page(request: Request) -> Response:
    if current(request) is None:
        return redirect(request, "/community/login")
    return page(request, "account.html", title="Your account", error=None, done=None)


@router.post("/password")
@form_post
def password(request: Request, form: FormData) -> Response:
    login, away = member_form(request, form, consented=False)
    if away:
        return away
    try:
        community(request).accounts.change_password(
            login.member_id, str(form.get("old") or ""), str(form.get("new") or ""))
    except (CommunityInputError, NotAllowed) as exc:
        return page(request, "account.html", 422, title="Your account", error=str(exc), done=None)
    response = redirect(request, "/community/login")  # every session ended: log in again
    clear_session(response)
    return response


@router.post("/delete")
@form_post
def delete_account(request: Request, form: FormData) -> Response:
    login, away = member_form(request, form, consented=False)
    if away:
        return away
    try:
        community(request).delete_account(login.member_id, str(form.get("password") or ""))
    except NotAllowed as exc:
        return page(request, "account.html", 422, title="Your account", error=str(exc), done=None)
    request.state.login = None
    response = page(request, "deleted.html", title="Your account was deleted")
    clear_session(response)
    return response


@router.get("/export.json")
def export_json(request: Request) -> Response:
    login = current(request)
    if login is None:
        return redirect(request, "/community/login")
    body = json.dumps(community(request).entries.timeline(login.member_id), indent=2)
    return finish(request, Response(body, media_type="application/json", headers={
        "Content-Disposition": 'attachment; filename="mmdecide-my-data.json"'}))


@router.get("/export.csv")
def export_csv(request: Request) -> Response:
    login = current(request)
    if login is None:
        return redirect(request, "/community/login")
    body = community(request).entries.export_csv(login.member_id)
    return finish(request, Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="mmdecide-my-data.csv"'}))
