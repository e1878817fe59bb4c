"""Evidence files as text a curator or clinician can read: every number beside its source."""

from __future__ import annotations

from ..evidence import Corpus, EvidenceFile, Value
from ..evidence.rules import walk_values
from ..evidence.schema import AlternativeValue

__all__ = ["format_value", "list_rows", "show_text"]


def _num(x: float) -> str:
    return f"{x:g}"


def format_value(v: Value | AlternativeValue, with_source: bool = True) -> str:
    """'52.8 months (95% CI 44.2-73.3) [jco2017: abstract Results]'."""
    if v.value is None:
        text = "not given"
    else:
        text = _num(v.value)
    unit = {"percent": "%", "ratio": "", "count": ""}.get(v.unit or "", f" {v.unit}" if v.unit else "")
    text += unit
    if v.lower is not None or v.upper is not None:
        lo = _num(v.lower) if v.lower is not None else "NE"
        hi = _num(v.upper) if v.upper is not None else "NE"
        label = getattr(v, "interval", None) or "95% CI"
        text += f" ({label} {lo}-{hi})"
    if v.note:
        text += f"; {v.note}"
    if with_source:
        text += f" [{v.source}: {v.locator}]"
    return text


def _value_lines(v: Value, indent: str) -> list[str]:
    lines = [format_value(v)]
    for alt in v.alternatives:
        lines.append(f"{indent}  also reported: {format_value(alt)}")
    if v.alternatives and v.choice:
        lines.append(f"{indent}  used because: {v.choice}")
    return lines


def list_rows(corpus: Corpus) -> list[dict[str, str]]:
    """One row per evidence file, for `mmdecide evidence list`."""
    rows = []
    for ev in sorted(corpus, key=lambda e: e.id):
        rows.append(
            {
                "id": ev.id,
                "kind": ev.kind,
                "topics": ",".join(ev.topics),
                "numbers": str(count_numbers(ev)),
                "title": ev.title,
            }
        )
    return rows


def count_numbers(ev: EvidenceFile) -> int:
    return sum(1 for _ in walk_values(ev, ""))  # the one traversal of every number


def _eligibility_lines(ev) -> list[str]:
    """The entry criteria used to tell a patient outside the trial's population, each sourced."""
    el = ev.eligibility
    if el is None:
        return []
    out = ["entry criteria (used for 'not studied in people like you'):"]
    for name in ("age", "response", "mrd", "induction", "transplant", "time_since_transplant"):
        c = getattr(el, name)
        if c is not None:
            out.append(f"  {name}: {c.text} [{c.source}: {c.locator}]" + (f" ({c.note})" if c.note else ""))
    out += [f"  other: {c.text} [{c.source}: {c.locator}]" for c in el.other]
    return out


def show_text(corpus: Corpus, file_id: str) -> str:
    """Every number of one evidence file beside its source, section by section."""
    ev = corpus.get(file_id)
    out = _header(corpus, ev) + ["", "Sources:"]
    out += [f"  [{s.id}] {s.citation} ({s.tier}, {s.type}) {s.url}" for s in ev.sources]
    sections = (
        ("Arms", _arms(ev)), ("Analyses", _analyses(ev)), ("Results", _results(ev)),
        ("Comparisons", _comparisons(ev)), ("Subgroups", _subgroups(ev)), ("Safety", _safety(ev)),
        ("Facts", _facts(ev)),
        ("Conflicts between sources",
         [f"  {c.topic}: {c.description} Used: {c.used}. Why: {c.why}" for c in ev.conflicts]),
        ("Caveats", [f"  - {t}" for t in ev.caveats]),
        ("Gaps (looked for, not found)", [f"  - {t}" for t in ev.gaps]),
    )  # fmt: skip
    for title, lines in sections:
        if lines:
            out += ["", f"{title}:", *lines]
    return "\n".join(out)


