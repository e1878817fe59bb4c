"""How well do these numbers match the trials? Each option's own trial results beside the
model's values (``mmdecide.personal.calibration``), with the stated tolerances and verdicts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...personal.calibration import LANDMARK_TOLERANCE_POINTS, MEDIAN_TOLERANCE
from ...personal.options import OPTIONS
from ..rendering import SourceList, render
from .results import ServicesDep

router = APIRouter()


@router.get("/calibration", response_class=HTMLResponse)
def calibration(request: Request, services: ServicesDep) -> HTMLResponse:
    by_option = services.calibration_by_option
    groups = [(spec, by_option[spec.id]) for spec in OPTIONS if spec.id in by_option]
    return render(request, "calibration.html", title="How well do these numbers match the trials?",
                  groups=groups, external=services.external_validation, refs=SourceList(services.source_anchor),
                  median_tolerance=round(100 * MEDIAN_TOLERANCE), landmark_tolerance=LANDMARK_TOLERANCE_POINTS)
