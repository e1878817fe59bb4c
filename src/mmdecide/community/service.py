"""One object per app that holds the community's database, accounts and entries.

The database is opened on first use, not when the app is built, so the web app (and its tests)
never create a database file unless someone uses the community pages. SQLite is migrated on
first use; PostgreSQL is migrated on first use too, under an advisory lock, so several workers
starting together do not race (``mmdecide db upgrade`` does the same ahead of time).
"""

from __future__ import annotations

import threading
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
        return aggregate(self.db, filters, self.config.k, today)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
