"""The plain-language summary: reading level, numbers equal to the estimate's, harms beside
benefits, uncertainty words from the one table, missing numbers said plainly, never advice."""

from __future__ import annotations

import re

import pytest

from mmdecide.personal import estimate
from mmdecide.personal.result import EstimateResult, Number
from mmdecide.report.plain_language import (
    CERTAINTY_TABLE, EXTRAPOLATED_SENTENCE, FORBIDDEN_PHRASES, STRENGTH_WORDS, WIDE_POINTS,
    PlainSummary, certainty, certainty_sentence, default_years, summarize, summary_markdown,
    grade4_sibling, summary_text, top_side_effects,
)  # fmt: skip
from mmdecide.report.side_effect_words import POOLED_GRADE_WORDS

MAX_GRADE = 8.0  # Flesch-Kincaid grade (textstat 0.7.4), for every section and every whole summary
HORIZONS = [1, 3, 5, 7]
PROFILES = {
    "empty": {},
    "r-iss-iii": {"r_iss": "III"},
    "mrd-negative": {"mrd": "negative"},
    "mrd-positive": {"mrd": "positive"},
}


@pytest.fixture(scope="module")
def results() -> dict[str, EstimateResult]:
    return {k: estimate(p, horizons=HORIZONS) for k, p in PROFILES.items()}


@pytest.fixture(scope="module")
def summaries(results) -> list[tuple[str, EstimateResult, PlainSummary]]:
    """Every profile at every horizon."""
    return [(k, r, summarize(r, y)) for k, r in results.items() for y in r.horizons_years]


def _option(result: EstimateResult, option: str):
    return next(o for o in result.options if o.option == option)


def _horizon(option, years: float):
    return next(h for h in option.horizons if h.years == years)


def _years_phrase(y: float) -> str:
    return "after 1 year" if y == 1 else f"after {y:g} years"


def _ints(sentence: str) -> list[int]:
    """The numbers of a sentence other than its time span and the denominator, in order;
    'fewer than 1' stands for a count that rounds to 0 and 'N fewer' is negative."""
    s = sentence.replace("fewer than 1", "0").replace("less than 1", "0")
    s = re.sub(r"after \d+(\.\d+)? (years?|months)", "", s)
    s = s.replace("out of 100", "")
    return [-int(m.group(1)) if m.group(2) else int(m.group(1))
            for m in re.finditer(r"(\d+)( fewer)?", s)]


def _expected(n: Number) -> list[int]:
    if n.lower is None or n.upper is None:  # no interval (arm size unknown): the number alone
        return [round(n.estimate)]
    lo, hi = round(n.lower), round(n.upper)
    return [round(n.estimate), lo] + ([hi] if hi != lo else [])  # an empty range is said once


def _expected_difference(d: Number) -> list[int]:
    row = certainty(d)
    if row.key == "unclear":
        return [round(d.lower), round(d.upper)]
    lo, hi = sorted((abs(d.lower), abs(d.upper)))
    return [round(abs(d.estimate)), round(lo), round(hi)]


_SPM_FIELD = {
    "second blood cancer": "spm_hematologic_percent",
    "not a blood cancer": "spm_solid_percent",
    "any kind": "spm_any_percent",
}


def _spm_field(sentence: str) -> str:
    return next(f for words, f in _SPM_FIELD.items() if words in sentence)


# ---------------------------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------------------------


def test_default_years():
    assert default_years([1, 3, 5, 7]) == 5
    assert default_years([1, 2, 3, 7]) == 3
    assert default_years([7, 10]) == 7
    assert default_years([0.5, 6]) == 0.5


def test_summarize_default_and_bad_years(results):
    r = results["empty"]
    assert summarize(r).years == 5
    assert "after 5 years" in summarize(r).title
    with pytest.raises(ValueError, match="not one of the result's horizons"):
        summarize(r, 4)


