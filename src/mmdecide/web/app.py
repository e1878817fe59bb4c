"""The app factory: ``create_app(settings)`` builds one app with its own evidence base.

Nothing is built at import time. Pages are routers per area (``mmdecide.web.pages``), the JSON
API is a sub-application mounted at ``/api/v1`` with its own OpenAPI document and no CDN-loaded
docs page. Errors render in the site layout (pages) or as JSON (API); a stack trace never
reaches a user.
"""

from __future__ import annotations

import logging
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import access_log
from .pdf_gate import PdfGate
from .ratelimit import ApiRateLimit, TokenBuckets
from .rendering import make_env, render
from .security import SecurityHeaders
from .services import Services
from .session import COOKIE_NAME, MAX_AGE_SECONDS, secret_key
from .settings import Settings

__all__ = ["create_app"]

log = logging.getLogger("mmdecide.web")

_TITLES = {
    404: ("Page not found", "We could not find that page. It may have moved, or the address may have a typo."),
    405: ("Not allowed", "This page cannot be used that way."),
    413: ("Too much data", "The form sent more data than this tool accepts."),
    422: ("Please check what you entered", "Something in the address or the form could not be read."),
    500: ("Something went wrong", "The tool had a problem showing this page. Nothing you entered was saved."),
}


class _BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 (checked as the body is read, so a
    chunked body without a Content-Length is limited too)."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes)
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if too_big:
                raise StarletteHTTPException(413, "request body too large")
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise StarletteHTTPException(413, "request body too large")
            return message

        await self.app(scope, limited, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app: evidence loaded from ``settings.evidence_dir`` (default: the shipped evidence).

    >>> app = create_app()
    >>> app.state.services.facts.n_files > 0
    True
    """
    settings = settings or Settings()
    app = FastAPI(title="mmdecide", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.services = Services(settings)
    app.state.templates = make_env()
    app.state.people_templates = make_env(for_people=True)
    app.state.pdf_gate = PdfGate(settings.pdf_cache_bytes, settings.pdf_concurrency)

    from .api import create_api
    from .pages import about, calibration, evidence, home, methods, profile, results, summary

    for module in (home, profile, results, summary, evidence, methods, calibration, about):
        app.include_router(module.router)
    from ..community.web import install as install_community

    install_community(app)  # the community pages (their database opens on first use)
    app.mount("/api/v1", create_api(app.state.services))
    app.mount("/static", StaticFiles(directory=str(resources.files("mmdecide") / "web" / "static")), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/v1"):  # e.g. a %0A in the path: no mount matched
            return JSONResponse({"detail": [{"field": "path", "rule": "not-found" if exc.status_code == 404
                                             else "http", "message": str(exc.detail)}]},
                                status_code=exc.status_code, headers=exc.headers)
        page = _error_page(request, exc.status_code)
        page.headers.update(exc.headers or {})  # e.g. Allow on 405
        return page

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> HTMLResponse:
        return _error_page(request, 422)

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception) -> HTMLResponse:
        log.exception("error on %s", request.url.path)
        return _error_page(request, 500)

    app.add_middleware(_BodyLimit, max_bytes=settings.max_body_bytes)
    # the answers live in a signed cookie in the person's browser, never on the server (session.py)
    app.add_middleware(SessionMiddleware, secret_key=secret_key(settings.session_key),
                       session_cookie=COOKIE_NAME, max_age=MAX_AGE_SECONDS, same_site="strict")
    # an estimate is ~230 kB of JSON; gzip makes it ~8x smaller. Level 6 (zlib's default): 30 kB
    # in 2.6 ms, where level 9 (starlette's default) gives 29 kB in 3.6 ms
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    if settings.api_rate_limit:
        app.add_middleware(ApiRateLimit, buckets=TokenBuckets(settings.api_rate_limit))
    if settings.allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(SecurityHeaders)  # added last: outermost, so every response has them
    access_log.install()
    return app


def _error_page(request: Request, status: int) -> HTMLResponse:
    title, text = _TITLES.get(status, (f"Error {status}", "The request could not be completed."))
    try:
        return render(request, "error.html", status_code=status, title=title, text=text, status=status)
    except Exception:  # the layout itself failed: a bare page, still without a stack trace
        log.exception("error page failed")
        return HTMLResponse(f"<!doctype html><html lang='en'><title>{title}</title><h1>{title}</h1>",
                            status_code=status)
