"""Hostile and careless input to the command line: every case ends with one line on stderr
naming the file or option and the problem, exit code 2 (1 for `evidence validate`, which
reports problems), and no traceback. The files are built here; nothing is downloaded."""

from __future__ import annotations

import re

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mmdecide.cli import app
from mmdecide.errors import EvidenceError, InputError, MmdecideError, ProfileError
from mmdecide.fileio import json_depth, loads_json

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(res, *needles: str, code: int = 2) -> None:
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])


@pytest.fixture()
def curve(tmp_path) -> Path:
    p = tmp_path / "curve.csv"
    p.write_text("time,survival\n0,1\n6,0.8\n12,0.6\n18,0.5\n24,0.4\n")
    return p


@pytest.fixture()
def risk(tmp_path) -> Path:
    p = tmp_path / "risk.csv"
    p.write_text("time,at_risk\n0,100\n12,55\n24,30\n")
    return p


# -- profile files -------------------------------------------------------------------------------

PROFILES = {
    "utf16.json": ('{"age": 60}'.encode("utf-16"), "UTF-16"),
    "latin1.json": ('{"sex": "f\u00e9male"}'.encode("latin-1"), "not UTF-8"),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "nested 100000 levels deep"),
    "bigint.json": (b'{"age": ' + b"9" * 5000 + b"}", "5000 digits"),
    "nan.json": (b'{"albumin_g_dl": NaN}', "NaN"),
    "overflow.json": (b'{"albumin_g_dl": 1e309}', "finite"),
    "list.json": (b"[1, 2]", "one JSON object"),
    "broken.json": (b'{"age": ', "not valid JSON"),
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_hostile_profile_files(tmp_path, name):
    data, needle = PROFILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    one_line_error(run("estimate", "--profile", path), "--profile", needle)


def test_profile_from_a_device_is_refused_without_reading_it():
    one_line_error(run("estimate", "--profile", "/dev/zero"), "/dev/zero", "not a regular file")


@pytest.mark.parametrize("args, needle", [
    (["--horizon", "nan"], "horizons"),
    (["--horizon", "inf"], "horizons"),
    (["--b2m", "nan"], "beta2_microglobulin_mg_l"),
    (["--crcl", "1e309"], "creatinine_clearance_ml_min"),
    (["--age", "1e5"], "--age"),
])
def test_non_finite_options(args, needle):
    one_line_error(run("estimate", *args), needle)


# -- CSV inputs ----------------------------------------------------------------------------------

def test_meta_with_an_absurd_hazard_ratio(tmp_path):
    p = tmp_path / "effects.csv"
    p.write_text("study,hr,lower,upper\na,1e300,1e299,1e301\nb,0.5,0.4,0.6\n")
    one_line_error(run("meta", "--effects", p), str(p), "row 2", "column hr")


def test_csv_field_over_the_csv_limit(tmp_path):
    p = tmp_path / "effects.csv"
    p.write_text("study,hr,lower,upper\n" + "x" * 140_000 + ",0.5,0.4,0.6\n")
    one_line_error(run("meta", "--effects", p), str(p), "field limit")


def test_csv_in_utf16(tmp_path):
    p = tmp_path / "effects.csv"
    p.write_bytes("study,hr,lower,upper\na,0.5,0.4,0.6\n".encode("utf-16"))
    one_line_error(run("meta", "--effects", p), str(p), "UTF-16")


def test_risk_table_of_a_quadrillion_patients(tmp_path, curve):
    p = tmp_path / "risk.csv"
    p.write_text("time,at_risk\n0,1000000000000000\n12,5\n")
    one_line_error(run("reconstruct", "--curve", curve, "--at-risk", p, "--out", tmp_path / "o.csv"),
                   str(p), "row 2", "at_risk")


# -- evidence ------------------------------------------------------------------------------------

def test_evidence_validate_dev_zero():
    res = run("evidence", "validate", "/dev/zero")
    assert res.exit_code == 1 and "not a regular file" in res.stdout and "Traceback" not in res.output


