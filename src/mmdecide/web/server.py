"""Run the web app with uvicorn (``mmdecide serve`` calls this).

On 127.0.0.1 (the default) only this computer can reach the app. Listening on another address
exposes it to the network: the app then answers only to the Host names allowed (DNS-rebinding
and Host-header attacks get 400), and ``0.0.0.0`` (every interface) gets a warning. Several
worker processes (``workers``) use both cores of a small server; each loads the evidence once.
"""

from __future__ import annotations

import ipaddress
import os

from .ratelimit import RATE_LIMIT_ENV
from .security import ALLOWED_HOSTS_ENV

__all__ = ["allowed_hosts_for", "exposure_warning", "serve"]

LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts_for(host: str, extra: list[str] | None = None) -> list[str] | None:
    """The Host allow-list for listening on ``host``: None (any) on loopback without extra
    names; else the local names, ``host`` itself unless it is a wildcard, and ``extra``."""
    extra = [h.strip().lower() for h in (extra or []) if h.strip()]
    if is_loopback(host) and not extra:
        return None
    names = list(LOCAL_NAMES)
    if host not in ("0.0.0.0", "::") and host not in names:
        names.append(host.lower())
    return names + [h for h in extra if h not in names]


def exposure_warning(host: str, allowed: list[str] | None) -> str | None:
    """A warning to print before serving beyond this computer, or None."""
    if is_loopback(host):
        return None
    names = ", ".join(allowed or [])
    if host in ("0.0.0.0", "::"):
        return (f"warning: listening on every network interface ({host}); anyone who can reach this "
                f"computer can use the app. It answers only to Host names {names}; add the public "
                "name with --allowed-host NAME, and put it behind HTTPS (a reverse proxy).")
    return (f"warning: listening on {host}, reachable from the network; it answers only to Host names "
            f"{names}. Serve it behind HTTPS (a reverse proxy).")


def serve(host: str = "127.0.0.1", port: int = 8000, reload: bool = False, workers: int = 1,
          allowed_hosts: list[str] | None = None, api_rate_limit: int | None = None) -> None:
    """Serve ``create_app()`` at http://host:port (the app is built by uvicorn's factory mode,
    so nothing is built at import time and every worker builds its own). ``api_rate_limit``:
    API requests per minute per client address in each worker (None: no limit)."""
    import uvicorn

    if allowed_hosts:
        os.environ[ALLOWED_HOSTS_ENV] = ",".join(allowed_hosts)  # read by Settings in each worker
    if api_rate_limit:
        os.environ[RATE_LIMIT_ENV] = str(api_rate_limit)
    uvicorn.run("mmdecide.web.app:create_app", factory=True, host=host, port=port, reload=reload,
                workers=workers if workers > 1 else None)
