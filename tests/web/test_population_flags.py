"""The results page says on an option when its trials did not take people like the patient."""

from __future__ import annotations

import warnings

import pytest
from bs4 import BeautifulSoup

from mmdecide.web import Settings, create_app

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def web_client():
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as c:
        yield c


ALL_OPTIONS = ["observation", "lenalidomide", "ixazomib", "daratumumab", "carfilzomib-lenalidomide-dexamethasone"]


def _results(client, form):
    """The answers into the session, every option switched on, then the results page."""
    assert client.post("/profile", data=form, follow_redirects=False).status_code == 303
    client.post("/results", data={"years": "5", "set_options": "1", "option": ALL_OPTIONS})
    r = client.get("/results")
    assert r.status_code == 200
    return BeautifulSoup(r.text, "html.parser")


def test_flag_in_the_glance_table_and_the_reasons_beside_the_option(web_client):
    soup = _results(web_client, {"age": "88", "response": "SD", "induction": "dara-vrd"})
    dara = soup.find(id="population-daratumumab").get_text(" ", strip=True)
    assert dara.startswith("Not studied in people like you.")
    assert "The trial took people up to 65 years old, but you are 88." in dara
    assert "Everyone in the trial had VTd or daratumumab with VTd before transplant" in dara
    ixa = soup.find(id="population-ixazomib").get_text(" ", strip=True)
    assert "at least a partial response (PR), but you have stable disease (SD)" in ixa
    card = soup.find(id="glance-daratumumab")  # the option's card on the first screen says so too
    assert "not studied in people like you" in card.get_text(" ", strip=True).lower()


def test_no_flag_for_people_like_those_studied(web_client):
    soup = _results(web_client, {"age": "60", "response": "VGPR"})
    assert not soup.select("[id^=population-]")
    assert "not studied in people like you" not in soup.get_text(" ", strip=True).lower()
