"""The community's errors: one-line messages that name the field and the rule."""

from __future__ import annotations

__all__ = ["CommunityInputError", "NotAllowed", "NotFound", "NotReady"]


class CommunityInputError(ValueError):
    """Bad input: the message names the field and the rule and is safe to show to the member."""


class NotFound(LookupError):
    """No such entry *for this member* (another member's id is indistinguishable from none)."""


class NotAllowed(PermissionError):
    """Wrong password, no consent yet, a rate limit reached, or a role the action needs."""


class NotReady(RuntimeError):
    """The aggregates have no snapshot yet (it is being made): try again in a moment."""
