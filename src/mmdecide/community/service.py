"""One object per app that holds the community's database, accounts and entries.

The database is opened on first use, not when the app is built, so the web app (and its tests)
never create a database file unless someone uses the community pages. SQLite is migrated on
first use; PostgreSQL is migrated on first use too, under an advisory lock, so several workers
starting together do not race (``mmdecide db upgrade`` does the same ahead of time).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import date

from .accounts import Accounts
from .aggregates import Aggregate, Filters, aggregate
from .config import CommunityConfig
from .db import Database
from .entries import Entries
from .stories import Stories

__all__ = ["Community"]


class Community:
    def __init__(self, config: CommunityConfig | None = None):
        self.config = config or CommunityConfig.from_env()
        self._lock = threading.Lock()
        self._db: Database | None = None
        self._cache: OrderedDict[tuple, tuple[float, Aggregate]] = OrderedDict()
        #: a lock per key being computed (one computation per key at a time)
        self._computing: dict[tuple, threading.Lock] = {}

    @property
    def db(self) -> Database:
        if self._db is None:
            with self._lock:
                if self._db is None:
                    db = Database(self.config.database_url)
                    db.upgrade()
                    self._db = db
        return self._db

    @property
    def accounts(self) -> Accounts:
        return Accounts(self.db, self.config)

    @property
    def entries(self) -> Entries:
        return Entries(self.db, self.config.story_max_chars)

    @property
    def stories(self) -> Stories:
        return Stories(self.db)

    def aggregate(self, filters: Filters, today: date | None = None) -> Aggregate:
        """The aggregate for ``filters``, computed at most ``aggregate_cache_seconds`` ago, or
        up to ten times that while a fresh one is computed in the background.

        With 10,000 members a computation reads 500,000 lab values and takes seconds, and a
        group's numbers barely move in a minute, so each process keeps recent results (a bounded
        LRU cache). When many members ask for the same filters at once, one computes and the
        others wait for that result (no pile of identical computations on two cores); once a
        result is stale it is still served while one background thread replaces it.
        """
        ttl = self.config.aggregate_cache_seconds
        if ttl <= 0:
            return aggregate(self.db, filters, self.config.k, today)
        key = (filters, self.config.k, today or date.today())
        with self._lock:
            hit = self._cache.get(key)
            age = time.monotonic() - hit[0] if hit is not None else None
            if hit is not None:
                self._cache.move_to_end(key)
            if age is not None and age >= ttl and age < 10 * ttl and key not in self._computing:
                gate = self._computing[key] = threading.Lock()
                threading.Thread(target=self._refresh, args=(gate, key, filters, today), daemon=True).start()
        if age is not None and age < 10 * ttl:
            return hit[1]
        return self._compute_once(key, filters, today)

    def _compute_once(self, key: tuple, filters: Filters, today: date | None) -> Aggregate:
        """Compute ``key`` in one thread; the others asking meanwhile wait for its result."""
        with self._lock:
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                hit = self._cache.get(key)
                if hit is not None and time.monotonic() - hit[0] < self.config.aggregate_cache_seconds:
                    return hit[1]
            return self._store(key, filters, today)

    def _refresh(self, gate: threading.Lock, key: tuple, filters: Filters, today: date | None) -> None:
        with gate:
            self._store(key, filters, today)

    def _store(self, key: tuple, filters: Filters, today: date | None) -> Aggregate:
        started = time.monotonic()
        try:
            result = aggregate(self.db, filters, self.config.k, today)
        finally:
            with self._lock:
                self._computing.pop(key, None)
        with self._lock:
            self._cache[key] = (started, result)
            while len(self._cache) > 256:
                self._cache.popitem(last=False)
        return result

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
