"""mmdecide.engine.indirect (Bucher 1997) against hand-computed values and metafor rma.mv.

The metafor reference (tests/golden/meta.json, "indirect", written by r/golden_meta.R) is a
fixed-effect meta-regression with treatment indicators: its A-minus-C contrast is the network
estimate that Bucher's formula must equal. Hazard ratios there are illustrative test fixtures,
not evidence.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmdecide.engine.indirect import IndirectResult, bucher
from mmdecide.engine.meta import Effect, effect_from_hr, effect_from_log, pool
from tolerances import META_CLOSED

GOLDEN = json.loads((Path(__file__).parent / "golden" / "meta.json").read_text(encoding="utf-8"))
INDIRECT = GOLDEN["indirect"]


def _check_against(res: IndirectResult, ref: dict) -> None:
    assert res.log_estimate == pytest.approx(ref["log_estimate"], abs=META_CLOSED)
    assert res.se == pytest.approx(ref["se"], abs=META_CLOSED)
    assert res.log_lower == pytest.approx(ref["ci_lb"], abs=META_CLOSED)
    assert res.log_upper == pytest.approx(ref["ci_ub"], abs=META_CLOSED)
    assert res.z == pytest.approx(ref["zval"], abs=META_CLOSED)
    assert res.p_value == pytest.approx(ref["pval"], abs=META_CLOSED)


def test_hand_computed_daratumumab_vs_lenalidomide_through_observation() -> None:
    # Illustrative numbers only. A = dara, B = observation, C = lenalidomide.
    dara = effect_from_hr(0.53, 0.42, 0.68, study="dara vs obs")
    lena = effect_from_hr(0.57, 0.46, 0.71, study="len vs obs")
    res = bucher(dara, lena)
    z975 = 1.959963984540054
    se_a = (math.log(0.68) - math.log(0.42)) / (2 * z975)
    se_c = (math.log(0.71) - math.log(0.46)) / (2 * z975)
    se = math.sqrt(se_a**2 + se_c**2)
    assert res.estimate == pytest.approx(0.53 / 0.57, rel=1e-12)
    assert res.se == pytest.approx(se, rel=1e-12)
    assert res.lower == pytest.approx(0.53 / 0.57 * math.exp(-z975 * se), rel=1e-12)
    assert res.upper == pytest.approx(0.53 / 0.57 * math.exp(z975 * se), rel=1e-12)
    assert res.p_value == pytest.approx(2 * (1 - 0.5 * math.erfc(-abs(res.z) / math.sqrt(2))))
    assert res.label == "dara vs obs vs len vs obs (indirect)"
    # wider than either trial alone: indirect evidence is weaker than direct
    assert res.upper / res.lower > max(0.68 / 0.42, 0.71 / 0.46)


def test_matches_metafor_two_trial_network() -> None:
    ref = INDIRECT["two_trials"]
    a, c = (effect_from_log(y, math.sqrt(v)) for y, v in zip(ref["yi"], ref["vi"], strict=True))
    assert ref["is_a"] == [1, 0] and ref["is_c"] == [0, 1]
    _check_against(bucher(a, c), ref)


def test_fe_pooled_comparator_arm_matches_metafor_network_regression() -> None:
    """Pool the C-vs-B trials by FE, then Bucher: equals the FE network meta-regression."""
    ref = INDIRECT["pooled_c_arm"]
    effs = [effect_from_log(y, math.sqrt(v)) for y, v in zip(ref["yi"], ref["vi"], strict=True)]
    a = [e for e, flag in zip(effs, ref["is_a"], strict=True) if flag == 1]
    c = [e for e, flag in zip(effs, ref["is_c"], strict=True) if flag == 1]
    assert len(a) == 1 and len(c) == 3
    res = bucher(a[0], pool(c, "FE").as_effect("lenalidomide (pooled)"))
    _check_against(res, ref)
    assert res.label.endswith("lenalidomide (pooled) (indirect)")


def test_summary_and_as_effect() -> None:
    res = bucher(effect_from_log(-0.6, 0.12, "A"), effect_from_log(-0.5, 0.1, "C"), label="A v C")
    s = res.summary()
    json.dumps(s)
    assert s["from"] == ["A", "C"] and s["label"] == "A v C"
    e = res.as_effect()
    assert (e.study, e.log_hr, e.se) == ("A v C", res.log_estimate, res.se)


def test_conf_level_is_used() -> None:
    a, c = effect_from_log(-0.6, 0.12), effect_from_log(-0.5, 0.1)
    r90 = bucher(a, c, conf_level=0.90)
    assert r90.log_upper - r90.log_estimate == pytest.approx(1.6448536269514722 * r90.se)
    assert r90.label == "A vs C (indirect)"


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (((-0.5, 0.1), Effect(None, -0.4, 0.1)), {}, "ab: must be an Effect"),
        ((Effect(None, -0.4, 0.1), 0.57), {}, "cb: must be an Effect"),
        ((Effect(None, -0.4, 0.1), Effect(None, -0.3, 0.1)), {"conf_level": 1.5}, "conf_level"),
        ((Effect(None, -0.4, 0.1), Effect(None, -0.3, 0.1)), {"label": 7}, "label: must be"),
    ],
)
def test_bad_input(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bucher(*args, **kwargs)


def test_same_effect_twice_is_rejected() -> None:
    e = Effect(None, -0.4, 0.1)
    with pytest.raises(ValueError, match="cb: must be a different Effect"):
        bucher(e, e)


effects = st.builds(
    Effect,
    st.none(),
    st.floats(min_value=-3, max_value=3, allow_nan=False),
    st.floats(min_value=0.01, max_value=2, allow_nan=False),
)


@settings(derandomize=True, max_examples=100, deadline=None)
@given(ab=effects, cb=effects)
def test_swapping_treatments_inverts_the_hazard_ratio(ab: Effect, cb: Effect) -> None:
    fwd, back = bucher(ab, cb), bucher(cb, ab)
    assert back.log_estimate == pytest.approx(-fwd.log_estimate, abs=1e-12)
    assert back.se == fwd.se and back.p_value == pytest.approx(fwd.p_value, abs=1e-12)
    assert back.lower == pytest.approx(1 / fwd.upper, rel=1e-12)
    assert fwd.log_lower <= fwd.log_estimate <= fwd.log_upper
    assert fwd.se >= max(ab.se, cb.se)


def test_chain_of_draws_is_bucher_on_the_draws() -> None:
    """A vs B then B vs C: the chained central HR is Bucher's estimate and the log draws' spread
    is Bucher's SE (independent normal draws on the log scale, seeded)."""
    import numpy as np

    from mmdecide.engine.indirect import chain_draws

    ab = effect_from_hr(0.53, 0.42, 0.68, study="A vs B")
    bc = effect_from_hr(1 / 0.57, 1 / 0.71, 1 / 0.46, study="B vs C")
    rng = np.random.default_rng(20240611)
    n = 200_000
    draws = [np.exp(e.log_hr + e.se * rng.standard_normal(n)) for e in (ab, bc)]
    central, chained = chain_draws([math.exp(ab.log_hr), math.exp(bc.log_hr)], draws)
    ref = bucher(ab, effect_from_log(-bc.log_hr, bc.se))  # Bucher takes C vs B
    assert central == pytest.approx(ref.estimate, rel=1e-12)
    assert np.std(np.log(chained)) == pytest.approx(ref.se, rel=0.01)
    assert np.median(chained) == pytest.approx(ref.estimate, rel=0.01)


def test_chain_of_draws_refuses_mismatched_links() -> None:
    import numpy as np

    from mmdecide.engine.indirect import chain_draws

    with pytest.raises(ValueError, match="one central HR and one array of draws per link"):
        chain_draws([0.5], [])
    with pytest.raises(ValueError, match="same number of draws"):
        chain_draws([0.5, 0.9], [np.ones(3), np.ones(4)])
