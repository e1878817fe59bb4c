"""An optional per-client rate limit for the JSON API (``/api/v1``): a token bucket per address.

Each client address has a bucket of ``per_minute`` tokens, refilled continuously at
``per_minute / 60`` tokens a second; a request takes one token, and a request that finds the
bucket empty gets 429 with ``Retry-After`` (whole seconds until a token is back) and a one-line
JSON body in the API's error shape. The pages are not limited (a person filling in the form makes
a handful of requests), only the API, where a script can ask for many estimates.

Off by default: behind a reverse proxy every request may come from the proxy's one address
unless the proxy sends ``X-Forwarded-For`` and uvicorn trusts it (``--forwarded-allow-ips``), and
the load benchmark and the API tests send many requests from one address. Switch it on with
``mmdecide serve --api-rate-limit N`` or the environment variable ``MMDECIDE_API_RATE_LIMIT=N``
(requests per minute per client address). Each worker process keeps its own buckets, so with
``--workers W`` a client may get up to W times N a minute.

Written here rather than taken from a library: slowapi and limits count fixed or moving windows
per route through decorators (not a token bucket over a mounted sub-application), and the bucket
is a few lines of arithmetic. The buckets are bounded in number (least recently seen address
dropped first; a dropped address starts again with a full bucket).
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["RATE_LIMIT_ENV", "ApiRateLimit", "TokenBuckets", "rate_limit_from_env"]

#: ``mmdecide serve --api-rate-limit`` passes the limit to the app (and every worker) here.
RATE_LIMIT_ENV = "MMDECIDE_API_RATE_LIMIT"
MAX_PER_MINUTE = 1_000_000


def rate_limit_from_env() -> int | None:
    """Requests per minute per client from :data:`RATE_LIMIT_ENV` (unset, empty or 0: no limit)."""
    raw = os.environ.get(RATE_LIMIT_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > MAX_PER_MINUTE:
        raise ValueError(f"{RATE_LIMIT_ENV}: must be a whole number of requests per minute from 0 to "
                         f"{MAX_PER_MINUTE}, got {raw[:40]!r}")
    return int(raw) or None


class TokenBuckets:
    """One bucket of ``capacity`` tokens per key, refilled at ``capacity / 60`` a second."""

    def __init__(self, per_minute: int, max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic):
        if per_minute < 1:
            raise ValueError("per_minute: must be at least 1")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when there was one, else the seconds until there is."""
        with self._lock:
            now = self.clock()
            tokens, when = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - when) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens, now)  # most recently seen last
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return wait


class ApiRateLimit:
    """ASGI middleware: 429 for a client over its limit on paths under ``prefix``."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets, prefix: str = "/api/v1"):
        self.app = app
        self.buckets = buckets
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == self.prefix or path.startswith(self.prefix + "/")):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "unknown")
        if wait <= 0.0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        body = json.dumps({"detail": [{"field": "client", "rule": "rate-limit",
                                       "message": f"too many requests from this address; try again in {retry} s"}]})
        await send({"type": "http.response.start", "status": 429,
                    "headers": [(b"content-type", b"application/json"), (b"retry-after", str(retry).encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body.encode()})
