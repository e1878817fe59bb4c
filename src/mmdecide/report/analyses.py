"""Analyses of the evidence base that more than one view shows: one home for each.

* :data:`POOL_SELECTION` and :func:`selected_effects`: which analysis of each trial stands for it
  when pooling beside a published pooled hazard ratio, and those trials' effects;
* :func:`forest`: per-trial PFS hazard ratios of lenalidomide vs no maintenance, pooled here
  (fixed effect and DerSimonian-Laird) beside the published pooled HR;
* :func:`reconstruct_arms`: every arm with a published numbers-at-risk table, median and event
  count, reconstructed (a Weibull fitted to median and events against the risk table serves as
  the "digitized" curve; then Guyot 2012);
* :func:`reconstructions`: the same as plain numbers for charts and tables.

The reproduction report (:mod:`mmdecide.report.reproduce_models`) judges these against the
published numbers; the web app and the API only render them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from ..timeunits import convert
from ..evidence import Corpus, EvidenceFile

if TYPE_CHECKING:
    from ..engine.km import KaplanMeier
    from ..engine.meta import Effect
    from ..engine.reconstruct import Reconstruction
    from ..engine.risk_table_fit import RiskTableFit
    from ..evidence.schema import Comparison

__all__ = [
    "POOL_SELECTION",
    "ArmReconstruction",
    "Forest",
    "ForestRow",
    "ReconstructedArm",
    "Selection",
    "forest",
    "reconstruct_arms",
    "reconstructions",
    "selected_effects",
]

#: Which analysis of each trial stands for it when pooling beside a published pooled HR. The
#: meta-analysis used individual data at a 1 March 2015 cut-off, so the trials' analyses at that
#: cut-off (the US-label analyses) come closest; where a trial has none, the latest one is used.
#: Keys: (pooled analysis id, endpoint) -> list of (trial id, endpoint, analysis id, experimental arm).
POOL_SELECTION: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {
    ("mccarthy-2017-meta", "PFS"): [
        ("calgb-100104", "PFS", "label-pfs-2015", "lenalidomide"),  # US-label PFS, cut-off 1 March 2015
        ("ifm-2005-02", "PFS", "label-pfs-2015", "lenalidomide"),  # US-label PFS, cut-off 1 March 2015
        ("gimema-rv-mm-pi-209", "PFS", "nejm-2014", "lenalidomide"),  # the only GIMEMA HR with a CI
    ],
    ("mccarthy-2017-meta", "OS"): [
        ("calgb-100104", "OS", "holstein-2017", "lenalidomide"),  # 91-month update
        ("ifm-2005-02", "OS", "ash-2013-406", "lenalidomide"),  # HR 1 printed without a CI: cannot be pooled
        ("gimema-rv-mm-pi-209", "OS", "nejm-2014", "lenalidomide"),
    ],
}


def convert_time(value: float, unit: str, to: str) -> float:
    """A time in ``unit`` expressed in ``to`` (months or years)."""
    return convert(value, unit, to)


# -- pooling beside a published pooled HR ------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    """The trials' HRs that stand for one pooled analysis: used (with their comparison) and missing."""

    used: list[tuple[str, str, str, Comparison]]  # (trial, endpoint, analysis, comparison)
    effects: list[Effect]
    missing: list[str]


def selected_effects(corpus: Corpus, pooled_id: str, endpoint: str) -> Selection | None:
    """The per-trial HRs with a CI named by :data:`POOL_SELECTION`, or None if none is named."""
    from ..engine.meta import effect_from_hr

    sel = POOL_SELECTION.get((pooled_id, endpoint))
    if not sel:
        return None
    used, effects, missing = [], [], []
    for trial, ep, analysis, arm in sel:
        hit = None
        if trial in corpus.files:
            for c in corpus.get(trial).comparisons:
                if (c.endpoint, c.analysis, c.experimental, c.measure) == (ep, analysis, arm, "HR"):
                    hit = c
        e = None if hit is None else hit.estimate
        if e is None or e.value is None or e.lower is None or e.upper is None:
            missing.append(f"{trial} {ep} [{analysis}]")
            continue
        used.append((trial, ep, analysis, hit))
        effects.append(effect_from_hr(e.value, e.lower, e.upper, study=trial))
    return Selection(used, effects, missing)


@dataclass(frozen=True)
class ForestRow:
    label: str
    evidence: str | None
    analysis: str
    hr: float
    lower: float
    upper: float
    weight_percent: float | None
    citation: str
    url: str
    locator: str
    kind: str  # study | pooled-fe | pooled-dl | published


@dataclass(frozen=True)
class Forest:
    endpoint: str
    rows: list[ForestRow]
    missing: list[str]
    i2: float | None
    note: str


_FOREST_NOTE = ("The published pooled hazard ratio comes from individual patient data with one cut-off "
                "date and one definition; the per-trial hazard ratios come from different publications "
                "and cut-offs, so exact agreement is not expected.")


