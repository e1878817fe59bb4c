"""Pages as a reader sees them: headings, numbers equal to the estimate's, links to sources, form
errors beside their field, the summary PDF; no page loads anything from another site."""

from __future__ import annotations

import io
import math
from importlib import resources
import re
import warnings
from urllib.parse import parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from mmdecide import __version__
from mmdecide.engine.meta import effect_from_hr, pool
from mmdecide.personal import PatientProfile, estimate
from mmdecide.report.plain_language import summarize
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
PROFILE_QUERY = "age=62&r_iss=II&mrd=negative&cytogenetics=gain1q"


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


@pytest.fixture(scope="module")
def expected():
    return estimate(PROFILE)


@pytest.fixture(scope="module")
def results_page(get_page):
    return get_page(f"/results?{PROFILE_QUERY}&years=5")[1]


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
    for url in ("/", "/profile", f"/results?{PROFILE_QUERY}", "/evidence", "/methods"):
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


def test_valid_form_redirects_with_the_profile_in_the_url(web_client, get_page):
    form = {"age": "62", "r_iss": "II", "mrd": "negative", "cytogenetics": ["gain1q"], "ldh_high": "no",
            "sex": ""}
    r = web_client.post("/profile", data=form, follow_redirects=False)
    assert r.status_code == 303
    url = urlsplit(r.headers["location"])
    assert url.path == "/results"
    assert sorted(parse_qsl(url.query)) == sorted([("age", "62"), ("r_iss", "II"), ("mrd", "negative"),
                                                   ("cytogenetics", "gain1q"), ("ldh_high", "no")])
    _, soup = get_page(r.headers["location"])
    details = text(soup.find("section", attrs={"aria-labelledby": "details-title"}))
    assert "62 years" in details and "1q gain" in details and "No, it was normal" in details
    # "change your answers" fills the form back in
    change = soup.find("a", string="Change your answers")["href"]
    _, form_soup = get_page(change)
    assert form_soup.find("input", attrs={"name": "age"})["value"] == "62"
    assert form_soup.find("input", attrs={"name": "r_iss", "value": "II"}).has_attr("checked")


def test_bad_query_renders_the_form_with_errors(get_page):
    _, soup = get_page("/results?age=300", status=422)
    assert "at most 100" in text(soup.find(id="field-age"))
    get_page("/results?years=4", status=422)


# -- results --------------------------------------------------------------------------------------

def _value(cell) -> str:
    v = cell.find(class_="value")
    return v.get_text(strip=True) if v else text(cell)


def _people(x: float) -> str:
    n = int(round(x))
    return "fewer than 1" if n == 0 and x > 0 else str(n)


@pytest.mark.parametrize("years", [5, 2])
def test_results_numbers_equal_the_estimate(get_page, expected, years):
    _, soup = get_page(f"/results?{PROFILE_QUERY}&years={years}")
    assert f"{years} years" in text(soup.find("h1"))
    for o in expected.options:
        h = next(x for x in o.horizons if x.years == years)
        for col, n in (("pfs", h.pfs_out_of_100), ("os", h.os_out_of_100),
                       ("spmh", h.spm_hematologic_percent), ("spms", h.spm_solid_percent),
                       ("spma", h.spm_any_percent)):
            cell = soup.find(id=f"glance-{col}-{o.option}")
            assert cell is not None, (o.option, col)
            if n.estimate is None:
                assert "not known" in text(cell)
            else:
                assert _value(cell) == _people(n.estimate), (o.option, col)
                assert f"{_people(n.lower)} to {_people(n.upper)}" in text(cell) or \
                    _people(n.lower) == _people(n.upper)


def test_changing_the_horizon_changes_the_numbers(get_page):
    _, five = get_page(f"/results?{PROFILE_QUERY}&years=5")
    _, one = get_page(f"/results?{PROFILE_QUERY}&years=1")
    cells = lambda s: [_value(c) for c in s.select("#glance td[id^=glance-pfs]")]  # noqa: E731
    # fewer people are alive without progression at 5 years than at 1, for every option
    assert len(cells(five)) == len(cells(one)) >= 2
    assert all(int(f) < int(o) for f, o in zip(cells(five), cells(one)))
    # the chooser keeps the profile and offers 1, 2, 3, 5, 7
    form = five.find("form", class_="horizon")
    assert form["method"] == "get" and form["action"] == "/results"
    assert [o["value"] for o in form.find("select", attrs={"name": "years"}).find_all("option")] == \
        ["1", "2", "3", "5", "7"]
    hidden = {(i["name"], i["value"]) for i in form.find_all("input", type="hidden")}
    assert ("age", "62") in hidden and ("cytogenetics", "gain1q") in hidden


