"""Profile validation: lab units in both common forms, plausible ranges, and the staging and
response definitions a profile must obey (random profiles checked against a brute-force oracle)."""

from __future__ import annotations

import json
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmdecide.evidence import load_corpus
from mmdecide.personal import ProfileError, parse_profile, staging

# -- an independent oracle: the published definitions, applied to every completion of the unknowns

B2M_VALUES = (1.0, 3.4, 3.5, 4.0, 5.4, 5.5, 8.0)  # mg/L, on both sides of each ISS threshold
ALBUMIN_VALUES = (2.5, 3.4, 3.5, 4.2)  # g/dL


def true_iss(b2m: float, alb: float) -> str:  # Greipp 2005
    if b2m >= 5.5:
        return "III"
    return "I" if b2m < 3.5 and alb >= 3.5 else "II"


def true_r_iss(iss: str, cyto: frozenset, ldh: bool) -> str:  # Palumbo 2015
    high = bool(cyto & {"del17p", "t4-14", "t14-16"})
    if iss == "I" and not high and not ldh:
        return "I"
    return "III" if iss == "III" and (high or ldh) else "II"


def true_r2_iss(iss: str, cyto: frozenset, ldh: bool) -> str:  # D'Agostino 2022
    score = {"I": 0, "II": 1, "III": 1.5}[iss] + ldh + ("del17p" in cyto) + ("t4-14" in cyto) \
        + 0.5 * bool(cyto & {"gain1q", "amp1q"})
    return "I" if score == 0 else "II" if score <= 1 else "III" if score <= 2.5 else "IV"


def cyto_completions(listed):
    if listed is None:
        return [frozenset(c) for n in range(5) for c in _subsets(("del17p", "t4-14", "t14-16", "gain1q"), n)]
    found = frozenset(listed) - {"none-found"}
    if "none-found" in listed or found & {"gain1q", "amp1q"}:
        return [found]
    return [found, found | {"gain1q"}]  # a panel without 1q may not have tested it


def _subsets(items, n):
    from itertools import combinations
    return combinations(items, n)


def consistent(p: dict) -> bool:
    """True when some values of the unknown answers make every stated stage and response hold."""
    if p.get("mrd") == "negative" and p.get("response") in ("VGPR", "PR", "SD"):
        return False
    b2ms = [p["beta2_microglobulin_mg_l"]] if "beta2_microglobulin_mg_l" in p else [1.0, 4.0, 6.0]
    albs = [p["albumin_g_dl"]] if "albumin_g_dl" in p else [3.0, 4.0]
    ldhs = [p["ldh_high"]] if "ldh_high" in p else [False, True]
    for b2m, alb, ldh, cyto in product(b2ms, albs, ldhs, cyto_completions(p.get("cytogenetics"))):
        iss = true_iss(b2m, alb)
        if "iss" in p and p["iss"] != iss:
            continue
        if "r_iss" in p and p["r_iss"] != true_r_iss(iss, cyto, ldh):
            continue
        if "r2_iss" in p and p["r2_iss"] != true_r2_iss(iss, cyto, ldh):
            continue
        return True
    return False


def _maybe(strategy):
    return st.one_of(st.none(), strategy)


CYTO = st.one_of(
    st.just(["none-found"]),
    st.lists(st.sampled_from(["del17p", "t4-14", "t14-16", "gain1q", "amp1q"]), min_size=1, max_size=4,
             unique=True).filter(lambda c: not {"gain1q", "amp1q"} <= set(c)),
)
PROFILES = st.fixed_dictionaries({
    "iss": _maybe(st.sampled_from(["I", "II", "III"])),
    "r_iss": _maybe(st.sampled_from(["I", "II", "III"])),
    "r2_iss": _maybe(st.sampled_from(["I", "II", "III", "IV"])),
    "beta2_microglobulin_mg_l": _maybe(st.sampled_from(B2M_VALUES)),
    "albumin_g_dl": _maybe(st.sampled_from(ALBUMIN_VALUES)),
    "ldh_high": _maybe(st.booleans()),
    "cytogenetics": _maybe(CYTO),
    "response": _maybe(st.sampled_from(["sCR", "CR", "VGPR", "PR", "SD"])),
    "mrd": _maybe(st.sampled_from(["negative", "positive"])),
}).map(lambda d: {k: v for k, v in d.items() if v is not None})


@settings(max_examples=600)
@given(PROFILES)
def test_random_profiles_accepted_exactly_when_some_patient_could_have_them(p):
    if consistent(p):
        parse_profile(p)
    else:
        with pytest.raises(ProfileError) as err:
            parse_profile(p)
        for field, message in err.value.errors:
            assert field in p and "fields " in message and "(" in message  # names fields and rule


