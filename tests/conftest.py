"""Test-wide settings.

* Hypothesis runs derandomized with no example database, so every run of the suite (a
  developer's or CI's) draws the same examples and a failure always reproduces.
* Python's cyclic garbage collector is paused while pytest collects the suite (see below).
* ``textstat``: the reading-grade library, imported when a reading-level test first runs rather
  than when its module is collected (it imports pkg_resources, which scans every installed
  distribution: 0.1-0.2 s of every collection, paid even by runs that select no reading test).
"""

import gc

import pytest
from hypothesis import settings

settings.register_profile("mmdecide", derandomize=True, database=None, deadline=None, print_blob=True)
settings.load_profile("mmdecide")

# Why the collector is paused during collection: collecting imports the whole app and its
# libraries (about 270,000 long-lived objects: numpy, scipy, pandas, SQLAlchemy, FastAPI, the
# evidence base), and where Python writes no bytecode (PYTHONDONTWRITEBYTECODE=1, as in some
# containers and CI images) pytest also re-parses and rewrites the assertions of every test module
# on every run, allocating about a million short-lived AST nodes. Each burst of allocations starts
# a collection, and the full ones walk the whole, growing heap: collecting took 6.1 s of CPU with
# the collector on and 3.5 s with it paused (benchmarks/results/collection.md). Nothing made
# during collection is garbage worth reclaiming early (modules, functions and test items live to
# the end of the session), so the collector is off until collection ends; then one full pass
# frees what is garbage, and the survivors are frozen (gc.freeze: moved to a generation the
# collector never walks) so the collections during the test run do not walk them again either.
# The tests themselves run with the collector on.
gc.disable()


def pytest_collection_finish() -> None:
    gc.collect()
    gc.freeze()
    gc.enable()


@pytest.fixture(scope="session")
def textstat():
    """The textstat module (0.7.4, pinned in pyproject), imported on first use."""
    import textstat

    return textstat
