"""Evidence explorer: every evidence file, and each file with every number beside its source,
disagreements between sources shown; the lenalidomide forest plot; reconstructed curves."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from ...report.evidence_view import count_numbers, format_value
from ..charts import PALETTE, forest_plot, km_plot
from ..rendering import render
from .results import ServicesDep

router = APIRouter()


def forest_context(services) -> dict:
    forest = services.forest
    if forest is None:
        return {"forest": None, "forest_svg": None}
    rows = [{"label": r.label, "hr": r.hr, "lower": r.lower, "upper": r.upper, "kind": r.kind,
             "weight_percent": r.weight_percent} for r in forest.rows]
    svg = forest_plot(rows, "Lenalidomide vs no maintenance: progression-free survival hazard ratios",
                      "Each trial's hazard ratio with its 95% confidence interval, the pooled estimates "
                      "computed here and the published pooled estimate; the table below gives the numbers.")
    return {"forest": forest, "forest_svg": svg}


@router.get("/evidence", response_class=HTMLResponse)
def evidence_index(request: Request, services: ServicesDep) -> HTMLResponse:
    files = sorted(services.corpus, key=lambda e: e.id)
    counts = {ev.id: count_numbers(ev) for ev in files}
    return render(request, "evidence_list.html", files=files, counts=counts, **forest_context(services))


@router.get("/evidence/{file_id}", response_class=HTMLResponse)
def evidence_file(request: Request, file_id: str, services: ServicesDep) -> HTMLResponse:
    ev = services.evidence_file(file_id)
    if ev is None:
        raise HTTPException(404)
    arms = [a for a in services.reconstructions if a.evidence == ev.id]
    groups: dict[tuple[str, str], list] = {}
    for a in arms:
        groups.setdefault((a.endpoint, a.analysis), []).append(a)
    recon = []
    for (endpoint, analysis), group in groups.items():
        series = [{"label": a.label, "colour": PALETTE[i][0], "dash": PALETTE[i][1], "time": a.km_time,
                   "survival": a.km_survival} for i, a in enumerate(group)]
        svg = km_plot(series, f"{endpoint}: reconstructed Kaplan-Meier curves [{analysis}]",
                      "Curves of the patients reconstructed from the published numbers at risk, median "
                      "and events; the table below compares them with the published numbers.", group[0].unit)
        recon.append({"endpoint": endpoint, "analysis": analysis, "arms": group, "svg": svg,
                      "legend": [(s["label"], s["colour"], s["dash"], PALETTE[i][2]) for i, s in enumerate(series)]})
    ctx = forest_context(services) if ev.id == "mccarthy-2017-meta" else {"forest": None, "forest_svg": None}
    return render(
        request, "evidence_file.html", ev=ev, labels={a.id: a.label for a in ev.arms},
        sources={s.id: s for s in ev.sources}, fmt=format_value, pooled_in=services.corpus.included_elsewhere(ev.id),
        report_rows=services.report.by_study(ev.id), recon=recon, title=ev.title, **ctx,
    )
