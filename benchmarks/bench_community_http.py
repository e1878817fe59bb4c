"""The community through the real server: recording a lab value and the "Members like you" page
under 50 logged-in members, with ``mmdecide serve --workers 2``.

Targets (issue 12): record p95 < 50 ms and aggregate page p95 < 200 ms at 50 concurrent members,
with 10,000 members and 500,000 lab values, on SQLite and on PostgreSQL with 2 workers.

Run by hand from the repository root (never from pytest):
    .venv/bin/python benchmarks/bench_community_http.py --members 10000 [--database-url URL]
        [--seconds 60] [--workers 2]
Steps: fill the database with the seeded synthetic generator (50 lab values per member; skipped
when it already holds exactly that many synthetic members), make 50 login sessions, start the
server, time one request of each kind alone (cold aggregates: each of the first five filter sets
once, on a server that has computed nothing yet; then warm ones), make sure both workers hold a
snapshot, then run locust
(``benchmarks/locust_community.py``) for the given time. Appends one block to
``benchmarks/results/community-http.md``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select

from serving import BIN, free_port, start_server, stop_server  # this folder, run as a script
from mmdecide.community.config import CommunityConfig
from mmdecide.community.db import Database
from mmdecide.community.models import Base, LabValue, Member, SessionRow, utc_now
from mmdecide.community.published import snapshot_path
from mmdecide.community.service import Community
from mmdecide.community.synthetic import generate
from mmdecide.fileio import atomic_write_text

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "community-http.md"
LOCUSTFILE = HERE / "locust_community.py"
TODAY = date(2026, 6, 1)
HEADER = """# The community through the server (2 workers, 50 members)

Written by `benchmarks/bench_community_http.py` (one block per run, newest last). Targets: record
a lab value p95 < 50 ms, aggregate page p95 < 200 ms at 50 concurrent members with 10,000
members. Load: locust (`benchmarks/locust_community.py`) in its own process on the same 2 cores:
50 logged-in members, each pausing 0.5-1.5 s between requests; 3 in 4 requests record a lab
value, 1 in 4 asks for "Members like you" with one of 20 filter sets.

How the aggregates are served: one worker at a time reads every member's data into a snapshot,
in a child process, and publishes it as a file that every worker loads (at most once a minute, or
once per ten times the reading time if longer; published only when at least k members changed);
any filter set is computed from it in tens of ms and kept until the next snapshot. The server is
started with no published snapshot: "aggregate, cold" are the first requests, "being prepared
(503)" those answered at once that the figures are not ready yet, "first figures after start"
the time from the server's start to the first figures; "first after a restart" are the first
requests of a server started again with the snapshot file on disk. The load starts once both
workers hold the snapshot.

The machine is shared with six other engineers' builds and tests while these ran: the load
average is given with every run, and the same run varies by 2-5x with it. The requests one at a
time are less sensitive to it.

"""
COLD = [{}, {"risk": "high"}, {"regimen": "lenalidomide", "dose_mg": "10"}, {"age_band": "60-69"},
        {"risk": "standard", "age_band": "50-59"}]


def fill(url: str, members: int) -> tuple[int, float | None]:
    """The synthetic members (reused when already there); (lab values, seconds to generate)."""
    db = Database(url)
    db.upgrade()
    with db.reading() as s:
        have = s.scalar(select(func.count()).select_from(Member))
    took = None
    if have != members:
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.dispose()
        c = Community(CommunityConfig(database_url=url))
        t = time.perf_counter()
        generate(c.db, members, labs_per_member=50, seed=1, today=TODAY)
        took = time.perf_counter() - t
        c.close()
        db = Database(url)
    with db.reading() as s:
        labs = s.scalar(select(func.count()).select_from(LabValue))
    db.dispose()
    return labs, took


def sessions(url: str, n: int, path: Path) -> None:
    """Log in the first ``n`` synthetic members (session rows as the login page makes them)."""
    db = Database(url)
    out = []
    with db.transaction() as s:
        now = utc_now()
        for mid in s.scalars(select(Member.id).order_by(Member.id).limit(n)):
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            s.add(SessionRow(token_hash=hashlib.sha256(token.encode()).hexdigest(), member_id=mid,
                             csrf=csrf, created_at=now, expires_at=now + timedelta(hours=2)))
            out.append({"token": token, "csrf": csrf})
    db.dispose()
    path.write_text(json.dumps(out), encoding="utf-8")


def alone(host: str, session: dict) -> dict[str, list[float]]:
    """Requests one at a time (ms): cold aggregates first (the server was just started with no
    published snapshot: each answers with the figures or, at once, "being prepared"; the time
    until the figures come is timed too), then warm ones and lab writes."""
    out: dict[str, list[float]] = {"aggregate, cold": [], "aggregate, being prepared (503)": [],
                                   "aggregate, first figures after start": [], "aggregate, warm": [],
                                   "record lab value": []}
    started = time.perf_counter()
    with httpx.Client(base_url=host, timeout=120, cookies={"mmdecide_member": session["token"]}) as client:
        def timed(name: str, path: str, form: dict, status: int | tuple[int, ...]) -> int:
            t = time.perf_counter()
            r = client.post(path, data={"csrf": session["csrf"], **form}, follow_redirects=False)
            took = (time.perf_counter() - t) * 1000
            ok = status if isinstance(status, tuple) else (status,)
            if r.status_code not in ok:
                raise SystemExit(f"{path}: status {r.status_code}")
            out["aggregate, being prepared (503)" if r.status_code == 503 else name].append(took)
            return r.status_code
        for form in COLD:  # each lands in one worker; nothing is published yet
            timed("aggregate, cold", "/community/aggregates", form, (200, 503))
        while timed("aggregate, cold", "/community/aggregates", {}, (200, 503)) != 200:
            time.sleep(0.5)
        out["aggregate, first figures after start"].append((time.perf_counter() - started) * 1000)
        for form in COLD * 4:  # both workers have both seen them by now (mostly)
            timed("aggregate, warm", "/community/aggregates", form, 200)
        for i in range(30):
            timed("record lab value", "/community/entries/add",
                  {"entry": "lab", "kind": "platelets", "value": str(100 + i), "unit": "x10^9/L",
                   "day": "2026-05-01"}, 303)
    return out


def after_restart(host: str, session: dict) -> list[float]:
    """The first aggregate requests (ms) of a server started again, the published snapshot on disk."""
    times = []
    with httpx.Client(base_url=host, timeout=120, cookies={"mmdecide_member": session["token"]}) as client:
        for form in COLD:
            t = time.perf_counter()
            r = client.post("/community/aggregates", data={"csrf": session["csrf"], **form})
            times.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"after a restart: status {r.status_code}")
    return times


def unpublish(url: str) -> None:
    """Remove the published snapshot (and its build lock), so the first start is a cold one."""
    path = snapshot_path(url)
    if path is not None:
        for leftover in (path, Path(f"{path}.build-lock")):
            leftover.unlink(missing_ok=True)


def warm_both(host: str, session: dict) -> None:
    """Aggregate requests on 8 connections at once until 16 in a row are fast, so that both
    workers hold a snapshot before the load run (the cold rows above show the first read)."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(_: int) -> float:
        with httpx.Client(base_url=host, timeout=300, cookies={"mmdecide_member": session["token"]}) as c:
            t = time.perf_counter()
            c.post("/community/aggregates", data={"csrf": session["csrf"]})
            return time.perf_counter() - t

    with ThreadPoolExecutor(8) as pool:
        for _ in range(20):
            if max(pool.map(ask, range(16))) < 1.0:
                return