def test_every_number_links_to_a_source_that_exists(get_page, results_page):
    refs = results_page.select("sup.refs a")
    assert len(refs) > 20
    items = {li["id"]: li for li in results_page.select("ol.sources li")}
    checked_anchors: set[str] = set()
    for a in refs:
        assert a["href"].lstrip("#") in items
    for li in items.values():
        explorer = li.find("a", href=re.compile(r"^/evidence/"))
        publication = li.find("a", href=re.compile(r"^https?://"))
        assert explorer is not None and publication is not None
        checked_anchors.add(explorer["href"])
    # the explorer anchors land on an element of the evidence page
    for href in sorted(checked_anchors)[:40]:
        path, _, anchor = href.partition("#")
        _, soup = get_page(path)
        assert soup.find(id=anchor) is not None, href


def test_each_number_in_the_glance_table_has_sources(results_page, expected):
    for o in expected.options:
        h = next(x for x in o.horizons if x.years == 5)
        if h.pfs_out_of_100.estimate is not None:
            assert results_page.find(id=f"glance-pfs-{o.option}").find("sup", class_="refs")


def test_flags_for_extrapolated_and_indirect_numbers(results_page, expected):
    for o in expected.options:
        h = next(x for x in o.horizons if x.years == 5)
        cell = results_page.find(id=f"glance-pfs-{o.option}")
        assert ("beyond trial follow-up" in text(cell)) == h.pfs_out_of_100.extrapolated, o.option
        assert ("indirect comparison" in text(cell)) == (o.evidence.kind == "indirect"), o.option
    assert any(o.evidence.kind == "indirect" for o in expected.options)


def test_icon_arrays_show_100_people_and_say_the_numbers(results_page, expected):
    figures = results_page.select("section[aria-labelledby=pictures-title] figure")
    assert figures
    len_ = next(o for o in expected.options if o.option == "lenalidomide")
    obs = next(o for o in expected.options if o.option == "observation")
    h, r = (next(x for x in o.horizons if x.years == 5) for o in (len_, obs))
    card = results_page.find(id="pic-lenalidomide").find_parent("article")
    pfs_text = text(card.find_all("figcaption")[0])
    assert f"about {int(h.pfs_out_of_100.estimate)}" in pfs_text
    assert f"about {int(r.pfs_out_of_100.estimate)}" in pfs_text
    svg = card.find("svg")
    assert svg["role"] == "img" and svg.find("title") and svg.find("desc")
    assert text(svg.find("desc")) == pfs_text.removeprefix("Alive without the myeloma coming back. ")
    # 100 people: one head sub-path per person
    heads = sum(p["d"].count("a3.6,3.6 0 1,0 7.2,0") for p in svg.find_all("path"))
    assert heads == 100


def test_second_cancer_picture_colours_the_extra_people(results_page, expected):
    """Harms are drawn like benefits: second cancers with or without the option, plus the extra ones."""
    len_ = next(o for o in expected.options if o.option == "lenalidomide")
    obs = next(o for o in expected.options if o.option == "observation")
    h, r = (next(x for x in o.horizons if x.years == 5) for o in (len_, obs))
    card = results_page.find(id="pic-lenalidomide").find_parent("article")
    spm = next(f for f in card.find_all("figcaption") if "second blood cancer" in text(f))
    words = text(spm)
    assert "With no maintenance" in words and "extra people" in words
    extra = round(h.spm_hematologic_percent.estimate + h.spm_solid_percent.estimate) - round(
        r.spm_hematologic_percent.estimate + r.spm_solid_percent.estimate)
    assert extra > 0
    svg = spm.find_parent("figure").find("svg")
    extra_icons = [p for p in svg.find_all("path") if p.get("fill") == "#d55e00"]
    assert len(extra_icons) == 1 and extra_icons[0]["d"].count("a3.6,3.6 0 1,0 7.2,0") == extra


