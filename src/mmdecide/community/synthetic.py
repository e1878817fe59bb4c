"""A seeded generator of *synthetic* members for tests and benchmarks.

The values are random draws within the input checks, shaped only so that every code path is
used (periods that stop and go on, dose changes, side effects of each grade, labs over time).
They are not realistic and are never shown as information about myeloma.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import insert

from .consent import CONSENT_VERSION
from .db import Database
from .models import (
    Consent,
    DoseChange,
    LabValue,
    Member,
    SideEffect,
    TreatmentPeriod,
    utc_now,
)
from .terms import AGE_BANDS, DOSE_CHANGE_REASONS, LAB_KINDS, RISK_GROUPS, SIDE_EFFECT_TERMS

__all__ = ["generate"]

#: a placeholder hash: synthetic members cannot log in (argon2 for thousands would take minutes)
NO_LOGIN = "!synthetic"


def _details(rng: np.random.Generator, today: date) -> dict:
    """Age band, risk group, transplant day and starting dose of one member."""
    return {"age_band": AGE_BANDS[rng.integers(len(AGE_BANDS))],
            "risk": list(RISK_GROUPS)[rng.integers(len(RISK_GROUPS))],
            "transplant": today - timedelta(days=int(rng.integers(60, 3000))),
            "dose_mg": float(rng.choice([10.0, 15.0]))}


def _rows_for(rng: np.random.Generator, mid: int, today: date, labs_per_member: int,
              details: dict) -> dict:
    transplant = details["transplant"]
    start = transplant + timedelta(days=int(rng.integers(60, 120)))
    start = min(start, today)
    span = (today - start).days
    stop = start + timedelta(days=int(rng.integers(0, span + 1))) if rng.random() < 0.4 else None
    end = stop or today
    out: dict = {"member": {"age_band": details["age_band"], "risk": details["risk"],
                            "transplant_month": transplant.replace(day=1)}}
    out["period"] = {"member_id": mid, "regimen": "lenalidomide",
                     "dose_mg": details["dose_mg"], "schedule": "days-1-21-of-28",
                     "start": start, "stop": stop}
    out["changes"] = [{"member_id": mid, "period_id": None, "new_dose_mg": 5.0,
                       "reason": list(DOSE_CHANGE_REASONS)[rng.integers(len(DOSE_CHANGE_REASONS))],
                       "day": start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))}
                      for _ in range(int(rng.random() < 0.3))]
    out["effects"] = [{"member_id": mid, "term": SIDE_EFFECT_TERMS[rng.integers(len(SIDE_EFFECT_TERMS))],
                       "grade": int(rng.integers(1, 5)),
                       "day": start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))}
                      for _ in range(int(rng.integers(0, 3)))]
    kinds = list(LAB_KINDS)
    labs = []
    for i in range(labs_per_member):
        kind = kinds[i % len(kinds)]
        spec = LAB_KINDS[kind]
        value = float(rng.uniform(spec.low, min(spec.high, spec.low + 20)))
        day = start - timedelta(days=60) + timedelta(days=int(rng.integers(0, max(span, 1) + 60)))
        labs.append({"member_id": mid, "kind": kind, "value": value, "entered_value": value,
                     "entered_unit": spec.unit, "day": min(day, today)})
    out["labs"] = labs
    return out


def generate(db: Database, members: int, labs_per_member: int = 50, seed: int = 1,
             today: date | None = None, batch: int = 1000, profiles: int | None = None) -> int:
    """Add ``members`` synthetic members (handles ``synthetic-<seed>-<n>``) with their entries;
    returns the number of lab values written. One transaction per ``batch`` members; the
    database assigns every id (so PostgreSQL sequences stay right).

    Each member's age band, risk group, transplant day and starting dose are drawn on their own,
    or, with ``profiles``, member n takes those of profile n mod ``profiles`` (so that members
    share groups, as the aggregates' differencing defence needs; see aggregates.py)."""
    rng = np.random.default_rng(seed)
    today = today or date.today()
    now, n_labs = utc_now(), 0
    shared = [_details(rng, today) for _ in range(profiles or 0)]
    for lo in range(0, members, batch):
        parts = [_rows_for(rng, 0, today, labs_per_member,
                           shared[n % len(shared)] if shared else _details(rng, today))
                 for n in range(lo, min(lo + batch, members))]
        with db.transaction() as s:
            ids = s.scalars(insert(Member).returning(Member.id, sort_by_parameter_order=True), [
                {**p["member"], "handle": f"synthetic-{seed}-{lo + i}", "password_hash": NO_LOGIN,
                 "role": "member", "created_at": now} for i, p in enumerate(parts)]).all()
            for mid, p in zip(ids, parts):
                for r in [p["period"], *p["changes"], *p["effects"], *p["labs"]]:
                    r["member_id"] = mid
            s.execute(insert(Consent), [{"member_id": mid, "version": CONSENT_VERSION,
                                         "accepted_at": now} for mid in ids])
            pids = s.scalars(insert(TreatmentPeriod).returning(TreatmentPeriod.id, sort_by_parameter_order=True),
                             [p["period"] for p in parts]).all()
            for pid, p in zip(pids, parts):
                for r in p["changes"]:
                    r["period_id"] = pid
            for model, key in ((DoseChange, "changes"), (SideEffect, "effects"), (LabValue, "labs")):
                rows = [r for p in parts for r in p[key]]
                if rows:
                    s.execute(insert(model), rows)
            n_labs += sum(len(p["labs"]) for p in parts)
    return n_labs