def _header(corpus: Corpus, ev: EvidenceFile) -> list[str]:
    out = [f"{ev.id}: {ev.title}", f"kind: {ev.kind}; setting: {ev.setting}; topics: {', '.join(ev.topics)}"]
    if ev.registration:
        out.append(f"registration: {', '.join(ev.registration)}")
    out += [f"design: {ev.design}", f"population: {ev.population}"]
    out += _eligibility_lines(ev)
    if ev.includes:
        out.append(f"pools: {', '.join(ev.includes)}")
    pooled_in = corpus.included_elsewhere(ev.id)
    if pooled_in:
        out.append(f"pooled in: {', '.join(pooled_in)}")
    return out


def _arms(ev: EvidenceFile) -> list[str]:
    out = []
    for a in ev.arms:
        n = f" n = {format_value(a.n)}" if a.n else ""
        out.append(f"  {a.id}: {a.label} ({a.role}){n}")
        if a.regimen:
            r = a.regimen
            out.append(f"    regimen: {r.summary} [{r.source}: {r.locator}]")
            for c in r.components:
                dose = f"{_num(c.dose)} {c.dose_unit}" if c.dose is not None else "dose not given"
                sched = f", days {c.days}" if c.days else ""
                cyc = f" of {c.cycle_days}-day cycles" if c.cycle_days else ""
                out.append(f"      {c.drug} {dose}{sched}{cyc}")
            dur = r.duration
            out.append(f"    duration: {dur.rule}" + (f", {_num(dur.months)} months" if dur.months else ""))
    return out


def _analyses(ev: EvidenceFile) -> list[str]:
    out = []
    for an in ev.analyses:
        fu = (f"; median follow-up {' '.join(_value_lines(an.median_follow_up, '    '))}"
              if an.median_follow_up else "")
        out.append(f"  {an.id}: {an.label}{fu}")
    return out


def _results(ev: EvidenceFile) -> list[str]:
    out = []
    for r in ev.results:
        out.append(f"  {r.endpoint} | {r.arm} | {r.analysis}" + (f" ({r.definition})" if r.definition else ""))
        if r.median is not None:
            first, *more = _value_lines(r.median, "    ")
            out += ["    median: " + first, *more]
        if r.median_not_reached:
            out.append("    median: not reached")
        if r.events is not None:
            out.append(f"    events: {format_value(r.events)}")
        if r.rate is not None:
            out.append(f"    rate: {format_value(r.rate)}")
        out += [f"    at {_num(lm.time)} {lm.time_unit}: {format_value(lm.rate)}" for lm in r.landmarks]
        if r.at_risk is not None:
            ar = r.at_risk
            pairs = ", ".join(f"{_num(t)}:{n}" for t, n in zip(ar.times, ar.n))
            out.append(f"    at risk ({ar.time_unit}) {pairs} [{ar.source}: {ar.locator}]")
        if r.note:
            out.append(f"    note: {r.note}")
    return out


def _comparisons(ev: EvidenceFile) -> list[str]:
    out = []
    for c in ev.comparisons:
        p = f", p = {c.p:g}" if c.p is not None else (f", p {c.p_text}" if c.p_text else "")
        out.append(f"  {c.endpoint} {c.measure} {c.experimental} vs {c.control} ({c.analysis}): "
                   f"{format_value(c.estimate)}{p}")
        out += [f"    also reported: {format_value(alt)}" for alt in c.estimate.alternatives]
    return out


def _subgroups(ev: EvidenceFile) -> list[str]:
    out = []
    for s in ev.subgroups:
        flag = " (post hoc)" if s.post_hoc else ""
        n = f", n = {format_value(s.n, with_source=False)}" if s.n else ""
        out.append(f"  {s.endpoint} {s.factor} = {s.level}{flag}{n}: {s.measure} {format_value(s.estimate)}")
    return out


def _safety(ev: EvidenceFile) -> list[str]:
    out = []
    for s in ev.safety:
        grade = f" grade {s.grade}" if s.grade else ""
        when = f" ({s.time_point})" if s.time_point else ""
        out.append(f"  {s.arm}: {s.item}{grade}{when}: {format_value(s.value)}")
    return out


def _facts(ev: EvidenceFile) -> list[str]:
    out = []
    for f in ev.facts:
        out.append(f"  [{f.id}] {f.topic}: {f.text}")
        out += [f"    {k}: {format_value(v)}" for k, v in f.values.items()]
    return out
