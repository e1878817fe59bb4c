"""Each evidence rule, shown to fire on a file that breaks it and to stay quiet on a good file."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from mmdecide.evidence import RULES, EvidenceError, load_corpus, load_file, validate_path

GOOD = {
    "schema_version": 1,
    "id": "toy-trial",
    "kind": "rct",
    "title": "Toy trial for rule tests",
    "topics": ["lenalidomide-vs-none"],
    "setting": "post-asct",
    "design": "randomized",
    "population": "adults after ASCT",
    "sources": [
        {"id": "paper", "citation": "Doe J. Toy 2020;1:1", "url": "https://doi.org/10.1000/toy",
         "year": 2020, "tier": "primary", "type": "abstract"},
    ],
    "arms": [
        {"id": "len", "label": "lenalidomide", "role": "experimental",
         "n": {"value": 100, "unit": "count", "source": "paper", "locator": "abstract"}},
        {"id": "obs", "label": "observation", "role": "control",
         "n": {"value": 100, "unit": "count", "source": "paper", "locator": "abstract"}},
    ],
    "analyses": [{"id": "main", "label": "primary analysis"}],
    "results": [
        {"endpoint": "PFS", "arm": "len", "analysis": "main",
         "median": {"value": 40, "lower": 30, "upper": 50, "unit": "months", "source": "paper", "locator": "abstract"},
         "events": {"value": 50, "unit": "count", "source": "paper", "locator": "abstract"},
         "landmarks": [
             {"time": 1, "time_unit": "years", "rate": {"value": 90, "unit": "percent", "source": "paper", "locator": "fig 2"}},
             {"time": 3, "time_unit": "years", "rate": {"value": 60, "unit": "percent", "source": "paper", "locator": "fig 2"}},
         ],
         "at_risk": {"times": [0, 12, 24], "time_unit": "months", "n": [100, 80, 60], "source": "paper", "locator": "fig 2"}},
    ],
    "comparisons": [
        {"endpoint": "PFS", "analysis": "main", "experimental": "len", "control": "obs",
         "estimate": {"value": 0.5, "lower": 0.4, "upper": 0.6, "unit": "ratio", "source": "paper", "locator": "abstract"}},
    ],
}


def write(tmp_path: Path, doc: dict, name: str | None = None) -> Path:
    p = tmp_path / f"{name or doc['id']}.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False))
    return p


def problems_of(tmp_path: Path, doc: dict) -> list:
    problems, _ = validate_path(write(tmp_path, doc))
    return problems


def rules_of(tmp_path: Path, doc: dict) -> set[str]:
    return {p.rule for p in problems_of(tmp_path, doc)}


def test_good_file_has_no_problems(tmp_path):
    assert problems_of(tmp_path, GOOD) == []
    ev = load_file(write(tmp_path, GOOD))
    assert ev.arms[0].n.value == 100


def mutated(path: str, value):
    """Copy of GOOD with one field (dotted path, [i] for lists) set to value."""
    doc = copy.deepcopy(GOOD)
    node = doc
    parts = path.replace("]", "").replace("[", ".").split(".")
    for key in parts[:-1]:
        node = node[int(key)] if key.isdigit() else node[key]
    last = parts[-1]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return doc


CASES = [
    ("interval-contains-estimate", "results[0].median.lower", 45, "results[0].median"),
    ("ratio-positive", "comparisons[0].estimate.lower", 0, "comparisons[0].estimate.lower"),
    ("percent-range", "results[0].landmarks[0].rate.value", 120, "results[0].landmarks[0].rate.value"),
    ("landmarks-never-rise", "results[0].landmarks[1].rate.value", 95, "results[0].landmarks[1]"),
    ("at-risk-never-rises", "results[0].at_risk.n", [100, 80, 90], "results[0].at_risk.n[2]"),
    ("at-risk-within-n", "results[0].at_risk.n", [120, 80, 60], "results[0].at_risk.n[0]"),
    ("events-within-n", "results[0].events.value", 150, "results[0].events"),
    ("source-ref", "results[0].median.source", "nowhere", "results[0].median"),
    ("arm-ref", "results[0].arm", "dara", "results[0].arm"),
    ("analysis-ref", "comparisons[0].analysis", "later", "comparisons[0].analysis"),
    ("non-negative", "results[0].events.value", -1, "results[0].events.value"),
    ("whole-count", "results[0].events.value", 4.5, "results[0].events.value"),
    ("time-unit", "results[0].median.unit", "percent", "results[0].median.unit"),
    ("value-or-note", "results[0].median", {"value": None, "unit": "months", "source": "paper", "locator": "abstract"}, "results[0].median"),
    ("source-url", "sources[0].url", "http://47.251.13.51:8081/39331724", "sources[0].url"),
]


@pytest.mark.parametrize("rule,field,value,where", CASES, ids=[c[0] for c in CASES])
def test_each_rule_fires_with_field_path(tmp_path, rule, field, value, where):
    probs = problems_of(tmp_path, mutated(field, value))
    hits = [p for p in probs if p.rule == rule]
    assert hits, f"rule {rule} did not fire; got {probs}"
    assert any(p.path == where for p in hits), [p.path for p in hits]
    assert rule in RULES


def test_alternatives_need_a_choice(tmp_path):
    alt = {"value": 41, "unit": "months", "source": "paper", "locator": "table 2"}
    doc = mutated("results[0].median.alternatives", [alt])
    assert "choice-explained" in rules_of(tmp_path, doc)
    doc["results"][0]["median"]["choice"] = "abstract is the primary report"
    assert "choice-explained" not in rules_of(tmp_path, doc)


def test_unknown_endpoint_and_unit_and_key_are_schema_errors(tmp_path):
    doc = mutated("results[0].endpoint", "Progression")
    probs = problems_of(tmp_path, doc)
    assert [p.path for p in probs if p.rule == "schema"] == ["results[0].endpoint"]
    doc = mutated("results[0].median.unit", "fortnights")
    assert "results[0].median.unit" in {p.path for p in problems_of(tmp_path, doc)}
    doc = mutated("results[0].medain", {"value": 1})
    assert "results[0].medain" in {p.path for p in problems_of(tmp_path, doc)}


def test_missing_provenance_is_a_schema_error(tmp_path):
    doc = copy.deepcopy(GOOD)
    del doc["results"][0]["median"]["locator"]
    probs = problems_of(tmp_path, doc)
    assert any(p.path == "results[0].median.locator" and p.rule == "schema" for p in probs)


def test_all_problems_reported_at_once(tmp_path):
    doc = mutated("results[0].median.lower", 45)
    doc["results"][0]["arm"] = "dara"
    doc["comparisons"][0]["estimate"]["lower"] = -1
    rules = rules_of(tmp_path, doc)
    assert {"interval-contains-estimate", "arm-ref", "ratio-positive"} <= rules


def test_duplicate_yaml_key_is_rejected(tmp_path):
    p = tmp_path / "dup.yaml"
    p.write_text("id: dup\nid: dup2\n")
    probs, _ = validate_path(p)
    assert [pr.rule for pr in probs] == ["yaml-syntax"]
    assert "duplicate key" in probs[0].message


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['true']", "!!python/name:os.getcwd ''"])
def test_yaml_tags_that_build_objects_are_refused(tmp_path, tag):
    p = tmp_path / "tagged.yaml"
    p.write_text(f"id: tagged\ntitle: {tag}\n")
    probs, _ = validate_path(p)
    assert [pr.rule for pr in probs] == ["yaml-syntax"]
    assert "could not determine a constructor" in probs[0].message


def test_the_loader_uses_libyaml_when_available():
    from mmdecide.evidence import loader

    base = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    assert issubclass(loader._UniqueKeyLoader, base)
    assert not hasattr(loader._UniqueKeyLoader, "construct_python_object")  # safe, not full


def test_corpus_is_cached_until_a_file_changes(tmp_path):
    write(tmp_path, GOOD)
    first = load_corpus(tmp_path)
    assert load_corpus(tmp_path) is first  # parsed once per process
    doc = copy.deepcopy(GOOD)
    doc["title"] = "Toy trial, corrected title"
    write(tmp_path, doc)
    second = load_corpus(tmp_path)
    assert second is not first and second.get("toy-trial").title == "Toy trial, corrected title"
    (tmp_path / "toy-trial.yaml").write_text("id: [unclosed\n")
    with pytest.raises(EvidenceError, match="yaml-syntax"):
        load_corpus(tmp_path)  # a broken edit is seen, not hidden by the cache


def test_broken_yaml_is_reported_not_raised(tmp_path):
    p = tmp_path / "broken.yaml"
    p.write_text("id: [unclosed\n")
    probs, n = validate_path(p)
    assert n == 1 and probs[0].rule == "yaml-syntax"


def test_file_name_must_match_id(tmp_path):
    probs, _ = validate_path(write(tmp_path, GOOD, name="other-name"))
    assert [(p.rule, p.path) for p in probs] == [("unique-id", "id")]


def test_corpus_rules_unique_ids_and_includes(tmp_path):
    write(tmp_path, GOOD)
    meta = copy.deepcopy(GOOD)
    meta.update(id="toy-meta", kind="ipd-meta-analysis", includes=["toy-trial", "missing-trial"])
    write(tmp_path, meta)
    probs, n = validate_path(tmp_path)
    assert n == 2
    assert [(p.rule, p.path) for p in probs] == [("includes-ref", "includes[1]")]
    with pytest.raises(EvidenceError) as err:
        load_corpus(tmp_path)
    assert "missing-trial" in str(err.value)
    meta["includes"] = ["toy-trial"]
    write(tmp_path, meta)
    corpus = load_corpus(tmp_path)
    assert corpus.included_elsewhere("toy-trial") == ["toy-meta"]
    prov = corpus.provenance("toy-trial", corpus.get("toy-trial").results[0].median)
    assert prov.url == "https://doi.org/10.1000/toy" and prov.locator == "abstract" and prov.tier == "primary"


def test_duplicate_arm_ids(tmp_path):
    doc = copy.deepcopy(GOOD)
    doc["arms"][1]["id"] = "len"
    assert "unique-id" in rules_of(tmp_path, doc)


def test_every_rule_is_tested():
    tested = {c[0] for c in CASES} | {"choice-explained", "schema", "yaml-syntax", "unique-id", "includes-ref"}
    assert set(RULES) == tested


def test_prognostic_effects_are_checked(tmp_path):
    doc = copy.deepcopy(GOOD)
    doc["prognostic"] = [{
        "endpoint": "OS", "analysis": "main", "factor": "del17p", "level": "present", "reference": "absent",
        "estimate": {"value": 1.8, "lower": 1.2, "upper": 2.6, "unit": "ratio", "source": "paper", "locator": "table 3"},
        "share": {"value": 10, "unit": "percent", "source": "paper", "locator": "table 1"},
    }]
    assert problems_of(tmp_path, doc) == []
    doc["prognostic"][0]["estimate"]["lower"] = 0
    doc["prognostic"][0]["analysis"] = "later"
    doc["prognostic"][0]["share"]["unit"] = "count"
    rules = rules_of(tmp_path, doc)
    assert {"ratio-positive", "analysis-ref", "percent-range"} <= rules
    doc["prognostic"][0]["factor"] = "star-sign"
    assert any(p.path == "prognostic[0].factor" for p in problems_of(tmp_path, doc))
