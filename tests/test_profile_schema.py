"""The profile's published JSON schema accepts exactly the profiles the model accepts.

Every answer is taken from a small set of classes that covers each rule's thresholds (ISS lab
limits on both sides, each FISH finding, unknown); a fixed-seed sample of their combinations is
validated by both the schema (a JSON Schema validator independent of pydantic) and the model.
The published schema leaves out the R2-ISS rule (see ``profile_schema.schema_rules``): it agrees
with the model on profiles without an R2-ISS group, and the schema with the R2-ISS rule agrees on
all.
"""

from __future__ import annotations

import itertools
import random

import jsonschema_rs
import pytest

from mmdecide.personal import PatientProfile, ProfileError, parse_profile
from mmdecide.personal.profile_schema import _staging_rule

FISH = ("del17p", "t4-14", "t14-16", "gain1q", "amp1q", "none-found")
CLASSES = {
    "iss": [None, "I", "II", "III"],
    "r_iss": [None, "I", "II", "III"],
    "r2_iss": [None, "I", "II", "III", "IV"],
    "beta2_microglobulin_mg_l": [None, 2.0, 3.5, 4.0, 5.5, 7.0],  # around 3.5 and 5.5 mg/L
    "albumin_g_dl": [None, 3.0, 3.5, 4.0],  # around 3.5 g/dL
    "ldh_high": [None, True, False],
    "cytogenetics": [None, *(list(c) for r in range(7) for c in itertools.combinations(FISH, r))],
    "response": [None, "sCR", "CR", "VGPR", "PR", "SD"],
    "mrd": [None, "negative", "positive"],
}


def _accepted(profile: dict) -> bool:
    try:
        parse_profile(profile)
    except ProfileError:
        return False
    return True


def _with_r2_rule() -> dict:
    schema = PatientProfile.model_json_schema()
    schema["allOf"] = [schema["allOf"][0], _staging_rule(r2=True)]
    return schema


@pytest.mark.parametrize("explicit_null", [False, True])
@pytest.mark.parametrize("published", [True, False], ids=["published", "with-r2-iss-rule"])
def test_schema_and_model_agree_on_every_rule_between_fields(explicit_null, published):
    validator = jsonschema_rs.Draft202012Validator(
        PatientProfile.model_json_schema() if published else _with_r2_rule())
    rng = random.Random(20261204 + explicit_null)
    refused = 0
    for _ in range(10_000):
        profile = {k: rng.choice(v) for k, v in CLASSES.items()}
        if published:
            profile["r2_iss"] = None
        if not explicit_null:
            profile = {k: v for k, v in profile.items() if v is not None}
        model = _accepted(profile)
        refused += not model
        assert validator.is_valid(profile) == model, profile
    assert 0.2 < refused / 10_000 < 0.98  # the sample exercises both outcomes


@pytest.mark.parametrize("profile", [
    {"r_iss": "I", "iss": "II"},
    {"r_iss": "III", "cytogenetics": ["none-found"], "ldh_high": False},
    {"r_iss": "II", "iss": "I", "cytogenetics": ["none-found"], "ldh_high": False},
    {"mrd": "negative", "response": "VGPR"},
    {"cytogenetics": ["gain1q", "amp1q"]},
    {"iss": "III", "beta2_microglobulin_mg_l": 4.0},
])
def test_the_schema_names_each_rule(profile):
    validator = jsonschema_rs.Draft202012Validator(PatientProfile.model_json_schema())
    assert not _accepted(profile) and not validator.is_valid(profile)


def test_the_schema_lists_each_rule_between_fields_in_the_words_its_refusals_cite():
    """``x-rules-between-fields``: a refusal under each listed rule cites the listed words, and the
    one rule not stated as a constraint (R2-ISS) carries the table the constraint would be."""
    from mmdecide.personal.profile_schema import RULES_KEY, _completions

    rules = PatientProfile.model_json_schema()[RULES_KEY]
    breaking = [{"iss": "III", "beta2_microglobulin_mg_l": 4.0}, {"r_iss": "I", "iss": "II"},
                {"iss": "I", "ldh_high": False, "cytogenetics": ["none-found"], "r2_iss": "IV"},
                {"mrd": "negative", "response": "VGPR"}]
    assert len(rules) == len(breaking)
    for rule, profile in zip(rules, breaking):
        with pytest.raises(ProfileError) as exc:
            parse_profile(profile)
        assert any(rule["rule"] in message for _field, message in exc.value.errors), (rule["rule"], profile)
    r2 = [r for r in rules if not r["in_schema"]]
    assert len(r2) == 1 and "R2-ISS" in r2[0]["rule"]
    assert r2[0]["allowed"]["rows"] == [list(w) for w in _completions(r2=True)]
    # the table is the constraint left out: a profile it allows is one the model accepts
    assert jsonschema_rs.Draft202012Validator(_with_r2_rule()).is_valid(breaking[2]) is False
