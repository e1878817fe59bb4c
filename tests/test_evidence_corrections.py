"""The eight numbers an audit found wrong, each pinned to its source and locator.

Each test names the publication and where in it the number is printed, so that a later edit of
the evidence files that brings a wrong number back fails here with the reason.
"""

from __future__ import annotations

import pytest

from mmdecide.evidence import load_corpus
from mmdecide.personal import estimate
from mmdecide.report.plain_language import summarize


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def result():
    return estimate({}, horizons=[1, 3, 7])


def _option(result, option_id):
    return next(o for o in result.options if o.option == option_id)


def _comparison(corpus, evidence, endpoint, experimental):
    return next(c for c in corpus.get(evidence).comparisons
                if c.endpoint == endpoint and c.experimental == experimental)


def _sentences(result, option_id, years=1.0):
    s = summarize(result, years=years)
    return " ".join(next(x for x in s.sections if x.option == option_id).sentences)


# 1. CALGB 100104 (McCarthy, NEJM 2012): the review table's unnamed 'adverse events' rows (grade 3
#    32 vs 12, grade 4 16 vs 5) are not shown as 'side effects of any kind'; grade 3 and grade 4
#    neutropenia are told together, each beside placebo.
def test_calgb_adverse_events_not_any_kind_and_grades_3_and_4_together(corpus, result):
    ev = corpus.get("calgb-100104")
    assert not [s for s in ev.safety if s.category == "adverse-events-any"]
    fact = next(f for f in ev.facts if f.id == "review-ae-rows")
    assert (fact.values["grade3_lenalidomide"].value, fact.values["grade4_lenalidomide"].value) == (32, 16)
    assert (fact.values["grade3_placebo"].value, fact.values["grade4_placebo"].value) == (12, 5)
    assert fact.values["grade4_lenalidomide"].locator.startswith("Table 3, CALGB row")
    text = _sentences(result, "lenalidomide")
    assert "of any kind" not in text.replace("second cancer of any kind", "")
    assert "32 out of 100" in text and "(grade 3)" in text and "13 out of 100" in text and "(grade 4)" in text
    assert "it was 12 out of 100 (grade 3) and 3 out of 100 (grade 4)" in text


# 2. REVLIMID US label, section 2 (maintenance after auto-HSCT): the lowest dose step is 5 mg daily
#    on days 1-21 of a 28-day cycle; 2.5 mg belongs to lenalidomide-dexamethasone treatment.
def test_label_lowest_maintenance_dose_step(corpus):
    fact = next(f for f in corpus.get("maintenance-duration-dosing").facts if f.id == "label-dosing")
    low, days = fact.values["lowest_dose_step"], fact.values["lowest_dose_days_per_cycle"]
    assert (low.value, low.unit, days.value) == (5, "mg", 21)
    assert "days 1-21 of a 28-day cycle" in fact.text and "not below 2.5" not in fact.text
    assert "dose-modifications" in corpus.provenance("maintenance-duration-dosing", low).url
    assert fact.values["starting_dose"].value == 10 and fact.values["anc_interrupt_below"].value == 500


# 3. TOURMALINE-MM3 (PDQ summary of Dimopoulos, Lancet 2019): second cancers 3% vs 3% - the
#    placebo number is shown beside ixazomib's.
def test_ixazomib_second_cancers_shown_with_placebo(result):
    ixa = _option(result, "ixazomib")
    spm = next(s for s in ixa.side_effects if s.category == "spm-any")
    assert (spm.percent.estimate, spm.comparator_percent.estimate) == (3, 3)
    text = _sentences(result, "ixazomib")
    assert "It was 3 out of 100 for people taking a dummy pill (placebo)." in text
    assert "do not give a matching number" not in text


# 4. TOURMALINE-MM3's own follow-up (OS analysis, median 94.4 months) dates the ixazomib numbers,
#    not McCarthy 2017's 79.5 months: 7 years (84 months) is inside it for overall survival.
def test_ixazomib_follow_up_is_tourmaline_own(corpus, result):
    os_fu = next(a for a in corpus.get("tourmaline-mm3").analyses if a.id == "os-2023").median_follow_up
    assert os_fu.value == 94.4 and 84 < os_fu.value
    h7 = next(h for h in _option(result, "ixazomib").horizons if h.years == 7)
    assert h7.os_percent.extrapolated is False
    obs7 = next(h for h in _option(result, "observation").horizons if h.years == 7)
    assert obs7.os_percent.extrapolated is True  # McCarthy 2017 followed people 79.5 months


