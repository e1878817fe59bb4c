"""Plain words for an answer the model could only use as a neighbouring level.

The response evidence (Kapoor 2013) compares sCR with CR only; a lower response (VGPR, PR, SD)
takes CR's shift, and the model's "how it was used" text says "PR is taken as CR, because ...".
The summary, the page and the printable summary repeat that caution in the same words, so it is
found here once (``personal.prognosis`` writes the text; this reads it back, in one place).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..personal.result import InputUse

__all__ = ["taken_as_sentences"]

_TAKEN_AS = re.compile(r"(\w+) is taken as (\w+), because the studies give no number for \1")


def taken_as_sentences(inputs: Iterable[InputUse]) -> list[str]:
    """One plain sentence per answer used as a level it is not, e.g. PR used as CR."""
    out = []
    for u in inputs:
        m = _TAKEN_AS.search(u.how) if u.used else None
        if m:
            given, used = m.groups()
            out.append(f"Your answer {given} is taken as {used}, because the studies give no number for "
                       f"{given}. People in {given} probably do worse, so these numbers may be too hopeful.")
    return out
