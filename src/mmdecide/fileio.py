"""Reading user files safely and writing every output file atomically.

Reading: a user file is checked before it is parsed: it must be a regular file (so
``/dev/zero`` or a FIFO cannot make us read forever), under a size limit, and UTF-8 text (UTF-16
and binary files are refused with a message saying so, not decoded into garbage). JSON is
checked for nesting depth before ``json.loads`` (whose recursion would otherwise end in a
RecursionError) and parsed with finite numbers only. Every problem is an
:class:`~mmdecide.errors.InputError` naming the file.

Writing: :func:`atomic_write` writes into a temporary file in the destination's folder, fsyncs
it and renames it over the destination with ``os.replace``, so a crash, a kill or a full disk
leaves either the old file or the complete new one, never a part. The standard library has the
pieces but no such helper (``tempfile`` does not rename; ``pathlib.write_text`` truncates in
place), hence this one.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import InputError, ResourceLimitError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_JSON_DEPTH",
    "atomic_write",
    "atomic_write_text",
    "load_json_file",
    "loads_json",
    "read_text_file",
]

#: The largest user file read (bytes). Digitized curves, effect tables and profiles are a few
#: kilobytes; a patient-level CSV of 100,000 rows is about 2 MB.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: The deepest nesting of brackets accepted in a JSON input (a profile needs 2).
MAX_JSON_DEPTH = 32
#: The most digits accepted in one JSON integer (no field needs more than a few).
MAX_INT_DIGITS = 18


def read_text_file(path: str | Path, what: str = "", max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a UTF-8 file (a byte-order mark is allowed), or InputError naming the file."""
    path = Path(path)
    label = f"{what} {path}".strip() if what else str(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError(label, "file", f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(label, "file", "not a regular file (a device, folder or pipe cannot be read)")
    if st.st_size > max_bytes:
        raise ResourceLimitError(label, "size", f"file is {st.st_size:,} bytes; the limit is {max_bytes:,}")
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(label, "file", f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # grew while we read it
        raise ResourceLimitError(label, "size", f"file is over the limit of {max_bytes:,} bytes")
    return decode_text(data, label)


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 text from bytes; UTF-16/32 and binary data are refused with a clear reason."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(label, "encoding", "UTF-16 text; save the file as UTF-8")
    if b"\x00" in data:
        raise InputError(label, "encoding", "binary data (NUL bytes), not a UTF-8 text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(label, "encoding", f"not UTF-8 text (bad byte at position {exc.start}); "
                         "save the file as UTF-8") from None


def json_depth(text: str) -> int:
    """The deepest bracket nesting of a JSON text, skipping strings (a linear scan, no parse)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows; give a finite number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large to be a finite number")
    return value


def _small_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits is too large (at most {MAX_INT_DIGITS})")
    return int(text)


def loads_json(text: str, label: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON with the depth checked first and finite numbers only; InputError names ``label``."""
    depth = json_depth(text)
    if depth > max_depth:
        raise ResourceLimitError(label, "depth", f"JSON nested {depth} levels deep; the limit is {max_depth}")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float, parse_int=_small_int)
    except json.JSONDecodeError as exc:
        raise InputError(label, "json", f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(label, "finite", f"not usable JSON: {exc}") from None


def load_json_file(path: str | Path, what: str = "", max_bytes: int = 1024 * 1024) -> Any:
    """A JSON file read with :func:`read_text_file` and parsed with :func:`loads_json`."""
    label = f"{what} {path}".strip() if what else str(path)
    return loads_json(read_text_file(path, what, max_bytes), label)


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", private: bool = False,
                 **open_kwargs: Any) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on a clean exit fsync it and rename it over ``path``.

    On any error (including a full disk at flush or fsync) the temporary file is removed and
    ``path`` is untouched. The new file gets the permissions a plain ``open`` would give it, or
    owner-only (0600) when ``private`` (a file of other people's data, such as a database backup).
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        # a device or pipe (/dev/stdout, /dev/full): a stream, not a file to replace
        with path.open(mode, **open_kwargs) as fh:
            yield fh
        return
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600 if private else _default_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`)."""
    with atomic_write(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)


def _default_mode(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets 0666 minus the umask, as ``open`` does."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); best effort where folders cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
