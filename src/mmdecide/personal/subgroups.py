"""Subgroup treatment effects, used only with a credibility flag and shrunk toward the overall effect.

Subgroup hazard ratios are noisy and often post hoc, so a profile never takes one at face value.
For a factor whose levels partition the trial (e.g. high vs standard cytogenetic risk) we use
empirical-Bayes shrinkage (the random-effects model across the levels, as in Jones et al.,
Stat Med 2011;30:1955-1975):

    y_i = log HR_i with variance v_i;  tau^2 = DerSimonian-Laird between-level variance;
    mu = random-effects mean;  shrunk_i = mu + tau^2 / (tau^2 + v_i) * (y_i - mu).

The profile's level then modifies the option's overall hazard ratio by exp(shrunk_i - mu), with
posterior variance tau^2 v_i / (tau^2 + v_i). When the levels agree (tau^2 = 0) the modifier is
exactly 1: the subgroup evidence then says "no sign that the effect differs", which is reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..engine.meta import effect_from_hr, pool
from ..evidence import Corpus
from ..evidence.schema import Subgroup
from .profile import PatientProfile
from .result import SourceRef
from .sources import cite, hr_interval

__all__ = ["Modifier", "SubgroupRule", "subgroup_modifier"]


@dataclass(frozen=True)
class SubgroupRule:
    """Which subgroup entries (one per level of one factor) modify an option's effect."""

    evidence: str
    endpoint: str
    factor: str
    levels: dict[str, str]  # profile level -> the entry's `level` text
    profile_level: Callable[[PatientProfile], str | None]
    credibility: str  # plain words: why the subgroup result is only a hint


@dataclass(frozen=True)
class Modifier:
    central: float
    draws: np.ndarray
    sources: list[SourceRef]
    flag: str


def subgroup_modifier(corpus: Corpus, rule: SubgroupRule, profile: PatientProfile,
                      n_draws: int, rng: np.random.Generator) -> Modifier | None:
    level = rule.profile_level(profile)
    if level is None or rule.evidence not in corpus.files:
        return None
    ev = corpus.get(rule.evidence)
    entries: dict[str, Subgroup] = {}
    for s in ev.subgroups:
        if s.endpoint == rule.endpoint and s.factor == rule.factor and s.measure == "HR":
            for key, text in rule.levels.items():
                if s.level == text and None not in (s.estimate.value, s.estimate.lower, s.estimate.upper):
                    entries[key] = s
    if set(entries) != set(rule.levels) or level not in entries:
        return None
    keys = sorted(entries)
    effects = [effect_from_hr(*hr_interval(entries[k].estimate, f"{rule.evidence} subgroup {k}"), study=k)
               for k in keys]
    re = pool(effects, method="DL")
    tau2, mu = re.tau2, re.log_estimate
    e = effects[keys.index(level)]
    b = tau2 / (tau2 + e.variance) if tau2 > 0 else 0.0
    shift = b * (e.log_hr - mu)
    post_sd = math.sqrt(tau2 * e.variance / (tau2 + e.variance)) if tau2 > 0 else 0.0
    draws = np.exp(shift + post_sd * rng.standard_normal(n_draws))
    sources = [cite(corpus, rule.evidence, entries[k].estimate, f"{rule.endpoint} HR, {rule.factor}: {entries[k].level}")
               for k in keys]
    raw = entries[level].estimate.value
    flag = (f"subgroup ({rule.factor}: {level}): HR {raw:g} in that subgroup; shrunk toward the overall "
            f"effect with weight {100 * b:.0f}% (empirical Bayes), so it changes the effect by a factor of "
            f"{math.exp(shift):.2f}. {rule.credibility}")
    return Modifier(central=math.exp(shift), draws=draws, sources=sources, flag=flag)