def test_one_section_per_option_and_no_maintenance_only_as_comparator(results):
    for key, r in results.items():
        s = summarize(r)
        expected = [o.option for o in r.options if o.option != "observation"]
        assert [x.option for x in s.sections] == expected
        for x in s.sections:
            assert len(x.sentences) == len(x.kinds)
            if _option(r, x.option).display == "trial_results_only":  # the trial's results, not the model's
                assert x.kinds[0] == "pfs-trial-reason" and x.sentences[0].startswith("Our model could not match")
                assert "pfs-reference" not in x.kinds and "pfs-option" not in x.kinds
                continue
            ref = [t for t, k in zip(x.sentences, x.kinds) if k == "pfs-reference"]
            assert ref and ref[0].startswith("With no maintenance"), (key, x.option)
            assert "no maintenance" in x.heading
    assert "daratumumab-lenalidomide" in [x.option for x in summarize(results["mrd-positive"]).sections]
    assert "daratumumab-lenalidomide" not in [x.option for x in summarize(results["mrd-negative"]).sections]


def test_text_and_markdown_carry_every_sentence(results):
    s = summarize(results["mrd-positive"])
    text, md = summary_text(s), summary_markdown(s)
    assert md.startswith("# ") and md.count("\n## ") == len(s.sections) + 1
    for x in s.sections:
        assert x.heading in text and f"## {x.heading}" in md
        for sentence in x.sentences:
            assert sentence in text
    for q in s.questions:
        assert f"- {q}" in text and f"- {q}" in md
    assert s.intro in text


# ---------------------------------------------------------------------------------------------
# Writing rules
# ---------------------------------------------------------------------------------------------


def test_reading_grade_at_most_8(summaries, textstat):
    for key, _, s in summaries:
        for x in s.sections:
            grade = textstat.flesch_kincaid_grade(" ".join(x.sentences))
            assert grade <= MAX_GRADE, (key, s.years, x.option, grade)
        assert textstat.flesch_kincaid_grade(s.intro) <= MAX_GRADE
        assert textstat.flesch_kincaid_grade(summary_text(s)) <= MAX_GRADE, (key, s.years)


def test_plain_words(summaries):
    for key, _, s in summaries:
        text = summary_text(s).lower()
        for jargon in ("progression", "malignanc", "observation", "spm", "hazard", "neutropenia",
                       "adverse", "placebo-controlled", "indirect comparison", "randomized"):
            assert jargon not in text, (key, jargon)
        assert "the myeloma coming back" in text and "second cancer" in text and "blood" in text


def test_never_advice(summaries):
    for key, _, s in summaries:
        for text in (summary_text(s).lower(), summary_markdown(s).lower()):
            for phrase in ("you should", "we recommend", "best option", *FORBIDDEN_PHRASES):
                assert phrase not in text, (key, phrase)
        assert "not medical advice" in s.intro


