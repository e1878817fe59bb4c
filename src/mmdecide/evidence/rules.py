"""Rules that relate numbers to each other, checked after the schema has accepted a file.

Each rule has a short name (shown to curators and tested one by one). Rules never stop at the
first problem: every check runs and every problem is returned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from pydantic import BaseModel

from ..timeunits import to_months
from .schema import AlternativeValue, EvidenceFile, Value
from .urls import url_problems

__all__ = ["RULES", "Problem", "check_corpus", "check_file", "walk_values"]

#: rule name -> what it demands (the text `evidence validate` prints).
RULES = {
    "yaml-syntax": "the file must be valid YAML without duplicate keys",
    "schema": "fields, types and vocabularies must match the evidence schema",
    "unique-id": "ids must be unique (files across the corpus; sources, arms, analyses, facts within a file)",
    "source-ref": "every number must name a source listed in the file's `sources`",
    "arm-ref": "results, comparisons, subgroups and safety items must name an arm of the file",
    "analysis-ref": "results, comparisons and subgroups must name an analysis of the file",
    "includes-ref": "`includes` must name other evidence files of the corpus",
    "interval-contains-estimate": "lower <= estimate <= upper",
    "ratio-positive": "hazard, odds and risk ratios and their bounds must be > 0",
    "percent-range": "percentages must lie within [0, 100]",
    "non-negative": "counts, times and rates must be >= 0",
    "whole-count": "counts must be whole numbers",
    "landmarks-never-rise": "survival-type landmark rates must not rise with time",
    "at-risk-never-rises": "numbers at risk must not rise with time, at strictly increasing times",
    "at-risk-within-n": "numbers at risk must not exceed the arm's n",
    "events-within-n": "event counts must not exceed the arm's n",
    "choice-explained": "a value with alternatives must say in `choice` why it is the one used",
    "value-or-note": "a missing value (null) needs a note saying why (e.g. 'not reached')",
    "time-unit": "medians and follow-up must be in months, years, weeks or days",
    "source-url": "source links must be https to a named public host of a known kind (publisher, DOI, "
                  "PubMed/PMC, registry, regulator, guideline, conference, repository, news): no raw IP, "
                  "no other port, no staging or mirror copy",
}

# Endpoints whose landmark rate is a survival probability (so it can only fall over time).
_SURVIVAL_ENDPOINTS = {"PFS", "OS", "TTP", "EFS", "PFS2", "TTNT", "DOR"}
_TIME_UNITS = {"months", "years", "weeks", "days"}


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: [{self.rule}] {self.message}"


def walk_values(node: object, path: str) -> Iterator[tuple[str, Value | AlternativeValue]]:
    """Yield every Value in a model tree with its dotted path (e.g. results[3].median)."""
    if isinstance(node, (Value, AlternativeValue)):
        yield path, node
        if isinstance(node, Value):
            for i, alt in enumerate(node.alternatives):
                yield f"{path}.alternatives[{i}]", alt
        return
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            child = getattr(node, name)
            yield from walk_values(child, f"{path}.{name}" if path else name)
    elif isinstance(node, (tuple, list)):
        for i, child in enumerate(node):
            yield from walk_values(child, f"{path}[{i}]")
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from walk_values(child, f"{path}.{key}")


def _duplicates(ids: list[str]) -> list[str]:
    return [k for k, c in Counter(ids).items() if c > 1]


def check_file(ev: EvidenceFile, file: str) -> list[Problem]:
    """All rule violations inside one (schema-valid) evidence file."""
    out: list[Problem] = []

    def bad(path: str, rule: str, message: str) -> None:
        out.append(Problem(file, path, rule, message))

    _check_ids_and_urls(ev, bad)
    source_ids = {s.id for s in ev.sources}
    arm_n = {a.id: (a.n.value if a.n else None) for a in ev.arms}
    analysis_ids = {a.id for a in ev.analyses}

    # Every number: provenance and plausibility.
    for path, v in walk_values(ev, ""):
        if v.source not in source_ids:
            bad(path, "source-ref", f"source {v.source!r} is not listed in `sources`")
        _check_value(v, path, bad)
        if isinstance(v, Value) and v.alternatives and not v.choice:
            bad(path, "choice-explained", "has alternatives but no `choice` saying why this value is used")

    for path, src in _walk_plain_sources(ev):
        if src not in source_ids:
            bad(path, "source-ref", f"source {src!r} is not listed in `sources`")

    # Measures that must be ratios.
    for i, c in enumerate(ev.comparisons):
        if c.measure in ("HR", "OR", "RR"):
            _check_ratio(c.estimate, f"comparisons[{i}].estimate", bad)
    for i, s in enumerate(ev.subgroups):
        if s.measure in ("HR", "OR", "RR"):
            _check_ratio(s.estimate, f"subgroups[{i}].estimate", bad)

    # References to arms and analyses.
    def need_arm(arm: str, path: str) -> None:
        if arm not in arm_n:
            bad(path, "arm-ref", f"arm {arm!r} is not an arm of this file ({sorted(arm_n)})")

    def need_analysis(analysis: str | None, path: str) -> None:
        if analysis is not None and analysis not in analysis_ids:
            bad(path, "analysis-ref", f"analysis {analysis!r} is not listed in `analyses`")

    for i, r in enumerate(ev.results):
        p = f"results[{i}]"
        need_arm(r.arm, f"{p}.arm")
        need_analysis(r.analysis, f"{p}.analysis")
        for field in ("median",):
            med = getattr(r, field)
            if med is not None and med.unit not in _TIME_UNITS:
                bad(f"{p}.{field}.unit", "time-unit", f"a median needs a time unit, got {med.unit!r}")
        _check_landmarks(r, p, bad)
        n = arm_n.get(r.arm)
        if r.at_risk is not None:
            _check_at_risk(r.at_risk.times, r.at_risk.n, n, f"{p}.at_risk", bad)
        if r.events is not None and r.events.value is not None and n is not None:
            if r.events.value > n:
                bad(f"{p}.events", "events-within-n", f"{r.events.value:g} events but the arm has n = {n:g}")
    for name, rows in (("comparisons", ev.comparisons), ("subgroups", ev.subgroups)):
        for i, c in enumerate(rows):
            need_arm(c.experimental, f"{name}[{i}].experimental")
            need_arm(c.control, f"{name}[{i}].control")
            need_analysis(c.analysis, f"{name}[{i}].analysis")
    for i, s in enumerate(ev.safety):
        need_arm(s.arm, f"safety[{i}].arm")
        need_analysis(s.analysis, f"safety[{i}].analysis")
    for i, pe in enumerate(ev.prognostic):
        _check_ratio(pe.estimate, f"prognostic[{i}].estimate", bad)
        need_analysis(pe.analysis, f"prognostic[{i}].analysis")
        if pe.share is not None and pe.share.unit != "percent":
            bad(f"prognostic[{i}].share.unit", "percent-range", "a share must be given in percent")
    for i, a in enumerate(ev.analyses):
        fu = a.median_follow_up
        if fu is not None and fu.unit not in _TIME_UNITS:
            bad(f"analyses[{i}].median_follow_up.unit", "time-unit", f"follow-up needs a time unit, got {fu.unit!r}")
    return out


def _check_ids_and_urls(ev: EvidenceFile, bad) -> None:
    """Ids unique within their list; every source link of an allowed kind (see urls.py)."""
    for what, ids in (
        ("sources", [s.id for s in ev.sources]),
        ("arms", [a.id for a in ev.arms]),
        ("analyses", [a.id for a in ev.analyses]),
        ("facts", [f.id for f in ev.facts]),
    ):
        for dup in _duplicates(ids):
            bad(what, "unique-id", f"id {dup!r} is used more than once")
    for i, s in enumerate(ev.sources):
        for message in url_problems(s.url):
            bad(f"sources[{i}].url", "source-url", f"{s.url[:120]} {message}")


def _walk_plain_sources(ev: EvidenceFile) -> Iterator[tuple[str, str]]:
    """Source references that are not inside a Value (regimens, risk tables)."""
    for i, a in enumerate(ev.arms):
        if a.regimen is not None:
            yield f"arms[{i}].regimen.source", a.regimen.source
    for i, r in enumerate(ev.results):
        if r.at_risk is not None:
            yield f"results[{i}].at_risk.source", r.at_risk.source
    if ev.eligibility is not None:
        el = ev.eligibility
        for name in ("age", "response", "mrd", "induction", "transplant", "time_since_transplant"):
            crit = getattr(el, name)
            if crit is not None:
                yield f"eligibility.{name}.source", crit.source
        for i, crit in enumerate(el.other):
            yield f"eligibility.other[{i}].source", crit.source


def _check_value(v: Value | AlternativeValue, path: str, bad) -> None:
    nums = {k: getattr(v, k) for k in ("value", "lower", "upper") if getattr(v, k) is not None}
    if v.value is None and not v.note and isinstance(v, Value):
        bad(path, "value-or-note", "value is null but no note says why")
    if v.value is not None and v.lower is not None and v.upper is not None:
        if not (v.lower <= v.value <= v.upper):
            bad(
                path,
                "interval-contains-estimate",
                f"interval [{v.lower:g}, {v.upper:g}] does not contain the estimate {v.value:g}",
            )
    elif v.lower is not None and v.upper is not None and v.lower > v.upper:
        bad(path, "interval-contains-estimate", f"lower {v.lower:g} exceeds upper {v.upper:g}")
    elif v.value is not None and v.lower is not None and v.lower > v.value:
        bad(path, "interval-contains-estimate", f"lower {v.lower:g} exceeds the estimate {v.value:g}")
    elif v.value is not None and v.upper is not None and v.upper < v.value:
        bad(path, "interval-contains-estimate", f"upper {v.upper:g} is below the estimate {v.value:g}")
    if v.unit == "percent":
        for k, x in nums.items():
            if not 0 <= x <= 100:
                bad(f"{path}.{k}", "percent-range", f"{x:g}% is outside [0, 100]")
    if v.unit in ("count", "months", "years", "weeks", "days", "per-100-patient-years", "per-patient-year"):
        for k, x in nums.items():
            if x < 0:
                bad(f"{path}.{k}", "non-negative", f"{x:g} {v.unit} is negative")
    if v.unit == "count":
        for k, x in nums.items():
            if x != int(x):
                bad(f"{path}.{k}", "whole-count", f"count {x:g} is not a whole number")


def _check_ratio(v: Value, path: str, bad) -> None:
    for k in ("value", "lower", "upper"):
        x = getattr(v, k)
        if x is not None and x <= 0:
            bad(f"{path}.{k}", "ratio-positive", f"ratio {x:g} must be > 0")


def _check_landmarks(r, p: str, bad) -> None:
    if r.endpoint not in _SURVIVAL_ENDPOINTS:
        return
    points = sorted(
        ((to_months(lm.time, lm.time_unit), lm.rate.value, j) for j, lm in enumerate(r.landmarks)
         if lm.rate.value is not None),
        key=lambda t: t[0],
    )  # fmt: skip
    for (t0, s0, _), (t1, s1, j1) in zip(points, points[1:]):
        if s1 > s0:
            bad(
                f"{p}.landmarks[{j1}]",
                "landmarks-never-rise",
                f"{r.endpoint} rate rises from {s0:g}% at {t0:g} months to {s1:g}% at {t1:g} months",
            )


def _check_at_risk(times, ns, arm_n, path: str, bad) -> None:
    if len(times) != len(ns):
        bad(path, "at-risk-never-rises", f"{len(times)} times but {len(ns)} numbers at risk")
        return
    for j in range(1, len(times)):
        if times[j] <= times[j - 1]:
            bad(f"{path}.times[{j}]", "at-risk-never-rises", "times must be strictly increasing")
        if ns[j] > ns[j - 1]:
            bad(f"{path}.n[{j}]", "at-risk-never-rises", f"at risk rises from {ns[j - 1]} to {ns[j]}")
    for j, x in enumerate(ns):
        if x < 0:
            bad(f"{path}.n[{j}]", "non-negative", f"{x} at risk is negative")
        if arm_n is not None and x > arm_n:
            bad(f"{path}.n[{j}]", "at-risk-within-n", f"{x} at risk exceeds the arm's n = {arm_n:g}")


def check_corpus(files: dict[str, tuple[str, EvidenceFile]]) -> list[Problem]:
    """Rules across files. ``files`` maps file path -> (path, parsed file)."""
    out: list[Problem] = []
    by_id: dict[str, list[str]] = {}
    for path, (_, ev) in files.items():
        by_id.setdefault(ev.id, []).append(path)
    for fid, paths in by_id.items():
        if len(paths) > 1:
            for p in paths:
                out.append(Problem(p, "id", "unique-id", f"file id {fid!r} is also used by {sorted(set(paths) - {p})}"))
    for path, (_, ev) in files.items():
        for i, inc in enumerate(ev.includes):
            if inc not in by_id:
                out.append(Problem(path, f"includes[{i}]", "includes-ref", f"no evidence file has id {inc!r}"))
            elif inc == ev.id:
                out.append(Problem(path, f"includes[{i}]", "includes-ref", "a file cannot include itself"))
    return out
