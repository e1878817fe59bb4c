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


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sigkill_of_the_web_server_during_a_burst(community, db_url, tmp_path):
    """The real server (uvicorn, this app) killed while 8 clients post lab values: every value
    whose POST was answered (303) is in the database afterwards."""
    import threading
    import time

    import httpx

    mid = community.accounts.sign_up("ana", PW)
    community.accounts.give_consent(mid, CONSENT_VERSION)
    token, login = community.accounts.log_in("ana", PW)
    community.db.dispose()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # the data folder (where a PostgreSQL database's aggregate snapshot goes) is the test's own
    env = {**os.environ, "MMDECIDE_DATABASE_URL": db_url, "MMDECIDE_DATA_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "mmdecide.web:create_app", "--port", str(port),
           "--log-level", "warning"]
    acked: list[int] = []
    lock, stop = threading.Lock(), threading.Event()

    def client(worker: int) -> None:
        with httpx.Client(base_url=base, cookies={"mmdecide_member": token}, timeout=10) as c:
            for i in range(worker, 2900, 8):
                if stop.is_set():
                    return
                try:
                    r = c.post("/community/entries/add", data={
                        "csrf": login.csrf, "entry": "lab", "kind": "platelets", "value": str(i + 1),
                        "unit": "x10^9/L", "day": "2024-01-01"})
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 303:
                    with lock:
                        acked.append(i + 1)

    with subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server:
        deadline = time.monotonic() + 120
        while True:  # wait until the app answers (it loads the evidence base first)
            try:
                if httpx.get(base + "/community", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
            time.sleep(0.2)
        threads = [threading.Thread(target=client, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        while len(acked) < 100 and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)  # in the middle of the burst
        server.wait(timeout=30)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert server.returncode == -signal.SIGKILL and len(acked) >= 100
    with community.db.transaction() as s:
        stored = set(s.scalars(select(LabValue.entered_value).where(LabValue.member_id == mid)))
        assert {float(v) for v in acked} <= stored
        if community.db.is_sqlite:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
