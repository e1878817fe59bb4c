"""The reproduction report: for every study, published numbers beside what the engine recomputes.

Three kinds of rows:

* **internal consistency** (every file with a hazard ratio): the HR recomputed as the geometric
  mean of its CI limits, the p-value recomputed from the CI (Wald), and the HR implied by the two
  arms' medians under constant hazards;
* **model reproduction** (McCarthy 2017, CALGB 100104): per-arm curves fitted to the published
  summaries, individual patient data reconstructed from the published numbers-at-risk table
  (Guyot 2012), and per-trial HRs pooled beside the published pooled HR;
* **not reproducible**: a study whose numbers cannot be recomputed from anything published
  (staging definitions, single rates) is still listed, with the reason.

Each row names the tolerance it is judged by (:mod:`mmdecide.report.tolerances`). Nothing is
hidden: a number the engine cannot reproduce is shown as ``differs`` or ``not reproducible``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from statistics import NormalDist
from typing import Any

from ..evidence import Corpus, EvidenceFile
from .reproduce_models import model_rows
from .tolerances import TOLERANCES
from .verdicts import Row, judged, not_reproducible, to_months

__all__ = ["Report", "Row", "build_report", "report_json", "report_markdown", "report_text", "row_cells"]


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    studies: list[str] = field(default_factory=list)

    def by_study(self, study: str) -> list[Row]:
        return [r for r in self.rows if r.study == study]

    def counts(self) -> dict[str, int]:
        out = {"agrees": 0, "differs": 0, "not reproducible": 0}
        for r in self.rows:
            out[r.verdict] += 1
        return out



# -- internal consistency of published hazard ratios -----------------------------------------------

def _p_from_ci(hr: float, lower: float, upper: float) -> float:
    se = (math.log(upper) - math.log(lower)) / (2 * NormalDist().inv_cdf(0.975))
    z = math.log(hr) / se
    return 2 * (1 - NormalDist().cdf(abs(z)))


def _parse_threshold(p_text: str | None) -> float | None:
    if not p_text:
        return None
    t = p_text.replace(" ", "").replace("P", "").replace("p", "").lstrip("=")
    if t.startswith("<"):
        try:
            return float(t[1:])
        except ValueError:
            return None
    return None


def consistency_rows(ev: EvidenceFile) -> list[Row]:
    rows: list[Row] = []
    arm_label = {a.id: a.label for a in ev.arms}
    for c in ev.comparisons:
        if c.measure != "HR":
            continue
        e = c.estimate
        what = f"{c.endpoint} HR {arm_label.get(c.experimental, c.experimental)} vs {arm_label.get(c.control, c.control)} [{c.analysis}]"
        if e.value is None or e.lower is None or e.upper is None:
            continue
        geo = math.sqrt(e.lower * e.upper)
        rows.append(judged(ev.id, what, e.value, geo, "hr-from-ci", "geometric mean of the 95% CI limits"))
        p_rec = _p_from_ci(e.value, e.lower, e.upper)
        if c.p is not None and c.p > 0:
            rows.append(judged(ev.id, f"{what}: p-value", c.p, max(p_rec, 1e-300), "p-from-ci",
                               "Wald test from log HR and the SE implied by the CI"))
        else:
            thr = _parse_threshold(c.p_text)
            if thr is not None:
                ok = p_rec < 1.5 * thr
                rows.append(Row(ev.id, f"{what}: p-value", None, p_rec, None, "p-threshold",
                                "agrees" if ok else "differs", "Wald test from log HR and CI",
                                published_text=f"p {c.p_text}"))
        rows.extend(_constant_hazard_rows(ev, c, what))
    return rows


def _median_of(ev: EvidenceFile, endpoint: str, arm: str, analysis: str) -> float | None:
    for r in ev.results:
        if r.endpoint == endpoint and r.arm == arm and r.analysis == analysis and r.median is not None:
            return to_months(r.median)
    return None


def _constant_hazard_rows(ev: EvidenceFile, c, what: str) -> list[Row]:
    m_exp = _median_of(ev, c.endpoint, c.experimental, c.analysis)
    m_ctl = _median_of(ev, c.endpoint, c.control, c.analysis)
    if m_exp is None or m_ctl is None or c.estimate.value is None:
        return []
    return [judged(ev.id, f"{what}: HR from the two medians", c.estimate.value, m_ctl / m_exp,
                   "hr-constant-hazards", "median(control) / median(experimental), exact under constant hazards")]


# -- the report -----------------------------------------------------------------------------------

def build_report(corpus: Corpus) -> Report:
    report = Report(studies=corpus.ids())
    special = model_rows(corpus)
    for ev in sorted(corpus, key=lambda e: e.id):
        rows = special.get(ev.id, []) + consistency_rows(ev)
        if not rows:
            rows = [not_reproducible(ev.id, "(whole study)", _why_nothing(ev))]
        report.rows.extend(rows)
    return report


def _why_nothing(ev: EvidenceFile) -> str:
    if ev.kind in ("staging-system", "guideline-summary", "dosing-summary"):
        return f"a {ev.kind.replace('-', ' ')}: its numbers are definitions or quoted facts, not estimates that can be recomputed"
    if not ev.comparisons:
        return "no hazard ratio with a confidence interval and no numbers-at-risk table were published (or found), so nothing can be recomputed"
    return "its hazard ratios lack confidence intervals, so nothing can be recomputed"


# -- output forms ---------------------------------------------------------------------------------

def _fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if abs(x) >= 1e-3 or x == 0:
        return f"{x:.4g}"
    return f"{x:.2e}"


def _dev(r: Row) -> str:
    if r.deviation is None:
        return "-"
    tol = TOLERANCES[r.tolerance] if r.tolerance else None
    if tol and tol.kind == "relative":
        return f"{100 * r.deviation:+.1f}%"
    if tol and tol.kind == "log10":
        return f"{r.deviation:+.2f} log10"
    return _fmt(r.deviation)


def _tol(r: Row) -> str:
    if not r.tolerance:
        return "-"
    t = TOLERANCES[r.tolerance]
    if t.kind == "relative":
        return f"{r.tolerance} (±{100 * t.limit:g}%)"
    if t.kind == "log10":
        return f"{r.tolerance} (factor {10 ** t.limit:.3g})"
    return r.tolerance


def report_json(report: Report) -> dict[str, Any]:
    rows = []
    for r in report.rows:
        d = asdict(r)
        if r.published is None and r.published_text:
            d["published"] = r.published_text
        rows.append(d)
    return {
        "studies": report.studies,
        "counts": report.counts(),
        "tolerances": {k: asdict(t) for k, t in TOLERANCES.items()},
        "rows": rows,
    }


def _pub(r: Row) -> str:
    return r.published_text if r.published is None and r.published_text else _fmt(r.published)


def report_markdown(report: Report) -> str:
    c = report.counts()
    out = [
        "# Reproduction report",
        "",
        f"{len(report.studies)} studies; {len(report.rows)} rows: {c['agrees']} agree, "
        f"{c['differs']} differ, {c['not reproducible']} not reproducible.",
        "",
        "| study | quantity | published | reproduced | deviation | tolerance | verdict | method / note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report.rows:
        note = r.method + (f"; {r.note}" if r.note else "")
        out.append(
            f"| {r.study} | {r.quantity} | {_pub(r)} | {_fmt(r.reproduced)} | {_dev(r)} | {_tol(r)} | "
            f"{r.verdict} | {note.replace('|', '/')} |"
        )
    out += ["", "## Tolerances", ""]
    for t in TOLERANCES.values():
        out.append(f"- **{t.name}** ({t.kind}, {t.limit:.4g}): {t.why}")
    return "\n".join(out)


def report_text(report: Report) -> str:
    c = report.counts()
    out = [
        "Reproduction report: published numbers beside what mmdecide's engine recomputes",
        f"{len(report.studies)} studies; {len(report.rows)} rows: {c['agrees']} agree, "
        f"{c['differs']} differ, {c['not reproducible']} not reproducible",
    ]
    for study in report.studies:
        out.append("")
        out.append(study)
        for r in report.by_study(study):
            if r.verdict == "not reproducible":
                out.append(f"  [not reproducible] {r.quantity}: {r.note}")
                continue
            out.append(
                f"  [{r.verdict}] {r.quantity}: published {_pub(r)}, reproduced {_fmt(r.reproduced)} "
                f"(deviation {_dev(r)}; tolerance {_tol(r)})"
            )
            detail = r.method + (f"; {r.note}" if r.note else "")
            out.append(f"      {detail}")
    return "\n".join(out)


def row_cells(r: Row) -> dict[str, str]:
    """The formatted cells of one row, as the text and Markdown forms print them."""
    return {"published": _pub(r), "reproduced": _fmt(r.reproduced), "deviation": _dev(r),
            "tolerance": _tol(r)}
