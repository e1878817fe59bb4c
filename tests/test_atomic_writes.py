"""Every file mmdecide writes is replaced atomically: killed mid-write or out of disk space, the
old file stays as it was (or the new one is complete), never a partial file that looks valid."""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mmdecide import fileio
from mmdecide.cli import app
from mmdecide.fileio import atomic_write, atomic_write_text

OLD = "time,event\n1.0,1\n"


@pytest.fixture()
def big_inputs(tmp_path) -> tuple[Path, Path]:
    """A curve whose reconstruction writes 1,000,000 rows (about 13 MB)."""
    curve = tmp_path / "curve.csv"
    curve.write_text("time,survival\n0,1\n12,0.6\n24,0.4\n36,0.3\n")
    risk = tmp_path / "risk.csv"
    risk.write_text("time,at_risk\n0,1000000\n12,600000\n24,400000\n36,300000\n")
    return curve, risk


def test_sigkill_during_reconstruct_out_leaves_the_old_file(tmp_path, big_inputs):
    out = tmp_path / "ipd.csv"
    out.write_text(OLD)
    curve, risk = big_inputs
    proc = subprocess.Popen([sys.executable, "-m", "mmdecide.cli", "reconstruct", "--curve", str(curve),
                             "--at-risk", str(risk), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:  # wait until the output is being written, then kill
            temps = list(tmp_path.glob(".ipd.csv.*.tmp"))
            if temps and temps[0].stat().st_size > 1_000_000:
                break
            assert proc.poll() is None, "the write finished before it could be interrupted"
            time.sleep(0.005)
        else:
            pytest.fail("the output never started")
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert out.read_text() == OLD  # the old file, untouched


def test_full_disk_during_reconstruct_out_leaves_the_old_file(tmp_path, big_inputs, monkeypatch):
    out = tmp_path / "ipd.csv"
    out.write_text(OLD)
    real_fdopen = os.fdopen

    class FullDisk(io.TextIOWrapper):
        written = 0

        def write(self, s):  # the disk fills up after 100 kB
            FullDisk.written += len(s)
            if FullDisk.written > 100_000:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return super().write(s)

    def fdopen(fd, mode="r", **kw):
        return FullDisk(real_fdopen(fd, mode.replace("w", "wb"), buffering=0), newline=kw.get("newline"))

    monkeypatch.setattr(fileio.os, "fdopen", fdopen)
    curve, risk = big_inputs
    res = CliRunner().invoke(app, ["reconstruct", "--curve", str(curve), "--at-risk", str(risk), "--out", str(out)])
    assert res.exit_code == 2 and "No space left on device" in res.stderr
    assert out.read_text() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curve.csv", "ipd.csv", "risk.csv"]  # no temp left


def test_atomic_write_replaces_completely_and_keeps_permissions(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_text(path, "new content\n")
    assert path.read_text() == "new content\n"
    assert path.stat().st_mode & 0o777 == 0o640


def test_atomic_write_error_in_the_middle_keeps_the_old_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(path) as fh:
        fh.write("half")
        raise RuntimeError("crash")
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_atomic_write_to_a_device_writes_through():
    with pytest.raises(OSError) as exc, atomic_write("/dev/full") as fh:
        fh.write("x" * 10_000)
    assert exc.value.errno == errno.ENOSPC
    assert Path("/dev/full").is_char_device()  # not replaced by a regular file
