"""Load scenario of the community pages, run by ``benchmarks/bench_community_http.py`` (locust as
its own process, so that its gevent patching never touches the benchmark script).

``CommunityMember``: a logged-in member (a session made by the benchmark script, read from the
JSON file in ``MMDECIDE_BENCH_SESSIONS``) who, with a pause of 0.5 to 1.5 s between requests,
records a lab value (3 in 4 requests) or looks at "Members like you" with one of 20 filter sets
(1 in 4). ``CommunityMemberNoWait`` does the same with no pause (the saturation point).
Values and filters are drawn with a fixed seed per member, so every run sends the same mix.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

#: "members like me": risk group x age band, and a few by treatment and dose
FILTERS: list[dict[str, str]] = [
    {"risk": r, "age_band": a} for r in ("standard", "high", "unknown")
    for a in ("under 50", "50-59", "60-69", "70 or over")
] + [{}, {"regimen": "lenalidomide"}, {"regimen": "lenalidomide", "dose_mg": "10"},
     {"regimen": "lenalidomide", "dose_mg": "15"}, {"since_transplant": "2 to 5 years"},
     {"risk": "high"}, {"age_band": "60-69", "since_transplant": "1 to 2 years"},
     {"risk": "standard", "dose_mg": "15"}]
_SESSIONS = json.loads(open(os.environ["MMDECIDE_BENCH_SESSIONS"], encoding="utf-8").read()) \
    if os.environ.get("MMDECIDE_BENCH_SESSIONS") else []
_next = itertools.count()


class CommunityMember(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        n = next(_next)
        self.rng = random.Random(n + 1)
        session = _SESSIONS[n % len(_SESSIONS)]
        self.csrf = session["csrf"]
        self.headers = {"Cookie": f"mmdecide_member={session['token']}"}

    @task(3)
    def record_lab(self) -> None:
        form = {"csrf": self.csrf, "entry": "lab", "kind": "platelets",
                "value": str(self.rng.randint(50, 400)), "unit": "x10^9/L",
                "day": f"2026-0{self.rng.randint(1, 5)}-{self.rng.randint(10, 28)}"}
        with self.client.post("/community/entries/add", data=form, headers=self.headers,
                              allow_redirects=False, name="record lab value", catch_response=True) as r:
            # a 303 to the login page (a session that was not accepted) is a failure too
            if r.status_code != 303 or r.headers.get("location") != "/community/me":
                r.failure(f"status {r.status_code} to {r.headers.get('location')}")

    @task(1)
    def aggregate(self) -> None:
        form = {"csrf": self.csrf, **self.rng.choice(FILTERS)}
        with self.client.post("/community/aggregates", data=form, headers=self.headers,
                              name="aggregate page", catch_response=True) as r:
            if r.status_code != 200 or "Members like you" not in (r.text or ""):
                r.failure(f"status {r.status_code}")


class CommunityMemberNoWait(CommunityMember):
    wait_time = constant(0)
