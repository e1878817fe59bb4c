"""Lenalidomide harms told completely: every asked-for side effect and second-cancer type has, for
every study, a per-arm number (with its comparator, or the reason it has none) or a 'not reported'
line; the new CALGB 100104 second-cancer percents are pinned to the NEJM 2012 abstract; and the
rows show on the results page, in ``estimate --plain``, in ``mmdecide harms`` and its JSON.
"""

from __future__ import annotations

import dataclasses
import json
import re
import warnings

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from mmdecide import api
from mmdecide.cli import app as cli
from mmdecide.evidence import load_corpus
from mmdecide.evidence.schema import SAFETY_CATEGORIES, SafetyItem, Value
from mmdecide.personal.harms import comparator_item
from mmdecide.report.harms_words import harms_plain_section
from mmdecide.report.harms_detail import (HARMS_TRIALS, SECOND_CANCERS, SIDE_EFFECTS, STUDY_NAMES, TREATMENT_CHANGES,
                                          harms_detail)
from mmdecide.web import Settings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TRIALS = ("calgb-100104", "ifm-2005-02", "gimema-rv-mm-pi-209", "myeloma-xi")
ASKED = {"side-effects": (SIDE_EFFECTS, TRIALS), "treatment-changes": (TREATMENT_CHANGES, TRIALS),
         "second-cancers": (SECOND_CANCERS, tuple(e for e, _, _ in HARMS_TRIALS))}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def _section(detail, key):
    return next(s for s in detail.sections if s.key == key)


# -- the CALGB 100104 second-cancer percents (McCarthy, NEJM 2012;366:1770-81, abstract Results) --

def test_calgb_second_cancer_percents_pinned_to_the_nejm_abstract(corpus):
    ev = corpus.get("calgb-100104")
    rows = {(s.arm, s.value.unit): s for s in ev.safety if s.category == "spm-any" and s.analysis == "nejm-2012"}
    len_pct, pbo_pct = rows[("lenalidomide", "percent")], rows[("placebo", "percent")]
    assert (len_pct.value.value, pbo_pct.value.value) == (8, 3)
    assert (rows[("lenalidomide", "count")].value.value, rows[("placebo", "count")].value.value) == (18, 6)
    for s in (len_pct, pbo_pct):
        assert s.value.source == "nejm2012" and s.time_frame == "any-time" and s.at_months == 34
    assert "(8%)" in len_pct.value.locator and "(3%)" in pbo_pct.value.locator
    src = next(x for x in ev.sources if x.id == "nejm2012")
    assert src.tier == "primary" and src.url.startswith("https://") and "1770" in src.citation
    # the review's 7.8% is the same 18 of 231, kept as an alternative with the reason
    alt = len_pct.value.alternatives[0]
    assert (alt.value, alt.source) == (7.8, "review-hindawi") and len_pct.value.choice
    assert round(18 / 231 * 100, 1) == alt.value


def test_the_calgb_percent_pairs_with_placebo_despite_different_wording(corpus):
    ev = corpus.get("calgb-100104")
    mine = next(s for s in ev.safety if s.arm == "lenalidomide" and s.category == "spm-any" and s.value.unit == "percent")
    reworded = mine.model_copy(update={"item": "second cancers (any), lenalidomide arm", "time_point": "34 months"})
    assert comparator_item(ev, reworded, "placebo").value.value == 3
    rows = [r for r in _section(harms_detail(corpus), "second-cancers").rows
            if r.evidence == "calgb-100104" and r.category == "spm-any"]
    assert {(r.lenalidomide.value, r.comparator.value) for r in rows} == {(18, 6), (8, 3)}


def test_second_cancer_types_are_categories_of_the_schema():
    for cat in ("spm-aml-mds", "spm-b-all", "spm-hodgkin", "spm-nhl"):
        assert cat in SAFETY_CATEGORIES and cat in dict(SECOND_CANCERS)
    SafetyItem(arm="a", category="spm-b-all", item="B-ALL", value=Value(value=1, unit="count", source="s", locator="table 1"))


# -- every asked-for harm: a row or 'not reported', per study --------------------------------------

@pytest.mark.parametrize("key", list(ASKED))
def test_each_study_reports_each_asked_harm_or_is_listed_as_not_reporting_it(corpus, key):
    asked, studies = ASKED[key]
    s = _section(harms_detail(corpus), key)
    listed = {n.category: n.studies for n in s.not_reported}
    for cat, plain in asked:
        for e in studies:
            has_row = any(r.evidence == e and r.category == cat for r in s.rows)
            assert has_row != (STUDY_NAMES[e] in listed.get(cat, [])), (key, cat, e)
        assert all(n.what == dict(asked)[n.category] for n in s.not_reported)
    assert all(r.comparator is not None or r.comparator_missing for r in s.rows)


