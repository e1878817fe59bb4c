"""Load test of the web app: the results page under 20 users, and the estimate API's throughput.

Targets (issues 8 and 10): results page p95 < 300 ms under 20 users, no errors at 100 users;
``POST /api/v1/estimate`` >= 50 requests per second for random profiles (each computed anew).

Run by hand from the repository root (never from pytest):
    .venv/bin/python benchmarks/bench_web.py [--workers 2] [--seconds 30]
It starts ``mmdecide serve --workers N`` as a subprocess, warms it up, then runs
locust headless as its own process (``benchmarks/locustfile.py``; locust monkey-patches the
standard library with gevent, so it is never imported here) once per scenario, and writes
p50/p95/p99, failures and requests per second to ``benchmarks/results/web.md``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from serving import BIN, free_port, start_server, stop_server  # this folder, run as a script
from mmdecide.fileio import atomic_write_text

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "web.md"
LOCUSTFILE = HERE / "locustfile.py"

SCENARIOS = [
    # (class, name in the stats, description, target)
    ("ResultsPageUser", "/results", "Results page, 20 users, each pausing 0.5-1.5 s between pages",
     "p95 < 300 ms, no errors"),
    ("ResultsPageNoWaitUser", "/results", "Results page, 20 users, no pause (saturation)", "(for information)"),
    ("EstimateApiUser", "/api/v1/estimate", "POST /api/v1/estimate, 20 users, no pause, profiles from the mix (cached)",
     "(for information)"),
    ("EstimateRandomUser", "/api/v1/estimate", "POST /api/v1/estimate, 20 users, no pause, a new random profile each",
     ">= 50 requests/s"),
]


def run_locust(host: str, user_class: str, users: int, seconds: int, prefix: str,
               name: str = "Aggregated") -> tuple[dict, str]:
    """One headless locust run; (the stats row of the request ``name``, locust's stderr)."""
    cmd = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
           "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host,
           "--csv", prefix, "--stop-timeout", "5", "--loglevel", "WARNING", user_class]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["Name"] == name)
    return row, done.stderr


def warm_up(host: str, rounds: int = 4) -> None:
    """Every profile of the locust mix at every time span, over new connections each round."""
    sys.path.insert(0, str(HERE))
    try:
        from load_profiles import PROFILES, YEARS, form_fields
    finally:
        sys.path.pop(0)
    for _ in range(rounds):
        for profile in PROFILES:
            with httpx.Client(base_url=host, timeout=60) as client:
                client.post("/profile", content=urlencode(form_fields(profile)), follow_redirects=False,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
                for years in YEARS:
                    client.post("/results", data={"years": str(years)}, follow_redirects=False)
                    client.get("/results").raise_for_status()


def one_user(host: str, repeats: int = 40) -> dict[str, float]:
    """Median time of one warm request with nothing else running (what one request costs)."""
    profile = {"age": "62", "sex": "female", "r_iss": "II", "mrd": "positive", "response": "VGPR"}
    body = {"profile": {"age": 62, "sex": "female", "r_iss": "II", "mrd": "positive", "response": "VGPR"}}
    out = {}
    with httpx.Client(base_url=host, timeout=30) as client:
        client.post("/profile", data=profile)  # the answers, kept in the session cookie
        for name, call in (("results", lambda: client.get("/results")),
                           ("estimate", lambda: client.post("/api/v1/estimate", json=body))):
            for _ in range(4):
                r = call()  # both workers warm for this profile
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                r = call()
                times.append(time.perf_counter() - t)
                r.raise_for_status()
            out[name] = sorted(times)[len(times) // 2] * 1000
            out[name + "_kb"] = len(r.content) / 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--users", type=int, nargs="+", default=[20, 50, 100],
                    help="user counts for the results-page scenario (the others run at the first)")
    ap.add_argument("--seconds", type=int, default=30)
    args = ap.parse_args()

    load_before = os.getloadavg()[0]
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = start_server(port, args.workers, "/")
    startup = time.perf_counter() - t0
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # warm-up: every profile of the mix at every time span in each worker (the first
            # estimate of a profile is computed, later ones come from the worker's cache, as in
            # real use); new connections are spread over the workers
            warm_up(host)
            run_locust(host, "EstimateApiUser", 4, 5, f"{tmp}/warm-api")
            single = one_user(host)
            runs = [(cls, name, desc, target, args.users[0]) for cls, name, desc, target in SCENARIOS]
            runs[1:1] = [("ResultsPageUser", "/results", SCENARIOS[0][2].replace("20 users", f"{u} users"),
                          "no errors" if u == 100 else SCENARIOS[0][3], u) for u in args.users[1:]]
            for cls, name, desc, target, users in runs:
                desc = desc.replace("20 users", f"{users} users")
                print(f"== {cls}: {desc}", flush=True)
                row, stderr = run_locust(host, cls, users, args.seconds, f"{tmp}/{cls}-{users}", name)
                cpu_warning = "CPU usage" in stderr
                results.append((cls, desc, target, row, cpu_warning, os.getloadavg()[0]))
                print(f"   p50 {row['50%']} ms, p95 {row['95%']} ms, p99 {row['99%']} ms, "
                      f"{float(row['Requests/s']):.1f} req/s, {row['Failure Count']} failures", flush=True)
    finally:
        stop_server(proc)

    lines = [
        "# Web app under load",
        "",
        f"`mmdecide serve --workers {args.workers}` on 127.0.0.1; load from "
        f"locust (`benchmarks/locustfile.py`, FastHttpUser) in its own process on the same machine, "
        f"{args.seconds} s per scenario after a warm-up. Generated by "
        "`benchmarks/bench_web.py`. Times in ms.",
        "",
        "| scenario | requests | failures | p50 | p95 | p99 | max | requests/s | target | load average after |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cls, desc, target, row, _, load in results:
        lines.append(f"| {desc} (`{cls}`) | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
                     f"{row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} | "
                     f"{float(row['Requests/s']):.1f} | {target} | {load:.1f} |")
    lines += [
        "",
        f"Server start-up (evidence load, until the first page answers): {startup:.1f} s.",
        "Each results-page user sends one profile of a mix of 10 with the form (kept in the session cookie), "
        "then chooses a time span (`POST /results`, 303) and loads `GET /results`; the table gives the "
        "`GET /results` row. Each worker caches estimates up to 64 MB, so after the warm-up the page is "
        "rendered from a cached estimate. The random-profile API scenario draws a new consistent profile "
        "(age 30-85, sex, R-ISS, response, MRD) for every request, so almost every request computes an estimate.",
    ]
    lines.append(
        f"One warm request alone (median of 40): results page {single['results']:.1f} ms "
        f"({single['results_kb']:.0f} KB of HTML), estimate API {single['estimate']:.1f} ms "
        f"({single['estimate_kb']:.0f} KB of JSON). Under load the time is CPU: both workers and "
        "locust share 2 cores, so with no pause the requests queue and p95 grows with the queue.")
    if any(r[4] for r in results):
        lines.append("Locust warned that its own CPU use was high in at least one run: the load generator "
                     "shares the 2 cores with the server, so the numbers are a lower bound on the server's speed.")
    lines += ["", f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
              f"1-minute load average before the run {load_before:.1f}, after {os.getloadavg()[0]:.1f} "
              "(other work on the machine competes for the same cores).", ""]
    atomic_write_text(RESULTS, "\n".join(lines))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
