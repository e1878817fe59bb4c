"""Settings of the web app: where the evidence and the documentation are read from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .ratelimit import rate_limit_from_env
from .security import allowed_hosts_from_env

__all__ = ["Settings", "default_docs_dir"]


def default_docs_dir() -> Path | None:
    """The repository's ``docs/`` folder when running from a checkout, else None.

    The methods page renders these Markdown files at run time rather than a copy of their text,
    so the page cannot drift from the documentation.
    """
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "docs" / "methods.md"
        if candidate.is_file():
            return candidate.parent
    return None


@dataclass(frozen=True)
class Settings:
    """``evidence_dir`` None means the evidence shipped with the package; ``docs_dir`` None means
    the repository's docs folder if there is one (the methods page links to it otherwise)."""

    evidence_dir: Path | None = None
    docs_dir: Path | None = field(default_factory=default_docs_dir)
    #: the largest request body the app reads (bytes); larger ones get 413 before parsing
    max_body_bytes: int = 64 * 1024
    #: memory for personal estimates kept per app (keyed by profile and horizons; a profile's
    #: estimate takes ~0.2 s and ~0.1 MB per horizon): 64 MB holds about 50 profiles' pages
    estimate_cache_bytes: int = 64 * 1024 * 1024
    #: memory for rendered summary PDFs (keyed by the page's content; one is ~0.1 MB, ~2.7 s CPU)
    pdf_cache_bytes: int = 16 * 1024 * 1024
    #: PDFs rendered at the same time; more requests get 503 "busy, try again" at once
    pdf_concurrency: int = 2
    #: where people can read the docs when the docs folder is not found (None: name the files)
    docs_url: str | None = None
    #: Host header names the app answers (others get 400); None answers any, which is safe only
    #: on 127.0.0.1. ``mmdecide serve --host`` sets it (environment variable MMDECIDE_ALLOWED_HOSTS).
    allowed_hosts: tuple[str, ...] | None = field(default_factory=allowed_hosts_from_env)
    #: the key that signs the session cookie (None: MMDECIDE_SESSION_KEY, else random per process)
    session_key: str | None = None
    #: API requests per minute per client address (token bucket, ``ratelimit``); None: no limit.
    #: ``mmdecide serve --api-rate-limit`` sets it (environment variable MMDECIDE_API_RATE_LIMIT).
    api_rate_limit: int | None = field(default_factory=rate_limit_from_env)
