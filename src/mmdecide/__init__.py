"""mmdecide: evidence, survival engine and decision aid for maintenance after transplant in myeloma."""

__all__ = ["__version__"]
__version__ = "0.1.0"
