"""Test-wide settings: Hypothesis runs derandomized with no example database, so every run of
the suite (a developer's or CI's) draws the same examples and a failure always reproduces."""

from hypothesis import settings

settings.register_profile("mmdecide", derandomize=True, database=None, deadline=None, print_blob=True)
settings.load_profile("mmdecide")
