"""What the pages need from the core: one :class:`Services` object per app.

The evidence base is loaded once per app; personal estimates are cached in memory per profile
(never written anywhere, no name or address attached, gone when the process stops);
the reproduction report, the forest plot and the reconstruction are computed on first use.
Routes call these methods and render; no evidence logic lives in a route.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

import numpy as np

from .. import __version__
from ..evidence import Corpus, EvidenceFile, load_corpus
from ..personal import DEFAULT_HORIZONS, EstimateResult, PatientProfile, estimate
from .settings import Settings

__all__ = [
    "CURVE_HORIZONS",
    "EvidenceFacts",
    "Forest",
    "ForestRow",
    "ReconstructedArm",
    "Services",
]

#: Horizons of the survival curves: every 6 months up to 7 years.
CURVE_HORIZONS: tuple[float, ...] = tuple(0.5 * k for k in range(1, 15))

_UNIT_FACTOR = {("years", "months"): 12.0, ("months", "years"): 1 / 12.0}


@dataclass(frozen=True)
class EvidenceFacts:
    """The evidence version shown on every page."""

    n_files: int
    newest_source_year: int | None
    n_sources: int
    package_version: str


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


@dataclass(frozen=True)
class ReconstructedArm:
    """One arm of a published numbers-at-risk table, reconstructed (Guyot 2012)."""

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


@dataclass
class _LRU:
    size: int
    items: OrderedDict = field(default_factory=OrderedDict)

    def get(self, key):
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        return None

    def put(self, key, value) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


class Services:
    """The core objects one app uses: evidence base, estimates, reports."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.corpus: Corpus = load_corpus(settings.evidence_dir)
        self._lock = threading.Lock()
        self._cache = _LRU(settings.estimate_cache_size)
        self._anchors: dict[tuple[str, str, str], str] = {}
        for ev in self.corpus:
            for s in ev.sources:
                self._anchors.setdefault((ev.id, s.url, s.citation), s.id)

    # -- personal estimates ------------------------------------------------------------------

    def estimate(self, profile: PatientProfile, options: Iterable[str] | None = None,
                 horizons: Iterable[float] | None = None) -> EstimateResult:
        """``mmdecide.personal.estimate`` on this app's evidence base, cached per arguments."""
        opts = None if options is None else tuple(sorted(set(options)))
        hz = None if horizons is None else tuple(sorted({float(h) for h in horizons}))
        key = (profile.model_dump_json(), opts, hz)
        with self._lock:
            hit = self._cache.get(key)
            if hit is None:
                hit = estimate(profile, options=opts, horizons=hz, corpus=self.corpus)
                self._cache.put(key, hit)
            return hit

    def results(self, profile: PatientProfile) -> EstimateResult:
        """The estimate at the default horizons (1, 2, 3, 5, 7 years): the numbers shown."""
        return self.estimate(profile, horizons=DEFAULT_HORIZONS)

    def curves(self, profile: PatientProfile) -> EstimateResult:
        """The estimate every 6 months up to 7 years: the points of the survival curves."""
        return self.estimate(profile, horizons=CURVE_HORIZONS)

    # -- evidence --------------------------------------------------------------------------

    @cached_property
    def facts(self) -> EvidenceFacts:
        years = [s.year for ev in self.corpus for s in ev.sources if s.year]
        return EvidenceFacts(
            n_files=len(self.corpus), newest_source_year=max(years) if years else None,
            n_sources=sum(len(ev.sources) for ev in self.corpus), package_version=__version__,
        )

    def source_anchor(self, evidence: str, url: str, citation: str) -> str:
        """The evidence-explorer link of one source: ``/evidence/{id}#source-{source id}``."""
        sid = self._anchors.get((evidence, url, citation))
        return f"/evidence/{evidence}#source-{sid}" if sid else f"/evidence/{evidence}#sources"

    def evidence_file(self, file_id: str) -> EvidenceFile | None:
        return self.corpus.files.get(file_id)

    # -- reproduction ----------------------------------------------------------------------

    @cached_property
    def report(self):
        from ..report.reproduction import build_report

        return build_report(self.corpus)

    @cached_property
    def forest(self) -> Forest | None:
        """Per-trial PFS hazard ratios of lenalidomide vs no maintenance, pooled over the same
        selection as the reproduction report (``POOL_SELECTION``), beside the published pool."""
        from ..engine.meta import effect_from_hr, pool
        from ..report.reproduce_models import POOL_SELECTION

        key = ("mccarthy-2017-meta", "PFS")
        if key[0] not in self.corpus.files or key not in POOL_SELECTION:
            return None
        rows: list[ForestRow] = []
        effects, missing = [], []
        for trial, endpoint, analysis, arm in POOL_SELECTION[key]:
            hit = None
            if trial in self.corpus.files:
                for c in self.corpus.get(trial).comparisons:
                    if (c.endpoint, c.analysis, c.experimental, c.measure) == (endpoint, analysis, arm, "HR"):
                        hit = c
            if hit is None or hit.estimate.value is None or hit.estimate.lower is None or hit.estimate.upper is None:
                missing.append(f"{trial} {endpoint} [{analysis}]")
                continue
            e = hit.estimate
            prov = self.corpus.provenance(trial, e)
            effects.append(effect_from_hr(e.value, e.lower, e.upper, study=trial))
            rows.append(ForestRow(f"{trial} ({endpoint}, {analysis})", trial, analysis, e.value, e.lower,
                                  e.upper, None, prov.citation, prov.url, prov.locator, "study"))
        if len(effects) < 2:
            return None
        fe, dl = pool(effects, method="FE"), pool(effects, method="DL")
        rows = [ForestRow(r.label, r.evidence, r.analysis, r.hr, r.lower, r.upper, w, r.citation, r.url,
                          r.locator, r.kind) for r, w in zip(rows, dl.weights_percent)]
        for res, kind, name in ((fe, "pooled-fe", "Pooled here, fixed effect"),
                                (dl, "pooled-dl", "Pooled here, DerSimonian-Laird random effects")):
            rows.append(ForestRow(name, None, "computed", res.estimate, res.lower, res.upper, None,
                                  "mmdecide.engine.meta.pool over the trials above", "/methods#reproduction",
                                  "computed", kind))
        ev = self.corpus.get(key[0])
        pub = next((c for c in ev.comparisons if c.endpoint == "PFS" and c.measure == "HR"
                    and c.estimate.value is not None and c.estimate.lower is not None), None)
        if pub is not None:
            prov = self.corpus.provenance(ev.id, pub.estimate)
            rows.append(ForestRow(f"Published pooled (McCarthy 2017, {pub.analysis})", ev.id, pub.analysis,
                                  pub.estimate.value, pub.estimate.lower, pub.estimate.upper, None,
                                  prov.citation, prov.url, prov.locator, "published"))
        note = ("The published pooled hazard ratio comes from individual patient data with one cut-off "
                "date and one definition; the per-trial hazard ratios come from different publications "
                "and cut-offs, so exact agreement is not expected.")
        return Forest("PFS", rows, missing, dl.i2, note)

    @cached_property
    def reconstructions(self) -> list[ReconstructedArm]:
        """Every arm with a published numbers-at-risk table, a median and an event count,
        reconstructed the way the reproduction report does it (see
        ``mmdecide.report.reproduce_models.reconstruction_rows``)."""
        from ..engine.km import kaplan_meier
        from ..engine.reconstruct import reconstruct_ipd
        from ..engine.risk_table_fit import fit_weibull_median_events

        out: list[ReconstructedArm] = []
        for ev in sorted(self.corpus, key=lambda e: e.id):
            labels = {a.id: a.label for a in ev.arms}
            for r in ev.results:
                if r.at_risk is None or r.median is None or r.median.value is None or r.events is None:
                    continue
                unit = r.at_risk.time_unit
                conv = lambda x: None if x is None else (  # noqa: E731
                    x if r.median.unit == unit else x * _UNIT_FACTOR[(r.median.unit, unit)])
                median = conv(r.median.value)
                try:
                    fit = fit_weibull_median_events(median, int(r.events.value), r.at_risk.times, r.at_risk.n,
                                                    (conv(r.median.lower), conv(r.median.upper)))
                except ValueError:
                    continue
                t = np.linspace(0.0, r.at_risk.times[-1], 150)
                rec = reconstruct_ipd(t, fit.survival(t), r.at_risk.times, r.at_risk.n,
                                      total_events=int(r.events.value))
                km = kaplan_meier(rec.data)
                med = km.median
                out.append(ReconstructedArm(
                    evidence=ev.id, endpoint=r.endpoint, analysis=r.analysis, arm=r.arm,
                    label=labels.get(r.arm, r.arm), unit=unit,
                    km_time=[0.0, *map(float, km.time)], km_survival=[1.0, *map(float, km.survival)],
                    risk_times=list(map(float, rec.risk_times)),
                    risk_published=list(map(int, rec.risk_published)),
                    risk_reconstructed=list(map(int, rec.risk_reconstructed)),
                    median_published=float(median),
                    median_reconstructed=float(med) if med is not None and math.isfinite(med) else None,
                    events_published=int(r.events.value), events_reconstructed=int(rec.data.n_events),
                    how=(f"Weibull fitted to the published median and events against the risk table "
                         f"(shape {fit.shape:.3g}), then Guyot reconstruction of {rec.data.n} patients"),
                    locator=r.at_risk.locator,
                ))  # fmt: skip
        return out

    # -- documentation ---------------------------------------------------------------------

    def docs(self) -> list[tuple[str, str, str]]:
        """(anchor, file name, HTML) of docs/methods.md and docs/evidence.md, read now."""
        import markdown

        folder: Path | None = self.settings.docs_dir
        out = []
        if folder is None:
            return out
        for name in ("methods.md", "evidence.md"):
            path = Path(folder) / name
            if path.is_file():
                html = markdown.markdown(path.read_text(encoding="utf-8"), extensions=["tables", "fenced_code"])
                out.append((f"doc-{path.stem}", name, _shift_headings(html)))
        return out


def _shift_headings(html: str) -> str:
    """Markdown h1..h5 become h2..h6 so the page keeps one h1."""
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}", f"<h{level + 1}").replace(f"</h{level}>", f"</h{level + 1}>")
    return html


def profile_key(profile: PatientProfile) -> str:
    return json.dumps(profile.model_dump(mode="json"), sort_keys=True)
