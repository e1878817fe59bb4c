"""Load scenarios of the web app, run by ``benchmarks/bench_web.py`` (locust as its own process).

Pick a scenario by its class name on the locust command line, e.g.
``locust -f benchmarks/locustfile.py --headless -u 20 -r 20 -t 30s --host http://127.0.0.1:8000 ResultsPageUser``.

* ``ResultsPageUser``: a person on the results page: answers from a fixed mix sent once with the
  form (``POST /profile``, kept in the session cookie), then pages: a time span chosen
  (``POST /results``) and the results page shown (``GET /results``), with a pause of 0.5 to 1.5 s
  between pages (reading, changing the time span).
* ``ResultsPageNoWaitUser``: the same pages with no pause at all (the server's saturation point).
* ``EstimateApiUser``: ``POST /api/v1/estimate`` with no pause, profiles from the fixed mix
  (answered from each worker's cache after the first time).
* ``EstimateRandomUser``: the same with a new random consistent profile each time (age, sex,
  stage, response, MRD), so almost every request computes an estimate.

Profiles and horizons are drawn with a fixed seed per user, so every run sends the same mix.
"""

from __future__ import annotations

import itertools
import random
from urllib.parse import urlencode

from load_profiles import PROFILES, YEARS, form_fields
from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

_seeds = itertools.count(1)


class ResultsPageUser(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.rng = random.Random(next(_seeds))
        profile = self.rng.choice(PROFILES)
        with self.client.post("/profile", data=urlencode(form_fields(profile)), name="/profile", allow_redirects=False,
                              headers={"Content-Type": "application/x-www-form-urlencoded"},
                              catch_response=True) as r:
            if r.status_code != 303:
                r.failure(f"status {r.status_code}")

    @task
    def results_page(self) -> None:
        years = self.rng.choice(YEARS)
        with self.client.post("/results", data=f"years={years}", name="/results [time span]",
                              headers={"Content-Type": "application/x-www-form-urlencoded"},
                              allow_redirects=False, catch_response=True) as r:
            if r.status_code != 303:
                r.failure(f"status {r.status_code}")
        with self.client.get("/results", name="/results", catch_response=True) as r:
            if r.status_code != 200 or "Your results" not in (r.text or ""):
                r.failure(f"status {r.status_code}")


class ResultsPageNoWaitUser(ResultsPageUser):
    wait_time = constant(0)


class EstimateApiUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(next(_seeds))

    @task
    def estimate(self) -> None:
        body = {"profile": self.rng.choice(PROFILES)}
        with self.client.post("/api/v1/estimate", json=body, name="/api/v1/estimate", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}: {(r.text or '')[:200]}")


def random_profile(rng: random.Random) -> dict:
    """A consistent profile: R-ISS alone (its parts unknown), MRD-negative only after CR or sCR."""
    p: dict = {"age": rng.randint(30, 85)}
    if rng.random() < 0.7:
        p["sex"] = rng.choice(["female", "male"])
    if rng.random() < 0.7:
        p["r_iss"] = rng.choice(["I", "II", "III"])
    response = rng.choice([None, "sCR", "CR", "VGPR", "PR"])
    if response:
        p["response"] = response
    mrd = rng.choice([None, "positive", "negative"])
    if mrd == "negative" and response not in ("sCR", "CR"):
        mrd = "positive"
    if mrd:
        p["mrd"] = mrd
    return p


class EstimateRandomUser(EstimateApiUser):
    @task
    def estimate(self) -> None:
        body = {"profile": random_profile(self.rng)}
        with self.client.post("/api/v1/estimate", json=body, name="/api/v1/estimate", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}: {(r.text or '')[:200]}")