def test_numbers_in_sentences_equal_the_rounded_result(summaries):
    checked = 0
    for key, r, s in summaries:
        ref = _horizon(_option(r, "observation"), s.years)
        for x in s.sections:
            o = _option(r, x.option)
            h = _horizon(o, s.years)
            effects = iter(top_side_effects(o))
            se = None
            # a trial-only option: its trial's arm results, in the calibration's order, per endpoint
            trial_rows = {ep: iter([r for r in o.calibration.rows if r.endpoint == ep.upper()])
                          for ep in ("pfs", "os")} if o.display == "trial_results_only" else {}
            for sentence, kind in zip(x.sentences, x.kinds):
                ep, _, part = kind.partition("-")
                if ep in ("pfs", "os") and part == "trial" and sentence.startswith("In the trial,") and "times the chance" not in sentence:
                    row = next(trial_rows[ep])
                    want = [] if row.published is None else [round(row.published)]
                elif ep in ("pfs", "os") and part in ("reference", "option"):
                    n = getattr(ref if part == "reference" else h, f"{ep}_out_of_100")
                    want = [] if n.estimate is None else _expected(n)
                elif ep in ("pfs", "os") and part == "difference":
                    want = _expected_difference(getattr(h, f"{ep}_difference_percent"))
                elif kind in ("spm-reference", "spm-option"):
                    n = getattr(ref if part == "reference" else h, _spm_field(sentence)) \
                        if "matching number" not in sentence else Number(estimate=None)
                    want = [] if n.estimate is None else _expected(n)
                elif kind == "side-effect-option":
                    se = next(effects)
                    g4 = grade4_sibling(o, se)  # grade 3 and grade 4 of one endpoint told together
                    want = _expected(se.percent) + ([3] + _expected(g4.percent) + [4] if g4 else [])
                    if se.category == "adverse-events-any" and se.grade in POOLED_GRADE_WORDS:
                        want += _ints(POOLED_GRADE_WORDS[se.grade])  # the grade label: "grade 3 or worse"
                elif kind == "side-effect-comparator":
                    c = se.comparator_percent
                    want = [] if c is None or c.estimate is None else _expected(c)
                    if g4 is not None and want:
                        want = [round(c.estimate), 3, round(g4.comparator_percent.estimate), 4]
                else:
                    continue
                assert _ints(sentence) == want, (key, s.years, x.option, kind, sentence)
                checked += 1
    assert checked > 500


def test_same_denominator_and_time_span_side_by_side(summaries):
    for key, _, s in summaries:
        when = _years_phrase(s.years)
        for x in s.sections:
            if x.kinds[0] == "pfs-trial-reason":  # trial results only: no number for people like you
                assert not any("people like you" in t for t, k in zip(x.sentences, x.kinds) if k.startswith(("pfs", "os")))
                continue
            for ep in ("pfs", "os"):
                i, j = x.kinds.index(f"{ep}-reference"), x.kinds.index(f"{ep}-option")
                assert j == i + 1
                for t in (x.sentences[i], x.sentences[j]):
                    assert when in t, (key, x.option, t)
                    if "do not tell us" not in t:
                        assert "out of 100 people like you" in t and "(between " in t
            spm = [t for t, k in zip(x.sentences, x.kinds) if k in ("spm-reference", "spm-option")]
            for a, b in zip(spm[::2], spm[1::2]):  # each option number sits beside its comparator
                assert "out of 100 people like you" in a and "out of 100 people like you" in b or \
                    "matching number" in a + b
                assert ("no maintenance" in a) != ("no maintenance" in b) or "matching number" in a + b


def test_harms_come_right_after_benefits(summaries):
    order = ("pfs-", "os-", "spm-", "side-effect-", "evidence-")
    for key, _, s in summaries:
        for x in s.sections:
            groups = [next(i for i, p in enumerate(order) if k.startswith(p)) for k in x.kinds]
            assert groups == sorted(groups), (key, x.option, x.kinds)
            last_benefit = max(i for i, k in enumerate(x.kinds) if k.startswith(("pfs-", "os-")))
            first_harm = x.kinds[last_benefit + 1]
            assert first_harm.startswith("spm-"), (key, x.option)
            assert "second" in x.sentences[last_benefit + 1] and "cancer" in x.sentences[last_benefit + 1]
            assert any(k.startswith("side-effect-") for k in x.kinds)


def test_top_two_serious_side_effects_beside_their_comparator(results):
    r = results["mrd-positive"]
    for o in r.options:
        if o.option == "observation":
            continue
        top = top_side_effects(o)
        assert 1 <= len(top) <= 2
        pct = [s.percent.estimate for s in top]
        serious = [s for s in o.side_effects if s.grade in ("3", "4", "3-4", ">=3")
                   or s.category == "serious-adverse-events"]
        if len(serious) >= 2:
            assert pct[0] == max(s.percent.estimate for s in serious)
            assert pct == sorted(pct, reverse=True)
        x = next(x for x in summarize(r).sections if x.option == o.option)
        kinds = [k for k in x.kinds if k.startswith("side-effect-")]
        assert kinds == ["side-effect-option", "side-effect-comparator"] * len(top)
    x = next(x for x in summarize(r).sections if x.option == "lenalidomide")
    text = " ".join(x.sentences)
    assert "white blood cells" in text and "dummy pill" in text and "first report" in text


