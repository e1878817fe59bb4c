"""Numbers moved onto primary records (trial registries), each pinned to the record and its locator.

A later edit that drops the registry citation, changes a number or sends it back to an unlinked
trial outline fails here with the record named.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

#: The CALGB 100104 registry record read (ClinicalTrials.gov NCT00114101, results section).
CALGB_RECORD = "https://clinicaltrials.gov/ct2/show/results/NCT00114101"


@pytest.fixture(scope="module")
def corpus():
    from mmdecide.evidence import load_corpus
    return load_corpus()


def _fact(corpus, evidence, fact_id):
    return next(f for f in corpus.get(evidence).facts if f.id == fact_id)


def _source(corpus, evidence, value):
    return corpus.provenance(evidence, value)


# ClinicalTrials.gov NCT00114101, Participant Flow, Reporting Groups: both arms 'Beginning between
# day 100-110' after the transplant. It replaces an outline the notes cited without a URL.
def test_calgb_start_day_cites_the_registry_record(corpus):
    fact = _fact(corpus, "maintenance-duration-dosing", "start-timing")
    first, last = fact.values["calgb_start_day_first"], fact.values["calgb_start_day_last"]
    assert (first.value, last.value, first.unit, last.unit) == (100, 110, "days", "days")
    for v in (first, last):
        src = _source(corpus, "maintenance-duration-dosing", v)
        assert src.url == CALGB_RECORD and src.tier == "primary" and src.source_type == "trial-registry"
        assert "Reporting Groups" in v.locator and "day 100-110" in v.locator
    assert "cancer.iu.edu" not in fact.text and "not recorded" not in fact.text


# Same record, Participant Flow: 568 enrolled, 460 randomized, 108 left before randomization; the
# 460 are the NEJM 2012 arms (231 lenalidomide + 229 placebo).
def test_calgb_registry_flow_agrees_with_the_publication(corpus):
    ev = corpus.get("calgb-100104")
    flow = _fact(corpus, "calgb-100104", "registry-flow").values
    assert (flow["enrolled"].value, flow["randomized"].value, flow["left_before_randomization"].value) == (568, 460, 108)
    assert flow["enrolled"].value - flow["randomized"].value == flow["left_before_randomization"].value
    arms = {a.id: a.n.value for a in ev.arms}
    assert arms["lenalidomide"] + arms["placebo"] == flow["randomized"].value
    assert all(_source(corpus, "calgb-100104", v).url == CALGB_RECORD for v in flow.values())
    regimen = next(a for a in ev.arms if a.id == "lenalidomide").regimen
    assert "NCT00114101" in regimen.summary and "cancer.iu.edu" not in regimen.summary


# The registry citation reaches the patient views: the lenalidomide option's dosing note on when
# maintenance starts lists the record among its sources.
def test_start_day_reaches_the_lenalidomide_dosing_note():
    from mmdecide.personal import estimate
    option = next(o for o in estimate({}, horizons=[1]).options if o.option == "lenalidomide")
    note = next(n for n in option.regimen.dosing_notes if n.topic == "when maintenance starts")
    assert "between day 100 and day 110" in note.text
    cited = {(urlsplit(s.url).hostname, s.value) for s in note.sources}
    assert {("clinicaltrials.gov", 100.0), ("clinicaltrials.gov", 110.0)} <= cited
