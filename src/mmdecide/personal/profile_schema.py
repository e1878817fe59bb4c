"""The rules between profile fields (:mod:`.staging`, ``PatientProfile._consistent``) as JSON Schema.

The API publishes the profile's JSON schema; a profile the schema accepts must be a profile the
model accepts (a client that validates against the schema is never refused). The staging rules
say "some value of each unknown answer makes the stages agree", so each is written as its
completions: ``r_iss == s`` needs one (ISS stage, high-risk FISH, LDH) whose R-ISS stage is ``s``
and that every known answer allows; ``r2_iss == g`` likewise over the R2-ISS points. The
completions are enumerated from :mod:`.staging`'s own functions, so the two cannot drift; a test
compares schema and model over every combination of answer classes.

JSON Schema has no arithmetic, but every rule here compares one lab value with a threshold.
Numeric keywords ignore ``null`` (unknown), and ``contains`` applies only to arrays, so every
clause below is also true of an unknown answer unless it says otherwise.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from .staging import (ISS_ALBUMIN, ISS_B2M_HIGH, ISS_B2M_LOW, ISS_RULE, MRD_RULE, R2_GROUPS, R2_ISS_RULE, R2_POINTS,
                      R_ISS_RULE, r2_group, r2_score, r_iss_stage)

__all__ = ["RULES_KEY", "rules_between_fields", "schema_rules"]

_HIGH_RISK = ("del17p", "t4-14", "t14-16")
_B2M, _ALB = "beta2_microglobulin_mg_l", "albumin_g_dl"


def _props(**clauses: Any) -> dict[str, Any]:
    return {"properties": clauses}


def _is(field: str, value: Any) -> dict[str, Any]:
    """The field is given and equals value."""
    return {"properties": {field: {"const": value}}, "required": [field]}


def _one_of_or_unknown(*values: Any) -> dict[str, Any]:
    return {"enum": [*values, None]}


def _labs_allow(stage: str) -> dict[str, Any]:
    """The lab values (each possibly unknown) allow this ISS stage (Greipp 2005)."""
    if stage == "I":
        return _props(**{_B2M: {"exclusiveMaximum": ISS_B2M_LOW}, _ALB: {"minimum": ISS_ALBUMIN}})
    if stage == "III":
        return _props(**{_B2M: {"minimum": ISS_B2M_HIGH}})
    # II: beta-2 microglobulin below 5.5 mg/L, and not (below 3.5 with albumin 3.5 g/dL or more)
    return {"allOf": [_props(**{_B2M: {"exclusiveMaximum": ISS_B2M_HIGH}}),
                      {"not": {"properties": {_B2M: {"type": "number", "exclusiveMaximum": ISS_B2M_LOW},
                                              _ALB: {"type": "number", "minimum": ISS_ALBUMIN}},
                               "required": [_B2M, _ALB]}}]}


def _iss_allows(stage: str) -> dict[str, Any]:
    """The ISS answer and the lab values allow this ISS stage."""
    return {"allOf": [_props(iss=_one_of_or_unknown(stage)), _labs_allow(stage)]}


def _fish_allows(found: dict[str, bool]) -> dict[str, Any]:
    """The FISH answer allows these abnormalities present (True) or absent (False). A list without
    1q and without 'none-found' may come from a panel that did not test 1q, so 1q present is
    allowed unless the list says 'none-found'. Written without "or" (``contains`` for present,
    ``items`` for absent; both hold of an unknown answer), to keep the schema's expansion small."""
    clauses: list[dict[str, Any]] = []
    for name, present in found.items():
        if name == "1q":
            q = ["none-found"] if present else ["gain1q", "amp1q"]
            clauses.append({"items": {"not": {"enum": q}}})
        else:
            clauses.append({"contains": {"const": name}} if present else {"items": {"not": {"const": name}}})
    return _props(cytogenetics={"allOf": clauses})


_Way = tuple[Any, ...]  # (ISS stage, LDH high, del17p, t4-14, t14-16, 1q, R-ISS, R2-ISS); None: either


def _completions(r2: bool = True) -> list[_Way]:
    """Every completion with its R-ISS stage and R2-ISS group (without it when ``r2`` is false),
    from :mod:`.staging`'s functions, then as few as cover them all: completions that differ only
    in one yes/no answer become one that leaves it open (Quine-McCluskey), so that the schema stays
    small enough for JSON Schema tools that expand it (such as test generators)."""
    ways: set[_Way] = set()
    for i, (ldh, d17, t414, t1416, q) in product(("I", "II", "III"), product((False, True), repeat=5)):
        cyto = {n for n, on in (("del17p", d17), ("t4-14", t414), ("t14-16", t1416), ("gain1q", q)) if on}
        group = r2_group(r2_score(i, ldh, cyto)) if r2 else None
        ways.add((i, ldh, d17, t414, t1416, q, r_iss_stage(i, d17 or t414 or t1416, ldh), group))
    return _cover(ways, _primes(ways))


def _primes(ways: set[_Way]) -> set[_Way]:
    primes: set[_Way] = set()
    level = ways
    while level:
        merged: set[_Way] = set()
        used: set[_Way] = set()
        for way, k in product(level, range(1, 6)):
            if way[k] is True and (other := (*way[:k], False, *way[k + 1:])) in level:
                merged.add((*way[:k], None, *way[k + 1:]))
                used |= {way, other}
        primes |= level - used
        level = merged
    return primes


