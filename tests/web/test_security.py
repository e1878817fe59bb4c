"""Security headers on every response, pages that need no inline script or style (so the strict
CSP holds), outbound links that send no referrer, and the Host allow-list beyond localhost."""

from __future__ import annotations

import re
import warnings

import pytest

from mmdecide.web import Settings, create_app
from mmdecide.web.server import allowed_hosts_for, exposure_warning

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PAGES = ["/", "/profile", "/results?age=62&r_iss=II&mrd=positive", "/summary?age=62", "/evidence",
         "/evidence/calgb-100104", "/methods", "/static/style.css", "/api/v1/trials",
         "/api/v1/openapi.json", "/no-such-page", "/api/v1/no-such", "/results?age=nan"]


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_the_security_headers(client, path):
    h = client.get(path).headers
    csp = h["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", [p for p in PAGES if not p.startswith(("/api", "/static"))])
def test_pages_have_no_inline_script_or_style(client, path):
    html = client.get(path).text
    assert "<script" not in html.lower()
    assert not re.search(r"<style[\s>]", html, re.IGNORECASE), "inline <style> is blocked by the CSP"
    assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE), "style= attributes are blocked by the CSP"
    assert not re.search(r"\son[a-z]+\s*=", html), "event-handler attributes are inline script"


@pytest.mark.parametrize("path", ["/results", "/evidence/calgb-100104", "/summary"])
def test_outbound_links_send_no_referrer_or_opener(client, path):
    client.post("/profile", data={"age": "62", "r_iss": "II"})  # personal pages read the session
    html = client.get(path).text
    links = re.findall(r"<a\s[^>]*href=\"https?://[^\"]*\"[^>]*>", html)
    # the printable summary writes its sources' full addresses as text, for paper
    assert links or path == "/summary", "the page links to its publications"
    for a in links:
        assert 'rel="noopener noreferrer"' in a, a


def test_host_allow_list_beyond_localhost():
    app = create_app(Settings(allowed_hosts=("mmdecide.example.org", "127.0.0.1")))
    with TestClient(app, base_url="http://mmdecide.example.org", raise_server_exceptions=False) as c:
        assert c.get("/").status_code == 200
        r = c.get("/", headers={"host": "evil.example.com"})
        assert r.status_code == 400 and r.headers["x-frame-options"] == "DENY"


def test_serving_beyond_localhost_sets_an_allow_list_and_warns():
    assert allowed_hosts_for("127.0.0.1") is None and exposure_warning("127.0.0.1", None) is None
    allowed = allowed_hosts_for("0.0.0.0", ["decide.example.org"])
    assert "decide.example.org" in allowed and "0.0.0.0" not in allowed and "localhost" in allowed
    assert "every network interface" in exposure_warning("0.0.0.0", allowed)
    assert "192.168.1.5" in allowed_hosts_for("192.168.1.5")
    assert "reachable from the network" in exposure_warning("192.168.1.5", allowed_hosts_for("192.168.1.5"))