def test_missing_numbers_are_said_plainly(results):
    s = summarize(results["empty"])
    dara = next(x for x in s.sections if x.option == "daratumumab")
    os_option = dara.sentences[dara.kinds.index("os-option")]
    assert "do not tell us" in os_option and _ints(os_option) == []
    assert "os-difference" not in dara.kinds
    spm = dara.sentences[dara.kinds.index("spm-missing")]
    assert "do not tell us" in spm and "second cancer" in spm and _ints(spm) == []


def test_missing_number_in_a_constructed_result_is_not_invented(results):
    r = results["empty"].model_copy(deep=True)
    lena = _option(r, "lenalidomide")
    h = _horizon(lena, 5)
    h.pfs_out_of_100 = Number(estimate=None, reason="test")
    h.os_difference_percent = Number(estimate=None, reason="test")
    h.spm_hematologic_percent = Number(estimate=None, reason="test")
    h.spm_solid_percent = Number(estimate=None, reason="test")
    x = next(x for x in summarize(r, 5).sections if x.option == "lenalidomide")
    pfs = x.sentences[x.kinds.index("pfs-option")]
    assert "do not tell us" in pfs and _ints(pfs) == []
    assert "pfs-difference" not in x.kinds
    assert x.sentences[x.kinds.index("os-difference")] == certainty_sentence(h.os_difference_percent, "lenalidomide")
    assert "do not tell us" in x.sentences[x.kinds.index("os-difference")]
    assert x.kinds.count("spm-missing") == 1


# ---------------------------------------------------------------------------------------------
# Uncertainty words: one table, each branch
# ---------------------------------------------------------------------------------------------


def test_certainty_table_is_the_one_place_of_uncertainty_words():
    assert [c.key for c in CERTAINTY_TABLE] == ["missing", "unclear", "fairly-sure", "likely-wide"]
    words = {c.key: c.words for c in CERTAINTY_TABLE}
    assert words["unclear"] == "we cannot tell whether it helps"
    assert "probably" in words["fairly-sure"] and "fairly sure" in words["fairly-sure"]
    assert words["likely-wide"] == "likely, but how much is uncertain"
    assert WIDE_POINTS == 20


@pytest.mark.parametrize(
    ("number", "key", "phrases", "ints"),
    [
        (Number(estimate=None, reason="no evidence"), "missing", ["do not tell us"], []),
        (Number(estimate=4.0, lower=-3.2, upper=11.6), "unclear", ["cannot tell whether it helps"], [-3, 12]),
        (Number(estimate=2.0, lower=0.0, upper=5.0), "unclear", ["cannot tell whether it helps"], [0, 5]),
        (Number(estimate=-2.0, lower=-9.0, upper=3.0), "unclear", ["9 fewer to 3 more"], [-9, 3]),
        (Number(estimate=22.3, lower=10.9, upper=29.8), "fairly-sure", ["fairly sure", "probably 22 more"], [22, 11, 30]),
        (Number(estimate=15.0, lower=5.0, upper=25.0), "fairly-sure", ["probably 15 more"], [15, 5, 25]),
        (Number(estimate=-6.0, lower=-10.0, upper=-1.5), "fairly-sure", ["probably 6 fewer"], [6, 2, 10]),
        (Number(estimate=3.2, lower=0.3, upper=9.1), "fairly-sure", ["probably 3 more", "between less than 1 and 9"], [3, 0, 9]),
        (Number(estimate=45.0, lower=20.0, upper=61.7), "likely-wide", ["likely", "how much is uncertain", "45 more"], [45, 20, 62]),
        (Number(estimate=-30.0, lower=-55.0, upper=-4.0), "likely-wide", ["how much is uncertain", "30 fewer"], [30, 4, 55]),
    ],
)
def test_certainty_branches(number, key, phrases, ints):
    assert certainty(number).key == key
    sentence = certainty_sentence(number, "lenalidomide")
    for p in phrases:
        assert p in sentence.lower()
    got = [abs(i) for i in _ints(sentence)] if key != "unclear" else _ints(sentence)
    assert got == ints


