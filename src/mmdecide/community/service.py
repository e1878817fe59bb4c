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
        """The aggregate for ``filters``, at most ``aggregate_cache_seconds`` old.

        Reading every matching lab value takes seconds with many members, and a group's numbers
        barely move in a minute, so each process keeps recent results (a bounded LRU cache).
        """
        ttl = self.config.aggregate_cache_seconds
        if ttl <= 0:
            return aggregate(self.db, filters, self.config.k, today)
        key = (filters, self.config.k, today or date.today())
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and now - hit[0] < ttl:
                self._cache.move_to_end(key)
                return hit[1]
        result = aggregate(self.db, filters, self.config.k, today)
        with self._lock:
            self._cache[key] = (now, result)
            while len(self._cache) > 256:
                self._cache.popitem(last=False)
        return result

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