# 5. CASSIOPEIA infections during maintenance: 77.5% with daratumumab vs 64% with observation.
def test_daratumumab_infections_with_observation(result):
    s = next(x for x in _option(result, "daratumumab").side_effects if x.category == "infection")
    assert (s.percent.estimate, s.comparator_percent.estimate) == (77.5, 64)


# 6. ATLAS serious treatment-related adverse events: 30% with KRd vs 22% with lenalidomide.
def test_krd_serious_adverse_events_with_lenalidomide(result):
    krd = _option(result, "carfilzomib-lenalidomide-dexamethasone")
    s = next(x for x in krd.side_effects if x.category == "serious-adverse-events")
    assert (s.percent.estimate, s.comparator_percent.estimate) == (30, 22)


# 7. DETERMINATION (Richardson, NEJM 2022): median PFS without transplant 46.2 months; PDQ's 42.0 is
#    unsupported and no longer kept as a value.
def test_determination_median_pfs_without_transplant(corpus):
    r = next(x for x in corpus.get("determination").results
             if x.endpoint == "PFS" and x.arm == "rvd-alone")
    assert r.median.value == 46.2
    assert all(a.value != 42.0 for a in r.median.alternatives)
    assert {corpus.provenance("determination", a).tier for a in r.median.alternatives} == {"secondary"}


# 8. Gay 2018 network meta-analysis (JAMA Oncol, abstract Results): lenalidomide alone 0.47
#    (0.39-0.55), lenalidomide-prednisone 0.39 (0.28-0.53).
def test_gay_2018_lenalidomide_nodes(corpus):
    len_alone = _comparison(corpus, "gay-2018-nma", "PFS", "lenalidomide").estimate
    len_pred = _comparison(corpus, "gay-2018-nma", "PFS", "lenalidomide-prednisone").estimate
    assert (len_alone.value, len_alone.lower, len_alone.upper) == (0.47, 0.39, 0.55)
    assert (len_pred.value, len_pred.lower, len_pred.upper) == (0.39, 0.28, 0.53)
    for v in (len_alone, len_pred):
        prov = corpus.provenance("gay-2018-nma", v)
        assert prov.tier == "primary" and v.locator.startswith("abstract Results")
        assert "PMC6233774" in prov.url


# 9. TOURMALINE-MM3 (brief check of the results card's "serious side effects of any kind: 19 vs 5"):
#    the pair is printed in the trial group's safety report, Ann Hematol 2020;99:1793 (PMID 32613281),
#    abstract: "The rate of grade >= 3 AEs was higher in the ixazomib arm (19%) than in the placebo arm
#    (5%)". It is not the trial's serious-adverse-event count and could not be traced to Lancet 2019, so
#    it is shown by its grade, with all kinds counted together, never as "serious side effects of any kind".
def test_ixazomib_grade3_rows_traced_and_named_by_grade(corpus, result):
    from mmdecide.report.side_effect_words import plain_side_effect, top_side_effects
    from mmdecide.web.results_view import build_view

    ev = corpus.get("tourmaline-mm3")
    rows = {s.arm: s for s in ev.safety if s.category == "adverse-events-any"}
    assert (rows["ixazomib"].value.value, rows["placebo"].value.value) == (19, 5)
    for s in rows.values():
        assert s.grade == ">=3" and s.value.source == "annhematol2020" and s.value.locator == "abstract"
    src = next(x for x in ev.sources if x.id == "annhematol2020")
    assert "Ann Hematol 2020" in src.citation and src.url.endswith("/32613281/") and src.tier == "primary"
    option = _option(result, "ixazomib")
    top = top_side_effects(option, 1)[0]
    assert (top.percent.estimate, top.comparator_percent.estimate) == (19, 5)
    words = plain_side_effect(top)
    assert words == "side effects of grade 3 or worse (all kinds counted together)"
    text = _sentences(result, "ixazomib")
    assert "serious side effects of any kind" not in text
    assert "19 out of 100 people (between" in text and words in text and "it was 5 out of 100" in text
    card = next(ov for ov in build_view(result, result, 1).options if ov.option.option == "ixazomib")
    assert card.harm is not None and card.harm[0] == words and card.harm[1].estimate == 19
    assert card.harm[2] is not None and card.harm[2].estimate == 5
