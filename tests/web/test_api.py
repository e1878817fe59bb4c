"""The JSON API at /api/v1: the estimate is exactly ``estimate(...)``'s JSON; every bad input is
a 4xx with ``{"detail": [{"field", "rule", "message"}]}``, never a 500."""

from __future__ import annotations

import json
import warnings

import pytest

from mmdecide.personal import estimate
from mmdecide.web import Settings, create_app

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def web_app():
    return create_app(Settings(max_body_bytes=16 * 1024))


@pytest.fixture(scope="module")
def api(web_app):
    with TestClient(web_app, raise_server_exceptions=False) as c:
        yield c


def _errors(r) -> list[dict]:
    body = r.json()
    assert set(body) == {"detail"} and isinstance(body["detail"], list) and body["detail"]
    for item in body["detail"]:
        assert set(item) == {"field", "rule", "message"}
        assert all(isinstance(v, str) for v in item.values())
    return body["detail"]


@pytest.mark.parametrize("body, args", [
    ({}, ({}, None, None)),
    ({"profile": {"age": 62, "r_iss": "II", "cytogenetics": ["gain1q"], "ldh_high": False}},
     ({"age": 62, "r_iss": "II", "cytogenetics": ["gain1q"], "ldh_high": False}, None, None)),
    ({"profile": {"mrd": "positive"}, "options": ["lenalidomide"], "horizons": [1, 2.5]},
     ({"mrd": "positive"}, ["lenalidomide"], [1, 2.5])),
])
def test_estimate_is_exactly_the_python_result(api, body, args):
    r = api.post("/api/v1/estimate", json=body)
    assert r.status_code == 200
    profile, options, horizons = args
    want = estimate(profile, options=options, horizons=horizons).model_dump(mode="json")
    assert r.json() == json.loads(json.dumps(want))
    table = r.json()["sources"]
    assert table and all(i in table for i in r.json()["options"][0]["horizons"][0]["pfs_percent"]["sources"])


@pytest.mark.parametrize("body, field, rule", [
    ({"profile": {"age": 250}}, "profile.age", "less_than_equal"),
    ({"profile": {"age": "old"}}, "profile.age", "int_type"),
    ({"profile": {"months_since_transplant": True}}, "profile.months_since_transplant", "float_type"),
    ({"profile": {"favourite_colour": "blue"}}, "profile.favourite_colour", "extra_forbidden"),
    ({"profile": {"iss": "II", "r_iss": "I"}}, "profile.r_iss", "consistency"),
    ({"profile": {"iss": "V"}}, "profile.iss", "literal_error"),
    ({"profile": [1, 2]}, "profile", "dict_type"),
    ({"profile": {}, "surprise": 1}, "surprise", "extra_forbidden"),
    ({"horizons": ["soon"]}, "horizons[0]", "float_parsing"),
    ({"horizons": [99]}, "horizons[0]", "less_than_equal"),
    ({"horizons": [0.05]}, "horizons[0]", "greater_than_equal"),
    ({"horizons": []}, "horizons", "too_short"),
    ({"options": ["leeches"]}, "options[0]", "literal_error"),
    ({"options": "lenalidomide"}, "options", "list_type"),
])
def test_validation_errors_name_the_field_and_rule(api, body, field, rule):
    r = api.post("/api/v1/estimate", json=body)
    assert r.status_code == 422
    errors = _errors(r)
    assert (errors[0]["field"], errors[0]["rule"]) == (field, rule), errors


@pytest.mark.parametrize("profile, field, rule, words", [
    ({"r_iss": "I", "cytogenetics": ["del17p"]}, "profile.r_iss", "consistency", "R-ISS I needs no high-risk FISH"),
    ({"mrd": "negative", "response": "PR"}, "profile.mrd", "consistency", "IMWG 2016"),
    ({"albumin_g_dl": 35}, "profile.albumin_g_dl", "lab_range", "if your report says 35 g/L, that is 3.5 g/dL"),
    ({"hemoglobin_g_dl": "11.5 furlongs"}, "profile.hemoglobin_g_dl", "lab_unit", "not known for hemoglobin"),
])
def test_profile_errors_have_the_same_messages_as_the_library(api, profile, field, rule, words):
    from mmdecide.personal import ProfileError, parse_profile

    with pytest.raises(ProfileError) as exc:
        parse_profile(profile)
    (err,) = _errors(api.post("/api/v1/estimate", json={"profile": profile}))
    assert (err["field"], err["rule"]) == (field, rule)
    assert words in err["message"] and err["message"] == exc.value.errors[0][1]


def test_lab_values_with_units_are_accepted(api):
    r = api.post("/api/v1/estimate", json={"profile": {"albumin_g_dl": "35 g/L", "neutrophils_10e9_l":
                                                        {"value": 5100, "unit": "/uL"}}, "horizons": [1]})
    assert r.status_code == 200
    assert r.json()["profile"]["albumin_g_dl"] == 3.5 and r.json()["profile"]["neutrophils_10e9_l"] == 5.1


def test_age_error_message_is_readable(api):
    (err,) = _errors(api.post("/api/v1/estimate", json={"profile": {"age": 250}}))
    assert "at most 100" in err["message"]