@pytest.mark.parametrize("text, needle", [
    ("a: " + "[" * 50_000 + "]" * 50_000 + "\n", "nested more than"),
    ("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 1200)), r"nested too deeply|exceeded maximum nesting depth"),  # our limit or libyaml's own
])
def test_deeply_nested_evidence_yaml(tmp_path, text, needle):
    p = tmp_path / "deep.yaml"
    p.write_text(text)
    res = run("evidence", "validate", p)
    assert res.exit_code == 1 and re.search(needle, res.stdout) and "Traceback" not in res.output
    assert len(res.stdout.strip().splitlines()) == 1  # one line naming the file


# -- output --------------------------------------------------------------------------------------

def test_output_to_a_full_device(curve, risk):
    one_line_error(run("reconstruct", "--curve", curve, "--at-risk", risk, "--out", "/dev/full"),
                   "--out", "No space left")


# -- usage errors: one line, exit 2 ----------------------------------------------------------------

@pytest.mark.parametrize("args, needle", [
    (["km"], "Missing option '--data'"),
    (["km", "--data", "x.csv", "--time", "t", "--event", "e", "--bogus"], "No such option"),
    (["no-such-command"], "No such command"),
    (["evidence", "show"], "Missing argument 'ID'"),
    (["estimate", "--age", "abc"], "--age"),
    (["meta", "--effects", "x.csv", "--method", "XX"], "--method"),
    (["serve", "--port", "0"], "--port"),
    (["serve", "--workers", "0"], "--workers"),
    (["serve", "--api-rate-limit", "-1"], "--api-rate-limit"),
])
def test_usage_errors_are_one_line(args, needle):
    one_line_error(run(*args), needle)


def test_usage_error_in_a_real_process_is_one_line():
    """The installed entry point too (not only the test runner): no box, no traceback."""
    proc = subprocess.run([sys.executable, "-m", "mmdecide.cli", "km"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")


# -- the errors module ---------------------------------------------------------------------------

def test_typed_errors_carry_field_and_rule():
    err = InputError("horizons", "range", "each must be\nat most 15 years")
    assert (err.field, err.rule, str(err)) == ("horizons", "range", "horizons: each must be at most 15 years")
    assert isinstance(err, ValueError) and isinstance(err, MmdecideError)
    perr = ProfileError([("age", "must be at least 18"), ("sex", "bad")], {"age": "greater_than_equal"})
    assert str(perr) == "age: must be at least 18; sex: bad" and perr.rule == "greater_than_equal"
    assert isinstance(EvidenceError([]), ValueError)


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('{"a": "[[[[[", "b": [[1]]}') == 3
    with pytest.raises(InputError) as exc:
        loads_json("[" * 40 + "]" * 40, "x.json")
    assert exc.value.rule == "depth"


# -- reconstruct validates its inputs ------------------------------------------------------------

@pytest.mark.parametrize("curve_text, risk_text, needle", [
    ("time,survival\n0,1\n6,0.5\n12,0.9\n", None, "row 4, column survival"),          # rises
    ("time,survival\n0,1\n12,0.6\n6,0.8\n", None, "row 4, column time"),             # unsorted
    ("time,survival\n0,1\n", None, "at least two points"),                             # one point
    ("time,survival\n0,1\n6,0.8\n12,0.6\n", "time,at_risk\n0,100\n36,10\n", "row 3, column time"),
    ("time,survival\n0,1\n6,0.8\n1e9,0.6\n", None, "row 4, column time"),             # magnitude
    ("time,survival\n0,1\n6,-0.2\n", None, "values must be >= 0"),
])
def test_reconstruct_refuses_curves_that_are_not_km_curves(tmp_path, risk, curve_text, risk_text, needle):
    c = tmp_path / "c.csv"
    c.write_text(curve_text)
    r = risk
    if risk_text is not None:
        r = tmp_path / "r.csv"
        r.write_text(risk_text)
    one_line_error(run("reconstruct", "--curve", c, "--at-risk", r, "--out", tmp_path / "o.csv"), needle)
    assert not (tmp_path / "o.csv").exists()


def test_reconstruct_accepts_reading_error_within_tolerance(tmp_path, risk):
    c = tmp_path / "c.csv"
    c.write_text("time,survival\n0,1\n6,0.8\n7,0.81\n12,0.6\n18,0.5\n24,0.4\n")  # +0.01: a misclick
    res = run("reconstruct", "--curve", c, "--at-risk", risk, "--out", tmp_path / "o.csv")
    assert res.exit_code == 0, res.output
