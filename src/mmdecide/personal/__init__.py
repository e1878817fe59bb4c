"""Personal estimates: benefit and harm of each maintenance option for a patient profile.

The estimate (``estimate``, ``DEFAULT_HORIZONS``, ``DISCLAIMER``) is imported on first use: the
profile and its field registry are needed by every command-line call (the options of
``mmdecide estimate`` are derived from them), the engine and scipy only by an estimate.
"""

from typing import TYPE_CHECKING, Any

from .profile import PatientProfile, ProfileError, parse_profile
from .result import EstimateResult, json_schema

if TYPE_CHECKING:
    from .calibrated import estimate
    from .model import DEFAULT_HORIZONS, DISCLAIMER

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

#: name -> the module that defines it (the public estimate adds each option's calibration
#: against its own trial to the model's numbers: calibrated.py)
_LAZY = {"DEFAULT_HORIZONS": "model", "DISCLAIMER": "model", "estimate": "calibrated"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
