"""Where a person's answers live between pages: a signed cookie in their own browser.

The profile never travels in a URL (so it is not in server logs, browser history or a
``Referer`` header) and nothing is written on the server. The cookie is Starlette's
``SessionMiddleware`` (signed with ``itsdangerous``, so it cannot be changed by hand; HTTP-only,
so page scripts cannot read it; ``SameSite=Strict``, so other sites cannot send it) and expires
after :data:`MAX_AGE_SECONDS`. It holds the answers in the form's own encoding, the answers
before the last change (for the before/after view), the chosen time span, options and "what
matters". It is signed, not encrypted: anyone at the same browser can read it, which is why
every personal page offers "Clear my details".

The signing key is ``MMDECIDE_SESSION_KEY`` when set (needed when several server processes
share the work), else a random key made when the process starts: restarting the server then
forgets every session, which is the safe direction.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from typing import Any

from fastapi import Request
from starlette.responses import Response

from ..personal import PatientProfile
from .profile_form import FIELDS, profile_params, read_profile

__all__ = [
    "COOKIE_NAME",
    "MAX_AGE_SECONDS",
    "ViewChoice",
    "clear",
    "has_profile_query",
    "no_store",
    "previous_profile",
    "secret_key",
    "store_profile",
    "store_view",
    "stored_profile",
    "stored_view",
]

COOKIE_NAME = "mmdecide_session"
#: two hours: long enough to read the results and print the summary, short on a shared computer
MAX_AGE_SECONDS = 2 * 60 * 60
_PROFILE_FIELDS = {f.name for f in FIELDS}


def secret_key(configured: str | None = None) -> str:
    """The signing key: the configured one, ``MMDECIDE_SESSION_KEY``, or a fresh random one."""
    return configured or os.environ.get("MMDECIDE_SESSION_KEY") or secrets.token_urlsafe(32)


def _session(request: Request) -> dict:
    return request.session if "session" in request.scope else {}


def _load(params: Any) -> PatientProfile | None:
    if not isinstance(params, list):
        return None
    pairs = [(str(p[0]), str(p[1])) for p in params if isinstance(p, list) and len(p) == 2]
    multi: dict[str, list[str]] = {}
    for k, v in pairs:
        multi.setdefault(k, []).append(v)
    profile, _, errors = read_profile(multi)
    return None if errors else profile


def stored_profile(request: Request) -> PatientProfile:
    """The profile in the session, or the empty profile (an average person in the trials)."""
    return _load(_session(request).get("profile")) or PatientProfile()


def previous_profile(request: Request) -> PatientProfile | None:
    """The profile before the last change, if the person changed their answers."""
    return _load(_session(request).get("previous"))


def store_profile(request: Request, profile: PatientProfile) -> None:
    """Keep ``profile``; the one it replaces becomes the 'before' of the before/after view."""
    session = request.session
    old = session.get("profile")
    new = [list(p) for p in profile_params(profile)]
    if old is not None and old != new:
        session["previous"] = old
    session["profile"] = new


def clear(request: Request) -> None:
    request.session.clear()


class ViewChoice:
    """The time span, the options shown and what matters, as chosen on the results page."""

    def __init__(self, years: int, options: list[str] | None, matters: list[str]):
        self.years = years
        self.options = options  # None: the default set
        self.matters = matters


def stored_view(request: Request, default_years: int, allowed_years: Iterable[int]) -> ViewChoice:
    data = _session(request).get("view") or {}
    years = data.get("years")
    years = years if isinstance(years, int) and years in set(allowed_years) else default_years
    options = data.get("options")
    options = [str(o) for o in options] if isinstance(options, list) else None
    matters = [str(m) for m in data.get("matters") or [] if isinstance(m, str)]
    return ViewChoice(years, options, matters)


def store_view(request: Request, view: ViewChoice) -> None:
    request.session["view"] = {"years": view.years, "options": view.options, "matters": view.matters}


def has_profile_query(request: Request) -> bool:
    """True for an old link with answers in its address (``/results?age=62&...``)."""
    return any(k in _PROFILE_FIELDS for k in request.query_params)


def no_store(response: Response) -> Response:
    """Personal pages must not be kept by the browser or any cache on the way."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