@settings(max_examples=300)
@given(b2m=st.sampled_from(B2M_VALUES), alb=st.sampled_from(ALBUMIN_VALUES), ldh=st.booleans(),
       cyto=st.sets(st.sampled_from(["del17p", "t4-14", "t14-16", "gain1q"])),
       response=st.sampled_from(["sCR", "CR", "VGPR", "PR", "SD"]), mrd_negative=st.booleans(),
       shown=st.sets(st.sampled_from(["iss", "r_iss", "r2_iss", "beta2_microglobulin_mg_l", "albumin_g_dl",
                                      "ldh_high", "cytogenetics", "response", "mrd"])))
def test_a_real_patient_with_any_answers_left_out_is_accepted(b2m, alb, ldh, cyto, response, mrd_negative, shown):
    iss = true_iss(b2m, alb)
    cyto = frozenset(cyto)
    truth = {
        "iss": iss, "r_iss": true_r_iss(iss, cyto, ldh), "r2_iss": true_r2_iss(iss, cyto, ldh),
        "beta2_microglobulin_mg_l": b2m, "albumin_g_dl": alb, "ldh_high": ldh,
        "cytogenetics": sorted(cyto) or ["none-found"], "response": response,
        "mrd": "negative" if mrd_negative and response in ("sCR", "CR") else "positive",
    }
    parse_profile({k: v for k, v in truth.items() if k in shown})


@pytest.mark.parametrize(("profile", "words"), [
    ({"r_iss": "I", "cytogenetics": ["del17p"]}, "R-ISS I needs no high-risk FISH finding"),
    ({"r_iss": "I", "ldh_high": True}, "R-ISS I needs a normal LDH"),
    ({"r_iss": "III", "iss": "III", "cytogenetics": ["none-found"], "ldh_high": False}, "R-ISS III needs"),
    ({"r_iss": "II", "iss": "I", "cytogenetics": ["none-found"], "ldh_high": False}, "the R-ISS stage is I, not II"),
    ({"r_iss": "I", "beta2_microglobulin_mg_l": 4.0}, "from beta2_microglobulin_mg_l and albumin_g_dl"),
    ({"iss": "I", "beta2_microglobulin_mg_l": 6.0}, "means ISS III"),
    ({"iss": "I", "albumin_g_dl": 3.0}, "ISS I needs albumin 3.5 g/dL or more"),
    ({"mrd": "negative", "response": "VGPR"}, "IMWG 2016"),
    ({"r2_iss": "I", "iss": "III"}, "can only be III or IV"),
    ({"cytogenetics": ["gain1q", "amp1q"]}, "choose one of 1q gain"),
])
def test_impossible_profiles_say_which_rule(profile, words):
    with pytest.raises(ProfileError) as err:
        parse_profile(profile)
    assert any(words in m for _, m in err.value.errors), err.value.errors


# -- units -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "given", "stored"), [
    ("albumin_g_dl", 3.5, 3.5), ("albumin_g_dl", "35 g/L", 3.5), ("albumin_g_dl", "3,5 g/dL", 3.5),
    ("albumin_g_dl", {"value": 35, "unit": "g/L"}, 3.5), ("albumin_g_dl", "3.5", 3.5),
    ("beta2_microglobulin_mg_l", "847 nmol/L", 10.0), ("beta2_microglobulin_mg_l", "0.4 mg/dL", 4.0),
    ("beta2_microglobulin_mg_l", "4 µg/mL", 4.0),
    ("hemoglobin_g_dl", "115 g/L", 11.5), ("hemoglobin_g_dl", 11.5, 11.5),
    ("neutrophils_10e9_l", "5100 /µL", 5.1), ("neutrophils_10e9_l", "5100 cells/mcL", 5.1),
    ("neutrophils_10e9_l", "5.1 x 10^9/L", 5.1), ("neutrophils_10e9_l", "5.1 K/uL", 5.1),
    ("platelets_10e9_l", "250000 /mm3", 250.0), ("platelets_10e9_l", "250 x10e9/L", 250.0),
    ("creatinine_clearance_ml_min", "65 mL/min", 65.0),
])
def test_lab_values_accepted_in_their_common_units(field, given, stored):
    assert getattr(parse_profile({field: given}), field) == pytest.approx(stored)


