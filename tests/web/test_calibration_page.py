"""The calibration page, its JSON endpoint, and the calibration shown in each option's details."""

from __future__ import annotations

import re
import warnings

import pytest
from bs4 import BeautifulSoup

from mmdecide.personal.calibration import calibration_table
from mmdecide.personal.validation import external_validation
from mmdecide.report.calibration_words import published_words
from mmdecide.web import Settings, create_app

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ALL_OPTIONS = ["observation", "lenalidomide", "ixazomib", "daratumumab", "carfilzomib-lenalidomide-dexamethasone"]


@pytest.fixture(scope="module")
def web_client():
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        yield c


def test_page_shows_every_row_with_its_verdict_and_source(web_client):
    r = web_client.get("/calibration")
    assert r.status_code == 200
    soup = BeautifulSoup(r.text, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "How well do these numbers match the trials?"
    rows = calibration_table()
    assert {r.option for r in rows} >= {"baseline"}  # the arms that set each induction's baseline have a table too
    for option in {r.option for r in rows}:
        for scope, table_id in (("option", "calibration-table"), ("others", "calibration-others")):
            mine = [x for x in rows if x.option == option and (x.scope == "option") == (scope == "option")]
            table = soup.find(id=f"{table_id}-{option}")
            if not mine:  # single trials beside a pooled analysis: only where there are some
                assert table is None, (option, scope)
                continue
            body = table.find("tbody").find_all("tr")
            assert len(body) == len(mine), (option, scope)
            verdicts = [tr.find_all("td")[-1].get_text(strip=True) for tr in body]
            assert verdicts == ["fitted" if x.fitted else "yes" if x.within_tolerance else "no" for x in mine]
    krd = "carfilzomib-lenalidomide-dexamethasone"
    assert soup.find(id=f"calibration-{krd}").find(class_="notice")
    assert "59.1 months" in soup.find(id=f"calibration-table-{krd}").get_text(" ")
    # CASSIOPEIA's observation arm sets the VTd baseline: marked fitted, and daratumumab now agrees
    assert "fitted" in soup.find(id="calibration-table-daratumumab").get_text(" ")
    assert not soup.find(id="calibration-daratumumab").find(class_="notice")
    assert soup.find(id="sources-title")  # every published number is cited in the list below
    assert 'style="' not in r.text and "<script>" not in r.text  # the strict CSP


def test_json_endpoint_matches_the_table(web_client):
    r = web_client.get("/api/v1/calibration")
    assert r.status_code == 200
    data = r.json()
    assert [(d["option"], d["trial"], d["arm"], d["quantity"], d["within_tolerance"]) for d in data] == \
        [(x.option, x.trial, x.arm, x.quantity, x.within_tolerance) for x in calibration_table()]
    assert all(d["source"]["url"] for d in data if d["published"] is not None)


def test_methods_page_links_to_it(web_client):
    soup = BeautifulSoup(web_client.get("/methods").text, "html.parser")
    assert soup.find("a", href="/calibration")


def test_results_page_shows_the_trial_in_place_of_an_option_that_misses_it(web_client):
    assert web_client.post("/profile", data={"age": "60"}, follow_redirects=False).status_code == 303
    web_client.post("/results", data={"years": "5", "set_options": "1", "option": ALL_OPTIONS})
    soup = BeautifulSoup(web_client.get("/results").text, "html.parser")
    krd = "carfilzomib-lenalidomide-dexamethasone"
    text = soup.find(id=f"calibration-{krd}").get_text(" ", strip=True)
    assert text.startswith("Our model does not match this option's own trial, so it shows no numbers for you.")
    detail = soup.find(id=f"calibration-detail-{krd}").get_text(" ", strip=True)
    assert "at 41 months. Our numbers say 51 months." in detail  # the calibration: model beside trial
    assert "hazard ratio for progression or death 0.51" in detail
    assert soup.find(id=f"trial-only-card-{krd}")  # said on the first screen
    shown = " ".join(soup.find(id=f"trial-results-{krd}").get_text(" ").split())  # just under the answer
    assert "Our model could not match this option's own trial, ATLAS." in shown
    assert "half of people who took it were still alive without the myeloma coming back at 59 months" in shown
    assert "With lenalidomide alone, it was 41 months." in shown
    assert "0.51 times the chance with lenalidomide alone (between 0.31 and 0.86)" in shown
    assert "Our numbers say" not in shown and "people like you" not in shown
    assert soup.find(id="calibration-daratumumab") is None  # CASSIOPEIA matches with its own induction
    assert soup.find(id="trial-results-daratumumab") is None and soup.find(id="trial-only-card-daratumumab") is None
    assert soup.find(id="calibration-lenalidomide") is None and soup.find(id="trial-only-card-lenalidomide") is None
    for option in ALL_OPTIONS:  # every option's details link to the whole table
        assert soup.find(id=f"calibration-detail-{option}").find("a", href=f"/calibration#calibration-{option}")


def test_printable_summary_shows_the_trial_in_place_of_an_option_that_misses_it(web_client):
    assert web_client.post("/profile", data={"age": "60"}, follow_redirects=False).status_code == 303
    web_client.post("/results", data={"years": "5", "set_options": "1", "option": ALL_OPTIONS})
    soup = BeautifulSoup(web_client.get("/summary").text, "html.parser")
    rows = {tr.find("th").get_text(" ", strip=True): tr.get_text(" ", strip=True)
            for tr in soup.find(id="summary-table").find("tbody").find_all("tr")}
    flagged = {name for name, text in rows.items() if "Trial results only : not worked out for me" in text}
    assert any("KRd" in name or "arfilzomib" in name for name in flagged)
    assert not any(name.lower().startswith("daratumumab") and "lenalidomide" not in name.lower() for name in flagged)
    assert not any(name.lower().startswith("lenalidomide") for name in flagged)
    krd = soup.find(id="summary-trial-carfilzomib-lenalidomide-dexamethasone")
    assert krd is not None and "at 59 months" in krd.get_text(" ") and krd.find("sup", class_="refs")


def test_page_shows_the_external_validation(web_client):
    soup = BeautifulSoup(web_client.get("/calibration").text, "html.parser")
    table = soup.find(id="external-validation-table")
    assert table is not None and "Connect MM" in table.get_text(" ")
    from mmdecide.personal.validation import external_validation

    assert len(table.find("tbody").find_all("tr")) == len(external_validation())


def test_figure_has_one_mark_per_row_with_a_number(web_client):
    """Both panels together: a mark for every calibration and held-out row with a published number,
    shaped by kind (fitted, check, held out), each named in its tooltip; the rows without a number
    ('not reached') are in the tables only."""
    r = web_client.get("/calibration")
    soup = BeautifulSoup(r.text, "html.parser")
    table, held_out = calibration_table(), external_validation()
    numeric = [x for x in table + held_out if x.published is not None]
    assert len(numeric) < len(table + held_out)  # the test means something: some rows are left out
    svgs = soup.find("figure").find_all("svg")
    assert [s["id"] for s in svgs] == ["calibration-medians", "calibration-percents"]
    marks = [m for s in svgs for m in s.find_all(class_="calib-mark")]
    assert len(marks) == len(numeric)
    tips = sorted(m.find("title").get_text() for m in marks)
    expected = sorted(f"{x.trial_name}, {x.arm_label}, {x.endpoint} {x.quantity}: trial {published_words(x)}, model "
                      for x in numeric)
    assert [t[:len(e)] for t, e in zip(tips, expected)] == expected
    kinds = {k: sum(k in m["class"] for m in marks) for k in ("calib-fitted", "calib-check", "calib-held-out")}
    assert kinds == {"calib-fitted": sum(x.fitted for x in numeric),
                     "calib-check": sum(not x.fitted and x.scope != "same-comparison" for x in numeric if x in table),
                     # held out: the external studies, and other trials of an option's comparison (Myeloma XI)
                     "calib-held-out": sum(x in held_out or x.scope == "same-comparison" for x in numeric)}
    medians = svgs[0].find_all(class_="calib-mark")
    assert len(medians) == sum(x.quantity.startswith("median") for x in numeric)
    for s in svgs:  # the identity line and the tolerance band on each panel; no inline style (CSP)
        assert s.find(class_="calib-identity") and s.find(class_="calib-band")
        assert s["role"] == "img" and "calibration-summary" in s["aria-describedby"].split()
        assert all(soup.find(id=i) for i in s["aria-describedby"].split())
    assert 'style="' not in r.text and "<script" not in r.text


def test_figure_summary_matches_the_tables(web_client):
    soup = BeautifulSoup(web_client.get("/calibration").text, "html.parser")
    summary = soup.find(id="calibration-summary").get_text(" ", strip=True)
    m = re.match(r"(\d+) of (\d+) checks agree with the trial; (\d+) more results were used to set the model", summary)
    assert m, summary
    # the tables' verdicts, each row once (the observation section repeats McCarthy's control arm)
    seen, verdicts = set(), []
    for t in soup.find_all("table", id=re.compile(r"^(calibration-table-|calibration-others-|external-validation-table)")):
        for tr in t.find("tbody").find_all("tr"):
            cells = tuple(td.get_text(" ", strip=True) for td in tr.find_all("td"))
            if cells not in seen:
                seen.add(cells)
                verdicts.append(cells[-1])
    assert len(verdicts) == len(calibration_table()) + len(external_validation())
    assert (int(m[1]), int(m[2]), int(m[3])) == (verdicts.count("yes"), verdicts.count("yes") + verdicts.count("no"),
                                                 verdicts.count("fitted"))


def test_page_marks_projections_and_rows_not_comparable(web_client):
    """A model median past its own evidence's follow-up reads 'projected'; a held-out 'not reached'
    with no follow-up reads 'not comparable' in the Match column, never 'yes' or 'no'."""
    soup = BeautifulSoup(web_client.get("/calibration").text, "html.parser")
    calgb = [tr.get_text(" ") for tr in soup.find_all("tr") if "CALGB 100104" in tr.get_text(" ")
             and "113.8" in tr.get_text(" ")]
    assert calgb and all("projected" in t for t in calgb)
    external = soup.find(id="external-validation-table").find("tbody").find_all("tr")
    cells = [tr.find_all("td")[-1].get_text(strip=True) for tr in external]
    apart = sum(not r.comparable for r in external_validation())
    assert apart == 2 and cells.count("not comparable") == apart
    assert "Projected" in soup.get_text(" ") and "Not comparable" in soup.get_text(" ")
