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

Differencing (two overlapping filter sets whose difference is a handful of members): each rule
above protects one view, but "risk high" minus "risk high, age 60-69" is the high-risk members of
other ages, and if they are 1 to k-1 people, subtracting the two views' counts tells about them.
The defence makes every view a union of groups of at least k members:
- filters choose from fixed values only (regimen, starting dose from ``DOSE_CHOICES``, risk group,
  age band, time-since-transplant band), so a member's *group* (their set of regimen and dose
  pairs, risk group, age band and time-since-transplant band, "not given" counting as a value of
  its own) decides which views count them: every view is a union of whole groups;
- a member whose group has fewer than k members is left out of *every* view, the unfiltered one
  included (:func:`small_groups`).
Then any sum or difference of member counts of any views is a union of whole groups of at least k
members, or nothing. The cost: in a small community many members are in small groups and are not
counted until others like them join. Repeated looks over time (a member who joins, leaves or
changes an entry changes the views between two looks) are met where the snapshot is published
(:mod:`.published`: only after at least k members changed). What it does not cover: differences
of counts *within* a group of at least k (whether all of 10 members had a side effect is hidden in
one view by the "k on both sides" rule, but not across a difference of two views).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Date, cast, func, literal, select

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

__all__ = ["DOSE_CHOICES", "SINCE_TRANSPLANT", "Aggregate", "Cell", "Filters", "Snapshot", "aggregate",
           "aggregate_from", "small_groups", "snapshot"]

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
#: the starting doses a filter can choose (mg); every other dose counts only under "any dose",
#: so that a filter cannot single out a member by an unusual dose
DOSE_CHOICES: dict[str, float] = {label: float(label) for label in (
    "2.3", "2.5", "3", "4", "5", "10", "15", "20", "25", "50", "100", "200")}
