"""The harms-detail and high-risk sections for a results page (computed from the app's evidence).

Registered as template globals so that each partial template needs one include line. Profile
fields that a profile version may not have yet (blood counts) are read with ``getattr``.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from ..report.harms_detail import HarmsDetail, harms_detail
from ..report.high_risk import HighRiskAnswer, high_risk_answer

__all__ = ["harms_for", "high_risk_for"]


def _field(profile: Any, name: str) -> Any:
    return getattr(profile, name, None)


def harms_for(request: Request, profile: Any) -> HarmsDetail:
    return harms_detail(
        request.app.state.services.corpus,
        creatinine_clearance_ml_min=_field(profile, "creatinine_clearance_ml_min"),
        hemoglobin_g_dl=_field(profile, "hemoglobin_g_dl"),
        neutrophils_10e9_l=_field(profile, "neutrophils_10e9_l"),
        platelets_10e9_l=_field(profile, "platelets_10e9_l"),
    )


def high_risk_for(request: Request, profile: Any) -> HighRiskAnswer:
    return high_risk_answer(request.app.state.services.corpus, cytogenetics=_field(profile, "cytogenetics"),
                            r_iss=_field(profile, "r_iss"))