@pytest.mark.parametrize(("field", "given", "words"), [
    ("albumin_g_dl", 35, "if your report says 35 g/L, that is 3.5 g/dL"),
    ("hemoglobin_g_dl", 115, "if your report says 115 g/L, that is 11.5 g/dL"),
    ("neutrophils_10e9_l", 5100, "if your report says 5100 /uL, that is 5.1 x10^9/L"),
    ("platelets_10e9_l", 250000, "250000 /uL, that is 250 x10^9/L"),
    ("beta2_microglobulin_mg_l", 300, "300 nmol/L, that is 3.54"),
    ("albumin_g_dl", "35 g/dL", "outside the possible range"),
    ("albumin_g_dl", "3.5 furlongs", "unit 'furlongs' is not known for albumin"),
    ("albumin_g_dl", "high", "not a number with a unit"),
    ("albumin_g_dl", float("nan"), "finite"),
    ("albumin_g_dl", True, "must be a number"),
    ("creatinine_clearance_ml_min", -5, "outside the possible range"),
    ("platelets_10e9_l", {"value": 250, "unit": 9}, "unit must be text"),
])
def test_lab_errors_say_what_to_check_on_the_report(field, given, words):
    with pytest.raises(ProfileError) as err:
        parse_profile({field: given})
    [(name, message)] = err.value.errors
    assert name == field and words in message, message
    if "outside" in message:
        assert "lab report" in message


def test_staging_thresholds_equal_the_evidence_facts():
    corpus = load_corpus()
    facts = {f.id: f for f in corpus.get("r-iss").facts}
    assert staging.ISS_B2M_LOW == facts["def-r-iss-1"].values["b2m_below_mg_per_l"].value
    assert staging.ISS_ALBUMIN == facts["def-r-iss-1"].values["albumin_at_least_g_per_dl"].value
    assert staging.ISS_B2M_HIGH == facts["def-r-iss-3"].values["b2m_threshold_mg_per_l"].value
    r2 = {f.id: f for f in corpus.get("r2-iss").facts}
    pts = r2["points"].values
    assert staging.R2_POINTS == {"iss-II": pts["iss_2"].value, "iss-III": pts["iss_3"].value,
                                 "del17p": pts["del_17p"].value, "ldh-high": pts["high_ldh"].value,
                                 "t4-14": pts["t_4_14"].value, "1q": pts["one_q_plus"].value}
    groups = r2["groups"].values
    assert staging.R2_GROUPS[0][1:] == (groups["r2_iss_1_score"].value,) * 2
    for (_, lo, hi), key in zip(staging.R2_GROUPS[1:], ("r2_iss_2_score", "r2_iss_3_score", "r2_iss_4_score")):
        assert (lo, hi) == (groups[key].lower, groups[key].upper)


def test_cli_takes_units_and_refuses_in_one_line():
    from typer.testing import CliRunner

    from mmdecide.cli import app

    ok = CliRunner().invoke(app, ["estimate", "--albumin", "35 g/L", "--hemoglobin", "115 g/L", "--anc", "5100 /uL",
                                  "--platelets", "250", "--option", "lenalidomide", "--horizon", "1", "--json"])
    assert ok.exit_code == 0, ok.output
    profile = json.loads(ok.output)["profile"]  # compact JSON, as the API sends it
    assert profile["albumin_g_dl"] == 3.5 and profile["neutrophils_10e9_l"] == 5.1
    bad = CliRunner().invoke(app, ["estimate", "--albumin", "35"])
    assert bad.exit_code == 2
    assert bad.output.count("\n") == 1 and bad.output.startswith("error: albumin_g_dl: ")
    assert "35 g/L, that is 3.5 g/dL" in bad.output


def test_schema_errors_carry_field_and_rule_as_attributes():
    """Each refused field comes out of the typed error, not a parse of its own message: a message
    that itself holds ': ' keeps its words, and each field has its rule."""
    with pytest.raises(ProfileError) as info:
        parse_profile({"age": 12, "sex": "other", "bogus": 1, "albumin_g_dl": float("inf")})
    exc = info.value
    fields = [f for f, _ in exc.errors]
    assert sorted(fields) == ["age", "albumin_g_dl", "bogus", "sex"]
    msgs = dict(exc.errors)
    assert msgs["sex"].startswith("'other' is not allowed; choose one of ")
    assert msgs["bogus"].startswith("unknown field (allowed: age, sex, ")
    assert not msgs["age"].startswith("age")
    assert exc.rules["bogus"] == "extra_forbidden"
    assert exc.rules["sex"] == "literal_error"
    assert str(exc).count("age: ") == 1  # str() still reads "field: message; ..."
