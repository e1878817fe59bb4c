"""Reliability of the store, on SQLite and PostgreSQL: a writer killed with SIGKILL in the middle
of a burst of writes loses no acknowledged write and leaves a consistent database; 50 members
writing at once lose no update and get no error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select, text

from mmdecide.community.consent import CONSENT_VERSION
from mmdecide.community.models import LabValue, RateCounter

WRITER = Path(__file__).with_name("crash_writer.py")
PW = "correct horse battery"


def test_sigkill_during_writes_loses_no_acknowledged_write(community, db_url):
    mid = community.accounts.sign_up("ana", PW)
    community.accounts.give_consent(mid, CONSENT_VERSION)
    community.db.dispose()  # the writer is the only process writing
    acked = []
    with subprocess.Popen([sys.executable, str(WRITER), db_url, str(mid)], stdout=subprocess.PIPE,
                          text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}) as proc:
        for line in proc.stdout:
            acked.append(int(line))
            if len(acked) == 200:
                break
        proc.send_signal(signal.SIGKILL)  # mid-burst: the writer is inside its next transactions
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL and len(acked) == 200
    with community.db.transaction() as s:
        stored = set(s.scalars(select(LabValue.id).where(LabValue.member_id == mid)))
        assert set(acked) <= stored  # every acknowledged write is there
        if community.db.is_sqlite:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert s.execute(text("PRAGMA foreign_key_check")).all() == []
    # the database takes new writes after the crash
    community.entries.add(mid, "lab", {"kind": "platelets", "value": "120", "unit": "x10^9/L",
                                       "day": "2024-06-01"})


def test_fifty_members_writing_at_once(community):
    members = []
    for i in range(50):
        mid = community.accounts.sign_up(f"member{i:02d}", PW, who=f"client-{i}")
        community.accounts.give_consent(mid, CONSENT_VERSION)
        members.append(mid)

    def write(mid: int) -> int:
        for j in range(5):
            community.entries.add(mid, "lab", {"kind": "hemoglobin", "value": str(10 + j),
                                               "unit": "g/dL", "day": f"2024-01-{j + 1:02d}"})
        community.accounts.count_attempt("login", "same-client", 10_000)  # one shared counter
        return mid

    with ThreadPoolExecutor(max_workers=50) as pool:
        done = list(pool.map(write, members))  # any error in a thread is raised here
    assert sorted(done) == sorted(members)
    with community.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(LabValue)) == 250
        per_member = dict(s.execute(select(LabValue.member_id, func.count()).group_by(LabValue.member_id)).all())
        assert set(per_member.values()) == {5}
        # 50 concurrent increments of one counter: none lost
        assert s.scalar(select(func.sum(RateCounter.count)).where(RateCounter.key == "login:same-client")) == 50