def run_locust(host: str, user_class: str, users: int, seconds: int, prefix: str, env: dict) -> dict:
    cmd = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
           "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host,
           "--csv", prefix, "--stop-timeout", "5", "--loglevel", "WARNING", user_class]
    subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 180, env=env)
    with open(f"{prefix}_stats.csv", newline="") as fh:
        stats = {r["Name"]: r for r in csv.DictReader(fh)}
    with open(f"{prefix}_failures.csv", newline="") as fh:  # what failed, to write down
        stats["failures"] = list(csv.DictReader(fh))
    return stats


def _shown_args(argv: list[str]) -> list[str]:
    """The command line as written into the results, without the note (written below it)."""
    return [a for i, a in enumerate(argv) if a != "--note" and (i == 0 or argv[i - 1] != "--note")]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--members", type=int, default=10000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--scenario", default="CommunityMember")
    ap.add_argument("--note", default="", help="a sentence written into the block (e.g. which code ran)")
    args = ap.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/community.sqlite3"
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    labs, took = fill(url, args.members)
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        sessions(url, args.users, Path(tmp) / "sessions.json")
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        unpublish(url)
        env = {**os.environ, "MMDECIDE_DATABASE_URL": url}
        proc = start_server(port, args.workers, "/community", env=env, timeout=90)
        first = json.loads((Path(tmp) / "sessions.json").read_text())[0]
        try:
            single = alone(host, first)
            warm_both(host, first)
            load.append(os.getloadavg()[0])
            env_locust = {**os.environ, "MMDECIDE_BENCH_SESSIONS": str(Path(tmp) / "sessions.json")}
            stats = run_locust(host, args.scenario, args.users, args.seconds, f"{tmp}/run", env_locust)
            load.append(os.getloadavg()[0])
        finally:
            stop_server(proc)
        proc = start_server(port, args.workers, "/community", env=env, timeout=90)
        try:
            single["aggregate, first after a restart"] = after_restart(host, first)
        finally:
            stop_server(proc)
    lines = [f"## {backend}, {args.members:,} members, {labs:,} lab values, {args.workers} workers, "
             f"{args.users} members ({args.scenario}), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
             f"`{' '.join(['python', 'benchmarks/bench_community_http.py', *_shown_args(sys.argv[1:])])}`"
             .replace(url, "URL") + f"; {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}. 1-minute load average: {load[0]:.1f} before, {load[1]:.1f} "
             f"after the single requests, {load[2]:.1f} after the load run (the machine is shared with "
             "other work).", ""]
    if args.note:
        lines += [args.note, ""]
    if took is not None:
        lines.append(f"Generating the members took {took:.0f} s.")
        lines.append("")
    lines += ["| requests one at a time | n | median (ms) | max (ms) |", "|---|---:|---:|---:|"]
    for name, values in single.items():
        if values:
            lines.append(f"| {name} | {len(values)} | {pct(values, 50):.0f} | {max(values):.0f} |")
    lines += ["", "| under load | requests | failures | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | requests/s |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in ("record lab value", "aggregate page"):
        r = stats.get(name)
        if r:
            lines.append(f"| {name} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['95%']} | "
                         f"{r['99%']} | {float(r['Max Response Time']):.0f} | {float(r['Requests/s']):.1f} |")
    for failure in stats["failures"]:
        lines.append(f"- failed: {failure['Name']}, {failure['Occurrences']} x: {failure['Error']}")
    lines.append("")
    text = "\n".join(lines) + "\n"
    before = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    atomic_write_text(RESULTS, before + text)
    print(text)


if __name__ == "__main__":
    main()
