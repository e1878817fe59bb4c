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
from .aggregates import Aggregate, Filters, Snapshot, aggregate, aggregate_from, snapshot
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
        #: (monotonic time made, the day it is for, the snapshot, seconds it took to read)
        self._snap: tuple[float, date, Snapshot, float] | None = None
        self._snap_gate = threading.Lock()  # one snapshot made at a time
        self._refreshing = False
        self._results: OrderedDict[tuple, Aggregate] = OrderedDict()

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
        """The aggregate for ``filters`` from this process's snapshot of the data (see
        :class:`Snapshot`), made at most ``aggregate_cache_seconds`` (or ten times the time it
        took to read, if longer) ago, or up to ten times that while a fresh one is made in the
        background; results per filter set are kept too."""
        ttl = self.config.aggregate_cache_seconds
        if ttl <= 0:
            return aggregate(self.db, filters, self.config.k, today)
        made, snap = self._snapshot(today or date.today(), ttl)
        key = (made, filters, self.config.k)  # a new snapshot never shares a key with an old one
        with self._lock:
            hit = self._results.get(key)
            if hit is not None:
                self._results.move_to_end(key)
                return hit
        result = aggregate_from(snap, filters, self.config.k)
        with self._lock:
            self._results[key] = result
            while len(self._results) > 256:
                self._results.popitem(last=False)
        return result

    def _snapshot(self, today: date, ttl: float) -> tuple[float, Snapshot]:
        """The current snapshot. One thread makes a missing one while the others asking wait for
        it (no pile of identical reads on two cores); a stale one is served while one background
        thread replaces it."""
        with self._lock:
            made, day, snap, took = self._snap or (0.0, None, None, 0.0)
            # a snapshot that took long to read is kept longer: reading costs at most a tenth of
            # a worker's time (100,000 members take tens of seconds to read)
            ttl = max(ttl, 10 * took)
            age = time.monotonic() - made
            if day == today and age < ttl:
                return made, snap
            if day == today and age < 10 * ttl:
                if not self._refreshing:
                    self._refreshing = True
                    threading.Thread(target=self._refresh, args=(today,), daemon=True).start()
                return made, snap
        with self._snap_gate:
            with self._lock:
                made, day, snap, _took = self._snap or (0.0, None, None, 0.0)
                if day == today and time.monotonic() - made < ttl:
                    return made, snap
            return self._make_snapshot(today)

    def _make_snapshot(self, today: date) -> tuple[float, Snapshot]:
        started = time.monotonic()
        snap = snapshot(self.db, today)
        with self._lock:
            self._snap = (started, today, snap, time.monotonic() - started)
            self._results.clear()
        return started, snap

    def _refresh(self, today: date) -> None:
        try:
            with self._snap_gate:
                self._make_snapshot(today)
        finally:
            with self._lock:
                self._refreshing = False

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
