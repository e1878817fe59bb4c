"""Security headers on every response, and the Host-header allow-list.

The pages need nothing from another origin and run no script: the stylesheet is
``/static/style.css``, charts are inline SVG drawn with presentation attributes (``fill``,
``stroke``), never ``style=`` attributes or ``<script>``. So the policy can be the strictest
one: everything from this origin only, no inline script or style, no framing, no form posts
elsewhere, and no referrer sent when a person follows a link to a publication.

The headers are set in a pure ASGI middleware (not ``BaseHTTPMiddleware``) so they are also
on responses of the mounted ``/api/v1`` and ``/static`` apps and on error pages.
"""

from __future__ import annotations

import logging
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ALLOWED_HOSTS_ENV", "SECURITY_HEADERS", "SecurityHeaders", "allowed_hosts_from_env"]

log = logging.getLogger("mmdecide.web")

#: ``mmdecide serve`` passes the Host allow-list to the app (and to every worker process) here.
ALLOWED_HOSTS_ENV = "MMDECIDE_ALLOWED_HOSTS"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every HTTP response (a header the app set itself wins)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def allowed_hosts_from_env() -> tuple[str, ...] | None:
    """The Host names the app answers to (None: any, which is only safe on 127.0.0.1)."""
    raw = os.environ.get(ALLOWED_HOSTS_ENV, "").strip()
    if not raw:
        return None
    return tuple(h.strip().lower() for h in raw.split(",") if h.strip())
