"""The published snapshot: one file that every worker process serves the aggregates from.

Why a file: each worker used to read its own snapshot of every member's data, so a freshly
started worker made its first "Members like you" visitor wait for the read (seconds at 10,000
members, tens of seconds at 100,000), both workers spent the CPU reading, and two workers could
show views made a few seconds apart. Now one worker at a time reads the database (it holds an
exclusive, non-blocking ``flock`` on ``<file>.build-lock``; the others carry on) and writes the
snapshot here with an atomic replace; the other workers notice the new file (one ``stat`` per
request) and load it in well under a second.

Comparing views over time (the differencing defence's second half; the first is in
:mod:`.aggregates`): two looks at the same view before and after one member joins, leaves or
changes an entry would tell that member's data by subtraction. So a new snapshot is *published*
only when at least ``k`` members' data differ from the published one (:func:`changed_members`:
members added, removed, or with any row of theirs changed, the time-since-transplant band
included). Between two published snapshots, then, at least ``k`` members changed, and any
difference of two looks mixes them. The cost: a change shows in the figures only once ``k``
members have changed (the file holds member ids and the values counted, never handles or free
text; it is made readable by the server's user only).

A deleted account is the exception: its rows leave the published file at once
(:func:`erase_members`, called after the account's delete commits), and any build that finds
members gone from the database takes them out of the published file too, even when it publishes
nothing else (so a scrub missed by a crash is made up within one build). A hard delete of a
member's health data weighs more than the over-time defence for that one member: a look before
and after a deletion tells only what the deleted account had entered, to someone who knows that
it was deleted.

Where: beside an SQLite database (``<database>.snapshot.npz``); for PostgreSQL in
``$MMDECIDE_DATA_DIR`` (or ``./var``) under a name made from a hash of the database URL. Workers
on several machines each publish their own file: the over-time defence then holds per machine,
unless the folder is shared.

Format: numpy ``.npz`` read with ``allow_pickle=False`` (a file that was tampered with cannot
run code); a text column is stored as its distinct values and one code per row (-1: not given).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .aggregates import Snapshot

__all__ = ["changed_members", "erase_members", "file_key", "load", "members", "save", "snapshot_path",
           "without_members"]

_FRAMES = ("periods", "changes", "effects", "cancers", "lab_bins")


def snapshot_path(url: str) -> Path | None:
    """Where the published snapshot of the database at ``url`` lives (None: an in-memory
    database, which no other process can read either)."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1].split("?", 1)[0] if ":///" in url else ""
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        return Path(path + ".snapshot.npz")
    folder = Path(os.environ.get("MMDECIDE_DATA_DIR", "").strip() or "var").resolve()
    return folder / f"community-{hashlib.sha256(url.encode()).hexdigest()[:16]}.snapshot.npz"


def file_key(path: Path | None) -> tuple[int, int, int] | None:
    """What tells one written file from the next (None: no file yet)."""
    try:
        st = os.stat(path) if path is not None else None
    except FileNotFoundError:
        return None
    return None if st is None else (st.st_mtime_ns, st.st_ino, st.st_size)


def _arrays(name: str, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    out = {f"{name}/columns": np.array(list(frame.columns), dtype=str)}
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object:  # text: a few distinct values, stored once, and a code per row
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            out[f"{name}/{column}/codes"] = codes.astype(np.int32)
            out[f"{name}/{column}/values"] = np.array([str(v) for v in uniques], dtype=str)
        else:
            out[f"{name}/{column}"] = values.to_numpy()
    return out


def _frame(name: str, data) -> pd.DataFrame:
    columns = {}
    for column in data[f"{name}/columns"].tolist():
        if f"{name}/{column}/codes" in data:
            # the distinct values as Python strings, "not given" last: code -1 picks it
            distinct = np.array([*data[f"{name}/{column}/values"].tolist(), None], dtype=object)
            columns[column] = distinct[data[f"{name}/{column}/codes"]]
        else:
            columns[column] = data[f"{name}/{column}"]
    return pd.DataFrame(columns, columns=data[f"{name}/columns"].tolist())


def save(snap: Snapshot, path: Path) -> None:
    """Write ``snap`` to ``path`` atomically (a reader sees the old file or the new, whole)."""
    arrays = {"today_no": np.array(snap.today_no)}
    for name in _FRAMES:
        arrays.update(_arrays(name, getattr(snap, name)))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".snapshot-", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> Snapshot:
    """The snapshot in ``path``: FileNotFoundError when there is none, ValueError when it cannot
    be read (cut short, or written by another version): then it is made again."""
    try:
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as data:  # closed if unreadable too
            return Snapshot(today_no=int(data["today_no"]), **{name: _frame(name, data) for name in _FRAMES})
    except FileNotFoundError:
        raise
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path}: not a readable snapshot ({exc})") from None


def _signatures(snap: Snapshot) -> pd.Series:
    """One number per member that changes when any row of theirs changes (a sum of row hashes,
    so the order of rows does not matter)."""
    member_of = snap.periods.set_index("period")["member"]
    parts = [(snap.periods, snap.periods["member"]), (snap.changes, snap.changes["member_id"]),
             (snap.effects, snap.effects["member_id"]), (snap.cancers, snap.cancers["member_id"]),
             (snap.lab_bins, snap.lab_bins["period"].map(member_of))]
    sums = []
    for salt, (frame, members) in enumerate(parts):
        if len(frame):
            hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy() + np.uint64(salt)
            sums.append(pd.DataFrame({"member": members.to_numpy(), "h": hashes}))
    if not sums:
        return pd.Series(dtype=np.uint64)
    return pd.concat(sums).groupby("member")["h"].sum()


def changed_members(old: Snapshot, new: Snapshot) -> int:
    """How many members were added, removed or changed between two snapshots."""
    a, b = _signatures(old), _signatures(new)
    both = a.index.intersection(b.index)
    return len(a.index.symmetric_difference(b.index)) + int((a[both] != b[both]).sum())


def members(snap: Snapshot) -> set[int]:
    """Every member with any row in ``snap``."""
    out = set(snap.periods["member"].tolist())
    for frame in (snap.changes, snap.effects, snap.cancers):
        out.update(frame["member_id"].tolist())
    return {int(m) for m in out}


def without_members(snap: Snapshot, gone: set[int]) -> Snapshot:
    """``snap`` with every row of the members in ``gone`` taken out (their lab bins by period)."""
    periods = snap.periods[~snap.periods["member"].isin(gone)]
    return Snapshot(today_no=snap.today_no, periods=periods,
                    changes=snap.changes[~snap.changes["member_id"].isin(gone)],
                    effects=snap.effects[~snap.effects["member_id"].isin(gone)],
                    cancers=snap.cancers[~snap.cancers["member_id"].isin(gone)],
                    lab_bins=snap.lab_bins[snap.lab_bins["period"].isin(periods["period"])])


def build_lock(path: Path) -> Path:
    """The file whose ``flock`` serialises everything that writes the published snapshot."""
    return Path(str(path) + ".build-lock")


def erase_members(path: Path, gone: set[int]) -> bool:
    """Take ``gone``'s rows out of the published file at ``path`` (True if it held any). Waits for
    a build in progress (same lock), so a build that read the database before the delete cannot
    put the rows back after this."""
    lock = build_lock(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            snap = load(path)
        except (FileNotFoundError, ValueError):  # nothing published, or unreadable (made again)
            return False
        if not gone & members(snap):
            return False
        save(without_members(snap, gone), path)
        return True
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
