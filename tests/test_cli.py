"""The command line, driven as a user would: exit codes, JSON keys, numbers against R, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mmdecide.cli import app
from simulate import digitize, print_risk_table, simulate_trial
from tolerances import EXACT, COX, META_CLOSED

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def write_csv(path: Path, header: list[str], rows) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def km_golden():
    return json.loads((GOLDEN / "km_cox.json").read_text())


@pytest.fixture()
def lung_csv(tmp_path, km_golden):
    d = km_golden["data"]["lung"]
    return write_csv(tmp_path / "lung.csv", ["time", "status", "sex"], zip(d["time"], d["status"], d["group"]))


# -- km --------------------------------------------------------------------------------------------

def test_km_json_matches_r(lung_csv, km_golden):
    res = run("km", "--data", lung_csv, "--time", "time", "--event", "status", "--group", "sex",
              "--rmst", "365", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["logrank"]["chi2"] == pytest.approx(km_golden["logrank"]["lung_sex"]["chi2"], abs=EXACT)
    assert out["logrank"]["df"] == 1
    cox = km_golden["cox"]["lung_sex"]
    assert out["cox"]["hr"] == pytest.approx(cox["hr"][0], rel=COX)
    assert out["cox"]["lower"] == pytest.approx(cox["lower"][0], rel=COX)
    rd = km_golden["rmst_difference"]["lung_365"]
    assert out["rmst_difference"]["estimate"] == pytest.approx(rd["diff"], abs=EXACT)
    assert out["rmst_difference"]["se"] == pytest.approx(rd["diff_se"], abs=EXACT)
    g1 = out["groups"]["1"]
    assert g1["rmst"]["estimate"] == pytest.approx(rd["rmean"][0], abs=EXACT)
    for key in ("n", "events", "median", "median_lower", "median_upper", "table"):
        assert key in g1
    row = g1["table"][0]
    assert set(row) >= {"time", "at_risk", "events", "survival", "lower", "upper"}


def test_km_single_group_table_matches_r(lung_csv, km_golden):
    res = run("km", "--data", lung_csv, "--time", "time", "--event", "status", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ref = km_golden["km"]["lung"]
    assert out["n"] == 228
    surv = [r["survival"] for r in out["table"]]
    np.testing.assert_allclose(surv, ref["surv"], atol=EXACT)
    assert out["median"] == pytest.approx(ref["print_median"], abs=EXACT)
    assert out["median_lower"] == pytest.approx(ref["print_median_lower"], abs=EXACT)


def test_km_text_output_is_readable(lung_csv):
    res = run("km", "--data", lung_csv, "--time", "time", "--event", "status", "--group", "sex")
    assert res.exit_code == 0
    assert "log-rank: chi2 = 10.33 on 1 df" in res.stdout
    assert "Cox HR (2 vs 1): 0.588" in res.stdout


@pytest.mark.parametrize(
    "content,message",
    [
        ("t,status\n1,1\n", "missing column(s) time"),
        ("time,status\n1,1\nx,0\n", "row 3, column time: 'x' is not a number"),
        ("time,status\n1,1\n-2,0\n", "column time: every value must be >= 0"),
        ("time,status\n1,1\n2,0.5\n", "row 3, column status: '0.5' is not a whole number"),
        ("time,status\n1,1\n2,2\n", "column status: use 0 (censored) or 1 (event) only"),
        ("time,status\n", "no data rows"),
        ("", "the file is empty"),
    ],
)
def test_km_bad_input_names_the_field(tmp_path, content, message):
    p = tmp_path / "bad.csv"
    p.write_text(content)
    res = run("km", "--data", p, "--time", "time", "--event", "status")
    assert res.exit_code == 2
    assert message in res.stderr
    assert "Traceback" not in res.output


def test_km_missing_file_and_rmst_beyond_follow_up(tmp_path, lung_csv):
    res = run("km", "--data", tmp_path / "nope.csv", "--time", "time", "--event", "status")
    assert res.exit_code == 2 and "no such file" in res.stderr
    res = run("km", "--data", lung_csv, "--time", "time", "--event", "status", "--rmst", "99999")
    assert res.exit_code == 2 and "tau" in res.stderr


# -- meta ------------------------------------------------------------------------------------------

def test_meta_json_matches_metafor(tmp_path):
    g = json.loads((GOLDEN / "meta.json").read_text())["datasets"]["lenalidomide_pfs"]
    rows = list(zip(*[g["input"][k] for k in ("study", "hr", "lower", "upper")])) if isinstance(g["input"], dict) else None
    if rows is None:
        pytest.fail("golden input format changed")
    p = write_csv(tmp_path / "effects.csv", ["study", "hr", "lower", "upper"], rows)
    res = run("meta", "--effects", p, "--method", "DL", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ref = g["fits"]["DL"]
    assert out["log_estimate"] == pytest.approx(ref["estimate"], abs=META_CLOSED)
    assert out["tau2"] == pytest.approx(ref["tau2"], abs=META_CLOSED)
    for key in ("estimate", "lower", "upper", "log_estimate", "se", "tau2", "i2", "q", "q_p",
                "prediction_lower", "prediction_upper", "k"):
        assert key in out
    assert out["k"] == 3
    res = run("meta", "--effects", p, "--method", "REML", "--hartung-knapp", "--json")
    assert json.loads(res.stdout)["log_estimate"] == pytest.approx(g["fits"]["REML_HK"]["estimate"], abs=1e-7)


def test_meta_bad_rows(tmp_path):
    p = write_csv(tmp_path / "e.csv", ["study", "hr", "lower", "upper"], [("A", 0.5, 0.6, 0.9), ("B", 0.5, 0.4, 0.6)])
    res = run("meta", "--effects", p, "--method", "FE")
    assert res.exit_code == 2
    assert "row 2 (study A)" in res.stderr
    res = run("meta", "--effects", p, "--method", "XX")
    assert res.exit_code == 2  # typer rejects the choice, naming the option
    assert "--method" in res.output


# -- reconstruct -----------------------------------------------------------------------------------

def test_reconstruct_round_trip(tmp_path):
    truth = simulate_trial(300, "weibull-decreasing", "uniform-accrual", seed=11)
    t, s = digitize(truth, 150, seed=11)
    curve = write_csv(tmp_path / "curve.csv", ["time", "survival"], zip(t, 100 * np.asarray(s)))  # percent
    table = print_risk_table(truth, every=6.0)
    risk = write_csv(tmp_path / "risk.csv", ["time", "at_risk"], zip(table.times, table.n_risk))
    out = tmp_path / "ipd.csv"
    res = run("reconstruct", "--curve", curve, "--at-risk", risk, "--events", truth.n_events, "--out", out)
    assert res.exit_code == 0, res.output
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 300
    assert sum(int(r["event"]) for r in rows) == pytest.approx(truth.n_events, abs=3)
    assert "wrote 300 patients" in res.stdout


def test_reconstruct_bad_input(tmp_path):
    curve = write_csv(tmp_path / "c.csv", ["time", "survival"], [(0, 1.0), (5, 0.8)])
    risk = write_csv(tmp_path / "r.csv", ["time", "at_risk"], [(0, 10), (5, 12)])
    res = run("reconstruct", "--curve", curve, "--at-risk", risk, "--out", tmp_path / "o.csv")
    assert res.exit_code == 2 and "error:" in res.stderr and "Traceback" not in res.output
    bad = write_csv(tmp_path / "b.csv", ["time", "survival"], [(0, 100), (5, 180)])
    res = run("reconstruct", "--curve", bad, "--at-risk", risk, "--out", tmp_path / "o.csv")
    assert res.exit_code == 2 and "percent values must be <= 100" in res.stderr


# -- evidence --------------------------------------------------------------------------------------

def test_evidence_validate_reports_every_problem(tmp_path):
    (tmp_path / "a.yaml").write_text("id: a\n")
    (tmp_path / "b.yaml").write_text("id: [\n")
    res = run("evidence", "validate", tmp_path)
    assert res.exit_code == 1
    assert "a.yaml: kind: [schema]" in res.stdout
    assert "b.yaml: [yaml-syntax]" in res.stdout
    assert "problem(s) in 2 file(s)" in res.stderr


def test_evidence_show_unknown_id():
    res = run("evidence", "show", "no-such-trial")
    assert res.exit_code == 2 and "no evidence file with id 'no-such-trial'" in res.stderr


# -- estimate --------------------------------------------------------------------------------------

def test_estimate_cli_table_and_json(tmp_path):
    res = run("estimate", "--r-iss", "II", "--mrd", "positive", "--horizon", "3", "--horizon", "5")
    assert res.exit_code == 0, res.output
    assert "not medical advice" in res.stdout
    assert "Lenalidomide maintenance" in res.stdout and "Daratumumab plus lenalidomide" in res.stdout
    res = run("estimate", "--cytogenetics", "del17p,gain1q", "--option", "lenalidomide", "--horizon", "3", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["profile"]["cytogenetics"] == ["del17p", "gain1q"]
    assert [o["option"] for o in out["options"]] == ["observation", "lenalidomide"]
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"r_iss": "I", "age": 60}))
    res = run("estimate", "--profile", profile, "--option", "lenalidomide", "--horizon", "2", "--json")
    assert json.loads(res.stdout)["profile"]["age"] == 60


@pytest.mark.parametrize(
    "args,message",
    [
        (["--age", "250"], "age: must be at most 100"),
        (["--r-iss", "IV"], "'--r-iss': Value error, 'IV' is not one of 'I', 'II', 'III'"),
        (["--ldh", "sometimes"], "'--ldh': Value error, 'sometimes' is not one of 'high', 'normal'"),
        (["--option", "aspirin"], "options: unknown option(s) ['aspirin']"),
        (["--horizon", "0"], "horizons: each must be more than 0"),
    ],
)
def test_estimate_cli_bad_input(args, message):
    res = run("estimate", *args)
    assert res.exit_code == 2
    assert message in res.stderr
    assert "Traceback" not in res.output


def test_estimate_cli_plain_summary():
    res = run("estimate", "--r-iss", "II", "--option", "lenalidomide", "--plain")
    assert res.exit_code == 0, res.output
    assert "out of 100 people like you" in res.stdout and "Questions to ask your care team" in res.stdout


def test_km_engine_errors_renamed_to_the_users_columns_by_field_not_by_text(tmp_path):
    """The engine's typed error says which argument (``field``) broke which rule; the API puts the
    user's column name in its place. The column is deliberately named unlike the argument."""
    from mmdecide.api import km_summary
    from mmdecide.engine.survdata import SurvivalData
    from mmdecide.errors import InputError

    with pytest.raises(InputError) as info:
        SurvivalData.from_arrays([1.0, -2.0], [1, 0])
    assert (info.value.field, info.value.rule) == ("time", "range")
    assert str(info.value) == "time: every value must be >= 0"  # message unchanged
    p = tmp_path / "bad.csv"
    p.write_text("months,died\n1,1\n-2,0\n")
    with pytest.raises(InputError) as info:
        km_summary(p, time="months", event="died")
    assert info.value.field == str(p)
    assert info.value.message == "column months: every value must be >= 0"
    p.write_text("months,died\n1,1\n2,-1\n")
    with pytest.raises(InputError) as info:
        km_summary(p, time="months", event="died")
    assert info.value.message.startswith("column died: every value must be a whole number >= 0")