def forest(corpus: Corpus) -> Forest | None:
    """Per-trial PFS HRs of lenalidomide vs no maintenance, pooled over :data:`POOL_SELECTION`
    (the reproduction report's selection), beside the published pooled HR."""
    from ..engine.meta import pool

    pooled_id = "mccarthy-2017-meta"
    sel = selected_effects(corpus, pooled_id, "PFS") if pooled_id in corpus.files else None
    if sel is None or len(sel.effects) < 2:
        return None
    fe, dl = pool(sel.effects, method="FE"), pool(sel.effects, method="DL")
    rows: list[ForestRow] = []
    for (trial, ep, analysis, c), w in zip(sel.used, dl.weights_percent, strict=True):
        e, prov = c.estimate, corpus.provenance(trial, c.estimate)
        rows.append(ForestRow(f"{trial} ({ep}, {analysis})", trial, analysis, e.value, e.lower, e.upper,
                              w, prov.citation, prov.url, prov.locator, "study"))  # fmt: skip
    for res, kind, name in ((fe, "pooled-fe", "Pooled here, fixed effect"),
                            (dl, "pooled-dl", "Pooled here, DerSimonian-Laird random effects")):
        rows.append(ForestRow(name, None, "computed", res.estimate, res.lower, res.upper, None,
                              "mmdecide.engine.meta.pool over the trials above", "/methods#reproduction",
                              "computed", kind))  # fmt: skip
    ev = corpus.get(pooled_id)
    pub = next((c for c in ev.comparisons if c.endpoint == "PFS" and c.measure == "HR"
                and c.estimate.value is not None and c.estimate.lower is not None), None)
    if pub is not None:
        prov = corpus.provenance(ev.id, pub.estimate)
        rows.append(ForestRow(f"Published pooled (McCarthy 2017, {pub.analysis})", ev.id, pub.analysis,
                              pub.estimate.value, pub.estimate.lower, pub.estimate.upper, None,
                              prov.citation, prov.url, prov.locator, "published"))  # fmt: skip
    return Forest("PFS", rows, sel.missing, dl.i2, _FOREST_NOTE)


# -- reconstruction from a published numbers-at-risk table ---------------------------------------

@dataclass(frozen=True)
class ArmReconstruction:
    """One arm's published risk table, median and events, and what the engine made of them.

    ``error`` is set (and ``fit``, ``rec``, ``km`` are None) when no curve can be fitted.
    """

    evidence: str
    endpoint: str
    analysis: str
    arm: str
    label: str
    unit: str
    median: float
    median_ci: tuple[float | None, float | None]
    events: int
    times: tuple[float, ...]
    n: tuple[int, ...]
    locator: str
    fit: RiskTableFit | None = None
    rec: Reconstruction | None = None
    km: KaplanMeier | None = None
    error: str | None = None

    @property
    def how(self) -> str:
        assert self.fit is not None and self.rec is not None
        return (f"Weibull fitted to the published median and events against the risk table "
                f"(shape {self.fit.shape:.3g}), then Guyot reconstruction of {self.rec.data.n} patients")


def reconstruct_arms(ev: EvidenceFile) -> list[ArmReconstruction]:
    """Every arm of ``ev`` with a risk table, a median and an event count, in file order."""
    from ..engine.km import kaplan_meier
    from ..engine.reconstruct import reconstruct_ipd
    from ..engine.risk_table_fit import fit_weibull_median_events

    labels = {a.id: a.label for a in ev.arms}
    out: list[ArmReconstruction] = []
    for r in ev.results:
        if r.at_risk is None or r.median is None or r.median.value is None or r.events is None:
            continue
        unit, med = r.at_risk.time_unit, r.median

        def conv(x: float | None, _from: str = med.unit, _to: str = unit) -> float | None:
            return None if x is None else convert_time(x, _from, _to)

        arm = ArmReconstruction(
            ev.id, r.endpoint, r.analysis, r.arm, labels.get(r.arm, r.arm), unit, conv(med.value),
            (conv(med.lower), conv(med.upper)), int(r.events.value), tuple(r.at_risk.times),
            tuple(r.at_risk.n), r.at_risk.locator,
        )  # fmt: skip
        try:
            fit = fit_weibull_median_events(arm.median, arm.events, arm.times, arm.n, arm.median_ci)
        except ValueError as exc:
            out.append(replace(arm, error=str(exc)))
            continue
        # The synthetic "digitized" curve: 150 points of the fitted Weibull up to the last
        # risk-table column (the published figure itself is not in the evidence base).
        t = np.linspace(0.0, arm.times[-1], 150)
        rec = reconstruct_ipd(t, fit.survival(t), arm.times, arm.n, total_events=arm.events)
        out.append(replace(arm, fit=fit, rec=rec, km=kaplan_meier(rec.data)))
    return out


@dataclass(frozen=True)
class ReconstructedArm:
    """One reconstructed arm as plain numbers, for a chart and a table."""

    evidence: str
    endpoint: str
    analysis: str
    arm: str
    label: str
    unit: str
    km_time: list[float]
    km_survival: list[float]
    risk_times: list[float]
    risk_published: list[int]
    risk_reconstructed: list[int]
    median_published: float
    median_reconstructed: float | None
    events_published: int
    events_reconstructed: int
    how: str
    locator: str


def reconstructions(corpus: Corpus) -> list[ReconstructedArm]:
    """Every arm of the evidence base that :func:`reconstruct_arms` could reconstruct."""
    out: list[ReconstructedArm] = []
    for ev in sorted(corpus, key=lambda e: e.id):
        for a in reconstruct_arms(ev):
            if a.rec is None or a.km is None:
                continue
            med = a.km.median
            out.append(ReconstructedArm(
                evidence=a.evidence, endpoint=a.endpoint, analysis=a.analysis, arm=a.arm, label=a.label,
                unit=a.unit, km_time=[0.0, *map(float, a.km.time)],
                km_survival=[1.0, *map(float, a.km.survival)],
                risk_times=list(map(float, a.rec.risk_times)),
                risk_published=list(map(int, a.rec.risk_published)),
                risk_reconstructed=list(map(int, a.rec.risk_reconstructed)),
                median_published=float(a.median),
                median_reconstructed=float(med) if med is not None and math.isfinite(med) else None,
                events_published=a.events, events_reconstructed=int(a.rec.data.n_events),
                how=a.how, locator=a.locator,
            ))  # fmt: skip
    return out
