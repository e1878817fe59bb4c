"""The IPDAS disclosures: who made the tool, money and conflicts, the evidence dates, the update
policy, how it was tested (not yet with patients), what is kept about a person; and the page
that explains how to read the results. Every page links to both."""

from __future__ import annotations

import warnings
from datetime import date

import pytest
import yaml
from bs4 import BeautifulSoup

from mmdecide.web import Settings, create_app
from mmdecide.web.session import MAX_AGE_SECONDS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def web_app():
    return create_app(Settings())


@pytest.fixture(scope="module")
def client(web_app):
    with TestClient(web_app) as c:
        yield c


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def get(client, url):
    r = client.get(url)
    assert r.status_code == 200, url
    return BeautifulSoup(r.text, "html.parser")


def test_about_discloses_makers_money_dates_testing_and_privacy(client, web_app):
    from importlib import resources

    facts = yaml.safe_load((resources.files("mmdecide") / "web" / "about.yaml").read_text(encoding="utf-8"))
    soup = get(client, "/about")
    assert "mmdecide developers" in text(soup.find(id="about-maintainers"))
    assert "None" in text(soup.find(id="about-funding")) and "None" in text(soup.find(id="about-conflicts"))
    newest = web_app.state.services.facts.newest_source_year
    assert str(newest) in text(soup.find(id="about-cutoff"))
    reviewed_on = date.fromisoformat(str(facts["evidence_reviewed"]))
    reviewed = text(soup.find(id="about-reviewed"))
    assert f"{reviewed_on.day} {reviewed_on:%B} {reviewed_on.year}" in reviewed
    assert soup.find(id="updates") and soup.find("a", href="/methods#updates")
    assert facts["tested_with_patients"] is False
    assert "not been tested with patients" in text(soup.find(id="about-not-tested"))
    privacy = text(soup.find("section", attrs={"aria-labelledby": "privacy"}))
    assert "cookie" in privacy and f"{MAX_AGE_SECONDS // 3600} hours" in privacy
    assert "Clear my details" in privacy and "web address" in privacy


def test_how_to_read_explains_ranges_pictures_lines_and_strength(client):
    body = text(get(client, "/how-to-read").find("main"))
    for words in ("Out of 100 people like you", "between 19 and 62", "tick", "cross", "dashed line",
                  "Not tested against no maintenance", "Beyond trial follow-up"):
        assert words.lower() in body.lower(), words


@pytest.mark.parametrize("url", ["/", "/profile", "/results", "/evidence", "/methods"])
def test_every_page_links_to_about_and_how_to_read(client, url):
    nav = get(client, url).find("nav")
    assert nav.find("a", href="/about") and nav.find("a", href="/how-to-read")
