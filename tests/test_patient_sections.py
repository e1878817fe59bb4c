"""Harms detail (side effects, treatment changes, requirements, second cancers, dose, blood counts)
and the high-risk answer: every number cited, comparators beside numbers, profile values compared
with the label's thresholds in plain words, credibility flags on every high-risk item."""

from __future__ import annotations

import re

import pytest

from mmdecide.evidence import load_corpus
from mmdecide.report.audit import _refs
from mmdecide.report.harms_detail import SECOND_CANCERS, SIDE_EFFECTS, harms_detail
from mmdecide.report.high_risk import CREDIBILITY, high_risk_answer, is_high_risk


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def _section(detail, key):
    return next(s for s in detail.sections if s.key == key)


def test_sections_and_sources(corpus):
    d = harms_detail(corpus)
    assert [s.key for s in d.sections] == ["side-effects", "treatment-changes", "requirements", "second-cancers",
                                           "dose", "blood-counts"]
    refs = list(_refs(d))
    assert len(refs) > 30 and all(r.locator and r.url.startswith("http") and r.value is not None for r in refs)


def test_side_effects_beside_comparator_and_missing_said(corpus):
    s = _section(harms_detail(corpus), "side-effects")
    calgb = {r.grade: (r.lenalidomide.value, r.comparator.value) for r in s.rows
             if r.evidence == "calgb-100104" and r.category == "neutropenia"}
    assert calgb == {"3": (32, 12), "4": (13, 3)}  # grade 3 and grade 4 both, each with placebo
    for cat, plain in SIDE_EFFECTS:  # every asked-for side effect has a row or is named as missing
        assert any(r.category == cat for r in s.rows) != any(m.startswith(plain) for m in s.missing), cat


def test_second_cancers_labelled_as_each_source_counts_them(corpus):
    rows = _section(harms_detail(corpus), "second-cancers").rows
    mcc = [r for r in rows if r.evidence == "mccarthy-2017-meta"]
    assert mcc and all(r.time_frame.startswith("before the myeloma came back") for r in mcc)
    assert {(r.category, r.lenalidomide.value, r.comparator.value) for r in mcc} == {
        ("spm-hematologic", 5.3, 0.8), ("spm-solid", 5.8, 2.0)}
    calgb = [r for r in rows if r.evidence == "calgb-100104"]
    assert calgb and all(r.time_frame.startswith("at any time") for r in calgb)
    assert {r.category for r in rows} <= {c for c, _ in SECOND_CANCERS}
    assert all(r.comparator is not None or r.comparator_missing for r in rows)


def test_label_requirements_and_dose_steps(corpus):
    d = harms_detail(corpus)
    req = {n.name: n.value for n in _section(d, "requirements").numbers}
    assert req["negative_pregnancy_tests_before_start"] == 2 and req["pregnancy_avoid_weeks_before"] == 4
    changes = {n.name: n.value for n in _section(d, "treatment-changes").numbers}
    assert (changes["lowest_dose_step"], changes["lowest_dose_days_per_cycle"]) == (5, 21)


@pytest.mark.parametrize("crcl, word", [(45, "below"), (75, "at or above")])
def test_kidney_function_compared_with_the_label(corpus, crcl, word):
    text = " ".join(_section(harms_detail(corpus, creatinine_clearance_ml_min=crcl), "dose").sentences)
    assert f"creatinine clearance {crcl} mL/min) is {word} the label's level of 60 mL/min" in text


def test_blood_counts_compared_with_the_label(corpus):
    low = " ".join(_section(harms_detail(corpus, neutrophils_10e9_l=0.8, platelets_10e9_l=60), "blood-counts").sentences)
    assert "neutrophil count (0.8 x 10^9/L) is below the label's level of 1 x 10^9/L" in low
    assert "platelet count (60 x 10^9/L) is below the label's level of 75 x 10^9/L" in low
    ok = " ".join(_section(harms_detail(corpus, hemoglobin_g_dl=11.5, neutrophils_10e9_l=5.1), "blood-counts").sentences)
    assert "(5.1 x 10^9/L) is at or above" in ok and "hemoglobin (11.5 g/dL)" in ok and "not a recommendation" in ok
    none = " ".join(_section(harms_detail(corpus), "blood-counts").sentences)
    assert "No blood counts were given" in none


