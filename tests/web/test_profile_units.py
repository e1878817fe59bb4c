"""The about-you form: a unit chosen beside each lab result, converted by the profile's parser."""

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


def test_units_chosen_in_the_form_are_converted(web_client):
    form = {"albumin_g_dl": "35", "albumin_g_dl_unit": "g/L", "hemoglobin_g_dl": "115",
            "hemoglobin_g_dl_unit": "g/L", "neutrophils_10e9_l": "5100", "neutrophils_10e9_l_unit": "/uL",
            "platelets_10e9_l": "250", "platelets_10e9_l_unit": "x10^9/L"}
    r = web_client.post("/profile", data=form)  # to the results page, however the profile travels
    assert r.status_code == 200
    shown = BeautifulSoup(r.text, "html.parser").get_text(" ", strip=True)
    for words in ("3.5 g/dL", "11.5 g/dL", "5.1 x10^9/L", "250 x10^9/L"):
        assert words in shown, words


def test_every_lab_field_has_a_labelled_unit_choice_kept_after_an_error(web_client):
    r = web_client.post("/profile", data={"hemoglobin_g_dl": "1150", "hemoglobin_g_dl_unit": "g/L"},
                        follow_redirects=False)
    assert r.status_code == 422
    soup = BeautifulSoup(r.text, "html.parser")
    for name in ("albumin_g_dl", "beta2_microglobulin_mg_l", "hemoglobin_g_dl", "neutrophils_10e9_l",
                 "platelets_10e9_l"):
        select = soup.find("select", attrs={"name": f"{name}_unit"})
        assert select is not None and soup.find("label", attrs={"for": select["id"]}) is not None, name
    chosen = soup.find("select", attrs={"name": "hemoglobin_g_dl_unit"}).find("option", selected=True)
    assert chosen["value"] == "g/L"
    message = soup.find(id="error-hemoglobin_g_dl").get_text(" ", strip=True)
    assert "115 g/dL is outside the possible range for hemoglobin" in message and "lab report" in message
