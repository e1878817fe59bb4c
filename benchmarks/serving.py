"""Starting and stopping ``mmdecide serve`` for the load benchmarks (web and community).

Imported by ``bench_web.py`` and ``bench_community_http.py``, which are run as scripts from the
repository root (so this folder is on ``sys.path``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, ready_path: str, *, env: dict[str, str] | None = None,
                 timeout: float = 60.0) -> subprocess.Popen:
    """``mmdecide serve --workers N`` as deployed, in its own process group (its access log,
    without query strings, is discarded); returns once ``ready_path`` answers 200."""
    cmd = [str(BIN / "mmdecide"), "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{ready_path}", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit(f"the server did not start in {timeout:g} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
