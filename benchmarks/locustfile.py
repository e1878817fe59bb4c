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

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

#: Form-encoded profiles (as the results page URL carries them) and the same as API JSON.
PROFILES: list[dict] = [
    {},
    {"r_iss": "II", "mrd": "positive"},
    {"age": 62, "sex": "female", "r_iss": "II", "mrd": "positive", "response": "VGPR"},
    {"age": 55, "r_iss": "I", "iss": "I", "mrd": "negative", "response": "CR"},
    {"age": 68, "r_iss": "III", "cytogenetics": ["del17p", "gain1q"], "mrd": "positive"},
    {"age": 59, "sex": "male", "iss": "II", "ldh_high": True, "induction": "vrd"},
    {"age": 64, "r2_iss": "III", "response": "sCR", "transplant": "tandem"},
    {"beta2_microglobulin_mg_l": 2.9, "albumin_g_dl": 3.9, "ldh_high": False, "cytogenetics": ["none-found"],
     "response": "CR", "mrd": "negative", "age": 58},
    {"age": 71, "creatinine_clearance_ml_min": 55, "months_since_transplant": 4},
    {"cytogenetics": ["t4-14"], "r_iss": "II", "induction": "dara-vrd"},
]
YEARS = (1, 2, 3, 5, 7)


def _form(profile: dict) -> list[tuple[str, str]]:
    out = []
    for k, v in profile.items():
        if isinstance(v, bool):
            out.append((k, "yes" if v else "no"))
        elif isinstance(v, list):
            out.extend((k, x) for x in v)
        else:
            out.append((k, str(v)))
    return out


_seeds = itertools.count(1)


class ResultsPageUser(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.rng = random.Random(next(_seeds))
        profile = self.rng.choice(PROFILES)
        with self.client.post("/profile", data=urlencode(_form(profile)), name="/profile", allow_redirects=False,
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
