"""Accounts: sign-up, login, sessions, rate limits, password change, consent and hard deletion.

Passwords are hashed with argon2id (memory-hard; argon2-cffi). Session tokens are 256-bit random
strings; only their SHA-256 is stored. Rate limits are counters in the database, so they hold
across workers and restarts.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import validate
from .config import CommunityConfig
from .consent import CONSENT_VERSION
from .db import Database
from .errors import CommunityInputError, NotAllowed, NotFound
from .models import Consent, Member, RateCounter, SessionRow
from .models import utc_now as _now

__all__ = ["Accounts", "Login", "client_key"]


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_key(address: str | None) -> str:
    """A client address as a short hash, so counters never hold an IP address."""
    return hashlib.sha256((address or "unknown").encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Login:
    """Who a session belongs to, with its CSRF token."""

    member_id: int
    handle: str
    role: str
    csrf: str
    consented: bool


class Accounts:
    def __init__(self, db: Database, config: CommunityConfig):
        self.db = db
        self.config = config
        self.hasher = PasswordHasher(time_cost=config.argon2_time_cost,
                                     memory_cost=config.argon2_memory_kib)

    # -- rate limits ------------------------------------------------------------------------

    def _count(self, s: Session, action: str, who: str, limit: int) -> None:
        """Count one attempt; refuse when the window's attempts exceed ``limit``."""
        window = int(time.time() // self.config.rate_window_seconds)
        key = f"{action}:{who}"
        # the update is atomic on both databases (no read-modify-write race between workers)
        done = s.execute(update(RateCounter).where(RateCounter.key == key, RateCounter.window_no == window)
                         .values(count=RateCounter.count + 1)).rowcount
        if not done:
            try:
                with s.begin_nested():
                    s.add(RateCounter(key=key, window_no=window, count=1))
            except IntegrityError:  # another worker inserted it first
                s.execute(update(RateCounter).where(RateCounter.key == key, RateCounter.window_no == window)
                          .values(count=RateCounter.count + 1))
        count = s.scalar(select(RateCounter.count).where(RateCounter.key == key,
                                                         RateCounter.window_no == window))
        if count > limit:
            minutes = self.config.rate_window_seconds // 60
            raise NotAllowed(f"too many attempts: please wait up to {minutes} minutes and try again")
        s.execute(delete(RateCounter).where(RateCounter.window_no < window - 1))

    def count_attempt(self, action: str, who: str, limit: int) -> None:
        # its own transaction, so a refused login still counts
        with self.db.transaction() as s:
            self._count(s, action, who, limit)

    # -- sign-up and login ------------------------------------------------------------------

    def sign_up(self, handle: str, password: str, who: str = "") -> int:
        # counted first, so that refused attempts (a bot trying names) count too
        self.count_attempt("signup", who, self.config.signup_attempts)
        handle = validate.handle(handle)
        password = validate.password(password)
        hashed = self.hasher.hash(password)
        try:
            with self.db.transaction() as s:
                taken = s.scalar(select(Member.id).where(Member.handle == handle))
                if taken is None:
                    member = Member(handle=handle, password_hash=hashed, role="member", created_at=_now())
                    s.add(member)
                    s.flush()
                    return member.id
        except IntegrityError:  # the same handle signed up at the same moment
            pass
        raise CommunityInputError("handle: this nickname is taken; please choose another")

    def _check_password(self, s: Session, member: Member | None, password: str) -> bool:
        if member is None:
            # hash anyway so a wrong handle takes as long as a wrong password
            self.hasher.hash(password or "-")
            return False
        try:
            self.hasher.verify(member.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            return False
        if self.hasher.check_needs_rehash(member.password_hash):
            member.password_hash = self.hasher.hash(password)
        return True

    def log_in(self, handle: str, password: str, who: str = "") -> tuple[str, Login]:
        """A new session token (for the cookie) and who it is; NotAllowed on a wrong handle or
        password (the same message for both) or too many attempts."""
        self.count_attempt("login", who, self.config.login_attempts)
        with self.db.transaction() as s:
            member = s.scalar(select(Member).where(Member.handle == str(handle or "").strip()))
            if not self._check_password(s, member, password):
                raise NotAllowed("login: that nickname and password do not match")
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            now = _now()
            s.add(SessionRow(token_hash=_hash_token(token), member_id=member.id, csrf=csrf,
                             created_at=now, expires_at=now + timedelta(hours=self.config.session_hours)))
            s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            return token, self._login(s, member, csrf)

    def _login(self, s: Session, member: Member, csrf: str) -> Login:
        consented = s.scalar(select(Consent.id).where(
            Consent.member_id == member.id, Consent.version == CONSENT_VERSION)) is not None
        return Login(member.id, member.handle, member.role, csrf, consented)

    def session(self, token: str | None) -> Login | None:
        if not token:
            return None
        # one query (every member request starts here): the session, its member and their consent
        consented = exists().where(Consent.member_id == Member.id, Consent.version == CONSENT_VERSION)
        q = select(Member.id, Member.handle, Member.role, SessionRow.csrf, consented, SessionRow.expires_at) \
            .join(Member, Member.id == SessionRow.member_id).where(SessionRow.token_hash == _hash_token(token))
        with self.db.reading() as s:
            row = s.execute(q).first()
        if row is None or row[-1] < _now():
            return None
        member_id, handle, role, csrf, has_consent, _expires = row
        return Login(member_id, handle, role, csrf, bool(has_consent))

    def log_out(self, token: str | None) -> None:
        if token:
            with self.db.transaction() as s:
                s.execute(delete(SessionRow).where(SessionRow.token_hash == _hash_token(token)))

    # -- account changes --------------------------------------------------------------------

    def change_password(self, member_id: int, old: str, new: str) -> None:
        new = validate.password(new, "new password")
        with self.db.transaction() as s:
            member = s.get(Member, member_id)
            if not self._check_password(s, member, old):
                raise NotAllowed("current password: it does not match")
            member.password_hash = self.hasher.hash(new)
            # every other session ends: a changed password should lock out a stolen cookie
            s.execute(delete(SessionRow).where(SessionRow.member_id == member_id))

    def delete_account(self, member_id: int, password: str) -> None:
        """Hard delete: the member row goes and the foreign keys cascade to every entry."""
        with self.db.transaction() as s:
            member = s.get(Member, member_id)
            if not self._check_password(s, member, password):
                raise NotAllowed("password: it does not match, so the account was not deleted")
            s.execute(delete(Member).where(Member.id == member_id))

    def give_consent(self, member_id: int, version: str) -> None:
        if version != CONSENT_VERSION:
            raise CommunityInputError("consent version: the consent text has changed; please read it again")
        with self.db.transaction() as s:
            if s.get(Member, member_id) is None:
                raise NotFound("member: not found")
            s.add(Consent(member_id=member_id, version=version, accepted_at=_now()))