@pytest.mark.parametrize("content, headers", [
    (b"x" * (64 * 1024), {"content-type": "application/json"}),  # over the size limit
    (b'{"profile": ' + b"[" * 5000 + b"]" * 5000 + b"}", {"content-type": "application/json"}),  # deep nesting
    (b"not json", {"content-type": "application/json"}),
    (b'{"profile": {"age": 1e999}}', {"content-type": "application/json"}),
    (b'{"profile": {"age": NaN}}', {"content-type": "application/json"}),
    (b'{"horizons": [NaN]}', {"content-type": "application/json"}),
    (b'{"profile": {"cytogenetics": [[[["del17p"]]]]}}', {"content-type": "application/json"}),
    (b'{"profile": {"age": {"$gt": 1}}}', {"content-type": "application/json"}),
    (b'"just a string"', {"content-type": "application/json"}),
    (b"null", {"content-type": "application/json"}),
    (b"\x00\xff\xfe", {"content-type": "application/json"}),
    (b"age=62", {"content-type": "application/x-www-form-urlencoded"}),
    (b'{"profile": {"' + b"k" * 10000 + b'": 1}}', {"content-type": "application/json"}),
])
def test_hostile_input_is_a_4xx_never_a_500(api, content, headers):
    r = api.post("/api/v1/estimate", content=content, headers=headers)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
    _errors(r)


def test_chunked_body_over_the_limit_is_refused(api):
    def chunks():
        for _ in range(40):
            yield b"[" * 1024

    r = api.post("/api/v1/estimate", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert _errors(r)[0]["rule"] == "too-large"


def test_trials_and_unknown_ids(api, web_app):
    corpus = web_app.state.services.corpus
    trials = api.get("/api/v1/trials").json()
    ids = [t["id"] for t in trials]
    assert "calgb-100104" in ids and "mccarthy-2017-meta" not in ids
    assert all(corpus.get(i).kind in ("rct", "single-arm", "cohort", "registry") for i in ids)
    one = api.get("/api/v1/trials/calgb-100104")
    assert one.status_code == 200
    assert one.json() == json.loads(json.dumps(corpus.get("calgb-100104").model_dump(mode="json")))
    for url in ("/api/v1/trials/no-such-trial", "/api/v1/trials/mccarthy-2017-meta", "/api/v1/nothing-here",
                "/api/v1/meta-analyses/calgb-100104"):
        r = api.get(url)
        assert r.status_code == 404, url
        assert _errors(r)[0]["rule"] == "not-found"


def test_meta_analyses_have_their_pooled_results_and_the_reproduction(api, web_app):
    items = {m["id"]: m for m in api.get("/api/v1/meta-analyses").json()}
    mcc = items["mccarthy-2017-meta"]
    pfs = next(p for p in mcc["pooled"] if p["endpoint"] == "PFS")
    assert (pfs["estimate"], pfs["lower"], pfs["upper"]) == (0.48, 0.41, 0.55)
    assert pfs["url"].startswith("http") and pfs["locator"]
    kinds = [r["kind"] for r in mcc["reproduced"]]
    assert kinds.count("study") == 3 and "published" in kinds
    assert api.get("/api/v1/meta-analyses/mccarthy-2017-meta").status_code == 200


def test_openapi_is_served_and_no_cdn_docs(api, web_app):
    spec = api.get("/api/v1/openapi.json").json()
    assert {"/estimate", "/trials", "/trials/{file_id}", "/meta-analyses"} <= set(spec["paths"])
    for url in ("/api/v1/docs", "/api/v1/redoc", "/docs", "/redoc", "/openapi.json"):
        assert api.get(url).status_code == 404, url


def test_error_bodies_are_bounded():
    """5,000 unknown profile keys: a short answer naming the first problems, not megabytes."""
    body = {"profile": {f"k{i}": 0 for i in range(5000)}}
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        r = client.post("/api/v1/estimate", json=body)
    assert r.status_code == 422 and len(r.content) < 20_000
    errors = _errors(r)
    assert errors[0]["field"] == "profile.k0" and errors[0]["rule"] == "extra_forbidden"
    assert errors[-1]["rule"] == "truncated" and "more problem" in errors[-1]["message"]


def test_openapi_states_the_constraints(api):
    doc = api.get("/api/v1/openapi.json").json()
    req = doc["components"]["schemas"]["EstimateRequest"]["properties"]
    horizons = next(s for s in req["horizons"]["anyOf"] if s.get("type") == "array")
    assert horizons["maxItems"] == 14 and horizons["minItems"] == 1
    assert horizons["items"]["minimum"] == 1 / 12 and horizons["items"]["maximum"] == 15
    options = next(s for s in req["options"]["anyOf"] if s.get("type") == "array")
    assert "lenalidomide" in options["items"]["enum"]
    profile = doc["components"]["schemas"]["PatientProfile"]
    age = next(s for s in profile["properties"]["age"]["anyOf"] if s.get("type") == "integer")
    assert age["maximum"] == 100 and profile["additionalProperties"] is False
