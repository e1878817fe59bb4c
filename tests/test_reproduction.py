"""The reproduction report over the shipped evidence base, and that its checks can fail."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from mmdecide.cli import app
from mmdecide.evidence import default_evidence_dir, load_corpus
from mmdecide.report.reproduction import build_report, report_json, report_markdown
from mmdecide.report.tolerances import TOLERANCES


@pytest.fixture(scope="module")
def report():
    return build_report(load_corpus())


def rows(report, study, contains):
    return [r for r in report.by_study(study) if contains in r.quantity]


def test_every_study_is_listed(report):
    corpus = load_corpus()
    assert report.studies == corpus.ids()
    for fid in corpus.ids():
        assert report.by_study(fid), f"{fid} has no row"


def test_mccarthy_pooled_pfs_agrees(report):
    (fe,) = rows(report, "mccarthy-2017-meta", "PFS pooled HR from per-trial HRs (FE)")
    assert fe.published == 0.48
    assert fe.verdict == "agrees"
    assert abs(fe.reproduced / 0.48 - 1) <= TOLERANCES["pooled-hr"].limit
    assert "calgb-100104" in fe.method and "ifm-2005-02" in fe.method and "gimema" in fe.method


def test_mccarthy_pooled_os_gap_is_shown_with_reason(report):
    os_rows = rows(report, "mccarthy-2017-meta", "OS pooled HR")
    assert os_rows and all(r.verdict == "differs" for r in os_rows)
    assert all("missing: ifm-2005-02" in r.note for r in os_rows)


def test_mccarthy_os_not_reached_and_hr_consistency(report):
    (nr,) = rows(report, "mccarthy-2017-meta", "OS median, lenalidomide maintenance (pooled)")
    assert nr.published_text == "not reached" and nr.verdict == "agrees"
    assert nr.reproduced == pytest.approx(86.0 / 0.75, rel=1e-3)
    (med,) = rows(report, "mccarthy-2017-meta", "PFS HR lenalidomide maintenance (pooled) vs placebo or observation (pooled) [jco-2017]: HR from the two medians")
    assert med.reproduced == pytest.approx(23.5 / 52.8)


def test_calgb_reconstruction_recovers_hr_out_of_sample(report):
    hr_rows = [r for r in rows(report, "calgb-100104", "PFS HR") if "Cox" in r.method]
    (hr,) = hr_rows
    assert hr.published == 0.38
    assert "out-of-sample" in hr.note
    assert hr.verdict == "agrees"
    med = rows(report, "calgb-100104", "median (years)")
    assert len(med) == 2 and all("in-sample" in r.note for r in med)
    ev = rows(report, "calgb-100104", ": events")
    assert {r.published for r in ev} == {97.0, 116.0}


def test_json_rows_have_required_keys(report):
    out = report_json(report)
    json.dumps(out, allow_nan=False)  # serialisable as strict JSON
    for row in out["rows"]:
        assert set(row) >= {"study", "quantity", "published", "reproduced", "deviation", "tolerance", "verdict"}
        assert row["verdict"] in ("agrees", "differs", "not reproducible")
        if row["tolerance"]:
            assert row["tolerance"] in out["tolerances"]
    md = report_markdown(report)
    assert "| study | quantity | published | reproduced |" in md


def test_a_wrong_published_p_value_is_caught(tmp_path):
    """Consistency checks are real: a p-value that does not fit its CI is reported as differing."""
    folder = tmp_path / "evidence"
    shutil.copytree(default_evidence_dir(), folder)
    path = folder / "mccarthy-2017-meta.yaml"
    doc = yaml.safe_load(path.read_text())
    os_cmp = next(c for c in doc["comparisons"] if c["endpoint"] == "OS")
    os_cmp["p"] = 0.4
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    report = build_report(load_corpus(folder))
    (p_row,) = rows(report, "mccarthy-2017-meta", "OS HR lenalidomide maintenance (pooled) vs placebo or observation (pooled) [jco-2017]: p-value")
    assert p_row.verdict == "differs"


def test_cli_reproduce_forms():
    runner = CliRunner()
    res = runner.invoke(app, ["reproduce", "--json"])
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert len(out["studies"]) == len(load_corpus())
    res = runner.invoke(app, ["reproduce"])
    assert res.exit_code == 0 and "calgb-100104" in res.stdout
    res = runner.invoke(app, ["reproduce", "--markdown", "--json"])
    assert res.exit_code == 2


def test_mccarthy_medians_from_one_exponential_model(report):
    got = {r.published: r for r in rows(report, "mccarthy-2017-meta", "PFS median")}
    assert set(got) == {23.5, 52.8}
    for published, row in got.items():
        assert row.verdict == "agrees"
        assert row.reproduced != published  # over-determined: a compromise, not an echo
