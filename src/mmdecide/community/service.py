"""One object per app that holds the community's database, accounts and entries.

The database is opened on first use, not when the app is built, so the web app (and its tests)
never create a database file unless someone uses the community pages. SQLite is migrated on
first use; PostgreSQL is migrated on first use too, under an advisory lock, so several workers
starting together do not race (``mmdecide db upgrade`` does the same ahead of time).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from functools import lru_cache
from datetime import date
from pathlib import Path

from .accounts import Accounts
from . import published
from .aggregates import Aggregate, Filters, Snapshot, aggregate, aggregate_from, snapshot
from .config import CommunityConfig
from .db import Database
from .entries import Entries
from .errors import NotReady
from .stories import Stories

__all__ = ["Community"]


class _Held:
    """A snapshot as a cache key: hashed and compared by what identifies it (its file's key or
    when it was made), since its tables cannot be hashed."""

    __slots__ = ("key", "snap")

    def __init__(self, key: tuple, snap: Snapshot):
        self.key, self.snap = key, snap

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Held) and other.key == self.key


def _aggregate_of(held: _Held, filters: Filters, k: int) -> Aggregate:
    return aggregate_from(held.snap, filters, k)


class Community:
    def __init__(self, config: CommunityConfig | None = None):
        self.config = config or CommunityConfig.from_env()
        self._lock = threading.Lock()
        self._db: Database | None = None
        #: (what identifies it: the file's key, the snapshot) of the published snapshot in use
        self._snap: tuple[tuple, Snapshot] | None = None
        self._snap_gate = threading.Lock()  # one load of the file at a time
        self._path = published.snapshot_path(self.config.database_url)
        self._building = False
        self._next_check = 0.0  # monotonic time before which the build lock is not looked at
        self._made = 0.0  # when the in-memory database's snapshot was made
        #: one aggregate per (snapshot, filter set, k), for the 256 most recently asked filter
        #: sets, so memory stays bounded whatever visitors ask; cleared when a new snapshot is
        #: loaded, so the cache holds no old snapshot
        self._results = lru_cache(maxsize=256)(_aggregate_of)

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
        """The aggregate for ``filters`` from the published snapshot (see :mod:`.published`),
        which is re-made at most every ``aggregate_cache_seconds`` (or ten times the time it
        took to read, if longer) by one worker for all, in the background; results per filter
        set are kept too. :class:`NotReady` when there is no snapshot yet and none could be
        made within ``aggregate_first_wait_seconds``."""
        ttl = self.config.aggregate_cache_seconds
        if ttl <= 0:  # read afresh (tests): nothing published, so no date of publication shown
            return replace(aggregate(self.db, filters, self.config.k, today), as_of=None)
        made, snap = self._snapshot(today or date.today(), ttl)
        # a new snapshot never shares a key with an old one
        return self._results(_Held(made, snap), filters, self.config.k)

    def warm(self) -> None:
        """Start making the snapshot now (at worker start), if there is data to make it from,
        so that the first visitor of "Members like you" does not wait for it."""
        if self.config.aggregate_cache_seconds > 0 and _has_data(self.config.database_url):
            self._start_build(date.today(), self.config.aggregate_cache_seconds)

    def _snapshot(self, today: date, ttl: float) -> tuple[tuple, Snapshot]:
        """The published snapshot: loaded again when the file changed; a new one is started in
        the background when the last attempt is older than ``ttl``. With none yet, wait a
        moment for one, then :class:`NotReady`."""
        key = published.file_key(self._path)
        with self._lock:
            loaded = self._snap
        if key is not None and (loaded is None or loaded[0] != key):
            loaded = self._load(key)
        self._start_build(today, ttl)  # returns at once; does nothing while the last is recent
        deadline = time.monotonic() + self.config.aggregate_first_wait_seconds
        while loaded is None and time.monotonic() < deadline:  # another worker may be making it
            time.sleep(0.05)
            key = published.file_key(self._path)
            loaded = self._load(key) if key is not None else self._snap
        if loaded is None:
            raise NotReady("the figures are being prepared")
        return loaded

    def _load(self, key: tuple) -> tuple[tuple, Snapshot] | None:
        with self._snap_gate:  # one load at a time; a second asker finds it done
            with self._lock:
                if self._snap is not None and self._snap[0] == key:
                    return self._snap
            try:
                snap = published.load(self._path)
            except (FileNotFoundError, ValueError):  # gone, or unreadable: made again when due
                return self._snap
            with self._lock:
                self._snap = (key, snap)
                self._results.cache_clear()
                return self._snap

    def _start_build(self, today: date, ttl: float) -> None:
        if self._path is None:  # an in-memory database: this process is the only one
            with self._lock:
                if self._building or (self._snap is not None and time.monotonic() - self._made < ttl):
                    return
                self._building = True
            threading.Thread(target=self._build_here, args=(today,), daemon=True).start()
            return
        with self._lock:
            if self._building or time.monotonic() < self._next_check:
                return
            self._next_check = time.monotonic() + 1.0  # the build lock is looked at once a second
            if _due(self._path, ttl) <= 0:
                return
            self._building = True
        threading.Thread(target=self._build, args=(today, ttl), daemon=True).start()

    def _build(self, today: date, ttl: float) -> None:
        """Make a snapshot and publish it if at least k members changed (see :mod:`.published`);
        only one process at a time (the others skip)."""
        lock = published.build_lock(self._path)
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another worker is making it
                os.close(fd)
                return
            try:
                if _due(self._path, ttl) > 0:
                    os.utime(lock)  # the attempt's time, seen by every worker
                    started = time.monotonic()
                    try:
                        if self.config.aggregate_build_process:
                            self._publish_in_child(today)
                        else:
                            self._publish(today)
                    finally:  # how long it took, for the next one's time (failed or not)
                        os.ftruncate(fd, 0)
                        os.pwrite(fd, f"{time.monotonic() - started:.3f}".encode(), 0)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        finally:
            with self._lock:
                self._building = False

    def _publish(self, today: date) -> None:
        new = snapshot(self.db, today)
        try:
            old = published.load(self._path)
        except (FileNotFoundError, ValueError):  # none yet, or unreadable: nothing to compare with
            old = None
        if old is None or self.publishable(old, new):
            published.save(new, self._path)
        elif gone := published.members(old) - published.members(new):  # deleted accounts: never kept
            published.save(published.without_members(old, gone), self._path)

    def _publish_in_child(self, today: date) -> None:
        """:meth:`_publish` in a child process: reading and sorting every member's data holds
        Python's global lock for seconds (tens of seconds at 100,000 members), which in this
        process would hold up every request of the worker meanwhile. The database URL goes by
        the environment, never the command line (it may hold a password)."""
        env = {**os.environ, "MMDECIDE_DATABASE_URL": self.config.database_url}
        subprocess.run([sys.executable, "-m", "mmdecide.community.service", "publish", today.isoformat(),
                        str(self.config.k)], env=env, check=True, stdout=subprocess.DEVNULL)

    def delete_account(self, member_id: int, password: str) -> None:
        """Hard delete (:meth:`Accounts.delete_account`), then the member's rows out of the
        published snapshot too (:func:`published.erase_members`), so nothing they entered is kept."""
        self.accounts.delete_account(member_id, password)
        if self._path is not None:  # every worker loads the replaced file at its next aggregate
            published.erase_members(self._path, {member_id})
        with self._lock:  # and this process's copy at once (with an in-memory database, the only one)
            if self._snap is not None:
                key, snap = self._snap
                self._snap = (key, published.without_members(snap, {member_id}))
            self._results.cache_clear()

    def publishable(self, old: Snapshot, new: Snapshot) -> bool:
        """The defence against comparing views over time: at least k members changed."""
        return published.changed_members(old, new) >= self.config.k

    def _build_here(self, today: date) -> None:
        try:
            snap = snapshot(self.db, today)
            with self._lock:
                self._made = time.monotonic()
                self._snap = (("memory", self._made), snap)
                self._results.cache_clear()
        finally:
            with self._lock:
                self._building = False

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def _due(path: Path, ttl: float) -> float:
    """Seconds since a new snapshot became due (> 0: make one). The build lock file holds when
    any worker last started one (its time) and how long that read took (its text, empty until
    the first one ends: due, and the non-blocking lock keeps a second builder out): a snapshot
    that took long to read is made less often, so reading costs at most a tenth of the time."""
    lock = str(path) + ".build-lock"
    try:
        attempted = os.stat(lock).st_mtime
        with open(lock, encoding="ascii") as fh:
            took = float(fh.read().strip())
    except (FileNotFoundError, ValueError):
        return float("inf")
    return time.time() - attempted - max(ttl, 10 * took)


def _has_data(url: str) -> bool:
    """An existing database (an SQLite file that is there, or any server database)."""
    path = published.snapshot_path(url)
    if not url.startswith("sqlite"):
        return True
    return path is not None and Path(str(path).removesuffix(".snapshot.npz")).exists()



if __name__ == "__main__":  # the child process of Community._publish_in_child
    _, action, day, k = sys.argv
    if action == "publish":
        child = Community(CommunityConfig.from_env().with_k(int(k)))
        child._publish(date.fromisoformat(day))
        child.close()
