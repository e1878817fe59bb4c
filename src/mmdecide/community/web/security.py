"""Cookies, CSRF and who is logged in, for the community pages.

* The session cookie holds a random token (its hash is the database key): HTTP-only, SameSite=Lax,
  Secure when the request came over https, and scoped to ``/community``.
* CSRF: every form carries a token that must equal the session's (logged in) or the value of a
  separate random cookie (the sign-up and login forms, before there is a session).
* Responses are ``Cache-Control: no-store``, so a shared computer's cache keeps no member data.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ..accounts import Login, client_key
from ..service import Community

__all__ = [
    "CSRF_COOKIE", "SESSION_COOKIE", "check_csrf", "community", "current", "finish", "form_post", "member",
    "member_form",
    "redirect",
    "who",
]

SESSION_COOKIE = "mmdecide_member"  # not the answers cookie of the decision aid (web/session.py)
CSRF_COOKIE = "mmdecide_csrf"
PATH = "/community"


def community(request: Request) -> Community:
    return request.app.state.community


def current(request: Request) -> Login | None:
    """The logged-in member, once per request (cached on the request)."""
    if not hasattr(request.state, "login"):
        token = request.cookies.get(SESSION_COOKIE)
        request.state.login = community(request).accounts.session(token) if token else None
    return request.state.login


def who(request: Request) -> str:
    """The rate-limit key of the client: a hash of its address (no address is stored)."""
    return client_key(request.client.host if request.client else None)


def csrf_token(request: Request) -> str:
    """The token to put in this page's forms (and remember to set the cookie for it)."""
    login = current(request)
    if login is not None:
        return login.csrf
    if not hasattr(request.state, "csrf"):
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    return request.state.csrf


def check_csrf(request: Request, form) -> None:
    sent = str(form.get("csrf") or "")
    login = current(request)
    expected = login.csrf if login is not None else request.cookies.get(CSRF_COOKIE, "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "the form was too old or came from another site")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def finish(request: Request, response: Response) -> Response:
    """Every community response: no caching, and the CSRF cookie if this page made a token."""
    response.headers["Cache-Control"] = "no-store"
    if current(request) is None and hasattr(request.state, "csrf") and \
            request.cookies.get(CSRF_COOKIE) != request.state.csrf:
        response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="lax",
                            secure=_secure(request), path=PATH)
    return response


def set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=_secure(request),
                        path=PATH, max_age=community(request).config.session_hours * 3600)


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=PATH)


def redirect(request: Request, to: str) -> Response:
    return finish(request, RedirectResponse(to, status_code=303))


def member(request: Request, consented: bool = True):
    """(the logged-in member, None), or (None, a redirect to log in or, when ``consented`` is
    asked for, to the consent page)."""
    login = current(request)
    if login is None:
        return None, redirect(request, "/community/login")
    if consented and not login.consented:
        return None, redirect(request, "/community/consent")
    return login, None


def member_form(request: Request, form: FormData, consented: bool = True):
    """A member's form post: its CSRF token checked, then (member, None) or (None, where to send
    them): the one prologue of every community form handler."""
    check_csrf(request, form)
    return member(request, consented)


def form_post(handler: Callable[[Request, FormData], Response]):
    """An ``async`` route that reads the form, then runs ``handler(request, form)`` in the thread
    pool: the handlers wait on the database and hash passwords, which on the event loop would
    stall every other request of the worker meanwhile."""
    async def route(request: Request) -> Response:
        form = await request.form()
        return await run_in_threadpool(handler, request, form)

    route.__name__, route.__doc__, route.__qualname__ = handler.__name__, handler.__doc__, handler.__qualname__
    return route
