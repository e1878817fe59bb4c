"""The errors mmdecide raises on purpose, in one place.

Every layer (engine, evidence, personal, api, cli, web) raises these, and the front ends map them
by type and attributes, never by parsing the message: the CLI prints ``error: <str(exc)>`` and
exits 2, the web API answers 422 with ``{"field", "rule", "message"}`` items, the pages show the
message beside the field. This module imports nothing of mmdecide, so any layer may import it.

``InputError`` and ``ProfileError`` are also ``ValueError``\\ s and ``EvidenceMissing`` is a
``LookupError``, so code written against the built-in types keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "ConvergenceError",
    "EvidenceError",
    "EvidenceMissing",
    "InputError",
    "MmdecideError",
    "ProfileError",
    "ResourceLimitError",
]


class MmdecideError(Exception):
    """Base of every error mmdecide raises on purpose (anything else is a bug)."""


class InputError(MmdecideError, ValueError):
    """Input that cannot be used: ``field`` names what was wrong (an option, a file, a column,
    a profile field), ``rule`` the rule it broke (a short id such as ``finite`` or ``range``),
    ``message`` says it in words. ``str()`` is ``"field: message"`` (one line)."""

    def __init__(self, field: str, rule: str, message: str):
        self.field = field
        self.rule = rule
        self.message = " ".join(str(message).split())  # one line, whatever the input held
        super().__init__(f"{field}: {self.message}" if field else self.message)

    def detail(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class ResourceLimitError(InputError):
    """Input over a size, depth or magnitude limit, refused before the work it would cause."""


class ProfileError(InputError):
    """An impossible patient profile: ``errors`` lists every (field, message) pair."""

    def __init__(self, errors: list[tuple[str, str]], rules: dict[str, str] | None = None):
        self.errors = list(errors)
        #: field -> rule id where known (e.g. ``finite``, ``consistency``)
        self.rules = dict(rules or {})
        first = self.errors[0][0] if self.errors else "profile"
        super().__init__(first, self.rules.get(first, "invalid"), "; ".join(m for _, m in self.errors))
        # str() lists every field, as before: "age: ...; sex: ..."
        self.args = ("; ".join(f"{f}: {m}" for f, m in self.errors),)

    def __str__(self) -> str:
        return self.args[0]


class EvidenceError(MmdecideError, ValueError):
    """The evidence base has problems; ``problems`` lists all of them (each with ``file``,
    ``path``, ``rule`` and ``message``)."""

    def __init__(self, problems: Iterable[Any]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the evidence base:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class EvidenceMissing(MmdecideError, LookupError):
    """An entry the model needs is not in the evidence base (the number is then absent)."""


class ConvergenceError(MmdecideError, RuntimeError):
    """An iterative estimator did not converge (metafor stops with an error too)."""
