"""One profile field registry: the form, the command line and the API are derived from the model.

A field added to ``PatientProfile`` without its words, or missing from any of the three faces,
fails here."""

from __future__ import annotations

import re
import warnings

import pytest
import typer.main
from typer.testing import CliRunner

from mmdecide.cli import app
from mmdecide.personal import PatientProfile
from mmdecide.personal.fields import profile_fields
from mmdecide.web import create_app

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

MODEL_FIELDS = list(PatientProfile.model_fields)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def _estimate_options() -> dict[str, list[str]]:
    command = typer.main.get_command(app).commands["estimate"]  # type: ignore[attr-defined]
    return {p.name: list(p.opts) for p in command.params}


def test_every_model_field_has_its_words():
    assert [f.name for f in profile_fields()] == MODEL_FIELDS
    for f in profile_fields():
        assert f.label and f.label != f.name and f.help and f.description, f.name
        if f.kind in ("choice", "multi", "yesno"):
            labels = dict(f.choices)
            assert labels and all(labels[v] != v or f.kind == "yesno" for v in labels), f.name


def test_every_model_field_is_on_the_form(client):
    page = client.get("/profile").text
    for name in MODEL_FIELDS:
        assert re.search(rf'name="{name}"', page), f"{name} is not on the form"
    for f in profile_fields():
        assert f.label.replace("'", "&#39;") in page, f.name


def test_every_model_field_is_an_estimate_option():
    options = _estimate_options()
    for f in profile_fields():
        assert f.name in options and f.cli in options[f.name], f.name


def test_every_model_field_is_described_in_the_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    props = schema["components"]["schemas"]["PatientProfile"]["properties"]
    assert list(props) == MODEL_FIELDS
    for f in profile_fields():
        assert props[f.name]["title"] == f.label and props[f.name]["description"] == f.description
        if f.kind == "choice":
            enum = next(s["enum"] for s in props[f.name]["anyOf"] if "enum" in s)
            assert tuple(enum) == f.values and props[f.name]["x-choices"] == dict(f.choices)


@pytest.mark.parametrize("f", [f for f in profile_fields() if f.kind == "choice"], ids=lambda f: f.name)
def test_cli_choices_are_the_model_choices(f):
    bad = CliRunner().invoke(app, ["estimate", f.cli, "not-a-choice"])
    assert bad.exit_code == 2
    for value in f.values:
        assert repr(value) in bad.stderr


def test_form_bounds_follow_the_model():
    by_name = {f.name: f for f in profile_fields()}
    assert (by_name["age"].minimum, by_name["age"].maximum, by_name["age"].step) == (18, 100, "1")
    assert (by_name["months_since_transplant"].minimum, by_name["months_since_transplant"].maximum) == (0, 240)
    # a unit menu: the bounds of the field's unit would refuse "35" g/L in the browser
    assert by_name["albumin_g_dl"].units and by_name["albumin_g_dl"].maximum is None
    assert (by_name["creatinine_clearance_ml_min"].minimum, by_name["creatinine_clearance_ml_min"].maximum) == (1, 250)
