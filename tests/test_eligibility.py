"""Options gated to who was studied: trial entry criteria as evidence data, reasons in plain words
on the estimate, the text and the plain-language outputs; unknown answers never exclude."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mmdecide.cli import app
from mmdecide.evidence import load_corpus
from mmdecide.evidence.rules import check_file
from mmdecide.personal import estimate, parse_profile
from mmdecide.personal.eligibility import STUDIED_IN, outside_population, reasons_for_trial
from mmdecide.personal.options import OPTIONS
from mmdecide.report.plain_language import summarize, summary_text

OLD_SD_DARA = {"age": 88, "response": "SD", "induction": "dara-vrd"}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def _option(result, option):
    return next(o for o in result.options if o.option == option)


def test_every_option_names_trials_whose_criteria_are_sourced(corpus):
    assert set(STUDIED_IN) == {o.id for o in OPTIONS}
    for option, trials in STUDIED_IN.items():
        for trial in trials:
            el = corpus.get(trial).eligibility
            assert el is not None and el.age is not None, (option, trial)
            sources = {s.id: s for s in corpus.get(trial).sources}
            for name in ("age", "response", "mrd", "induction", "transplant", "time_since_transplant"):
                crit = getattr(el, name)
                if crit is not None:
                    assert crit.source in sources and crit.locator and crit.text, (trial, name)


def test_old_patient_with_stable_disease_after_daratumumab_induction_is_flagged():
    r = estimate(OLD_SD_DARA, horizons=[3])
    dara = _option(r, "daratumumab").outside_population
    assert any("up to 65 years old, but you are 88" in x for x in dara)
    assert any("at least a partial response (PR), but you have stable disease (SD)" in x for x in dara)
    assert any("VTd or daratumumab with VTd" in x and "daratumumab with VRd" in x for x in dara)
    ixa = _option(r, "ixazomib").outside_population
    assert ixa == ["the trial took people with at least a partial response (PR), but you have stable disease (SD)"]
    len_ = _option(r, "lenalidomide").outside_population
    assert len_ == ["the trials took people up to 70 years old, but you are 88"]
    # the numbers are still there (flagged, not hidden): see docs/model.md
    assert _option(r, "daratumumab").horizons[0].pfs_percent.estimate is not None


def test_sixty_year_old_in_vgpr_is_not_flagged():
    r = estimate({"age": 60, "response": "VGPR", "mrd": "positive"}, horizons=[3])
    assert {o.option for o in r.options} >= {"daratumumab-lenalidomide", "ixazomib", "daratumumab"}
    assert all(o.outside_population == [] for o in r.options)


def test_unknown_answers_never_exclude(corpus):
    empty = parse_profile({})
    for option in STUDIED_IN:
        assert outside_population(corpus, option, empty) == []


@pytest.mark.parametrize(("profile", "option", "flagged"), [
    ({"age": 68}, "lenalidomide", False),  # CALGB 100104 took people up to 70
    ({"age": 71}, "lenalidomide", True),
    ({"age": 66}, "daratumumab", True),
    ({"age": 79}, "daratumumab-lenalidomide", False),
    ({"age": 80}, "daratumumab-lenalidomide", True),
    ({"transplant": "tandem"}, "ixazomib", True),
    ({"transplant": "tandem"}, "lenalidomide", False),  # no transplant criterion read for these trials
    ({"response": "PR"}, "daratumumab-lenalidomide", True),  # AURIGA: VGPR or better
    ({"response": "SD"}, "carfilzomib-lenalidomide-dexamethasone", False),  # ATLAS: SD or better
    ({"induction": "dara-vtd"}, "daratumumab-lenalidomide", True),  # AURIGA: anti-CD38 naive
    ({"induction": "dara-vtd"}, "daratumumab", False),  # CASSIOPEIA gave D-VTd
    ({"induction": "other"}, "daratumumab", False),  # 'something else' says nothing
    ({"mrd": "negative", "response": "CR"}, "daratumumab-lenalidomide", True),
    ({"months_since_transplant": 3}, "ixazomib", False),  # TOURMALINE-MM3: randomized by day 115
    ({"months_since_transplant": 4}, "ixazomib", True),
    ({"months_since_transplant": 4}, "carfilzomib-lenalidomide-dexamethasone", True),  # ATLAS: 100 days
    ({"months_since_transplant": 6}, "daratumumab-lenalidomide", False),  # AURIGA: within 6 months
    ({"months_since_transplant": 7}, "daratumumab-lenalidomide", True),
    ({"months_since_transplant": 24}, "lenalidomide", False),  # no timing criterion read for these trials
])
def test_each_criterion(corpus, profile, option, flagged):
    assert bool(outside_population(corpus, option, parse_profile(profile))) is flagged


def test_an_option_with_several_trials_is_studied_if_any_trial_took_the_patient(corpus):
    calgb, ifm = corpus.get("calgb-100104").eligibility, corpus.get("ifm-2005-02").eligibility
    p = parse_profile({"age": 67})
    assert reasons_for_trial(ifm, p) and not reasons_for_trial(calgb, p)
    assert outside_population(corpus, "lenalidomide", p) == []


def test_text_and_plain_outputs_say_not_studied():
    r = estimate(OLD_SD_DARA, horizons=[5])
    plain = summary_text(summarize(r))
    assert "Not studied in people like you. The trial took people up to 65 years old, but you are 88." in plain
    out = CliRunner().invoke(app, ["estimate", "--age", "88", "--response", "SD", "--induction", "dara-vrd",
                                   "--option", "ixazomib", "--horizon", "3"])
    assert out.exit_code == 0, out.output
    assert "NOT STUDIED IN PEOPLE LIKE YOU: the trial took people with at least a partial response" in out.output
    out = CliRunner().invoke(app, ["estimate", "--age", "60", "--option", "ixazomib", "--horizon", "3"])
    assert "NOT STUDIED" not in out.output
    out = CliRunner().invoke(app, ["estimate", "--months-since-transplant", "5", "--option", "ixazomib",
                                   "--horizon", "3"])
    assert ("NOT STUDIED IN PEOPLE LIKE YOU: the trial started maintenance within 115 days after the "
            "transplant, but your transplant was about 5 months ago") in out.output


def test_a_criterion_citing_an_unknown_source_is_a_problem(corpus):
    ev = corpus.get("tourmaline-mm3")
    age = ev.eligibility.age.model_copy(update={"source": "nowhere"})
    bad = ev.model_copy(update={"eligibility": ev.eligibility.model_copy(update={"age": age})})
    problems = check_file(bad, "tourmaline-mm3.yaml")
    assert [(p.path, p.rule) for p in problems] == [("eligibility.age.source", "source-ref")]


def test_evidence_show_lists_the_entry_criteria_with_their_sources():
    out = CliRunner().invoke(app, ["evidence", "show", "auriga"])
    assert out.exit_code == 0
    assert "entry criteria" in out.output
    assert "age: patients in the United States aged 18-79 years" in out.output and "[asco-tip:" in out.output