@pytest.mark.parametrize("cyto, r_iss, expected", [
    (["del17p"], None, ["del(17p)"]), (["none-found"], None, []), (None, "III", ["R-ISS III"]),
    (["t4-14", "gain1q"], "II", ["t(4;14)", "gain(1q)"]),
])  # fmt: skip
def test_high_risk_features(cyto, r_iss, expected):
    assert is_high_risk(cyto, r_iss) == expected


def test_high_risk_answer_numbers_are_cited_values(corpus):
    a = high_risk_answer(corpus, cytogenetics=["del17p"])
    assert a.applies and len(a.items) >= 6
    assert {i.credibility for i in a.items} <= set(CREDIBILITY)
    assert {"randomized subgroup", "single-arm or cohort", "guideline summary"} <= {i.credibility for i in a.items}
    for item in a.items:
        cited = {r.value for r in item.sources} | {r.lower for r in _values(corpus, item)} | {
            r.upper for r in _values(corpus, item)}
        for x in re.findall(r"\d+(?:\.\d+)?", " ".join(item.sentences)):
            if x in ("1", "17", "4", "14"):  # 'below 1', 'del(17p)', 'four trials'
                continue
            assert float(x) in cited, (item.evidence, x, item.sentences)
    assert not high_risk_answer(corpus, cytogenetics=["none-found"]).applies


def _values(corpus, item):
    from mmdecide.report.audit import _values as walk

    ev = corpus.get(item.evidence)
    locs = {(r.locator, r.value) for r in item.sources}
    return [v for v in walk(ev) if (v.locator, v.value) in locs]


def test_neutrophil_restart_level_pinned_to_the_label_table(corpus):
    """REVLIMID label, section 2, maintenance after auto-HSCT (as the manufacturer's dose-modification
    page reproduces it): interrupt below 500/mcL, resume at the next lower dose at 500/mcL or more."""
    fact = next(f for f in corpus.get("maintenance-duration-dosing").facts if f.id == "label-dosing")
    v = fact.values["anc_resume_at_or_above"]
    assert (v.value, v.source) == (500, "revlimidhcp-dosemod") and "Neutropenia: how to dose modify" in v.locator
    d = harms_detail(corpus, neutrophils_10e9_l=0.4)
    assert "once they are back at 500 per microlitre" in " ".join(_section(d, "treatment-changes").sentences)
    text = " ".join(_section(d, "blood-counts").sentences)
    assert "(0.4 x 10^9/L) is below the label's level of 0.5 x 10^9/L for restarting after a pause" in text
    assert "anc_resume_at_or_above" in {n.name for n in _section(d, "blood-counts").numbers}


def test_kidney_input_says_where_it_is_used(corpus):
    from mmdecide.personal import estimate

    r = estimate({"creatinine_clearance_ml_min": 45}, options=["lenalidomide"], horizons=[3])
    how = next(u.how for u in r.inputs if u.field == "creatinine_clearance_ml_min")
    assert how.startswith("not used, because") and "kidney-function level for a lower starting dose" in how
    renal = next(s for s in corpus.get("maintenance-duration-dosing").sources if s.id == "uspi-renal")
    assert "earlier label version" in renal.note  # the 60/11/7 mL/min sentence is read from an older label


def test_imwg_consensus_is_a_flagged_guideline_item_quoting_its_file(corpus):
    """IMWG 2016 consensus (Sonneveld, Blood 2016;127:2955, PMC4920674), abstract: PIs appear to improve
    survival in t(4;14) and del(17/17p); lenalidomide may improve PFS; multiple adverse changes do not benefit."""
    ev = corpus.get("imwg-2016-high-risk-consensus")
    src = ev.sources[0]
    assert src.url.endswith("/PMC4920674") and "Blood 2016;127(24):2955" in src.citation
    quote = next(f for f in ev.facts if f.id == "treatment-statement").text
    assert "bortezomib and carfilzomib treatment appear to improve" in quote
    assert "Patients with multiple adverse cytogenetic abnormalities do not benefit" in quote
    item = next(i for i in high_risk_answer(corpus, cytogenetics=["t4-14"]).items
                if i.evidence == "imwg-2016-high-risk-consensus")
    assert item.credibility == "guideline summary" and "not about maintenance alone" in item.caveat
    text = " ".join(item.sentences)
    assert "t(4;14) or del(17p) live longer" in text and "more than one high-risk change" in text


