"""The optional per-client API rate limit: a token bucket per client address, off by default,
429 with Retry-After and a one-line JSON body, pages never limited."""

from __future__ import annotations

import json
import warnings

import pytest

from mmdecide.web import Settings, create_app
from mmdecide.web.ratelimit import RATE_LIMIT_ENV, TokenBuckets, rate_limit_from_env

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_size_then_waits_for_a_token():
    clock = Clock()
    b = TokenBuckets(6, clock=clock)  # 6 a minute: one token every 10 s
    assert [b.take("a") for _ in range(6)] == [0.0] * 6
    assert b.take("a") == pytest.approx(10.0)
    clock.now += 5
    assert b.take("a") == pytest.approx(5.0)  # half a token back, not enough
    clock.now += 5
    assert b.take("a") == 0.0
    assert b.take("b") == 0.0  # another address has its own bucket
    clock.now += 3600
    assert [b.take("a") for _ in range(6)] == [0.0] * 6  # refilled to its size, no more
    assert b.take("a") > 0


def test_buckets_are_bounded_in_number():
    clock = Clock()
    b = TokenBuckets(1, max_keys=3, clock=clock)
    for key in "abcd":
        assert b.take(key) == 0.0
    assert len(b._buckets) == 3 and "a" not in b._buckets  # least recently seen dropped
    assert b.take("d") > 0


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(RATE_LIMIT_ENV, raising=False)
    assert rate_limit_from_env() is None and Settings().api_rate_limit is None  # off by default
    monkeypatch.setenv(RATE_LIMIT_ENV, "0")
    assert rate_limit_from_env() is None
    monkeypatch.setenv(RATE_LIMIT_ENV, "120")
    assert Settings().api_rate_limit == 120
    for bad in ("-1", "ten", "1.5", "99999999"):
        monkeypatch.setenv(RATE_LIMIT_ENV, bad)
        with pytest.raises(ValueError, match=RATE_LIMIT_ENV):
            rate_limit_from_env()


def test_the_api_answers_429_with_retry_after_and_one_line_of_json():
    app = create_app(Settings(api_rate_limit=3))
    with TestClient(app, client=("203.0.113.7", 5000)) as c, \
            TestClient(app, client=("198.51.100.9", 5000)) as other:
        codes = [c.get("/api/v1/trials").status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        r = c.post("/api/v1/estimate", json={})
        assert r.status_code == 429
        assert 1 <= int(r.headers["retry-after"]) <= 20  # one token every 20 s
        assert "\n" not in r.text
        detail = json.loads(r.text)["detail"]
        assert detail[0]["rule"] == "rate-limit" and "try again" in detail[0]["message"]
        assert r.headers["x-content-type-options"] == "nosniff"  # security headers on the 429 too
        assert c.get("/").status_code == 200  # pages are not limited
        assert c.get("/api/v1/trials").status_code == 429  # still limited
        assert other.get("/api/v1/trials").status_code == 200  # another address is not


def test_no_limit_without_the_setting():
    with TestClient(create_app(Settings(api_rate_limit=None))) as c:
        assert all(c.get("/api/v1/openapi.json").status_code == 200 for _ in range(30))
