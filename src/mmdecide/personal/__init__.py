"""Personal estimates: benefit and harm of each maintenance option for a patient profile."""

from .calibrated import estimate
from .model import DEFAULT_HORIZONS, DISCLAIMER
from .profile import PatientProfile, ProfileError, parse_profile
from .result import EstimateResult, json_schema

__all__ = [
    "DEFAULT_HORIZONS",
    "DISCLAIMER",
    "EstimateResult",
    "PatientProfile",
    "ProfileError",
    "estimate",
    "json_schema",
    "parse_profile",
]
