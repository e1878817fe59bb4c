"""Personal estimates: benefit and harm of each maintenance option for a patient profile."""

from .model import DEFAULT_HORIZONS, DISCLAIMER, estimate
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
