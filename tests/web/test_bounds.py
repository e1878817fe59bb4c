"""Bounded work per request: compressed answers, caches bounded in bytes, PDFs rendered once per
page and never more than the allowed number at once (a clear 503 "busy, try again" instead), and
JSON 404s and 405s with Allow under /api/v1."""

from __future__ import annotations

import threading
import warnings

import pytest

from mmdecide.web import Settings, create_app
from mmdecide.web.cache import ByteLRU
from mmdecide.web.pdf_gate import Busy, PdfGate

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def test_estimates_are_gzipped(client):
    r = client.post("/api/v1/estimate", json={"profile": {"age": 62}}, headers={"accept-encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    raw = client.post("/api/v1/estimate", json={"profile": {"age": 62}}, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in raw.headers
    # about 8x since sources are listed once (the repeated source lists compressed 40x)
    assert int(r.headers["content-length"]) * 5 < len(raw.content)
    assert r.json() == raw.json()


def test_horizon_count_is_bounded(client):
    r = client.post("/api/v1/estimate", json={"horizons": [k / 12 for k in range(1, 61)]})
    assert r.status_code == 422 and r.json()["detail"][0]["rule"] == "too_long"


@pytest.mark.parametrize("path", ["/api/v1/trials/%0Ax", "/api/v1/%0A", "/api/v1/nope", "/api/v1"])
def test_api_404s_are_json(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert r.json()["detail"][0]["rule"] == "not-found"


def test_405_says_what_is_allowed(client):
    r = client.delete("/api/v1/estimate")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    r = client.put("/results")
    assert r.status_code == 405 and r.headers["allow"] == "GET"


def test_byte_lru_keeps_the_total_under_budget():
    cache = ByteLRU(1000)
    for i in range(10):
        cache.put(i, f"v{i}", 300)
    assert cache.total <= 1000 and len(cache) == 3 and cache.get(9) == "v9" and cache.get(0) is None
    cache.put("huge", "x", 5000)  # larger than the budget: not kept, nothing evicted for it
    assert cache.get("huge") is None and len(cache) == 3


def test_estimate_cache_is_bounded_in_bytes():
    app = create_app(Settings(estimate_cache_bytes=3_000_000))
    with TestClient(app) as c:
        for age in range(40, 60):
            assert c.post("/api/v1/estimate", json={"profile": {"age": age}, "horizons": [1, 2, 3, 5, 7]}).status_code == 200
    cache = app.state.services._cache
    assert 0 < cache.total <= 3_000_000 and len(cache) <= 6


def test_pdf_gate_renders_once_per_page_and_refuses_when_busy():
    gate = PdfGate(max_bytes=10_000, concurrency=1)
    calls = []
    assert gate.render(b"<p>a</p>", lambda: calls.append(1) or b"%PDF-a") == b"%PDF-a"
    assert gate.render(b"<p>a</p>", lambda: calls.append(1) or b"%PDF-b") == b"%PDF-a"  # cached
    assert len(calls) == 1
    started, release = threading.Event(), threading.Event()

    def slow() -> bytes:
        started.set()
        release.wait(10)
        return b"%PDF-slow"

    t = threading.Thread(target=gate.render, args=(b"<p>b</p>", slow))
    t.start()
    assert started.wait(10)
    with pytest.raises(Busy):
        gate.render(b"<p>c</p>", lambda: b"%PDF-c")
    release.set()
    t.join(10)
    assert gate.render(b"<p>c</p>", lambda: b"%PDF-c") == b"%PDF-c"  # a slot is free again


def test_busy_pdf_is_a_503_with_retry_after(client, monkeypatch):
    def busy(html, make_pdf):
        raise Busy

    monkeypatch.setattr(client.app.state.pdf_gate, "render", busy)
    client.post("/profile", data={"age": "62"})  # the answers go into the session cookie
    r = client.get("/summary.pdf")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert "try again" in r.text


def test_gzip_of_html_pages(client):
    client.post("/profile", data={"age": "62"})
    r = client.get("/results", headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and r.status_code == 200