def test_survival_curves_have_tooltips_and_a_data_table(results_page, expected):
    section = results_page.find("section", attrs={"aria-labelledby": "curves-title"})
    charts = section.find_all("svg", class_="chart")
    assert len(charts) == 2
    tips = [text(t) for t in charts[0].select("circle title")]
    assert any(t.startswith("Lenalidomide") and "5 years" in t for t in tips)
    table = section.find(id="curve-table-pfs")
    rows = table.find("tbody").find_all("tr")
    assert [r.th.get_text(strip=True) for r in rows] == [f"{0.5 * k:g}" for k in range(1, 15)]
    curves = estimate(PROFILE, horizons=[0.5 * k for k in range(1, 15)])
    len_ = next(o for o in curves.options if o.option == "lenalidomide")
    col = [o.option for o in curves.options].index("lenalidomide")
    at3 = next(x for x in len_.horizons if x.years == 3).pfs_percent
    cell = rows[5].find_all("td")[col]
    assert text(cell).startswith(f"{int(round(at3.estimate))}%")


def test_results_faq_plain_summary_and_questions(results_page, expected):
    for o in expected.options:
        art = results_page.find(id=f"opt-{o.option}").find_parent("article")
        summaries = [s.get_text(strip=True) for s in art.find_all("summary")]
        assert summaries[0] == "What is it?" and "How strong is the evidence?" in summaries
        assert len(summaries) == 7
    plain = summarize(expected, 5.0)
    section = text(results_page.find("section", attrs={"aria-labelledby": "plain-title"}))
    for s in plain.sections:
        assert " ".join(s.sentences) in section
    questions = text(results_page.find("section", attrs={"aria-labelledby": "questions-title"}))
    for q in plain.questions:
        assert q in questions
    assert "not medical advice" in text(results_page.find("main"))


def test_what_matters_is_asked_and_echoed_on_the_summary(results_page, get_page):
    form = results_page.find("section", attrs={"aria-labelledby": "matters-title"}).find("form")
    assert form["action"] == "/summary" and form["method"] == "get"
    boxes = [i["value"] for i in form.find_all("input", type="checkbox")]
    assert len(boxes) == 5
    _, soup = get_page(f"/summary?{PROFILE_QUERY}&years=5&matters=fewer-visits&matters=longer-life")
    echoed = [li.get_text(strip=True) for li in soup.select("#summary-matters li")]
    assert echoed == ["Living longer", "Fewer clinic visits and pills"]


# -- summary -------------------------------------------------------------------------------------

def test_summary_has_profile_results_harms_sources_and_questions(get_page, expected):
    _, soup = get_page(f"/summary?{PROFILE_QUERY}&years=3")
    assert "62 years" in text(soup.find(id="summary-profile"))
    table = soup.find(id="summary-table")
    heads = [text(th) for th in table.find("thead").find_all("th")]
    assert heads[1].startswith("Alive without") and any("second" in h.lower() for h in heads)
    len_ = next(o for o in expected.options if o.option == "lenalidomide")
    h3 = next(x for x in len_.horizons if x.years == 3)
    row = next(tr for tr in table.find("tbody").find_all("tr") if tr.th.get_text(strip=True) == len_.plain_label)
    assert _value(row.find_all("td")[0]) == _people(h3.pfs_out_of_100.estimate)
    assert soup.select("ol.sources li a[href^=http]")
    assert "care team" in text(soup.find("section", attrs={"aria-labelledby": "s-questions"}))
    css = (resources.files("mmdecide") / "web" / "static" / "style.css").read_text(encoding="utf-8")
    assert "@media print" in css


def test_summary_pdf(web_client):
    r = web_client.get(f"/summary.pdf?{PROFILE_QUERY}&years=5&matters=fewer-side-effects")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("attachment")
    assert r.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(r.content))
    assert 1 <= len(reader.pages) <= 3
    words = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "62 years" in words and "care team" in words and "Avoiding side effects" in words


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
    urls = ["/", "/profile", f"/results?{PROFILE_QUERY}", f"/summary?{PROFILE_QUERY}", "/evidence",
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


def test_summary_pdf_fits_on_two_pages_for_a_detailed_profile(web_client):
    """The clinic-visit summary is one or two pages, even with many options and sources."""
    import io

    from pypdf import PdfReader

    query = ("r_iss=III&mrd=positive&cytogenetics=del17p&response=VGPR&age=62&sex=female"
             "&matters=longer&matters=side-effects&years=5")
    res = web_client.get(f"/summary.pdf?{query}")
    assert res.status_code == 200
    assert len(PdfReader(io.BytesIO(res.content)).pages) <= 2