def test_difference_sentences_follow_the_table(summaries):
    for key, r, s in summaries:
        for x in s.sections:
            h = _horizon(_option(r, x.option), s.years)
            for ep in ("pfs", "os"):
                if f"{ep}-difference" in x.kinds:
                    d = getattr(h, f"{ep}_difference_percent")
                    assert x.sentences[x.kinds.index(f"{ep}-difference")] == certainty_sentence(d, "x")


def test_extrapolated_numbers_are_marked(summaries):
    seen = {True: 0, False: 0}
    for key, r, s in summaries:
        ref = _horizon(_option(r, "observation"), s.years)
        for x in s.sections:
            h = _horizon(_option(r, x.option), s.years)
            if _option(r, x.option).display == "trial_results_only":  # no model number is stated
                assert not any(k.endswith("-extrapolated") for k in x.kinds), (key, x.option)
                continue
            for ep in ("pfs", "os"):
                nums = (getattr(ref, f"{ep}_out_of_100"), getattr(h, f"{ep}_out_of_100"),
                        getattr(h, f"{ep}_difference_percent"))
                ext = any(n.estimate is not None and n.extrapolated for n in nums)
                assert (f"{ep}-extrapolated" in x.kinds) == ext, (key, s.years, x.option, ep)
                seen[ext] += 1
                if ext:
                    assert x.sentences[x.kinds.index(f"{ep}-extrapolated")] == EXTRAPOLATED_SENTENCE
    assert seen[True] and seen[False]


def test_evidence_strength_sentence(results):
    r = results["mrd-positive"]
    for x in summarize(r).sections:
        o = _option(r, x.option)
        first = x.sentences[x.kinds.index("evidence-strength")]
        assert first.startswith(f"The evidence for this is {STRENGTH_WORDS[o.evidence.strength]} because ")
    by = {x.option: " ".join(x.sentences) for x in summarize(r).sections}
    assert "strong because" in by["lenalidomide"] and "switch" in by["lenalidomide"]
    assert "weak because" in by["daratumumab"] and "news report" in by["daratumumab"]
    assert "compared it with no maintenance directly" in by["daratumumab-lenalidomide"]
    assert "MRD positive" in by["daratumumab-lenalidomide"]
    assert "very weak because" in by["carfilzomib-lenalidomide-dexamethasone"]


def test_questions_for_the_care_team(results):
    q = summarize(results["empty"]).questions
    assert 4 <= len(q) <= 6
    assert all(x.endswith("?") and len(x.split()) <= 15 for x in q)
    text = " ".join(q).lower()
    for topic in ("dose", "how long", "blood tests", "side effects", "second cancer", "comes back"):
        assert topic in text


def test_months_for_horizons_under_a_year():
    r = estimate({}, horizons=[0.5, 2])
    s = summarize(r)
    assert s.years == 2
    six = summarize(r, 0.5)
    assert "after 6 months" in six.sections[0].sentences[0]
    lena = six.sections[0]
    ref = _horizon(_option(r, "observation"), 0.5)
    i = next(i for i, t in enumerate(lena.sentences) if "second blood cancer" in t and "no maintenance" in t)
    assert ref.spm_hematologic_percent.estimate < 0.5 and "fewer than 1 out of 100" in lena.sentences[i]
    # both ends of the range round to 0 but are above 0: said as below 1, never as 0
    assert "(the whole range is below 1)" in lena.sentences[i] and "between 0 and 0" not in summary_text(six)
