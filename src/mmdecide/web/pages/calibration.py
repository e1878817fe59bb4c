"""How well do these numbers match the trials? Each option's own trial results beside the
model's values (``mmdecide.personal.calibration``), with the stated tolerances and verdicts, the
arms that set each induction's baseline, the studies held out of the model, and a figure of all
of them (``web.calibration_chart``) whose text alternative is the tables."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...personal.calibration import LANDMARK_TOLERANCE_POINTS, MEDIAN_TOLERANCE
from ...personal.options import OPTIONS
from ...personal.prepared import GRID_MONTHS
from ...report.calibration_words import agreement_sentence
from ...timeunits import months_to_years
from ..calibration_chart import Mark, calibration_chart, legend
from ..rendering import SourceList, render
from .results import ServicesDep

router = APIRouter()

_CHART_DESC = ("Each mark is one result. Across is the trial's number; up is the model's number for "
               "the same group. Marks on the dashed line agree exactly; marks in the grey band agree "
               "within the tolerance. An arrow at the top: the model's median is past the end of its "
               f"curves ({months_to_years(GRID_MONTHS):g} years).")


@router.get("/calibration", response_class=HTMLResponse)
def calibration(request: Request, services: ServicesDep) -> HTMLResponse:
    by_option = services.calibration_by_option
    table, external = services.calibration, services.external_validation
    # each option's calibration, and the single trials beside the pooled analysis it rests on (not in its flag)
    groups = [(spec, by_option[spec.id], [r for r in table if r.option == spec.id and r.scope != "option"])
              for spec in OPTIONS if spec.id in by_option]
    # another trial of the same comparison (Myeloma XI) feeds no number of the model: drawn as held out
    marks = [Mark(r, "fitted" if r.fitted else "held-out" if r.scope == "same-comparison" else "check") for r in table] \
        + [Mark(r, "held-out") for r in external]
    chart = calibration_chart(marks, _CHART_DESC, "calibration-summary",
                              reach_months=GRID_MONTHS, median_tolerance=MEDIAN_TOLERANCE,
                              landmark_points=LANDMARK_TOLERANCE_POINTS)
    return render(request, "calibration.html", title="How well do these numbers match the trials?",
                  groups=groups, baseline=[r for r in table if r.option == "baseline"], external=external,
                  chart=chart, summary=agreement_sentence(table + external),
                  legend=legend(GRID_MONTHS),
                  refs=SourceList(services.source_anchor),
                  median_tolerance=round(100 * MEDIAN_TOLERANCE), landmark_tolerance=LANDMARK_TOLERANCE_POINTS)
