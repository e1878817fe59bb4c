"""Adjusted indirect comparison of two treatments through a common comparator (Bucher 1997).

If trials compared A with B and, separately, C with B, the indirect estimate of A versus C is

    log HR(A vs C) = log HR(A vs B) - log HR(C vs B),
    Var            = Var(A vs B)   + Var(C vs B),

which keeps each trial's randomisation (unlike comparing the A and C arms naively). It assumes
the A-B and C-B trials are similar in everything that modifies the treatment effect.

Direction convention (read this before passing numbers)
-------------------------------------------------------
Every :class:`~mmdecide.engine.meta.Effect` is "first-named treatment vs comparator": its hazard
ratio is hazard(first) / hazard(comparator), so < 1 means the first-named treatment is better.
:func:`bucher` takes ``ab`` = A vs B and ``cb`` = C vs B -- both *against the common comparator
B* -- and returns A vs C. If a paper reports B vs C instead, invert it first
(``Effect(study, -log_hr, se)``).

Example (illustrative numbers, not evidence): A = daratumumab maintenance, C = lenalidomide,
B = observation. With HR(dara vs observation) = 0.53 (0.42-0.68) and HR(lenalidomide vs
observation) = 0.57 (0.46-0.71), the indirect HR(dara vs lenalidomide) = 0.53 / 0.57 = 0.93: < 1
would favour daratumumab, and its interval (about 0.67-1.29) is wider than either trial's.

>>> from mmdecide.engine.meta import effect_from_hr
>>> dara = effect_from_hr(0.53, 0.42, 0.68, study="dara vs observation (illustrative)")
>>> lena = effect_from_hr(0.57, 0.46, 0.71, study="lenalidomide vs observation (illustrative)")
>>> r = bucher(dara, lena)
>>> round(r.estimate, 3), round(r.lower, 2), round(r.upper, 2)
(0.93, 0.67, 1.29)

Reference: Bucher HC, Guyatt GH, Griffith LE, Walter SD. The results of direct and indirect
treatment comparisons in meta-analysis of randomized controlled trials. J Clin Epidemiol
1997;50:683-91. ``r/golden_meta.R`` checks it against a metafor ``rma.mv`` meta-regression with
treatment indicators (the fixed-effect network estimate, which Bucher's formula equals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy import stats

from mmdecide.engine.meta import Effect, HRScale, check_conf_level

__all__ = ["IndirectResult", "bucher", "chain_draws"]


@dataclass(frozen=True)
class IndirectResult(HRScale):
    """Indirect A-vs-C comparison. ``estimate`` < 1 favours A (lower hazard on A than on C)."""

    label: str
    log_estimate: float
    se: float
    z: float
    p_value: float
    log_lower: float
    log_upper: float
    conf_level: float
    ab: Effect
    cb: Effect

    def as_effect(self) -> Effect:
        """The indirect A-vs-C estimate as an Effect (e.g. to pool with direct evidence)."""
        return Effect(self.label, self.log_estimate, self.se)

    def summary(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "estimate": self.estimate,
            "lower": self.lower,
            "upper": self.upper,
            "conf_level": self.conf_level,
            "log_estimate": self.log_estimate,
            "se": self.se,
            "z": self.z,
            "p_value": self.p_value,
            "from": [self.ab.study, self.cb.study],
        }


def bucher(
    ab: Effect, cb: Effect, conf_level: float = 0.95, label: str | None = None
) -> IndirectResult:
    """Bucher adjusted indirect comparison of A vs C from A vs B and C vs B.

    Parameters
    ----------
    ab : Effect of A relative to the common comparator B (log HR of A vs B).
    cb : Effect of C relative to the same comparator B (log HR of C vs B).
    conf_level : level of the Wald interval, in (0, 1).
    label : name of the comparison; defaults to "<ab.study> vs <cb.study> (indirect)".

    Returns
    -------
    IndirectResult with log HR(A vs C) = ab.log_hr - cb.log_hr and
    se = sqrt(ab.se^2 + cb.se^2); z test and normal-quantile interval.
    """
    for name, e in (("ab", ab), ("cb", cb)):
        if not isinstance(e, Effect):
            raise ValueError(f"{name}: must be an Effect (log HR vs the common comparator)")
    if ab is cb:
        raise ValueError("cb: must be a different Effect from ab (A and C must differ)")
    c = check_conf_level(conf_level)
    if label is None:
        a_name = ab.study or "A"
        c_name = cb.study or "C"
        label = f"{a_name} vs {c_name} (indirect)"
    elif not isinstance(label, str):
        raise ValueError(f"label: must be a string, got {label!r}")
    log_est = ab.log_hr - cb.log_hr
    se = math.sqrt(ab.se**2 + cb.se**2)
    z = log_est / se
    p = float(2 * stats.norm.sf(abs(z)))
    crit = float(stats.norm.ppf(0.5 + c / 2))
    return IndirectResult(
        label=label,
        log_estimate=log_est,
        se=se,
        z=z,
        p_value=p,
        log_lower=log_est - crit * se,
        log_upper=log_est + crit * se,
        conf_level=c,
        ab=ab,
        cb=cb,
    )


def chain_draws(
    centrals: Sequence[float], draws: Sequence[np.ndarray]
) -> tuple[float, np.ndarray]:
    """Bucher's rule along a chain of hazard ratios, on point estimates and Monte Carlo draws.

    For links A vs B, B vs C, ... (each the next one's experimental arm's comparator) the
    indirect HR of the first experimental arm vs the last comparator is the product of the
    links' HRs: log HRs add, as in :func:`bucher` (where ``cb`` is C vs B, i.e. the inverse of the
    link B vs C). Independent draws multiplied draw by draw have log-scale variances that add,
    Bucher's variance, without assuming each link is normal on the log scale.

    Returns (central HR, draws of the HR), both of the whole chain.

    >>> import numpy as np
    >>> c, d = chain_draws([0.9, 0.5], [np.array([0.8, 1.0]), np.array([0.5, 0.4])])
    >>> round(c, 3), d.tolist()
    (0.45, [0.4, 0.4])
    """
    if len(centrals) == 0 or len(centrals) != len(draws):
        raise ValueError("centrals, draws: need one central HR and one array of draws per link")
    n = np.asarray(draws[0]).shape
    central, out = 1.0, np.ones(n)
    for c, d in zip(centrals, draws, strict=True):
        if np.asarray(d).shape != n:
            raise ValueError("draws: every link needs the same number of draws")
        central *= c
        out = out * d
    return central, out
