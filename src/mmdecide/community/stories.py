"""Stories shown to others: a moderator approves each one first, and any member can report a
shown story, which hides it again until a moderator looks at it."""

from __future__ import annotations

from sqlalchemy import select

from .db import Database
from .errors import NotAllowed, NotFound
from .models import Member, Story

__all__ = ["Stories"]


class Stories:
    def __init__(self, db: Database):
        self.db = db

    def _moderator(self, s, member_id: int) -> None:
        role = s.scalar(select(Member.role).where(Member.id == member_id))
        if role != "moderator":
            raise NotAllowed("moderation: only moderators can do this")

    def shown(self) -> list[dict]:
        """Approved stories, newest first, without the author's nickname."""
        with self.db.reading() as s:
            rows = s.scalars(select(Story).where(Story.status == "approved").order_by(Story.id.desc()))
            return [{"id": r.id, "text": r.text, "date": r.created_at.date().isoformat()} for r in rows]

    def queue(self, moderator_id: int) -> list[dict]:
        """Stories waiting for a decision, oldest first."""
        with self.db.transaction() as s:
            self._moderator(s, moderator_id)
            rows = s.scalars(select(Story).where(Story.status == "pending").order_by(Story.id))
            return [{"id": r.id, "text": r.text, "date": r.created_at.date().isoformat()} for r in rows]

    def decide(self, moderator_id: int, story_id, approve: bool) -> None:
        with self.db.transaction() as s:
            self._moderator(s, moderator_id)
            story = s.get(Story, _id(story_id))
            if story is None or story.status != "pending":
                raise NotFound("story: not found in the queue")
            story.status = "approved" if approve else "rejected"

    def report(self, member_id: int, story_id) -> None:
        """Hide a shown story until a moderator reviews it again."""
        with self.db.transaction() as s:
            story = s.get(Story, _id(story_id))
            if story is None or story.status != "approved":
                raise NotFound("story: not found")
            story.status = "pending"


def _id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("story: not found") from None
