"""The evidence audit: every number the patient views can show, with its source and check.

The patient views (web page, PDF, ``estimate --plain``, JSON) show numbers from an estimate
result and from the harms and high-risk sections; every one of them carries a source reference
(:class:`~mmdecide.personal.result.SourceRef`). The audit runs the estimate for a set of profiles
that together reach every option and section, collects every reference, looks the cited value up
in the evidence file (same source and locator), and says

* the source kind: primary publication, regulatory label, review or guideline summary, news
  report or manufacturer material (news and manufacturer numbers are flagged in the views);
* the locator (table, figure, paragraph);
* whether the reproduction report recomputes that published value (agrees / differs / not
  reproducible); else whether the personal model, run for that trial's population, matches it
  (model agrees / model differs / model fitted: the calibration and external-validation tables);
  else "not checked".

So the next audit of the displayed numbers is a command, not a hand search.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel

from ..evidence import Corpus, Value
from ..personal import estimate
from ..personal.result import CalibrationRow, SourceRef
from .reproduction import Report, build_report

__all__ = ["AUDIT_PROFILES", "AuditRow", "audit", "audit_json", "audit_text", "source_kind"]

#: Profiles that together reach every option (AURIGA needs MRD-positive) and every section.
AUDIT_PROFILES: tuple[dict[str, Any], ...] = (
    {},
    {"age": 62, "r_iss": "III", "cytogenetics": ["del17p", "t4-14"], "mrd": "positive",
     "creatinine_clearance_ml_min": 45},
    {"age": 70, "iss": "I", "cytogenetics": ["none-found"], "response": "CR", "mrd": "negative"},
)

SOURCE_KINDS = ("primary", "label", "review-or-guideline", "news", "manufacturer")


def source_kind(tier: str, source_type: str | None) -> str:
    """One word a view can show: primary, label, review-or-guideline, news or manufacturer."""
    if source_type == "news":
        return "news"
    if source_type == "manufacturer":
        return "manufacturer"
    if tier in ("primary", "label"):
        return tier
    return "review-or-guideline"


@dataclass(frozen=True)
class AuditRow:
    evidence: str
    what: str
    value: float | None
    unit: str | None
    source_kind: str
    source_type: str | None
    citation: str
    url: str
    locator: str
    reproduced: str  # agrees | differs | not reproducible | model agrees | model differs | model fitted | not checked
    note: str = ""


def _refs(obj: Any) -> Iterator[SourceRef]:
    """Every source reference inside a result (depth-first, in field order)."""
    if isinstance(obj, SourceRef):
        yield obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _refs(getattr(obj, name))
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _refs(x)
    elif isinstance(obj, dict):
        for x in obj.values():
            yield from _refs(x)


def _values(obj: Any) -> Iterator[Value]:
    """Every Value of an evidence file (alternatives are kept, not shown, so they are skipped)."""
    if isinstance(obj, Value):
        yield obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _values(getattr(obj, name))
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _values(x)
    elif isinstance(obj, dict):
        for x in obj.values():
            yield from _values(x)


def _cited_values(corpus: Corpus, ref: SourceRef) -> list[Value]:
    ev = corpus.get(ref.evidence)
    ids = {s.id for s in ev.sources if s.citation == ref.citation and s.url == ref.url}
    return [v for v in _values(ev) if v.source in ids and v.locator == ref.locator]


def _verdict(report: Report, evidence: str, value: float | None) -> str:
    if value is None:
        return "not checked"
    rows = [r for r in report.rows if r.study == evidence and r.published is not None
            and abs(r.published - value) <= 1e-9 * max(1.0, abs(value))]
    verdicts = {r.verdict for r in rows}
    for v in ("differs", "agrees", "not reproducible"):
        if v in verdicts:
            return v
    return "not checked"


def _model_checks(corpus: Corpus) -> dict[tuple, CalibrationRow]:
    """Calibration and external-validation rows by the published value's source reference."""
    from ..personal.calibration import calibration_table
    from ..personal.validation import external_validation

    rows = [*calibration_table(corpus), *external_validation(corpus)]
    return {(c.source.evidence, c.source.what, c.source.locator, c.published): c
            for c in rows if c.source is not None and c.published is not None}


