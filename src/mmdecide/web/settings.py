"""Settings of the web app: where the evidence and the documentation are read from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
    #: personal estimates kept per app (keyed by profile); a profile's estimate takes ~0.1 s
    estimate_cache_size: int = 128
    #: where people can read the docs when the docs folder is not found (None: name the files)
    docs_url: str | None = None
    #: the key that signs the session cookie (None: MMDECIDE_SESSION_KEY, else random per process)
    session_key: str | None = None