def test_not_reported_groups_keep_every_harm_once(corpus):
    for s in harms_detail(corpus).sections:
        groups = s.not_reported_groups()
        assert sorted(w for _, whats in groups for w in whats) == sorted(n.what for n in s.not_reported)
        assert all(studies == next(n.studies for n in s.not_reported if n.what == w) for studies, whats in groups
                   for w in whats)


def test_not_reported_today(corpus):
    d = harms_detail(corpus)
    side = {n.category: n.studies for n in _section(d, "side-effects").not_reported}
    assert side["thrombocytopenia"] == ["CALGB 100104", "IFM 2005-02", "GIMEMA RV-MM-PI-209", "Myeloma XI"]
    assert side["neutropenia"] == ["IFM 2005-02", "Myeloma XI"]  # CALGB and GIMEMA give it per arm
    spm = {n.category: n.studies for n in _section(d, "second-cancers").not_reported}
    assert len(spm["spm-aml-mds"]) == 6 and "CALGB 100104" not in spm.get("spm-solid", [])


def test_a_number_added_to_a_study_takes_it_off_the_not_reported_list(corpus):
    ev = corpus.get("ifm-2005-02")
    item = SafetyItem(arm="lenalidomide", analysis="nejm-2012", category="thrombocytopenia", item="test row",
                      grade="3-4", value=Value(value=10, unit="percent", source="nejm2012", locator="test"),
                      time_frame="on-treatment")
    files = dict(corpus.files) | {ev.id: ev.model_copy(update={"safety": [*ev.safety, item]})}
    changed = dataclasses.replace(corpus, files=files)
    s = _section(harms_detail(changed), "side-effects")
    thr = next(n for n in s.not_reported if n.category == "thrombocytopenia")
    assert "IFM 2005-02" not in thr.studies and "CALGB 100104" in thr.studies
    row = next(r for r in s.rows if r.evidence == "ifm-2005-02" and r.category == "thrombocytopenia")
    assert row.comparator is None and row.comparator_missing == "the source gives no number for the comparison group"


# -- what the patient sees ---------------------------------------------------------------------

def _harms_block(text):
    start = text.index("Lenalidomide: side effects and second cancers in detail")
    return text[start:text.index("Sources of the numbers")]


def test_plain_text_tells_the_harms_beside_the_comparator_with_markers():
    res = CliRunner().invoke(cli, ["estimate", "--plain"])
    assert res.exit_code == 0, res.output
    block = _harms_block(res.stdout)
    assert re.search(r"CALGB 100104, any second cancer: 8 in 100 people with lenalidomide and 3 in 100 people with "
                     r"a dummy pill\. \[(\d+)\] Counted at any time in a median of 34 months "
                     r"of follow-up; in the trial's words: patients with a second primary cancer, percent of the arm\. "
                     r"\[\1\]", block)
    assert ("Not reported by CALGB 100104, IFM 2005-02, GIMEMA RV-MM-PI-209, Myeloma XI: low platelets; low red "
            "cells; infections; diarrhoea; tiredness; rash or other skin problems; blood clots.") in block
    assert re.search(r"Not reported by CALGB 100104, [^:]*, the Palumbo 2014 meta-analysis: acute myeloid leukaemia "
                     r"or myelodysplastic syndrome; B-cell acute lymphoblastic leukaemia; Hodgkin lymphoma; "
                     r"non-Hodgkin lymphoma\.", block)
    numbers = re.sub(r"\[[\d, ]+\]|RV-MM-PI-209|100104|2005-02|\b(19|20)\d\d\b", " ", block)
    assert not re.search(r"\d+\.\d", numbers), "whole numbers only in patient views"


def test_plain_harms_read_at_grade_8_or_below_apart_from_the_trials_own_words(textstat):
    section = harms_plain_section(api.harms({}))
    assert len(section.sentences) == len(section.kinds) == len(section.sources)
    own_words = re.compile(r"in the trial's words: .*$")
    text = " ".join(own_words.sub("in the trial's words.", t) for t in section.sentences)
    assert textstat.flesch_kincaid_grade(text) <= 8.0
    for t, refs in zip(section.sentences, section.sources):
        assert refs or not bool(re.search(r"\d", re.sub(r"grade \d( or \d)?|Grade \d|CALGB 100104|IFM 2005-02|"
                                                          r"RV-MM-PI-209|\b(19|20)\d\d\b|\d+ months", " ", t))), t