def _cover(ways: set[_Way], primes: set[_Way]) -> list[_Way]:
    """Greedily, the primes that cover most of the completions not yet covered."""
    def covers(prime: _Way, way: _Way) -> bool:
        return all(p is None or p == w for p, w in zip(prime, way))

    left, chosen = set(ways), []
    while left:
        best = max(sorted(primes, key=repr), key=lambda p: sum(covers(p, w) for w in left))
        chosen.append(best)
        left = {w for w in left if not covers(best, w)}
    return sorted(chosen, key=repr)


def _staging_rule(r2: bool = True) -> dict[str, Any]:
    """The answers must allow one completion: an ISS stage, an LDH and FISH findings that every
    known answer allows, whose R-ISS stage (Palumbo 2015) and R2-ISS group (D'Agostino 2022) are
    the ones given. With the ISS given this is also the ISS definition (Greipp 2005) of its labs."""
    ways = []
    for i, ldh, d17, t414, t1416, q, stage, group in _completions(r2):
        fish = {n: v for n, v in (("del17p", d17), ("t4-14", t414), ("t14-16", t1416), ("1q", q)) if v is not None}
        props = {"r_iss": _one_of_or_unknown(stage)}
        if group is not None:
            props["r2_iss"] = _one_of_or_unknown(group)
        if ldh is not None:
            props["ldh_high"] = _one_of_or_unknown(ldh)
        ways.append({"allOf": [_iss_allows(i), _props(**props), *([_fish_allows(fish)] if fish else [])]})
    return {"anyOf": ways}


def schema_rules(schema: dict[str, Any]) -> None:
    """Add the rules between fields to the profile's JSON schema (pydantic's json_schema_extra)."""
    cyto = next((s for s in schema["properties"]["cytogenetics"].get("anyOf", []) if s.get("type") == "array"), None)
    if cyto is not None:
        cyto["uniqueItems"] = True
        cyto["if"] = {"contains": {"const": "none-found"}}
        cyto["then"] = {"maxItems": 1}
        # 1q gain (3 copies) or amplification (4 or more), as the FISH report says: not both
        cyto["not"] = {"allOf": [{"contains": {"const": "gain1q"}}, {"contains": {"const": "amp1q"}}]}
    mrd = {"if": _is("mrd", "negative"),  # IMWG 2016: MRD-negative only after CR or sCR
           "then": _props(response=_one_of_or_unknown("sCR", "CR"))}
    # the R2-ISS rule stays out of the constraints: with it, the schema expands (into "or"s of
    # "and"s) beyond what JSON Schema test generators can handle (schemathesis 4.32 gives up on
    # the operation). It is stated instead in words and as data (RULES_KEY), from the same code
    # as the refusal; the API refuses such a profile with a 422 "consistency" citing the rule.
    schema["allOf"] = [mrd, _staging_rule(r2=False)]
    schema["description"] = (schema.get("description", "") + " " + _RULES_WORDS).strip()
    schema[RULES_KEY] = rules_between_fields()


#: The OpenAPI extension listing every rule between fields, with whether the schema states it.
RULES_KEY = "x-rules-between-fields"
_RULES_WORDS = (
    "Rules between fields: a profile is refused (422, rule 'consistency') when no values of its unknown "
    "answers make it agree with the ISS (Greipp 2005), R-ISS (Palumbo 2015) or R2-ISS (D'Agostino 2022) "
    "definitions, or when it gives MRD-negative without a complete response (IMWG 2016). All but the "
    f"R2-ISS rule are stated as constraints here; the R2-ISS rule is listed in {RULES_KEY} (its points, "
    "groups and every allowed combination) because as a constraint it makes the schema too large for "
    "JSON Schema tools.")


def rules_between_fields() -> list[dict[str, Any]]:
    """Each rule between profile fields as data: the words every refusal under it cites, its
    fields, and whether the JSON schema states it as a constraint. The R2-ISS rule, which it does
    not, comes with its points, its groups and the table of allowed combinations (from
    :mod:`.staging`'s functions, as the schema's R-ISS constraints are)."""
    staging_fields = ["iss", "beta2_microglobulin_mg_l", "albumin_g_dl", "ldh_high", "cytogenetics"]
    names = ("iss", "ldh_high", "del17p", "t4-14", "t14-16", "1q", "r_iss", "r2_iss")
    return [
        {"rule": ISS_RULE, "fields": ["iss", "beta2_microglobulin_mg_l", "albumin_g_dl"], "in_schema": True},
        {"rule": R_ISS_RULE, "fields": ["r_iss", *staging_fields], "in_schema": True},
        {"rule": R2_ISS_RULE, "fields": ["r2_iss", "r_iss", *staging_fields], "in_schema": False,
         "points": dict(R2_POINTS), "groups": [{"group": g, "from": lo, "to": hi} for g, lo, hi in R2_GROUPS],
         "allowed": {"columns": list(names), "null_means": "either value",
                     "rows": [list(w) for w in _completions(r2=True)]},
         "how": "the answers must allow one row: an ISS stage, an LDH and FISH findings that every known "
                "answer allows (a FISH list without 1q and without 'none-found' leaves 1q open), whose "
                "R-ISS stage and R2-ISS group are the ones given"},
        {"rule": MRD_RULE, "fields": ["mrd", "response"], "in_schema": True},
    ]
