"""Settings of the community, read from the environment with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from .db import default_url
from .errors import CommunityInputError

__all__ = ["CommunityConfig"]


def _env_int(name: str, default: int, low: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < low:
        raise CommunityInputError(f"{name}: must be a whole number of at least {low}, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class CommunityConfig:
    database_url: str = field(default_factory=default_url)
    #: the smallest number of members behind any aggregate number shown (k-anonymity)
    k: int = 10
    #: login and sign-up attempts allowed per client address in one window
    login_attempts: int = 10
    signup_attempts: int = 5
    rate_window_seconds: int = 15 * 60
    session_hours: int = 12
    #: argon2id cost (argon2-cffi's defaults, RFC 9106 low-memory profile); tests lower them
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    #: how often the snapshot behind the aggregates is made again (seconds; ten times the time it
    #: took to read, if longer), by one worker for all, in the background; it is published only
    #: when at least k members changed (see published.py); 0 reads the database afresh for every
    #: aggregate, for tests (then nothing is published, so views over time are not defended)
    aggregate_cache_seconds: int = 60
    #: make the snapshot in a child process (the default), so the worker's requests never wait
    #: on it; tests make it in the process, to look inside
    aggregate_build_process: bool = True
    #: how long a request waits for the very first snapshot before "being prepared" (seconds)
    aggregate_first_wait_seconds: float = 1.0
    #: the longest story, in characters
    story_max_chars: int = 2000

    def with_k(self, k: int) -> CommunityConfig:
        return replace(self, k=k)

    @classmethod
    def from_env(cls) -> CommunityConfig:
        """``MMDECIDE_DATABASE_URL`` / ``MMDECIDE_DATA_DIR`` (see :mod:`.db`) and
        ``MMDECIDE_COMMUNITY_K`` (at least 2: a cell of one member is that member)."""
        return cls(k=_env_int("MMDECIDE_COMMUNITY_K", 10, 2))