def test_harms_command_plain_json_and_bad_input():
    runner = CliRunner()
    res = runner.invoke(cli, ["harms", "--crcl", "45"])
    assert res.exit_code == 0, res.output
    assert "8 in 100 people with lenalidomide and 3 in 100 people with a dummy pill" in res.stdout
    assert re.search(r"^\[1\] .+ https://\S+ \(where: .+\)$", res.stdout, flags=re.MULTILINE)
    data = json.loads(runner.invoke(cli, ["harms", "--json", "--crcl", "45"]).stdout)
    assert [s["key"] for s in data["sections"]] == ["side-effects", "treatment-changes", "requirements",
                                                    "second-cancers", "dose", "blood-counts"]
    spm = next(s for s in data["sections"] if s["key"] == "second-cancers")
    pair = next(r for r in spm["rows"] if r["evidence"] == "calgb-100104" and r["lenalidomide"]["unit"] == "percent")
    assert (pair["lenalidomide"]["value"], pair["comparator"]["value"]) == (8, 3)
    assert pair["comparator"]["source"]["url"].startswith("https://")
    assert any(n["category"] == "spm-b-all" for n in spm["not_reported"])
    dose = " ".join(next(s for s in data["sections"] if s["key"] == "dose")["sentences"])
    assert "creatinine clearance 45 mL/min) is below" in dose
    bad = runner.invoke(cli, ["harms", "--hemoglobin", "abc"])
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1 and "hemoglobin" in bad.output.lower()


def test_api_harms_reads_the_profile(corpus):
    d = api.harms({"hemoglobin_g_dl": 11.5, "neutrophils_10e9_l": 5.1}, corpus=corpus)
    text = " ".join(_section(d, "blood-counts").sentences)
    assert "hemoglobin (11.5 g/dL)" in text and "(5.1 x 10^9/L) is at or above" in text


def test_results_page_lists_what_each_trial_does_not_report():
    with TestClient(create_app(Settings())) as c:
        assert c.post("/profile", data={}, follow_redirects=False).status_code == 303
        soup = BeautifulSoup(c.get("/results").text, "html.parser")
    items = [" ".join(li.get_text(" ").split()) for li in soup.select("#harms-detail ul.not-reported li")]
    four = next(i for i in items if i.startswith("Not reported by CALGB 100104, IFM 2005-02, GIMEMA RV-MM-PI-209, "
                                                  "Myeloma XI:"))
    assert "low platelets (thrombocytopenia)" in four and "blood clots" in four
    assert any(i.endswith("Hodgkin lymphoma; non-Hodgkin lymphoma") for i in items)
    assert len(items) < sum(1 for _ in SIDE_EFFECTS + TREATMENT_CHANGES + SECOND_CANCERS)  # grouped by studies
    row = next(tr for tr in soup.select("#harms-detail tr") if "percent of the arm" in tr.get_text())
    cells = [" ".join(td.get_text(" ").split()) for td in row.find_all("td")]
    assert cells[-2].startswith("8%") and cells[-1].startswith("3% (placebo") and row.select("sup.refs")


def test_json_api_answers_the_harms_and_names_a_bad_field():
    with TestClient(create_app(Settings())) as c:
        ok = c.post("/api/v1/harms", json={"profile": {"hemoglobin_g_dl": 11.5, "creatinine_clearance_ml_min": 45}})
        assert ok.status_code == 200
        body = ok.json()
        assert body == api.harms({"hemoglobin_g_dl": 11.5, "creatinine_clearance_ml_min": 45}).model_dump(mode="json")
        spm = next(s for s in body["sections"] if s["key"] == "second-cancers")
        assert any(n["category"] == "spm-hodgkin" for n in spm["not_reported"])
        bad = c.post("/api/v1/harms", json={"profile": {"hemoglobin_g_dl": "lots"}})
        assert bad.status_code == 422 and "hemoglobin_g_dl" in bad.json()["detail"][0]["field"]
        assert c.post("/api/v1/harms", json={"extra": 1}).status_code == 422


def test_numbers_from_people_without_a_transplant_are_not_set_beside_this_patients_options():
    """Myeloma XI's over-74s had no transplant: their second-cancer rates (17% vs 6%) stay in the
    evidence, but neither the option's side effects nor the harms view show them."""
    from mmdecide.evidence import load_corpus
    from mmdecide.personal.harms import side_effects
    from mmdecide.personal.options import OPTIONS
    from mmdecide.report.harms_detail import harms_detail

    corpus = load_corpus()
    kept_out = [s for s in corpus.get("myeloma-xi").safety if s.population == "no-transplant"]
    assert {s.value.value for s in kept_out} == {17.3, 6.5}
    lenalidomide = next(o for o in OPTIONS if o.id == "lenalidomide")
    shown = [e.item for e in side_effects(corpus, lenalidomide)]
    assert shown and not any(">74" in item for item in shown)
    rows = [r.what for section in harms_detail(corpus).sections for r in section.rows]
    assert rows and not any(">74" in what for what in rows)


