"""Survival-analysis and meta-analysis engine. Imports no web, database or plotting code."""
