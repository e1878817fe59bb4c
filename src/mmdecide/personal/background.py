"""Deaths from other causes: a national life table, and the trials' own background deaths.

Relative survival (as NHS PREDICT does; Wishart et al., Breast Cancer Res 2010;12:R1): the trial
curves already contain deaths from other causes at the trial population's age. The model removes
the background expected at the trials' age and adds the patient's own:

    H_disease(t) = H_trial(t) - H_background(trial age, t)          (never decreasing, never < 0)
    H_patient(t) = H_disease,patient(t) + H_background(patient age, sex, t)

The life table is the US Social Security Administration period table for 2018 (public domain;
provenance in ``data/lifetables/README.md``). Within a year of age the hazard is constant,
h = -ln(1 - q(x)) per year. Unknown sex: the male and female survival curves are averaged.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..timeunits import MONTHS_PER_YEAR
from ..evidence import Corpus
from .result import SourceRef
from .sources import cite, published

__all__ = ["LIFE_TABLE", "TrialAge", "background_cumhaz", "trial_age"]

LIFE_TABLE = SourceRef(
    evidence="life-table", what="US period life table 2018, q(x) by age and sex",
    citation="US Social Security Administration, Office of the Chief Actuary. Period life tables, "
    "2020 Trustees Report (Alternative 2), calendar year 2018.",
    url="https://www.ssa.gov/oact/HistEst/PerLifeTables/2020/PerLifeTables2020.html",
    locator="PerLifeTables_M_Alt2_TR2020.csv and PerLifeTables_F_Alt2_TR2020.csv, column q(x), Year 2018",
    tier="primary",
)


@lru_cache(maxsize=1)
def _table() -> tuple[int, np.ndarray, np.ndarray]:
    """(first age, male hazards per year, female hazards per year) by single year of age."""
    text = resources.files("mmdecide").joinpath("data/lifetables/us-ssa-period-2018.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    ages = [int(r["age"]) for r in rows]
    if ages != list(range(ages[0], ages[0] + len(ages))):
        raise ValueError("life table: ages must be consecutive whole years")
    male = np.array([-math.log1p(-float(r["male_qx"])) for r in rows])
    female = np.array([-math.log1p(-float(r["female_qx"])) for r in rows])
    return ages[0], male, female


def _cumhaz_one(hazards: np.ndarray, first_age: int, age: float, months: np.ndarray) -> np.ndarray:
    """Cumulative hazard from ``age`` over ``months`` (piecewise constant per year of age)."""
    edges = np.arange(len(hazards) + 1, dtype=float) + first_age  # year boundaries in years of age
    cum = np.concatenate([[0.0], np.cumsum(hazards)])  # cumulative hazard at each boundary
    top = edges[-1] - 1e-9

    def at(a: np.ndarray) -> np.ndarray:
        a = np.clip(a, first_age, top)
        i = np.floor(a - first_age).astype(int)
        return cum[i] + hazards[i] * (a - edges[i])

    # months / MONTHS_PER_YEAR element-wise: ``months_to_years`` is typed for one number
    return at(age + months / MONTHS_PER_YEAR) - at(np.array([age], dtype=float))


def background_cumhaz(age: float, sex: str | None, months: np.ndarray) -> np.ndarray:
    """Cumulative hazard of death from other causes over ``months`` for a person aged ``age``."""
    first, male, female = _table()
    if sex == "male":
        return _cumhaz_one(male, first, age, months)
    if sex == "female":
        return _cumhaz_one(female, first, age, months)
    s = 0.5 * (np.exp(-_cumhaz_one(male, first, age, months)) + np.exp(-_cumhaz_one(female, first, age, months)))
    return -np.log(s)


@dataclass(frozen=True)
class TrialAge:
    years: float
    source: SourceRef
    note: str


def trial_age(corpus: Corpus) -> TrialAge:
    """The age at which the trials' curves contain background deaths (their median age).

    Only IFM 2005-02 prints a median age in the evidence base (57 years); CALGB 100104 (18-70)
    and GIMEMA RV-MM-PI-209 (65 or younger) enrolled similar ages, so 57 stands for the pooled
    McCarthy 2017 population, with the trials' sex mix taken as half and half (an assumption).
    """
    fact = next(f for f in corpus.get("ifm-2005-02").facts if f.id == "baseline")
    v = fact.values["median_age"]
    return TrialAge(published(v, "median age, IFM 2005-02"), cite(corpus, "ifm-2005-02", v, "median age, IFM 2005-02"),
                    "median age of IFM 2005-02, the only lenalidomide trial whose median age is in the "
                    "evidence base; sex taken as half women, half men")
