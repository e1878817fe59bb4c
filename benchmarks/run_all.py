"""Run every benchmark; each writes its own results file under benchmarks/results/.

Run with `make bench` (or `.venv/bin/python benchmarks/run_all.py`). Benchmarks are never part of
the test suite: speed targets are measured here and written down, not asserted in unit tests.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHMARKS = ["bench_evidence_load.py", "bench_km.py", "bench_reconstruct.py", "bench_estimate.py", "bench_json_size.py", "bench_web.py",
              "bench_community.py", "bench_collection.py"]

if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        runpy.run_path(str(HERE / name), run_name="__main__")