def _model_verdict(check: CalibrationRow) -> tuple[str, str]:
    verdict = ("model fitted" if check.fitted else "model agrees" if check.within_tolerance else "model differs")
    model = "beyond its reach" if check.model is None else f"{check.model:.1f}"
    return verdict, (f"{check.trial_name}, {check.arm_label}, {check.endpoint} {check.quantity}: model {model} "
                     f"vs published {check.published:g} ({check.tolerance})")


def _row(corpus: Corpus, report: Report, ref: SourceRef, checks: dict[tuple, CalibrationRow]) -> AuditRow:
    value, unit, note = ref.value, None, ""
    if value is None:
        cands = _cited_values(corpus, ref)
        distinct = {(v.value, v.unit) for v in cands}
        if len(distinct) == 1:
            value, unit = next(iter(distinct))
        elif ref.what.startswith("regimen of"):
            note = "dose and schedule of the arm's regimen"
        else:
            note = "the number is not recorded in the reference"
    else:
        unit = next((v.unit for v in _cited_values(corpus, ref) if v.value == value), None)
    stype = ref.source_type or _source_type(corpus, ref)
    verdict = _verdict(report, ref.evidence, value)
    check = checks.get((ref.evidence, ref.what, ref.locator, value))
    if check is not None:
        model_verdict, model_note = _model_verdict(check)
        verdict = model_verdict if verdict == "not checked" else verdict
        note = f"{note}; {model_note}" if note else model_note
    return AuditRow(
        evidence=ref.evidence, what=ref.what, value=value, unit=unit,
        source_kind=source_kind(ref.tier, stype), source_type=stype, citation=ref.citation, url=ref.url,
        locator=ref.locator, reproduced=verdict, note=note,
    )  # fmt: skip


def _source_type(corpus: Corpus, ref: SourceRef) -> str | None:
    ev = corpus.get(ref.evidence)
    return next((s.type for s in ev.sources if s.citation == ref.citation and s.url == ref.url), None)


def audit(corpus: Corpus, profiles: Iterable[dict] = AUDIT_PROFILES, extra: Iterable[Any] = ()) -> list[AuditRow]:
    """One row per distinct cited number the views can show for ``profiles`` (plus any objects in
    ``extra`` holding source references, e.g. report sections), sorted by evidence file."""
    report = build_report(corpus)
    checks = _model_checks(corpus)
    seen: dict[tuple, AuditRow] = {}
    objs: list[Any] = [estimate(p, corpus=corpus) for p in profiles] + list(extra)
    for ref in _refs(objs):
        key = (ref.evidence, ref.what, ref.locator, ref.citation)
        if key not in seen:
            seen[key] = _row(corpus, report, ref, checks)
    return sorted(seen.values(), key=lambda r: (r.evidence, r.what, r.locator))


def audit_json(rows: list[AuditRow]) -> dict[str, Any]:
    counts = {k: sum(r.source_kind == k for r in rows) for k in SOURCE_KINDS}
    return {"numbers": len(rows), "by_source_kind": counts, "rows": [asdict(r) for r in rows]}


def audit_text(rows: list[AuditRow]) -> str:
    out = []
    for r in rows:
        val = "-" if r.value is None else f"{r.value:g}{' ' + r.unit if r.unit and r.unit != 'ratio' else ''}"
        note = f" ({r.note})" if r.note else ""
        out.append(f"[{r.source_kind}] {r.evidence}: {r.what} = {val}; {r.locator}; reproduced: {r.reproduced}{note}")
    counts = audit_json(rows)["by_source_kind"]
    out.append(f"{len(rows)} numbers: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return "\n".join(out)
