"""Hostile and careless input to the web app: non-finite numbers on every page and the JSON API
answer 422 naming the field, never 500, and nothing reaches the error log."""

from __future__ import annotations

import logging
import warnings

import pytest

from mmdecide.web import create_app

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NON_FINITE = ["nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309"]
NUMBER_FIELDS = ["age", "beta2_microglobulin_mg_l", "albumin_g_dl", "creatinine_clearance_ml_min"]


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("value", NON_FINITE)
@pytest.mark.parametrize("field", NUMBER_FIELDS)
def test_non_finite_numbers_in_pages(client, caplog, field, value):
    caplog.set_level(logging.ERROR)
    for path in ("/results", "/summary", "/summary.pdf"):  # old links with answers in the address
        r = client.get(path, params={field: value}, follow_redirects=False)
        assert r.status_code == 303 and value not in r.headers["location"], (path, r.status_code)
    r = client.post("/profile", data={field: value})
    assert r.status_code == 422
    assert "Please enter a number" in r.text
    assert client.get("/profile", params={field: value}).status_code == 200
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]


@pytest.mark.parametrize("body, field", [
    ('{"profile": {"age": NaN}}', "profile.age"),
    ('{"profile": {"albumin_g_dl": Infinity}}', "profile.albumin_g_dl"),
    ('{"profile": {"beta2_microglobulin_mg_l": -Infinity}}', "profile.beta2_microglobulin_mg_l"),
    ('{"profile": {"creatinine_clearance_ml_min": 1e309}}', "profile.creatinine_clearance_ml_min"),
    ('{"horizons": [NaN]}', "horizons[0]"),
    ('{"horizons": [1e309]}', "horizons[0]"),
])
def test_non_finite_numbers_in_the_api(client, caplog, body, field):
    caplog.set_level(logging.ERROR)
    r = client.post("/api/v1/estimate", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert field in [d["field"] for d in r.json()["detail"]]
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]


@pytest.mark.parametrize("body", [
    "[" * 30_000 + "]" * 30_000,
    '{"profile": {"age": ' + "9" * 5000 + "}}",
])
def test_unreadable_json_bodies(client, body):
    r = client.post("/api/v1/estimate", content=body, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422) and r.json()["detail"][0]["field"] == "body"
