"""The results page's harms-detail and high-risk sections, as a reader sees them (no browser):
shown for the right profiles, every number cited to a listed source, plain words, blood counts
and kidney function compared with the label."""

from __future__ import annotations

import re
import warnings
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from mmdecide.evidence import load_corpus
from mmdecide.web import Settings, create_app
from mmdecide.web.rendering import SourceList, make_env

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HIGH_RISK = "age=62&r_iss=III&cytogenetics=del17p&creatinine_clearance_ml_min=45&years=5"
STANDARD = "age=62&r_iss=I&cytogenetics=none-found&years=5"
MAX_GRADE = 9.0  # Flesch-Kincaid, as for the plain-language summary


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        yield c


def _page(client, query):
    """The answers (given as a query string for brevity) posted into the session, then the page."""
    from urllib.parse import parse_qs

    form = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(query).items()}
    assert client.post("/profile", data=form, follow_redirects=False).status_code == 303
    r = client.get("/results")
    assert r.status_code == 200
    return BeautifulSoup(r.text, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def _cites_resolve(page, section):
    links = section.select("sup.refs a")
    assert links
    for a in links:
        assert page.find(id=a["href"].removeprefix("#")) is not None, a["href"]


def test_high_risk_profile_sees_the_answer_with_credibility_flags(client, textstat):
    page = _page(client, HIGH_RISK)
    sec = page.find(id="high-risk")
    assert sec is not None and "del(17p), R-ISS III" in _text(sec)
    flags = {_text(s) for s in sec.select("strong.credibility")}
    assert {"Randomized subgroup", "Single-arm or cohort", "Guideline summary"} <= flags
    assert "0.47 (likely between 0.26 and 0.86)" in _text(sec)
    _cites_resolve(page, sec)
    assert textstat.flesch_kincaid_grade(" ".join(p.get_text(" ") for p in sec.select("li > p:first-child"))) <= MAX_GRADE


def test_standard_risk_profile_has_no_high_risk_section(client):
    assert _page(client, STANDARD).find(id="high-risk") is None


def test_harms_detail_rows_sit_beside_their_comparator(client):
    page = _page(client, HIGH_RISK)
    sec = page.find(id="harms-detail")
    rows = {_text(tr.th): [_text(td) for td in tr.find_all("td")] for tr in sec.select("table tbody tr")}
    g3 = next(v for k, v in rows.items() if k.startswith("neutropenia, grade 3 (initial report) ( calgb-100104 )"))
    assert g3[2].startswith("32%") and g3[3].startswith("12% (placebo")
    g4 = next(v for k, v in rows.items() if k.startswith("neutropenia, grade 4 (initial report) ( calgb-100104 )"))
    assert g4[2].startswith("13%") and g4[3].startswith("3% (placebo")
    before = [v for k, v in rows.items() if "mccarthy-2017-meta" in k]
    assert before and all(v[1].startswith("before the myeloma came back") for v in before)
    assert "creatinine clearance 45 mL/min) is below the label's level of 60 mL/min" in _text(sec)
    _cites_resolve(page, sec)
    for table in sec.find_all("table"):  # tables are labelled for screen readers
        assert table.caption is not None and table.find("th", scope="col") is not None


def test_blood_counts_in_the_partial(tmp_path):
    """Profiles that carry blood counts (a later profile version) see them against the label."""
    corpus = load_corpus()
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(services=SimpleNamespace(corpus=corpus))))
    profile = SimpleNamespace(hemoglobin_g_dl=11.5, neutrophils_10e9_l=0.8, platelets_10e9_l=180,
                              creatinine_clearance_ml_min=None, cytogenetics=None, r_iss=None)
    html = make_env().get_template("partials/harms_detail.html").render(
        request=request, profile=profile, refs=SourceList(lambda *a: "/evidence"))
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "neutrophil count (0.8 x 10^9/L) is below the label's level of 1 x 10^9/L for starting" in text
    assert "platelet count (180 x 10^9/L) is at or above the label's level of 75 x 10^9/L" in text
    assert "hemoglobin (11.5 g/dL)" in text and "not a recommendation" in text
    assert not re.search(r"\b(you should|we recommend)\b", text, re.IGNORECASE)
