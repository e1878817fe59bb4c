"""Rows of the reproduction report that need the engine's models.

* ``reconstruction_rows``: for every analysis that published a numbers-at-risk table with a
  median and an event count, fit a per-arm Weibull to them (``engine.risk_table_fit``), use the
  fitted curve as the digitized curve (no digitized figure is stored in the evidence base), then
  reconstruct the patients (Guyot 2012, ``engine.reconstruct``) and recover median, events, the
  risk table and, with two arms, the Cox hazard ratio. The HR is never an input: it is the
  out-of-sample check.
* ``pooled_rows``: for a pooled analysis whose trials have their own evidence files, pool the
  per-trial HRs (fixed effect and DerSimonian-Laird) beside the published pooled HR.
* ``exponential_fit_rows``: both medians of a pooled analysis from one exponential PH model
  fitted to the two medians and the HR (over-determined, so a real check).
* ``not_reached_rows``: a published 'median not reached' checked against the median implied by
  the control median and the HR under constant hazards (``engine.summary_fit``).
"""

from __future__ import annotations


import numpy as np

from ..evidence import Corpus, EvidenceFile
from .analyses import POOL_SELECTION, convert_time, reconstruct_arms, selected_effects
from .verdicts import Row, judged, not_reproducible

__all__ = ["POOL_SELECTION", "model_rows"]


def reconstruction_rows(ev: EvidenceFile) -> list[Row]:
    from ..engine.cox import cox_ph
    from ..engine.survdata import SurvivalData

    rows: list[Row] = []
    groups: dict[tuple[str, str], list] = {}
    for a in reconstruct_arms(ev):
        groups.setdefault((a.endpoint, a.analysis), []).append(a)
    labels = {a.id: a.label for a in ev.arms}
    for (endpoint, analysis), arms in groups.items():
        recon = {}
        for a in arms:
            where = f"{endpoint} {a.label} [{analysis}]"
            if a.fit is None or a.rec is None or a.km is None:
                rows.append(not_reproducible(ev.id, f"{where}: reconstruction", a.error or ""))
                continue
            fit, rec = a.fit, a.rec
            recon[a.arm] = rec
            how = a.how
            if abs(fit.median / a.median - 1) > 0.02 or abs(fit.events_expected / a.events - 1) > 0.02:
                how += (f"; no Weibull matches both targets against this risk table (best compromise: "
                        f"median {fit.median:.3g} {a.unit}, {fit.events_expected:.1f} expected events), so "
                        f"the synthetic curve, not the reconstruction, limits the agreement; a digitized "
                        f"published curve would remove this limit")
            rows.append(judged(ev.id, f"{where}: median ({a.unit})", a.median, a.km.median,
                               "median-from-fit", how, "in-sample: the median was a fitting target"))
            rows.append(judged(ev.id, f"{where}: events", float(a.events), float(rec.data.n_events),
                               "events-from-reconstruction", "events in the reconstructed patients",
                               "in-sample: the total was given to the reconstruction"))
            worst = int(np.max(np.abs(np.asarray(rec.risk_reconstructed) - np.asarray(rec.risk_published))))
            rows.append(judged(ev.id, f"{where}: numbers at risk (largest gap, patients)", 0.0,
                               float(worst), "at-risk-from-reconstruction",
                               "reconstructed vs published risk table at every column"))
        for c in ev.comparisons:
            if (c.endpoint, c.analysis) != (endpoint, analysis) or c.measure != "HR":
                continue
            if c.experimental in recon and c.control in recon and c.estimate.value is not None:
                ctl, exp = recon[c.control].data, recon[c.experimental].data
                both = SurvivalData.from_arrays(
                    np.concatenate([ctl.time, exp.time]), np.concatenate([ctl.event, exp.event]),
                    ["0-control"] * ctl.n + ["1-experimental"] * exp.n,
                )
                hr = cox_ph(both).hr[0]
                rows.append(judged(
                    ev.id, f"{endpoint} HR {labels.get(c.experimental)} vs {labels.get(c.control)} [{analysis}]",
                    c.estimate.value, float(hr), "hr-from-fit",
                    "Cox model (Efron) on the two reconstructed arms",
                    "out-of-sample: the HR was not used in any fit",
                ))
    return rows


def pooled_rows(ev: EvidenceFile, corpus: Corpus) -> list[Row]:
    from ..engine.meta import pool

    rows: list[Row] = []
    for c in ev.comparisons:
        sel = selected_effects(corpus, ev.id, c.endpoint)
        if sel is None or c.measure != "HR" or c.estimate.value is None:
            continue
        used = [f"{trial} {ep} {tc.estimate.value:g} ({tc.estimate.lower:g}-{tc.estimate.upper:g}) [{analysis}]"
                for trial, ep, analysis, tc in sel.used]
        what = f"{c.endpoint} pooled HR from per-trial HRs"
        if len(sel.effects) < 2:
            rows.append(not_reproducible(
                ev.id, what, "fewer than two trials have an HR with a CI: missing " + ", ".join(sel.missing),
                c.estimate.value))
            continue
        why = _why_pooled_differs(c.endpoint, POOL_SELECTION[(ev.id, c.endpoint)], sel.missing)
        for method in ("FE", "DL"):
            res = pool(sel.effects, method=method)
            rows.append(judged(ev.id, f"{what} ({method})", c.estimate.value, res.estimate, "pooled-hr",
                               f"{method} pooling of: " + "; ".join(used),
                               why + (f" I2 = {res.i2:.0f}%." if method == "DL" else "")))
    return rows


