"""The EHA-ESMO 2021 guideline's maintenance statement: quoted from its file, flagged, and on the page.

Before it was in the evidence base the high-risk section listed "mSMART and ESMO statements" as not yet
quoted; now the ESMO statement is an item (flagged as a guideline summary, read from a summary) and
only mSMART stays in the "not in the evidence base yet" line.
"""

from __future__ import annotations

import warnings

import pytest
from bs4 import BeautifulSoup

from mmdecide.evidence import load_corpus
from mmdecide.report.high_risk import MISSING, high_risk_answer
from mmdecide.web import Settings, create_app

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HIGH_RISK = {"age": "62", "r_iss": "III", "cytogenetics": "del17p", "years": "5"}
SENTENCE = "A European guideline says lenalidomide is the usual maintenance after a transplant."


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_the_statement_is_quoted_from_its_file_and_flagged(corpus):
    """Medscape Reference guideline highlights (1 April 2021) of Dimopoulos et al., HemaSphere 2021."""
    ev = corpus.get("eha-esmo-2021-guideline")
    src = ev.sources[0]
    assert src.url == "https://reference.medscape.com/viewarticle/948408" and src.tier == "secondary"
    assert "PMC7861652" in src.citation and "could be read only" in src.note
    quote = next(f for f in ev.facts if f.id == "maintenance-statement").text
    assert "maintenance therapy with lenalidomide" in quote and "bortezomib may be considered" in quote
    item = next(i for i in high_risk_answer(corpus, cytogenetics=["del17p"]).items
                if i.evidence == "eha-esmo-2021-guideline")
    assert item.credibility == "guideline summary" and "summary of the guideline" in item.caveat
    assert SENTENCE in " ".join(item.sentences) and "bortezomib" in " ".join(item.sentences)
    assert not any("ESMO statements" in m for m in MISSING) and any("mSMART" in m for m in MISSING)


def test_the_high_risk_section_shows_it():
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as client:
        assert client.post("/profile", data=HIGH_RISK, follow_redirects=False).status_code == 303
        r = client.get("/results")
    assert r.status_code == 200
    sec = BeautifulSoup(r.text, "html.parser").find(id="high-risk")
    text = " ".join(sec.get_text(" ", strip=True).split())
    assert SENTENCE in text and "Quoted from a summary of the guideline" in text
    assert "mSMART and ESMO statements" not in text and "mSMART's statement" in text