def test_high_risk_items_are_data_one_builder_reads_and_cites_every_number(corpus):
    """A new study is one entry: its lookups and sentences. The builder reads each value from the
    file, prints {x} as the value and {x:ci} with its interval, and cites the values in order."""
    from mmdecide.report.high_risk import ArmMedian, Fact, Subgroup, _build, _Entry

    entry = _Entry("tourmaline-mm3", "q", "randomized subgroup", "c",
                   ("HR {hr:ci}; medians {ixa} and {pbo}.",),
                   {"hr": Subgroup("OS", "cytogenetic risk", "high risk", "OS HR"),
                    "ixa": Fact("hr-os-medians", "median_os_ixazomib_months", "ixa median"),
                    "pbo": Fact("hr-os-medians", "median_os_placebo_months", "placebo median")})
    sentences, refs = _build(corpus, entry)
    ev = corpus.get("tourmaline-mm3")
    hr = next(s.estimate for s in ev.subgroups if s.endpoint == "OS" and s.level.startswith("high risk"))
    med = next(f for f in ev.facts if f.id == "hr-os-medians").values
    ci = f" (likely between {hr.lower:g} and {hr.upper:g})" if None not in (hr.lower, hr.upper) else ""
    assert sentences == [f"HR {hr.value:g}{ci}; medians {med['median_os_ixazomib_months'].value:g} and "
                         f"{med['median_os_placebo_months'].value:g}."]
    assert [r.value for r in refs] == [hr.value, med["median_os_ixazomib_months"].value,
                                       med["median_os_placebo_months"].value]
    emory = _build(corpus, _Entry("emory-rvd-risk-adapted", "q", "single-arm or cohort", "c", ("{h}",),
                                  {"h": ArmMedian("PFS", "high-risk", "median")}))
    assert emory[0] == [f"{emory[1][0].value:g}"]
    with pytest.raises(LookupError, match="tourmaline-mm3: no fact no-such-fact"):  # the statement must be in the file
        _build(corpus, _Entry("tourmaline-mm3", "q", "guideline summary", "c", ("x",), statement_of="no-such-fact"))


def test_every_high_risk_item_statements_too_carries_its_source(corpus):
    """Statement-only items (IMWG, Lai, CASSIOPEIA, EHA-ESMO, the PDQ summary) were shown without a
    source: the builder cited numbers only. Each now cites the source its statement is read from."""
    from mmdecide.report.high_risk import _ENTRIES, _build, _Entry

    a = high_risk_answer(corpus, cytogenetics=["del17p"])
    statements = {e.evidence + ":" + e.statement_of for e in _ENTRIES if e.statement_of}
    assert len(statements) == 5
    for item in a.items:
        assert item.sources, item.evidence
        ids = {s.id: s for s in corpus.get(item.evidence).sources}
        for r in item.sources:
            assert r.citation in {s.citation for s in ids.values()} and r.url and len(r.locator) >= 2
    imwg = next(i for i in a.items if i.evidence == "imwg-2016-high-risk-consensus")
    assert imwg.sources[0].url.endswith("/PMC4920674") and imwg.sources[0].what.startswith("statement:")
    eha = next(i for i in a.items if i.evidence == "eha-esmo-2021-guideline")
    assert eha.sources[0].source_type == "guideline-summary" and "After ASCT" in eha.sources[0].locator
    with pytest.raises(LookupError, match="names no source"):  # a statement must say where it is read
        _build(corpus, _Entry("imwg-2016-high-risk-consensus", "q", "guideline summary", "c", ("x",),
                              statement_of="treatment-statement"))


def test_plain_text_gives_the_high_risk_answer_with_a_source_for_every_item():
    from typer.testing import CliRunner

    from mmdecide.cli import app

    out = CliRunner().invoke(app, ["estimate", "--plain", "--cytogenetics", "del17p"]).output
    block = out.split("High-risk myeloma: what the studies say about other maintenance\n", 1)[1].split("\n\n")[0]
    from mmdecide.api import load_evidence

    items = high_risk_answer(load_evidence(), cytogenetics=["del17p"]).items
    starts = [block.index(f"{i.credibility.capitalize()} ({i.question}):") for i in items]
    assert len(items) >= 10 and starts == sorted(starts)
    for item, a, b in zip(items, starts, [*starts[1:], len(block)]):  # each item ends in its markers
        assert re.search(r"\[\d+(, \d+)*\]$", block[a:b].strip()), (item.evidence, block[a:b])
    assert "Treatment of multiple myeloma with high-risk cytogenetics" in out  # IMWG, in the numbered list
    assert "EHA/ESMO, 2021" in out and "Blood Neoplasia 2024" in out
    assert "High-risk myeloma" not in CliRunner().invoke(app, ["estimate", "--plain", "--r-iss", "I"]).output
