"""The consent text members agree to before anything they enter is stored. Changing the text
means a new ``CONSENT_VERSION``: every member is asked again before they can add anything."""

from __future__ import annotations

__all__ = ["CONSENT_TEXT", "CONSENT_VERSION"]

CONSENT_VERSION = "2026-12-1"

CONSENT_TEXT = """\
Before you share, please read this.

What we store: a nickname you choose, your password in a scrambled form that cannot be turned back,
and only what you type in: your age group, risk group and transplant month if you give them, your
treatment, dose changes, side effects, second cancers, lab values and, if you write one, your story.
We do not ask for your name, e-mail, address or date of birth.

Why: so you can keep your own timeline, and so that members can see how things went for groups of
at least 10 members like them. Group numbers never show one person. They are reported by members,
not from trials, and they are not medical advice.

Who sees it: only you see your entries. Others see group numbers only. A story is shown to others
only if you ask and a moderator approves it.

Your control: you can change or delete any entry, download everything you entered, and delete your
account. Deleting the account deletes everything you entered, at once and for good.

You can stop at any time. Saying no changes nothing about your care.
"""
