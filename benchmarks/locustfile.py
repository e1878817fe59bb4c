"""Load scenarios of the web app, run by ``benchmarks/bench_web.py`` (locust as its own process).

Pick a scenario by its class name on the locust command line, e.g.
``locust -f benchmarks/locustfile.py --headless -u 20 -r 20 -t 30s --host http://127.0.0.1:8000 ResultsPageUser``.

* ``ResultsPageUser``: a person on the results page: a profile from a fixed mix, a time span, a
  pause of 0.5 to 1.5 s between pages (reading, changing the time span).
* ``ResultsPageNoWaitUser``: the same pages with no pause at all (the server's saturation point).
* ``EstimateApiUser``: ``POST /api/v1/estimate`` with no pause, for requests per second.

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


RESULTS_URLS = [f"/results?{urlencode(_form(p) + [('years', str(y))])}" for p, y in itertools.product(PROFILES, YEARS)]
_seeds = itertools.count(1)


class ResultsPageUser(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.rng = random.Random(next(_seeds))

    @task
    def results_page(self) -> None:
        url = self.rng.choice(RESULTS_URLS)
        with self.client.get(url, name="/results", catch_response=True) as r:
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
