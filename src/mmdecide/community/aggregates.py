"""Aggregates of members like you, with k-anonymity suppression. Reported by members, not from
trials: nothing here is checked by a study team, and none of it is an estimate for one person.

Who counts: the members with a treatment period that matches the filters (regimen, starting dose)
and whose own details match (cytogenetic risk, age band, time since transplant); each member
counts once, with their earliest matching period.

Suppression (k = 10 by default, ``MMDECIDE_COMMUNITY_K``):
- nothing is shown for a group of fewer than k members;
- a count of members is shown only when at least k members are counted *and* at least k are not,
  so "12 of 12 had X" (which tells something about each of them) is hidden too;
- time on maintenance (Kaplan-Meier from the engine, with members still on treatment censored)
  is shown only at times when at least k members are still followed;
- a lab median and its middle-half range are shown only for time bins with at least k members,
  each member counted once per bin (the median of their own values in it); no minimum or
  maximum is shown, because those are single members' values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select

from ..timeunits import DAYS_PER_MONTH
from ..engine.km import kaplan_meier
from ..engine.survdata import SurvivalData
from . import validate
from .db import Database
from .models import DoseChange, LabValue, Member, SecondCancer, SideEffect, TreatmentPeriod
from .terms import (
    AGE_BANDS,
    DOSE_CHANGE_REASONS,
    LAB_KINDS,
    REGIMENS,
    RISK_GROUPS,
    SECOND_CANCER_TYPES,
    SIDE_EFFECT_TERMS,
)

__all__ = ["SINCE_TRANSPLANT", "Aggregate", "Cell", "Filters", "aggregate"]

SOURCE_NOTE = "Reported by members, not from trials."
#: time since transplant bands: label -> [low, high) in months
SINCE_TRANSPLANT: dict[str, tuple[float, float]] = {
    "under 1 year": (0, 12), "1 to 2 years": (12, 24), "2 to 5 years": (24, 60),
    "5 years or more": (60, float("inf")),
}
#: lab time bins, months from the start of maintenance: label -> [low, high)
LAB_BINS: dict[str, tuple[float, float]] = {
    "3 months before start": (-3, 0), "months 0 to 3": (0, 3), "months 3 to 6": (3, 6),
    "months 6 to 12": (6, 12), "months 12 to 24": (12, 24), "months 24 to 48": (24, 48),
}
KM_MONTHS = (6, 12, 24, 36)


@dataclass(frozen=True)
class Filters:
    regimen: str | None = None
    dose_mg: float | None = None
    risk: str | None = None
    age_band: str | None = None
    since_transplant: str | None = None

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Filters:
        """From form fields; empty means "any". Bad values raise CommunityInputError."""
        def pick(name, allowed, label):
            v = raw.get(name)
            return validate.choice(v, label, allowed) if v not in (None, "") else None
        dose = raw.get("dose_mg")
        return cls(regimen=pick("regimen", REGIMENS, "regimen"),
                   dose_mg=None if dose in (None, "") else validate.number(dose, "dose", 0, 1000, low_open=True),
                   risk=pick("risk", RISK_GROUPS, "risk group"),
                   age_band=pick("age_band", AGE_BANDS, "age group"),
                   since_transplant=pick("since_transplant", SINCE_TRANSPLANT, "time since transplant"))


@dataclass(frozen=True)
class Cell:
    """A count of members out of ``of``; ``count`` is None when suppressed."""

    count: int | None
    of: int

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass
class Aggregate:
    k: int
    filters: Filters
    n_members: int | None  # None: fewer than k members match, everything is suppressed
    source_note: str = SOURCE_NOTE
    dose_changed: Cell | None = None
    dose_change_reasons: dict[str, Cell] = field(default_factory=dict)
    staying_on: list[dict] = field(default_factory=list)  # KM rows (month, percent, CI, at risk)
    median_months: float | None = None
    side_effects: dict[str, dict[str, Cell]] = field(default_factory=dict)
    second_cancers: dict[str, Cell] = field(default_factory=dict)
    labs: dict[str, list[dict]] = field(default_factory=dict)


def _months(a: date, b: date) -> float:
    return (b - a).days / DAYS_PER_MONTH


def _cell(count: int, of: int, k: int) -> Cell:
    return Cell(count if count >= k and of - count >= k else None, of)


def _cohort(s, f: Filters, today: date) -> dict[int, TreatmentPeriod]:
    """member id -> their earliest period that matches the filters."""
    q = select(TreatmentPeriod, Member.transplant_month).join(Member, Member.id == TreatmentPeriod.member_id)
    if f.regimen:
        q = q.where(TreatmentPeriod.regimen == f.regimen)
    if f.dose_mg is not None:
        q = q.where(TreatmentPeriod.dose_mg == f.dose_mg)
    if f.risk:
        q = q.where(Member.risk == f.risk)
    if f.age_band:
        q = q.where(Member.age_band == f.age_band)
    if f.since_transplant:
        q = q.where(Member.transplant_month.is_not(None))
    chosen: dict[int, TreatmentPeriod] = {}
    for period, transplant in s.execute(q.order_by(TreatmentPeriod.start, TreatmentPeriod.id)):
        if f.since_transplant:
            lo, hi = SINCE_TRANSPLANT[f.since_transplant]
            if not lo <= _months(transplant, today) < hi:
                continue
        chosen.setdefault(period.member_id, period)
    return chosen


def _time_on(cohort: dict[int, TreatmentPeriod], today: date, k: int, agg: Aggregate) -> None:
    periods = list(cohort.values())
    time = [max(_months(p.start, p.stop or today), 0.0) for p in periods]
    event = [1 if p.stop is not None else 0 for p in periods]
    km = kaplan_meier(SurvivalData.from_arrays(time, event))
    last = float(km.time[-1])
    for m in KM_MONTHS:
        if m > last:
            break
        at = km.survival_at([m])
        if at.n_risk[0] < k:
            break
        agg.staying_on.append({"month": m, "percent": 100 * float(at.survival[0]),
                               "lower": 100 * float(at.lower[0]), "upper": 100 * float(at.upper[0]),
                               "at_risk": int(at.n_risk[0])})
    median = km.median
    if np.isfinite(median):
        at = km.survival_at([min(median, last)])
        if at.n_risk[0] >= k:
            agg.median_months = float(median)


def _counts(s, model, column, ids: set[int], keys, k: int, n: int) -> dict[str, Cell]:
    members: dict[str, set[int]] = defaultdict(set)
    for member_id, value in s.execute(select(model.member_id, column).where(model.member_id.in_(ids))):
        members[value].add(member_id)
    return {key: _cell(len(members.get(key, ())), n, k) for key in keys if key in members}


def _labs(s, cohort: dict[int, TreatmentPeriod], k: int) -> dict[str, list[dict]]:
    import pandas as pd  # deferred: only lab summaries need it (~0.3 s of every app start)

    q = select(LabValue.member_id, LabValue.kind, LabValue.day, LabValue.value).where(
        LabValue.member_id.in_(set(cohort)))
    df = pd.DataFrame(s.execute(q).all(), columns=["member", "kind", "day", "value"])
    if df.empty:
        return {}
    start = {m: p.start.toordinal() for m, p in cohort.items()}
    day = np.fromiter((d.toordinal() for d in df["day"]), dtype=np.int64, count=len(df))
    months = (day - df["member"].map(start).to_numpy()) / DAYS_PER_MONTH
    edges = [lo for lo, _ in LAB_BINS.values()] + [list(LAB_BINS.values())[-1][1]]
    df["bin"] = pd.cut(months, edges, right=False, labels=list(LAB_BINS))
    # one value per member and bin (their own median), so a member with many tests counts once
    per_member = df.dropna(subset=["bin"]).groupby(["kind", "bin", "member"], observed=True)["value"].median()
    out: dict[str, list[dict]] = {}
    for (kind, label), values in per_member.groupby(level=["kind", "bin"], observed=True):
        v = values.to_numpy()
        shown = len(v) >= k
        out.setdefault(kind, []).append({
            "bin": label, "members": len(v) if shown else None,
            "median": float(np.median(v)) if shown else None,
            "q1": float(np.quantile(v, 0.25)) if shown else None,
            "q3": float(np.quantile(v, 0.75)) if shown else None})
    order = list(LAB_BINS)
    return {kind: sorted(out[kind], key=lambda r: order.index(r["bin"])) for kind in LAB_KINDS if kind in out}


def aggregate(db: Database, filters: Filters, k: int = 10, today: date | None = None) -> Aggregate:
    today = today or date.today()
    with db.reading() as s:
        cohort = _cohort(s, filters, today)
        n = len(cohort)
        if n < k:
            return Aggregate(k=k, filters=filters, n_members=None)
        agg = Aggregate(k=k, filters=filters, n_members=n)
        ids = set(cohort)
        period_ids = {p.id for p in cohort.values()}
        changed: dict[str, set[int]] = defaultdict(set)
        for member_id, reason in s.execute(select(DoseChange.member_id, DoseChange.reason)
                                           .where(DoseChange.period_id.in_(period_ids))):
            changed[reason].add(member_id)
        agg.dose_changed = _cell(len(set().union(*changed.values())) if changed else 0, n, k)
        agg.dose_change_reasons = {r: _cell(len(changed[r]), n, k) for r in DOSE_CHANGE_REASONS if r in changed}
        _time_on(cohort, today, k, agg)
        any_grade = _counts(s, SideEffect, SideEffect.term, ids, SIDE_EFFECT_TERMS, k, n)
        severe: dict[str, set[int]] = defaultdict(set)
        for member_id, term in s.execute(select(SideEffect.member_id, SideEffect.term)
                                         .where(SideEffect.member_id.in_(ids), SideEffect.grade >= 3)):
            severe[term].add(member_id)
        agg.side_effects = {t: {"any": c, "grade3": _cell(len(severe.get(t, ())), n, k)}
                            for t, c in any_grade.items()}
        agg.second_cancers = _counts(s, SecondCancer, SecondCancer.kind, ids, SECOND_CANCER_TYPES, k, n)
        agg.labs = _labs(s, cohort, k)
        return agg

