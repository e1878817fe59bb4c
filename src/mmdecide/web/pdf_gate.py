"""PDF rendering bounded per app: each distinct summary page is rendered once (cached by the
page's content, so the cache holds nothing that is not in that page), and at most
``pdf_concurrency`` renderings run at once. A request beyond that gets :class:`Busy` at once,
which the route answers with 503 and ``Retry-After``: a clear "busy, try again" instead of a
queue that would stall every page (one rendering costs about 2.7 s of CPU)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

from .cache import ByteLRU

__all__ = ["RETRY_AFTER_SECONDS", "Busy", "PdfGate"]

#: What a busy answer asks the browser to wait: about one rendering.
RETRY_AFTER_SECONDS = 5


class Busy(Exception):
    """Every rendering slot is taken; try again in :data:`RETRY_AFTER_SECONDS`."""


class PdfGate:
    def __init__(self, max_bytes: int, concurrency: int):
        self.cache = ByteLRU(max_bytes)
        self._slots = threading.BoundedSemaphore(max(1, concurrency))

    def render(self, html: bytes, make_pdf: Callable[[], bytes]) -> bytes:
        """The PDF of ``html`` from the cache, or made by ``make_pdf`` if a slot is free."""
        key = hashlib.sha256(html).hexdigest()
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        if not self._slots.acquire(blocking=False):
            raise Busy
        try:
            pdf = make_pdf()
        finally:
            self._slots.release()
        self.cache.put(key, pdf, len(pdf))
        return pdf
