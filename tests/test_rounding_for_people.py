"""Rounding for people: the results page, the printable summary (the PDF's source) and
``estimate --plain`` show percents and months as whole numbers; the JSON keeps exact values.

What a patient view may show with decimals (everything else with a decimal point fails):

* a hazard ratio, with exactly two decimals, in a sentence or row that says "hazard ratio" (or, in
  plain words, "times the chance");
* a percent below 1 quoted from a source (an MRD test's sensitivity, 0.004%): rounding it to a
  whole number would make it 0;
* a dose or lab value in its unit as the label writes it (2.5 mg, 0.5 x 10^9/l, g/dL);
* a rate per 100 patient-years, with one decimal, as the source gives it;
* a time point of the survival charts and their tables in years with one decimal ("4.5 years:
  10%", a "Years" row header 4.5), where the points sit every half year;
* the parts of a citation (DOI, journal volume, section 5.1), which are not amounts: the sources
  list is left out of the scan, and "section", "version" and DOIs are skipped in the text.
"""

from __future__ import annotations

import re
import warnings

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from mmdecide.cli import app as cli
from mmdecide.personal import estimate
from mmdecide.report.rounding import percent, percent_range, round_text
from mmdecide.web import Settings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PROFILES = {
    "empty": ({}, []),
    "r-iss-iii-del17p": ({"r_iss": "III", "cytogenetics": ["del17p"]}, ["--r-iss", "III", "--cytogenetics", "del17p"]),
    "age-70-mrd-positive": ({"age": "70", "mrd": "positive"}, ["--age", "70", "--mrd", "positive"]),
}

DECIMAL = re.compile(r"(?<![\w./:-])(\d+)\.(\d+)(?![\w/-]|\.\d)")
NOT_AMOUNTS = re.compile(r"(section|version|doi:?|Table|Figure|PMC|§)\s*$", re.IGNORECASE)


def offending(text: str) -> list[str]:
    """Numbers with more decimals than a patient view allows (see the module docstring)."""
    bad = []
    for m in DECIMAL.finditer(text):
        before, after = text[max(0, m.start() - 200):m.start()], text[m.end():m.end() + 25]
        value, decimals = float(m.group()), len(m.group(2))
        if NOT_AMOUNTS.search(before[-12:]):
            continue
        if decimals == 2 and (re.search(r"hazard ratio|\bHR\b|times the chance", before, re.IGNORECASE)
                              or after.lstrip().startswith("times the chance")):
            continue
        if value < 1 and after.lstrip().startswith("%"):
            continue
        if re.match(r"\s*(mg\b|x 10\^9|g/dl|g/l|mg/l|ml/min)", after, re.IGNORECASE):
            continue
        if decimals == 1 and after.lstrip().startswith(("per 100 patient-years", "years:")):
            continue
        bad.append(text[max(0, m.start() - 60):m.end() + 25])
    return bad


def page_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for node in soup(["script", "style"]) + soup.select(".sources-section"):
        node.decompose()
    for table in soup.find_all("table"):  # the time column of a table by years
        first = table.find("th", scope="col")
        if first is not None and first.get_text(strip=True) == "Years":
            for th in table.find_all("th", scope="row"):
                assert re.fullmatch(r"\d+(\.5)?", th.get_text(strip=True)), th
                th.decompose()
    return " ".join(soup.get_text(" ", strip=True).split())


@pytest.fixture(scope="module")
def web_app():
    return create_app(Settings())


@pytest.mark.parametrize("name", list(PROFILES))
def test_patient_views_show_whole_percents_and_months(web_app, name):
    form, args = PROFILES[name]
    with TestClient(web_app) as c:
        assert c.post("/profile", data=form, follow_redirects=False).status_code == 303
        for path in ("/results", "/summary"):
            r = c.get(path)
            assert r.status_code == 200
            text = page_text(r.text)
            assert re.search(r"\d", text) and "out of 100" in text
            assert offending(text) == [], (path, offending(text)[:5])
    res = CliRunner().invoke(cli, ["estimate", "--plain", *args])
    assert res.exit_code == 0, res.output
    prose = res.stdout.split("Sources of the numbers")[0]
    assert offending(prose) == [], offending(prose)[:5]


def test_the_scan_finds_what_it_must():
    assert offending("neutropenia 32% (26.3211 to 38.2678)") != []
    assert offending("median follow-up 44.7 months") != []
    assert offending("12.5% had a rash") != []
    assert offending("hazard ratio 0.48 (0.41 to 0.55)") == []
    assert offending("sensitivity 0.004%") == []
    assert offending("section 5.1 of the label, doi:10.1200/JCO.2017.72.6679") == []


def test_side_effect_rows_are_whole_on_the_page_and_exact_in_the_json(web_app):
    r = estimate({}, options=["lenalidomide"])
    rows = [s for s in r.options[1].side_effects if s.percent.lower is not None]
    assert any(s.percent.lower != round(s.percent.lower) for s in rows), "exact values stay in the result"
    with TestClient(web_app) as c:
        c.post("/profile", data={}, follow_redirects=False)
        text = page_text(c.get("/results").text)
    s = rows[0]
    assert f"{percent(s.percent.estimate)}% ({percent_range(s.percent.lower, s.percent.upper)})" in text
    assert f"{s.percent.lower:g}" not in text


def test_round_text_rounds_percents_and_months_only():
    assert round_text("median follow-up 44.7 months; 17.2% progressed; 31.0-month median") == \
        "median follow-up 45 months; 17% progressed; 31-month median"
    kept = "10 mg, 2.5 mg, HR 0.75, 0.5 x 10^9/l, sensitivity 0.004%, section 5.1, doi:10.1200/JCO.21.02228"
    assert round_text(kept) == kept
    assert percent(0.3) == "less than 1" and percent(0) == "0" and percent(26.6) == "27"
    assert percent_range(26.3211, 38.2678) == "26 to 38" and percent_range(None, 3) == ""
