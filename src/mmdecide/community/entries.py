"""A member's own entries: record, edit, delete, timeline and export.

Every function takes the member's id and every query filters on it: another member's id is
:class:`NotFound`, the same as an id that does not exist. Nothing is stored before the member has
agreed to the current consent text, and every change is one transaction (all or nothing).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import validate
from .consent import CONSENT_VERSION
from .db import Database
from .errors import CommunityInputError, NotAllowed, NotFound
from .models import (
    Base,
    Consent,
    DoseChange,
    LabValue,
    Member,
    SecondCancer,
    SideEffect,
    Story,
    TreatmentPeriod,
    utc_now,
)
from .terms import (
    AGE_BANDS,
    DOSE_CHANGE_REASONS,
    REGIMENS,
    RISK_GROUPS,
    SCHEDULES,
    SECOND_CANCER_TYPES,
    SIDE_EFFECT_TERMS,
)

__all__ = ["ENTRY_KINDS", "Entries"]

#: the largest dose accepted, in mg (a typo check: no maintenance drug is given in grams)
MAX_DOSE_MG = 1000.0


def _period(f: dict, s: Session, member_id: int) -> dict:
    start = validate.day(f.get("start"), "start date")
    stop = validate.optional_day(f.get("stop"), "stop date")
    if stop is not None and stop < start:
        raise CommunityInputError("stop date: must be on or after the start date")
    dose = f.get("dose_mg")
    dose = None if dose in (None, "") else validate.number(dose, "dose", 0, MAX_DOSE_MG, low_open=True)
    return {"regimen": validate.choice(f.get("regimen"), "regimen", REGIMENS), "dose_mg": dose,
            "schedule": validate.choice(f.get("schedule"), "schedule", SCHEDULES),
            "start": start, "stop": stop}


def _dose_change(f: dict, s: Session, member_id: int) -> dict:
    try:
        period_id = int(f.get("period_id"))
    except (TypeError, ValueError):
        raise CommunityInputError("treatment: choose the treatment the dose change belongs to") from None
    period = _own(s, TreatmentPeriod, period_id, member_id)
    d = validate.day(f.get("day"), "date of the dose change")
    if d < period.start or (period.stop is not None and d > period.stop):
        raise CommunityInputError("date of the dose change: must fall within the treatment's start and stop")
    return {"period_id": period.id, "day": d,
            "new_dose_mg": validate.number(f.get("new_dose_mg"), "new dose", 0, MAX_DOSE_MG),
            "reason": validate.choice(f.get("reason"), "reason", DOSE_CHANGE_REASONS)}


def _side_effect(f: dict, s: Session, member_id: int) -> dict:
    grade = validate.number(f.get("grade"), "grade", 1, 5)
    if grade != int(grade):
        raise CommunityInputError("grade: must be a whole number from 1 to 5")
    return {"term": validate.choice(f.get("term"), "side effect", SIDE_EFFECT_TERMS),
            "grade": int(grade), "day": validate.day(f.get("day"), "date of the side effect")}


def _second_cancer(f: dict, s: Session, member_id: int) -> dict:
    return {"kind": validate.choice(f.get("kind"), "second cancer", SECOND_CANCER_TYPES),
            "day": validate.day(f.get("day"), "date of diagnosis")}


def _lab(f: dict, s: Session, member_id: int) -> dict:
    kind, entered, unit, stored = validate.lab(f.get("kind"), f.get("value"), f.get("unit"))
    return {"kind": kind, "value": stored, "entered_value": entered, "entered_unit": unit,
            "day": validate.day(f.get("day"), "date of the test")}


@dataclass(frozen=True)
class EntryKind:
    model: type[Base]
    check: Callable[[dict, Session, int], dict]
    label: str


ENTRY_KINDS: dict[str, EntryKind] = {
    "period": EntryKind(TreatmentPeriod, _period, "treatment"),
    "dose-change": EntryKind(DoseChange, _dose_change, "dose change"),
    "side-effect": EntryKind(SideEffect, _side_effect, "side effect"),
    "second-cancer": EntryKind(SecondCancer, _second_cancer, "second cancer"),
    "lab": EntryKind(LabValue, _lab, "lab value"),
}


def _own(s: Session, model: type[Base], entry_id: Any, member_id: int):
    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound("entry: not found") from None
    row = s.scalar(select(model).where(model.id == entry_id, model.member_id == member_id))
    if row is None:
        raise NotFound("entry: not found")
    return row


def _kind(kind: str) -> EntryKind:
    if kind not in ENTRY_KINDS:
        raise NotFound(f"entry type {kind!r}: not found")
    return ENTRY_KINDS[kind]


def _require_consent(s: Session, member_id: int) -> None:
    if s.scalar(select(Consent.id).where(Consent.member_id == member_id,
                                         Consent.version == CONSENT_VERSION)) is None:
        raise NotAllowed("consent: please read and agree to the current consent text first")


def _row_dict(row: Base) -> dict:
    out = {}
    for col in row.__table__.columns:
        if col.name == "member_id":
            continue
        v = getattr(row, col.name)
        out[col.name] = v.isoformat() if isinstance(v, (date, datetime)) else v
    return out


class Entries:
    def __init__(self, db: Database, story_max_chars: int = 2000):
        self.db = db
        self.story_max_chars = story_max_chars

    def add(self, member_id: int, kind: str, fields: dict) -> int:
        spec = _kind(kind)
        with self.db.transaction() as s:
            _require_consent(s, member_id)
            row = spec.model(member_id=member_id, **spec.check(fields, s, member_id))
            s.add(row)
            s.flush()
            return row.id

    def edit(self, member_id: int, kind: str, entry_id: Any, fields: dict) -> None:
        spec = _kind(kind)
        with self.db.transaction() as s:
            _require_consent(s, member_id)
            row = _own(s, spec.model, entry_id, member_id)
            for name, value in spec.check(fields, s, member_id).items():
                setattr(row, name, value)
            if kind == "period":  # dose changes must stay inside the (possibly shorter) period
                for change in row.dose_changes:
                    if change.day < row.start or (row.stop is not None and change.day > row.stop):
                        raise CommunityInputError(
                            "stop date: a dose change of this treatment falls outside the new dates")

    def get(self, member_id: int, kind: str, entry_id: Any) -> dict:
        """One of the member's own entries as a dict (NotFound for anyone else's)."""
        spec = _kind(kind)
        with self.db.reading() as s:
            return _row_dict(_own(s, spec.model, entry_id, member_id))

    def delete(self, member_id: int, kind: str, entry_id: Any) -> None:
        spec = _kind(kind)
        with self.db.transaction() as s:
            s.delete(_own(s, spec.model, entry_id, member_id))

    def set_about(self, member_id: int, age_band: Any, risk: Any, transplant_month: Any) -> None:
        """Age band, cytogenetic risk group and month of transplant (each optional)."""
        fields = {
            "age_band": validate.choice(age_band, "age group", AGE_BANDS) if age_band else None,
            "risk": validate.choice(risk, "risk group", RISK_GROUPS) if risk else None,
            "transplant_month": None,
        }
        if transplant_month:
            month = str(transplant_month).strip()
            fields["transplant_month"] = validate.day(f"{month}-01" if len(month) == 7 else month,
                                                      "transplant month").replace(day=1)
        with self.db.transaction() as s:
            _require_consent(s, member_id)
            member = s.get(Member, member_id)
            for k, v in fields.items():
                setattr(member, k, v)

    def add_story(self, member_id: int, text: Any, share: bool) -> int:
        body = validate.text(text, "story", self.story_max_chars)
        with self.db.transaction() as s:
            _require_consent(s, member_id)
            story = Story(member_id=member_id, text=body, status="pending" if share else "private",
                          created_at=utc_now())
            s.add(story)
            s.flush()
            return story.id

    def timeline(self, member_id: int) -> dict[str, list[dict]]:
        """Everything the member entered, each list in date order (the timeline and export)."""
        with self.db.reading() as s:
            member = s.get(Member, member_id)
            if member is None:
                raise NotFound("member: not found")
            out: dict[str, list[dict]] = {
                "member": [{"handle": member.handle, "created_at": member.created_at.isoformat(),
                            "age_band": member.age_band, "risk": member.risk,
                            "transplant_month": member.transplant_month.isoformat()
                            if member.transplant_month else None}],
                "consent": [_row_dict(r) for r in s.scalars(
                    select(Consent).where(Consent.member_id == member_id).order_by(Consent.id))],
            }
            order = {"period": TreatmentPeriod.start}
            for kind, spec in ENTRY_KINDS.items():
                model = spec.model
                key = order.get(kind, getattr(model, "day", model.id))
                out[kind] = [_row_dict(r) for r in s.scalars(
                    select(model).where(model.member_id == member_id).order_by(key, model.id))]
            out["story"] = [_row_dict(r) for r in s.scalars(
                select(Story).where(Story.member_id == member_id).order_by(Story.id))]
            return out

    def export_csv(self, member_id: int) -> str:
        """All entries as one CSV in long form: record, id, field, value (one row per value)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["record", "id", "field", "value"])
        for record, rows in self.timeline(member_id).items():
            for i, row in enumerate(rows):
                rid = row.get("id", i + 1)
                for field, value in row.items():
                    if field != "id":
                        w.writerow([record, rid, field, "" if value is None else _csv_safe(value)])
        return buf.getvalue()


def _csv_safe(value: Any) -> str:
    # a cell starting with = + - @ runs as a formula in spreadsheets; a leading ' keeps it text
    s = str(value)
    if isinstance(value, str) and s[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + s
    return s
