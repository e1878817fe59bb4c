"""Dose, schedule and duration of an option, quoted from its trials' evidence entries."""

from __future__ import annotations

from ..evidence import Corpus
from .options import OptionSpec
from .result import DosingNote, Regimen, SourceRef
from .sources import cite

__all__ = ["regimen"]


def regimen(corpus: Corpus, spec: OptionSpec) -> Regimen | None:
    schedules: list[str] = []
    sources: list[SourceRef] = []
    durations: list[str] = []
    for evidence, arm in spec.regimens:
        if evidence not in corpus.files:
            continue
        a = next((x for x in corpus.get(evidence).arms if x.id == arm and x.regimen), None)
        if a is None or a.regimen is None:
            continue
        r = a.regimen
        parts = []
        for c in r.components:
            if c.dose is None:
                continue
            days = f" days {c.days}" if c.days else ""
            cyc = f" of {c.cycle_days}-day cycles" if c.cycle_days else ""
            note = f" ({c.note})" if c.note else ""
            parts.append(f"{c.drug} {c.dose:g} {c.dose_unit}{days}{cyc}{note}")
        if parts:
            esc = f"; escalation: {r.escalation}" if r.escalation else ""
            schedules.append(f"{evidence}: " + "; ".join(parts) + esc)
        durations.append(r.duration.rule + (f" ({r.duration.months:g} months)" if r.duration.months else ""))
        src = next(x for x in corpus.get(evidence).sources if x.id == r.source)
        sources.append(SourceRef(evidence=evidence, what=f"regimen of {a.label}", citation=src.citation,
                                 url=src.url, locator=r.locator, tier=src.tier))
    if not sources:
        return None
    notes = []
    for evidence, fact_id in spec.dosing_facts:
        fact = next((f for f in corpus.get(evidence).facts if f.id == fact_id), None) if evidence in corpus.files else None
        if fact is None:
            continue
        refs = [cite(corpus, evidence, v, f"{fact.topic}: {k}") for k, v in fact.values.items()]
        if not refs:
            continue
        notes.append(DosingNote(topic=fact.topic, text=fact.text, sources=refs))
    return Regimen(summary=spec.description, schedules=schedules,
                   duration="; ".join(dict.fromkeys(durations)), sources=sources, dosing_notes=notes)
