"""Side effects in plain words: which rows a patient sees first, and how each is named.

Split out of :mod:`plain_language` (one home for the wording of side effects, which the summary,
the results page and the printable summary share).
"""

from __future__ import annotations

import re

from ..personal.result import OptionResult, SideEffect

__all__ = [
    "NOT_SIDE_EFFECTS", "POOLED_GRADE_WORDS", "SEVERITY", "SIDE_EFFECT_WORDS", "capital", "comparator_words",
    "grade3_sibling", "grade4_sibling", "is_serious", "plain_side_effect", "same_endpoint", "top_side_effects",
    "when_words",
]


def capital(s: str) -> str:
    return s[:1].upper() + s[1:]


#: Side effects in plain words: (words to look for in category or item, plain name).
SIDE_EFFECT_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("neutropenia",), "a drop in white blood cells, which fight infection"),
    (("thrombocytopenia",), "a drop in platelets, which help blood clot"),
    (("anemia", "anaemia"), "a drop in red blood cells"),
    (("cytopenia",), "a drop in blood counts"),
    (("infection",), "infections"),
    (("neuropathy",), "nerve damage (numbness or tingling in the hands and feet)"),
    (("diarrhea", "diarrhoea"), "diarrhea"),
    (("nausea",), "nausea (feeling sick to the stomach)"),
    (("vomiting",), "vomiting"),
    (("dermatolog", "rash", "skin"), "skin problems"),
    (("fatigue",), "tiredness"),
    (("serious-adverse-events", "serious adverse", "serious treatment"), "serious side effects"),
    (("adverse-events-any", "adverse events"), "side effects of any kind"),
)
SEVERITY = {"3": "serious", "4": "life-threatening", "3-4": "serious", ">=3": "serious"}
NOT_SIDE_EFFECTS = ("discontinuation", "dose-reduction")
#: A pooled row of every kind of side effect at a combined grade is named by its grade, not as
#: "serious side effects of any kind": that reads like the trials' separate 'serious adverse event'
#: count (TOURMALINE-MM3's 19 vs 5 is grade 3 or worse, as its 2020 safety report prints it).
POOLED_GRADE_WORDS = {">=3": "grade 3 or worse", "3-4": "grade 3 or 4"}


def is_serious(s: SideEffect) -> bool:
    return (s.grade is not None and s.grade in SEVERITY) or s.category == "serious-adverse-events"


def plain_side_effect(s: SideEffect) -> str:
    if s.category == "adverse-events-any" and s.grade in POOLED_GRADE_WORDS:
        return f"side effects of {POOLED_GRADE_WORDS[s.grade]} (all kinds counted together)"
    text = f"{s.category} {s.item}".lower()
    thing = next((plain for keys, plain in SIDE_EFFECT_WORDS if any(k in text for k in keys)),
                 re.sub(r"\s*\([^)]*\)", "", s.item).strip())
    severity = SEVERITY.get(s.grade or "")
    if severity is None or "serious" in thing:
        return thing
    if thing.startswith("a drop"):
        return f"a {severity} drop" + thing[len("a drop"):]
    if thing.startswith("side effects"):
        return f"{severity} side effects" + thing[len("side effects"):]
    return f"{severity} {thing}"


def top_side_effects(o: OptionResult, k: int = 2) -> list[SideEffect]:
    """The k most common serious side effects (grade 3 or more, or 'serious'), by percent; if there
    are fewer than k, the most common others fill in. Stopping treatment is not a side effect."""
    cands = [s for s in o.side_effects
             if s.category not in NOT_SIDE_EFFECTS and not s.category.startswith("spm")
             and s.percent.estimate is not None and grade3_sibling(o, s) is None]
    ranked = sorted(cands, key=lambda s: (not is_serious(s), -s.percent.estimate))
    out: list[SideEffect] = []
    seen: set[str] = set()
    for s in ranked:
        plain = plain_side_effect(s)
        if plain in seen:
            continue
        seen.add(plain)
        out.append(s)
        if len(out) == k:
            break
    return out


def when_words(time_frame: str | None) -> str:
    tf = re.sub(r"\s*\([^)]*\)", "", time_frame or "").strip().lower()
    if tf == "initial report":
        return "In the trial's first report"
    if tf.startswith("during"):
        return f"{capital(tf)} in the trial"
    if tf.startswith("at final") or tf.startswith("at the end"):
        return "By the end of the trial"
    return "In the trial"


def comparator_words(s: SideEffect) -> str:
    c = re.sub(r"\s*\([^)]*\)", "", s.comparator or "").strip().lower()
    if c.startswith("placebo"):
        return "taking a dummy pill (placebo)"
    if c.startswith("observation") or c.startswith("no maintenance"):
        return "with no maintenance"
    if c.startswith("lenalidomide"):
        return "taking lenalidomide alone"
    return f"taking {c}" if c else "in the comparison group"


def same_endpoint(a: SideEffect, b: SideEffect) -> bool:
    return (a.evidence, a.category, a.item.split(",")[0], a.time_frame) == \
        (b.evidence, b.category, b.item.split(",")[0], b.time_frame)


def grade3_sibling(o: OptionResult, s: SideEffect) -> SideEffect | None:
    """For a grade-4 row, the grade-3 row of the same endpoint: the two are told together."""
    if s.grade != "4":
        return None
    return next((x for x in o.side_effects if x.grade == "3" and same_endpoint(x, s)), None)


def grade4_sibling(o: OptionResult, s: SideEffect) -> SideEffect | None:
    """For a grade-3 row, the grade-4 row of the same endpoint (a paper that gives both)."""
    if s.grade != "3":
        return None
    return next((x for x in o.side_effects if x.grade == "4" and same_endpoint(x, s)), None)