@pytest.mark.parametrize("profile, field, words", [
    ({"age": 300}, "profile.age", "at most 100"),
    ({"r_iss": "I", "cytogenetics": ["del17p"]}, "profile.r_iss", "R-ISS I needs no high-risk FISH"),
    ({"mrd": "negative", "response": "PR"}, "profile.mrd", "IMWG 2016"),
    ({"hemoglobin_g_dl": 11.5, "surname": "Doe"}, "profile.surname", "unknown field"),
])
def test_json_api_harms_refuses_what_the_cli_refuses(tmp_path, profile, field, words):
    """The harms answer parses its profile with the same validator as the estimate and as
    `mmdecide harms --profile`: a profile the CLI refuses is a 422 naming the same field and rule,
    never a 200 that quietly ignores it."""
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    out = CliRunner().invoke(cli, ["harms", "--profile", str(path)])
    assert out.exit_code == 2 and words in out.output, out.output
    with TestClient(create_app(Settings())) as c:
        r = c.post("/api/v1/harms", json={"profile": profile})
        est = c.post("/api/v1/estimate", json={"profile": profile})
    assert r.status_code == 422, r.text
    assert r.json() == est.json()
    assert any(e["field"] == field and words in e["message"] for e in r.json()["detail"]), r.json()


def test_json_api_harms_takes_the_estimate_profile_as_it_is():
    profile = {"age": 62, "r_iss": "II", "mrd": "positive", "hemoglobin_g_dl": "115 g/L", "neutrophils_10e9_l": 5.1}
    with TestClient(create_app(Settings())) as c:
        r = c.post("/api/v1/harms", json={"profile": profile})
    assert r.status_code == 200
    assert r.json() == api.harms(profile).model_dump(mode="json")


def test_harms_command_text_tells_the_dose_and_the_profiles_counts_beside_the_label():
    """`mmdecide harms --crcl ... --anc ...` in text: the kidney function and blood counts given are
    set beside the label's levels, as on the web page and in --json (the text left them out, so
    the answers given changed nothing and were not mentioned), each such sentence cited."""
    res = CliRunner().invoke(cli, ["harms", "--crcl", "40", "--anc", "0.8", "--platelets", "180", "--hemoglobin", "11.5"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    listed = set(re.findall(r"^\[(\d+)\] ", res.stdout, flags=re.MULTILINE))
    for words in ("Your kidney function (creatinine clearance 40 mL/min) is below the label's level of 60 mL/min",
                  "Your neutrophil count (0.8 x 10^9/L) is below the label's level of 1 x 10^9/L for starting",
                  "Your platelet count (180 x 10^9/L) is at or above the label's level of 75 x 10^9/L",
                  "Your hemoglobin (11.5 g/dL)", "The lowest dose is 5 mg a day on days 1 to 21",
                  "two negative pregnancy tests"):
        at = text.find(words)
        assert at >= 0, words
        marker = re.match(r"[^\[]*?\[([\d, ]+)\]", text[at:])
        assert marker and set(marker.group(1).replace(" ", "").split(",")) <= listed, (words, text[at:at + 300])
    assert "not a recommendation" in text
    plain = CliRunner().invoke(cli, ["harms"])
    assert plain.exit_code == 0 and "Your neutrophil count" not in plain.stdout
    assert "The label's starting dose is 10 mg once a day" in " ".join(plain.stdout.split())


def test_estimate_plain_sets_the_counts_given_beside_the_label():
    """`estimate --plain` with blood counts: they are not used for the survival numbers, and the
    text says where they are used: beside the label's levels, cited (not only on the web page)."""
    res = CliRunner().invoke(cli, ["estimate", "--plain", "--anc", "0.8", "--option", "lenalidomide"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert re.search(r"Your neutrophil count \(0\.8 x 10\^9/L\) is below the label's level of 1 x 10\^9/L for "
                     r"starting maintenance\. \[\d+", text), text[-3000:]
    without = CliRunner().invoke(cli, ["estimate", "--plain", "--option", "lenalidomide"])
    assert "Your neutrophil count" not in without.stdout
