"""One module per page type, each a router with thin routes: parse, call a service, render."""

from . import about, calibration, evidence, home, methods, profile, results, summary

__all__ = ["about", "calibration", "evidence", "home", "methods", "profile", "results", "summary"]