_EPOCH = date(1970, 1, 1)
_SLICE = 10_000  # member ids per read of lab values (see _lab_bins)
_JULIAN_1970 = 2440587.5  # SQLite's julianday('1970-01-01')


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
        dose = pick("dose_mg", DOSE_CHOICES, "starting dose")
        return cls(regimen=pick("regimen", REGIMENS, "regimen"),
                   dose_mg=None if dose is None else DOSE_CHOICES[dose],
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
    as_of: date | None = None  # the day of the snapshot the figures come from


def _cell(count: int, of: int, k: int) -> Cell:
    return Cell(count if count >= k and of - count >= k else None, of)


def _day_no(column, sqlite: bool):
    """A date column as whole days since 1970-01-01, computed by the database (so no date objects
    are made in Python for 500,000 rows)."""
    if sqlite:
        return func.julianday(column) - _JULIAN_1970
    return column - cast(literal(_EPOCH.isoformat()), Date)


def _periods(conn, sqlite: bool, today_no: int) -> pd.DataFrame:
    """Every treatment period with its member's details, one row per period."""
    p, m = TreatmentPeriod, Member
    q = select(p.id, p.member_id, p.regimen, p.dose_mg, _day_no(p.start, sqlite), _day_no(p.stop, sqlite),
               m.risk, m.age_band, _day_no(m.transplant_month, sqlite)).join(m, m.id == p.member_id)
    df = pd.DataFrame(conn.execute(q).all(), columns=[
        "period", "member", "regimen", "dose", "start", "stop", "risk", "age_band", "transplant"])
    for col in ("start", "stop", "transplant", "dose"):
        df[col] = df[col].astype(float)
    months = (today_no - df["transplant"].to_numpy()) / DAYS_PER_MONTH
    since = np.full(len(df), None, dtype=object)
    for label, (lo, hi) in SINCE_TRANSPLANT.items():
        since[(months >= lo) & (months < hi)] = label
    df["since"] = since
    return df


def small_groups(periods: pd.DataFrame, k: int) -> np.ndarray:
    """Members whose details, as far as any filter can tell them apart, are shared by fewer than k
    members (the defence against differencing; see the module's docstring).

    A member's group is the set of (regimen, starting dose) pairs of their periods (doses not
    among the filter's choices all count as "other"), their risk group, age band and time since
    transplant, each with "not given" as a value of its own. Every filter choice selects whole
    groups, so leaving out the small ones leaves out their members from every view alike.
    """
    if periods.empty:
        return np.array([], dtype=np.int64)
    dose = periods["dose"].where(periods["dose"].isin(DOSE_CHOICES.values()), -1.0)
    pair = (periods["regimen"] + "|" + dose.astype(str)).astype("category").cat.codes.to_numpy()
    pairs = pd.DataFrame({"member": periods["member"].to_numpy(), "pair": pair}).drop_duplicates()
    # the set of pairs as an exact bit mask (two 64-bit words: up to 128 distinct pairs here;
    # more would need more words, so refuse rather than alias)
    if pairs["pair"].max() >= 128:
        raise RuntimeError("more than 128 regimen and dose pairs: widen the group key")
    bits = pairs["pair"].to_numpy().astype(np.uint64)
    low = np.where(bits < 64, np.left_shift(np.uint64(1), bits % np.uint64(64)), np.uint64(0))
    high = np.where(bits >= 64, np.left_shift(np.uint64(1), bits % np.uint64(64)), np.uint64(0))
    masks = pd.DataFrame({"member": pairs["member"].to_numpy(), "low": low, "high": high})
    masks = masks.groupby("member").sum()  # distinct bits, so the sum is the bitwise or
    about = periods.drop_duplicates("member").set_index("member")[["risk", "age_band", "since"]]
    keys = masks.join(about).fillna({"risk": "-", "age_band": "-", "since": "-"})
    size = keys.groupby(["low", "high", "risk", "age_band", "since"])["risk"].transform("size")
    return keys.index[size.to_numpy() < k].to_numpy()


def _cohort(periods: pd.DataFrame, f: Filters, small: np.ndarray) -> pd.DataFrame:
    """One row per member: their earliest period that matches the filters (the members of small
    groups left out first)."""
    rows = periods[~periods["member"].isin(small)]
    for column, value in (("regimen", f.regimen), ("dose", f.dose_mg), ("risk", f.risk),
                          ("age_band", f.age_band), ("since", f.since_transplant)):
        if value is not None:
            rows = rows[rows[column] == value]
    return rows.sort_values(["start", "period"]).drop_duplicates("member").set_index("member")


def _time_on(cohort: pd.DataFrame, today_no: int, k: int, agg: Aggregate) -> None:
    stop = cohort["stop"].to_numpy()
    time = np.maximum((np.where(np.isnan(stop), today_no, stop) - cohort["start"].to_numpy())
                      / DAYS_PER_MONTH, 0.0)
    km = kaplan_meier(SurvivalData.from_arrays(time, (~np.isnan(stop)).astype(int)))
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


@dataclass(frozen=True)
class Snapshot:
    """Everything the aggregates read, for every member, as of one moment (one read
    transaction). Any filter set's aggregate is then computed from it in memory in tens of ms,
    where reading 500,000 lab values from the database takes seconds: the service keeps one
    snapshot per process for up to ``aggregate_cache_seconds``."""

    today_no: int  # days since 1970-01-01
    periods: pd.DataFrame  # one row per treatment period with its member's details (_periods)
    changes: pd.DataFrame  # member_id, period_id, reason
    effects: pd.DataFrame  # member_id, term, grade
    cancers: pd.DataFrame  # member_id, kind
    lab_bins: pd.DataFrame  # period, kind, bin (index in LAB_BINS), group, value: the member's
    #                         own median in that bin, months counted from that period's start
    small: dict[int, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def small_groups(self, k: int) -> np.ndarray:
        """:func:`small_groups` of this snapshot (computed once per k)."""
        if k not in self.small:
            self.small[k] = small_groups(self.periods, k)
        return self.small[k]


def _frame(conn, *columns) -> pd.DataFrame:
    return pd.DataFrame(conn.execute(select(*columns)).all(), columns=[c.key for c in columns])


def _driver_rows(conn, query) -> list[tuple]:
    """A query's rows as the database driver gives them, in the same transaction: for 500,000
    lab values, skipping SQLAlchemy's row objects saves about a third of the time. Only for
    queries whose values are all literals (they are written into the SQL text)."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _lab_bins(conn, sqlite: bool, periods: pd.DataFrame) -> pd.DataFrame:
    """Each member's median per kind and time bin, for each of their periods. Read in slices of
    member ids, so that memory holds one slice's lab values at a time (100,000 members have
    5,000,000 of them)."""
    lab = LabValue
    spans = list(LAB_BINS.values())
    edges = [lo for lo, _ in spans] + [spans[-1][1]]
    parts = [pd.DataFrame({"period": [], "kind": [], "bin": [], "value": []})]
    members = periods["member"]
    for lo in range(int(members.min()), int(members.max()) + 1, _SLICE) if len(members) else ():
        q = select(lab.member_id, lab.kind, _day_no(lab.day, sqlite), lab.value).where(
            lab.member_id >= lo, lab.member_id < lo + _SLICE)
        labs = pd.DataFrame.from_records(_driver_rows(conn, q), columns=["member", "kind", "day", "value"])
        rows = labs.merge(periods[["period", "member", "start"]], on="member")
        months = (rows["day"].to_numpy(dtype=float) - rows["start"].to_numpy(dtype=float)) / DAYS_PER_MONTH
        rows["bin"] = pd.cut(months, edges, right=False, labels=False)
        rows = rows.dropna(subset=["bin"])
        parts.append(rows.groupby(["period", "kind", "bin"])["value"].median().reset_index())
    out = pd.concat(parts, ignore_index=True).astype({"period": int, "bin": int, "value": float})
    # one integer per (kind, bin), in the order the page shows them
    kind_no = out["kind"].map({kind: i for i, kind in enumerate(LAB_KINDS)}).to_numpy(dtype=int)
    out["group"] = kind_no * len(LAB_BINS) + out["bin"].to_numpy()
    return out.sort_values(["group", "value"], kind="stable").reset_index(drop=True)


def snapshot(db: Database, today: date | None = None) -> Snapshot:
    today_no = ((today or date.today()) - _EPOCH).days
    with db.reading() as s:
        conn = s.connection()
        periods = _periods(conn, db.is_sqlite, today_no)
        return Snapshot(
            today_no=today_no, periods=periods,
            changes=_frame(conn, DoseChange.member_id, DoseChange.period_id, DoseChange.reason),
            effects=_frame(conn, SideEffect.member_id, SideEffect.term, SideEffect.grade),
            cancers=_frame(conn, SecondCancer.member_id, SecondCancer.kind),
            lab_bins=_lab_bins(conn, db.is_sqlite, periods))


def _counts(df: pd.DataFrame, column: str, keys, k: int, n: int) -> dict[str, Cell]:
    members = df.groupby(column)["member_id"].nunique()
    return {key: _cell(int(members[key]), n, k) for key in keys if key in members.index}


def _labs(snap: Snapshot, cohort: pd.DataFrame, k: int) -> dict[str, list[dict]]:
    bins = snap.lab_bins  # sorted by group (kind, bin), then value: each group is one sorted run
    chosen = bins["period"].isin(cohort["period"]).to_numpy()
    group = bins["group"].to_numpy()[chosen]
    values = bins["value"].to_numpy()[chosen]
    kinds, labels = list(LAB_KINDS), list(LAB_BINS)
    out: dict[str, list[dict]] = {}
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else []
    for lo, hi in zip(starts, [*starts[1:], len(group)]):
        kind, bin_no = divmod(int(group[lo]), len(labels))
        shown = hi - lo >= k
        q1, median, q3 = np.quantile(values[lo:hi], [0.25, 0.5, 0.75]) if shown else (None,) * 3
        out.setdefault(kinds[kind], []).append({
            "bin": labels[bin_no], "members": int(hi - lo) if shown else None,
            "median": None if median is None else float(median),
            "q1": None if q1 is None else float(q1), "q3": None if q3 is None else float(q3)})
    return out


def aggregate_from(snap: Snapshot, filters: Filters, k: int = 10) -> Aggregate:
    """The aggregate of ``filters`` from a snapshot (no database access)."""
    cohort = _cohort(snap.periods, filters, snap.small_groups(k))
    n = len(cohort)
    as_of = _EPOCH + timedelta(days=snap.today_no)
    if n < k:
        return Aggregate(k=k, filters=filters, n_members=None, as_of=as_of)
    agg = Aggregate(k=k, filters=filters, n_members=n, as_of=as_of)
    changes = snap.changes[snap.changes["period_id"].isin(cohort["period"])]
    agg.dose_changed = _cell(changes["member_id"].nunique(), n, k)
    agg.dose_change_reasons = _counts(changes, "reason", DOSE_CHANGE_REASONS, k, n)
    _time_on(cohort, snap.today_no, k, agg)
    effects = snap.effects[snap.effects["member_id"].isin(cohort.index)]
    severe = _counts(effects[effects["grade"] >= 3], "term", SIDE_EFFECT_TERMS, k, n)
    agg.side_effects = {t: {"any": c, "grade3": severe.get(t, _cell(0, n, k))}
                        for t, c in _counts(effects, "term", SIDE_EFFECT_TERMS, k, n).items()}
    cancers = snap.cancers[snap.cancers["member_id"].isin(cohort.index)]
    agg.second_cancers = _counts(cancers, "kind", SECOND_CANCER_TYPES, k, n)
    agg.labs = _labs(snap, cohort, k)
    return agg


def aggregate(db: Database, filters: Filters, k: int = 10, today: date | None = None) -> Aggregate:
    """The aggregate of ``filters`` now (reads a fresh snapshot)."""
    return aggregate_from(snapshot(db, today), filters, k)
