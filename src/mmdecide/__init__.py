"""mmdecide: evidence, survival engine and decision aid for maintenance after transplant in myeloma.

``mmdecide.estimate(profile, options=None, horizons=None)`` is the personal-estimates entry point;
it is imported on first use so that ``import mmdecide`` (and the CLI's --help) stay fast.
"""

__all__ = ["__version__", "estimate"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "estimate":
        from .personal import estimate

        return estimate
    raise AttributeError(f"module 'mmdecide' has no attribute {name!r}")