def _why_pooled_differs(endpoint: str, sel, missing: list[str]) -> str:
    parts = []
    if any(ep != endpoint for _, ep, _, _ in sel):
        parts.append("some trials report TTP, not PFS")
    if missing:
        parts.append("missing: " + ", ".join(missing))
    parts.append("the published value comes from individual patient data with a common cut-off and "
                 "definitions; per-trial HRs come from different publications, cut-offs and "
                 "crossover handling, so exact agreement is not expected")
    return "; ".join(parts) + "."


def not_reached_rows(ev: EvidenceFile) -> list[Row]:
    """'Median not reached' checked with an exponential PH model of control median and HR."""
    from ..engine.summary_fit import PublishedSummary, fit_published_summaries

    rows: list[Row] = []
    labels = {a.id: a.label for a in ev.arms}
    fu = None
    for an in ev.analyses:
        if an.median_follow_up is not None and an.median_follow_up.value is not None:
            fu = (an.id, an.median_follow_up.value, an.median_follow_up.unit)
    for r in ev.results:
        if not r.median_not_reached:
            continue
        for c in ev.comparisons:
            if c.endpoint != r.endpoint or c.analysis != r.analysis or c.experimental != r.arm:
                continue
            ctl = next((x for x in ev.results if x.endpoint == r.endpoint and x.arm == c.control
                        and x.analysis == r.analysis and x.median is not None and x.median.value), None)
            e = c.estimate
            if ctl is None or e.lower is None or e.upper is None or fu is None or fu[0] != r.analysis:
                continue
            n_ctl = next((a.n.value for a in ev.arms if a.id == c.control and a.n), None)
            fit = fit_published_summaries(
                [PublishedSummary(arm="control", median=ctl.median.value, n=int(n_ctl) if n_ctl else None),
                 PublishedSummary(arm="experimental")],
                hr=(e.value, e.lower, e.upper), distribution="exponential",
            )
            implied = float(fit.median("experimental"))
            follow = convert_time(fu[1], fu[2], ctl.median.unit)
            rows.append(Row(
                ev.id, f"{r.endpoint} median, {labels.get(r.arm, r.arm)} [{r.analysis}]", None, implied, None,
                "median-beyond-follow-up", "agrees" if implied > follow else "differs",
                f"exponential model: control median {ctl.median.value:g} {ctl.median.unit} / HR {e.value:g}",
                f"the implied median lies {'beyond' if implied > follow else 'within'} the median follow-up of "
                f"{follow:g} {ctl.median.unit}, so 'not reached' is {'expected' if implied > follow else 'surprising'}",
                published_text="not reached",
            ))
    return rows


def exponential_fit_rows(ev: EvidenceFile) -> list[Row]:
    """Both medians from one exponential PH model fitted to both medians and the HR.

    Three published points, two parameters (control rate, log HR): the model has to compromise
    when the medians' ratio and the HR disagree, so the fitted medians are a real check of how
    well a constant-hazards curve pair describes the pooled result. Done for pooled analyses,
    whose curves the personal estimates build on.
    """
    from ..engine.summary_fit import PublishedSummary, fit_published_summaries

    if ev.kind not in ("ipd-meta-analysis", "meta-analysis", "pooled-analysis"):
        return []
    rows: list[Row] = []
    labels = {a.id: a.label for a in ev.arms}
    for c in ev.comparisons:
        e = c.estimate
        if c.measure != "HR" or e.value is None or e.lower is None or e.upper is None:
            continue
        med = {}
        for r in ev.results:
            if r.endpoint == c.endpoint and r.analysis == c.analysis and r.median is not None \
                    and r.median.value is not None and r.arm in (c.control, c.experimental):
                med[r.arm] = r.median
        if len(med) != 2 or med[c.control].unit != med[c.experimental].unit:
            continue
        n = {a.id: int(a.n.value) for a in ev.arms if a.n is not None and a.n.value is not None}
        fit = fit_published_summaries(
            [PublishedSummary(arm=c.control, median=med[c.control].value, n=n.get(c.control)),
             PublishedSummary(arm=c.experimental, median=med[c.experimental].value, n=n.get(c.experimental))],
            hr=(e.value, e.lower, e.upper), distribution="exponential",
        )
        for arm in (c.control, c.experimental):
            rows.append(judged(
                ev.id, f"{c.endpoint} median, {labels.get(arm, arm)} [{c.analysis}] ({med[arm].unit})",
                med[arm].value, float(fit.median(arm)), "median-from-fit",
                "one exponential proportional-hazards model fitted to both medians and the HR "
                "(3 points, 2 parameters; weights from n and the HR's CI)",
            ))
    return rows


def model_rows(corpus: Corpus) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for ev in corpus:
        rows = (exponential_fit_rows(ev) + reconstruction_rows(ev) + pooled_rows(ev, corpus)
                + not_reached_rows(ev))
        if rows:
            out[ev.id] = rows
    return out
