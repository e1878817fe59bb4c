"""Pages as a reader sees them: headings, numbers equal to the estimate's, links to sources, form
errors beside their field, the summary PDF; no page loads anything from another site."""

from __future__ import annotations

import math
import re
import warnings

import pytest
from bs4 import BeautifulSoup

from mmdecide import __version__
from mmdecide.engine.meta import effect_from_hr, pool
from mmdecide.personal import PatientProfile
from mmdecide.report.reproduce_models import POOL_SELECTION
from mmdecide.web import Settings, create_app

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

@pytest.fixture(scope="module")
def web_app():
    return create_app(Settings())


@pytest.fixture(scope="module")
def web_client(web_app):
    with TestClient(web_app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def get_page(web_client):
    """GET a page: (response, parsed HTML)."""

    def get(url: str, status: int = 200):
        r = web_client.get(url)
        assert r.status_code == status, (url, r.status_code)
        assert "text/html" in r.headers["content-type"]
        return r, BeautifulSoup(r.text, "html.parser")

    return get


PROFILE = {"age": 62, "r_iss": "II", "mrd": "negative", "cytogenetics": ["gain1q"]}


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


# -- start ---------------------------------------------------------------------------------------

def test_start_page_says_what_it_is_and_the_evidence_version(get_page, web_app):
    _, soup = get_page("/")
    assert soup.html["lang"] == "en"
    assert len(soup.find_all("h1")) == 1
    body = text(soup)
    assert "not medical advice" in body and "care team" in body
    assert "autologous" in body
    facts = web_app.state.services.facts
    corpus = web_app.state.services.corpus
    assert facts.n_files == len(corpus)
    assert facts.newest_source_year == max(s.year for ev in corpus for s in ev.sources if s.year)
    assert f"{facts.n_files} evidence files" in body
    assert str(facts.newest_source_year) in body
    assert __version__ in body
    assert soup.find("a", href="/profile", string=re.compile("Start"))


def test_layout_landmarks_and_skip_link(get_page):
    for url in ("/", "/profile", "/results", "/summary", "/evidence", "/methods"):
        _, soup = get_page(url)
        skip = soup.find("a")
        assert skip["href"] == "#main" and "skip" in skip["class"][0]
        assert soup.find("main", id="main") and soup.find("header") and soup.find("footer")
        assert soup.find("nav")
        assert len(soup.find_all("h1")) == 1


# -- the form -------------------------------------------------------------------------------------

def test_form_has_a_labelled_optional_input_for_every_profile_field(get_page):
    _, soup = get_page("/profile")
    for name in PatientProfile.model_fields:
        box = soup.find(id=f"field-{name}")
        assert box is not None, name
        assert box.find(class_="help") and text(box.find(class_="help")), name
        inputs = box.find_all("input", attrs={"name": name})
        assert inputs, name
        if inputs[0]["type"] == "radio":
            unknown = [i for i in inputs if i["value"] == ""]
            assert unknown and "I don't know" in text(unknown[0].parent), name
        elif inputs[0]["type"] == "number":
            label = soup.find("label", attrs={"for": inputs[0]["id"]})
            assert label is not None and text(label), name
    helps = text(soup)
    for term in ("R-ISS", "FISH", "Minimal residual disease", "kidneys", "response"):
        assert term in helps


@pytest.mark.parametrize(("form", "field", "words"), [
    ({"age": "250"}, "age", "at most 100"),
    ({"age": "sixty"}, "age", "enter a number"),
    ({"iss": "II", "r_iss": "I"}, "r_iss", "R-ISS I requires ISS I"),
    ({"cytogenetics": ["none-found", "del17p"]}, "cytogenetics", "none-found"),
    ({"creatinine_clearance_ml_min": "-5"}, "creatinine_clearance_ml_min", "outside the possible range"),
    ({"albumin_g_dl": "35"}, "albumin_g_dl", "if your report says 35 g/L, that is 3.5 g/dL"),
    ({"r_iss": "I", "cytogenetics": ["del17p"]}, "r_iss", "R-ISS I needs no high-risk FISH finding"),
])
def test_form_errors_are_shown_beside_their_field(web_client, form, field, words):
    r = web_client.post("/profile", data=form, follow_redirects=False)
    assert r.status_code == 422
    soup = BeautifulSoup(r.text, "html.parser")
    box = soup.find(id=f"field-{field}")
    message = box.find(class_="error-message")
    assert message is not None and words in text(message)
    assert "has-error" in box["class"]
    # only that field is marked, and the summary at the top links to it
    assert [b["id"] for b in soup.select(".has-error")] == [f"field-{field}"]
    assert soup.find("a", href=f"#field-{field}")
    # what was typed is kept
    if field == "age":
        assert soup.find("input", attrs={"name": "age"})["value"] == form["age"]


# -- evidence explorer ----------------------------------------------------------------------------

def test_evidence_list_has_every_file(get_page, web_app):
    _, soup = get_page("/evidence")
    rows = soup.select("#evidence-files tbody tr")
    corpus = web_app.state.services.corpus
    assert [r.th.get_text(strip=True) for r in rows] == corpus.ids()
    first = corpus.get(corpus.ids()[0])
    assert first.kind in text(rows[0]) and first.topics[0] in text(rows[0])


def test_evidence_page_shows_every_number_with_its_source_and_disagreements(get_page, web_app):
    corpus = web_app.state.services.corpus
    with_alternatives = next(ev for ev in corpus for c in ev.comparisons if c.estimate.alternatives)
    _, soup = get_page(f"/evidence/{with_alternatives.id}")
    body = text(soup)
    assert "Also reported" in body
    for s in with_alternatives.sources:
        li = soup.find(id=f"source-{s.id}")
        assert li is not None and li.find("a", href=s.url)
    with_conflicts = next((ev for ev in corpus if ev.conflicts), None)
    if with_conflicts is not None:
        _, soup = get_page(f"/evidence/{with_conflicts.id}")
        assert with_conflicts.conflicts[0].description.split()[0] in text(soup.find(id="conflicts").find_next("ul"))
    with_gaps = next(ev for ev in corpus if ev.gaps)
    _, soup = get_page(f"/evidence/{with_gaps.id}")
    assert soup.find(id="gaps")


def test_arms_with_doses(get_page, web_app):
    ev = web_app.state.services.corpus.get("calgb-100104")
    _, soup = get_page("/evidence/calgb-100104")
    arms = text(soup.find(id="arms").find_next("ul"))
    for a in ev.arms:
        assert a.label in arms
    assert "10 mg" in arms


def test_forest_plot_pools_the_report_selection(get_page, web_app):
    corpus = web_app.state.services.corpus
    _, soup = get_page("/evidence/mccarthy-2017-meta")
    table = soup.find(id="forest-table")
    rows = table.find("tbody").find_all("tr")
    effects = []
    for trial, endpoint, analysis, arm in POOL_SELECTION[("mccarthy-2017-meta", "PFS")]:
        c = next(c for c in corpus.get(trial).comparisons
                 if (c.endpoint, c.analysis, c.experimental, c.measure) == (endpoint, analysis, arm, "HR"))
        effects.append(effect_from_hr(c.estimate.value, c.estimate.lower, c.estimate.upper))
    fe, dl = pool(effects, "FE"), pool(effects, "DL")
    cells = [[td.get_text(strip=True) for td in r.find_all("td")] for r in rows]
    assert [c[0] for c in cells] == [*(f"{e.hr:.2f}" for e in effects), f"{fe.estimate:.2f}",
                                     f"{dl.estimate:.2f}", "0.48"]
    assert soup.find("section", attrs={"aria-labelledby": "forest-title"}).find("svg", class_="chart")
    _, index = get_page("/evidence")
    assert index.find(id="forest-table")


def test_calgb_reconstruction_against_the_published_risk_table(get_page, web_app):
    ev = web_app.state.services.corpus.get("calgb-100104")
    _, soup = get_page("/evidence/calgb-100104")
    tables = soup.select("table.recon-table")
    assert len(tables) == 2
    published = [r.at_risk.n for r in ev.results if r.at_risk is not None]
    for table, n in zip(tables, published):
        row = table.find("tbody").find_all("tr")[0]
        assert [int(td.get_text()) for td in row.find_all("td")[: len(n)]] == list(n)
    assert soup.find("h2", string=re.compile("curves we reconstructed"))


# -- methods, errors ------------------------------------------------------------------------------

def test_methods_renders_the_docs_and_the_reproduction_report(get_page, web_app):
    _, soup = get_page("/methods")
    headings = [text(h) for h in soup.find_all(["h2", "h3"])]
    assert "Methods and validation" in headings and "Evidence curation" in headings
    report = web_app.state.services.report
    assert len(soup.select("#reproduction-table tbody tr")) == len(report.rows)
    assert soup.find(id="limits") and soup.find(id="updates")


def test_methods_without_docs_links_instead(tmp_path):
    app = create_app(Settings(docs_dir=None, docs_url="https://example.org/docs"))
    with TestClient(app) as c:
        soup = BeautifulSoup(c.get("/methods").text, "html.parser")
    assert soup.find("a", href="https://example.org/docs")
    assert "Methods and validation" not in [text(h) for h in soup.find_all("h2")]


def test_404_and_500_pages_are_in_the_layout_without_a_trace(web_client, web_app):
    r = web_client.get("/no-such-page")
    assert r.status_code == 404
    soup = BeautifulSoup(r.text, "html.parser")
    assert text(soup.find("h1")) == "Page not found" and soup.find("nav")
    assert web_client.get("/evidence/no-such-file").status_code == 404

    app = create_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert "secret internals" not in r.text and "Traceback" not in r.text
    assert text(BeautifulSoup(r.text, "html.parser").find("h1")) == "Something went wrong"


def test_no_page_loads_anything_from_another_site(web_client):
    urls = ["/", "/profile", "/results", "/summary", "/evidence",
            "/evidence/calgb-100104", "/methods", "/nope"]
    for url in urls:
        html = web_client.get(url).text
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup.find_all(["script", "img", "iframe", "link", "source", "video", "audio", "embed", "object"]):
            for attr in ("src", "href", "data"):
                value = tag.get(attr)
                assert not value or not re.match(r"^(https?:)?//", value), (url, str(tag)[:100])
        assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", html), url
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", " ".join(s.get_text() for s in soup.find_all("style")))
        # external addresses appear only as links to sources
        for tag in soup.find_all(href=re.compile(r"^(https?:)?//")):
            assert tag.name == "a", (url, str(tag)[:100])
    css = web_client.get("/static/style.css").text
    assert "http" not in css and "@font-face" not in css


def test_every_evidence_page_renders(web_client, web_app):
    for file_id in web_app.state.services.corpus.ids():
        r = web_client.get(f"/evidence/{file_id}")
        assert r.status_code == 200, file_id
        assert not math.isnan(len(r.text))
