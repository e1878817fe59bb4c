"""Methods: the repository's docs/methods.md and docs/evidence.md rendered at run time (no copy
of their text), the reproduction report, the model's limits and the update policy."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...personal import PatientProfile
from ...report.reproduction import row_cells
from ..rendering import render
from .results import ServicesDep

router = APIRouter()

#: Evidence files whose populations bound who the personal estimates apply to (the options' trials).
POPULATION_FILES = ("mccarthy-2017-meta", "tourmaline-mm3", "cassiopeia", "auriga", "atlas")


@router.get("/methods", response_class=HTMLResponse)
def methods(request: Request, services: ServicesDep) -> HTMLResponse:
    report = services.report
    rows = [{"row": r, **row_cells(r)} for r in report.rows]
    populations = [services.corpus.get(i) for i in POPULATION_FILES if i in services.corpus.files]
    assumptions = services.results(PatientProfile()).assumptions
    return render(request, "methods.html", title="How the numbers are made", docs=services.docs(),
                  docs_dir=services.settings.docs_dir, docs_url=services.settings.docs_url,
                  report=report, counts=report.counts(), rows=rows, populations=populations,
                  assumptions=assumptions)
