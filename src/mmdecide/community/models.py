"""The community tables (SQLAlchemy 2 declarative models).

Every row a member enters carries ``member_id`` with ``ON DELETE CASCADE``, so deleting a member
hard-deletes everything they entered, and every store query filters on it, so one member's ids
are "not found" for another. Nothing but the handle and the password hash identifies a member:
no name, e-mail or birth date (an age band and a month of transplant are enough to compare).
Lab values are kept as entered (value and unit) and in the kind's stored unit for aggregates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "Base",
    "Consent",
    "DoseChange",
    "LabValue",
    "Member",
    "RateCounter",
    "SecondCancer",
    "SessionRow",
    "SideEffect",
    "Story",
    "TreatmentPeriod",
    "utc_now",
]

_CASCADE = "all, delete-orphan"


def utc_now() -> datetime:
    """Now in UTC, without a time zone (SQLite and PostgreSQL both store it unchanged)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class Base(DeclarativeBase):
    pass


def _member_fk(**kw) -> Mapped[int]:
    return mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True, **kw)


class _MembersRow:
    """What every row a member enters starts with: its id, and its member's (deleted with them).
    ``sort_order`` keeps these two first, as the migration creates them."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    member_id: Mapped[int] = _member_fk(sort_order=-1)


class Member(Base):
    __tablename__ = "member"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handle: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="member")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: optional, for comparing with members like them (no exact age or date of birth)
    age_band: Mapped[str | None] = mapped_column(String(16), default=None)
    risk: Mapped[str | None] = mapped_column(String(16), default=None)
    transplant_month: Mapped[date | None] = mapped_column(Date, default=None)
    __table_args__ = (CheckConstraint("role in ('member', 'moderator')", name="role_known"),)

    consents: Mapped[list[Consent]] = relationship(cascade=_CASCADE, passive_deletes=True)
    periods: Mapped[list[TreatmentPeriod]] = relationship(cascade=_CASCADE, passive_deletes=True)


class Consent(_MembersRow, Base):
    __tablename__ = "consent"
    version: Mapped[str] = mapped_column(String(32))
    accepted_at: Mapped[datetime] = mapped_column(DateTime)


class TreatmentPeriod(_MembersRow, Base):
    __tablename__ = "treatment_period"
    regimen: Mapped[str] = mapped_column(String(40))
    dose_mg: Mapped[float | None] = mapped_column(Float, default=None)
    schedule: Mapped[str] = mapped_column(String(40))
    start: Mapped[date] = mapped_column(Date)
    stop: Mapped[date | None] = mapped_column(Date, default=None)
    __table_args__ = (CheckConstraint("stop is null or stop >= start", name="stop_after_start"),)

    dose_changes: Mapped[list[DoseChange]] = relationship(cascade=_CASCADE, passive_deletes=True)


class DoseChange(_MembersRow, Base):
    __tablename__ = "dose_change"
    period_id: Mapped[int] = mapped_column(
        ForeignKey("treatment_period.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    new_dose_mg: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(40))


class SideEffect(_MembersRow, Base):
    __tablename__ = "side_effect"
    term: Mapped[str] = mapped_column(String(60))
    grade: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    __table_args__ = (CheckConstraint("grade between 1 and 5", name="grade_1_to_5"),)


class SecondCancer(_MembersRow, Base):
    __tablename__ = "second_cancer"
    kind: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)


class LabValue(_MembersRow, Base):
    __tablename__ = "lab_value"
    kind: Mapped[str] = mapped_column(String(20), index=True)
    value: Mapped[float] = mapped_column(Float)  # in the kind's stored unit
    entered_value: Mapped[float] = mapped_column(Float)
    entered_unit: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)


class Story(_MembersRow, Base):
    __tablename__ = "story"
    text: Mapped[str] = mapped_column(Text)
    #: private (only the author), pending (asked to be shown), approved or rejected by a moderator
    status: Mapped[str] = mapped_column(String(16), default="private")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (CheckConstraint(
        "status in ('private', 'pending', 'approved', 'rejected')", name="status_known"),)


class SessionRow(Base):
    """A login session. Only a hash of the cookie's token is stored, so a copy of the database
    cannot be used to log in; any worker can check it (nothing lives in one process's memory)."""

    __tablename__ = "session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[int] = _member_fk()
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class RateCounter(Base):
    """Attempts per key (an action and a hashed client address) in a fixed time window."""

    __tablename__ = "rate_counter"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
