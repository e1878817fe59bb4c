"""Comparator pairing of side effects and second cancers on structured keys (endpoint, grade,
time frame, analysis), never on the free-text wording of each arm."""

from __future__ import annotations

import pytest

from mmdecide.evidence import load_corpus
from mmdecide.evidence.schema import EvidenceFile, SafetyItem
from mmdecide.personal.harms import comparator_item, normalise_grade, side_effects
from mmdecide.personal.options import OPTIONS


def _item(arm, item, value, *, category="infection", grade="3-4", analysis="a1", time_point=None,
          time_frame=None):
    return {"arm": arm, "analysis": analysis, "category": category, "item": item, "grade": grade,
            "value": {"value": value, "unit": "percent", "source": "s", "locator": "table 2"},
            "time_point": time_point, "time_frame": time_frame}


def _file(*safety):
    return EvidenceFile.model_validate({
        "id": "toy", "kind": "rct", "title": "toy trial", "topics": ["safety"], "setting": "post-asct",
        "design": "toy", "population": "toy",
        "sources": [{"id": "s", "citation": "Toy et al. 2020", "url": "https://example.org", "tier": "primary",
                     "type": "abstract"}],
        "arms": [{"id": "x", "label": "drug", "role": "experimental"}, {"id": "c", "label": "observation", "role": "control"}],
        "analyses": [{"id": "a1", "label": "first"}, {"id": "a2", "label": "second"}],
        "safety": list(safety),
    })


@pytest.mark.parametrize("raw, norm", [
    ("3-4", "3-4"), ("3/4", "3-4"), ("3 or 4", "3-4"), ("Grade 3–4", "3-4"), (">=3", ">=3"), ("≥3", ">=3"),
    (None, "not-stated"), ("any", "any"),
])  # fmt: skip
def test_grade_spellings_normalise(raw, norm):
    assert normalise_grade(raw) == norm


def test_pairs_despite_different_wording():
    ev = _file(
        _item("x", "serious adverse events (28 patients)", 30, time_point="during maintenance", time_frame="on-treatment"),
        _item("c", "serious adverse events (19 patients)", 22, time_point="during observation", time_frame="on-treatment"),
    )
    match = comparator_item(ev, SafetyItem.model_validate(ev.safety[0].model_dump()), "c")
    assert match is not None and match.value.value == 22


def test_grade_spelling_does_not_break_pairing():
    ev = _file(_item("x", "infections", 19, grade="3/4"), _item("c", "infections", 13, grade="grade 3 or 4"))
    assert comparator_item(ev, ev.safety[0], "c").value.value == 13


@pytest.mark.parametrize("other", [
    {"grade": "any"},  # a different grade is a different endpoint
    {"category": "neutropenia"},  # a different endpoint
    {"analysis": "a2"},  # another data cut-off must not be mixed in
    {"time_frame": "any-time"},  # counted over a different period
])  # fmt: skip
def test_different_structured_key_is_not_paired(other):
    base = {"time_frame": "on-treatment"}
    ev = _file(_item("x", "infections", 19, **base), _item("c", "infections", 13, **{**base, **other}))
    assert comparator_item(ev, ev.safety[0], "c") is None


def test_tie_prefers_same_analysis_and_wording():
    ev = _file(
        _item("x", "infections", 19, analysis="a1"),
        _item("c", "infections, other wording", 10, analysis=None),
        _item("c", "infections", 13, analysis="a1"),
    )
    assert comparator_item(ev, ev.safety[0], "c").value.value == 13


def test_no_comparator_number_in_the_evidence_is_lost():
    """Every comparator-arm percent of an option's trials sits beside some option-arm number of
    the same endpoint and grade whenever the option arm reports that endpoint and grade."""
    corpus = load_corpus()
    checked = 0
    for spec in OPTIONS:
        shown = side_effects(corpus, spec)
        for evidence, arm, comparator in spec.safety:
            ev = corpus.get(evidence)
            for c in ev.safety:
                if c.arm != comparator or c.value.unit != "percent" or c.value.value is None:
                    continue
                mine = [s for s in ev.safety if s.arm == arm and s.category == c.category
                        and normalise_grade(s.grade) == normalise_grade(c.grade) and s.analysis == c.analysis
                        and s.value.unit == "percent"]
                if not mine:
                    continue
                used = [x for x in shown if x.evidence == evidence and x.category == c.category
                        and x.comparator_percent is not None and x.comparator_percent.estimate == c.value.value]
                assert used, (spec.id, evidence, c.item)
                checked += 1
    assert checked >= 15
